/**
 * Customs declaration numbers (报关单号): 18 digits = declaring customs office code (4) + year
 * (4) + import/export flag (1: 1 import, 0 export) + sequence (9). README, customs direct clearance.
 */

/** The parts of a declaration number. */
export interface DeclarationNumberParts {
  office: string;
  year: number;
  direction: "import" | "export";
  sequence: string;
}

/** The parts of an 18-digit number, or `null` when it is not 18 digits with a 0/1 flag. */
export function parseDeclarationNumber(n: string): DeclarationNumberParts | null {
  const m = /^(\d{4})(\d{4})([01])(\d{9})$/.exec(n);
  if (!m) return null;
  return { office: m[1]!, year: Number(m[2]), direction: m[3] === "1" ? "import" : "export", sequence: m[4]! };
}

/** Builds a number from its parts (`sequence` left-padded with zeros to 9 digits). */
export function formatDeclarationNumber(p: {
  office: string;
  year: number;
  direction: "import" | "export";
  sequence: number;
}): string {
  return `${p.office}${p.year}${p.direction === "import" ? 1 : 0}${String(p.sequence).padStart(9, "0")}`;
}
