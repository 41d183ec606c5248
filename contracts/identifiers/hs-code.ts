/**
 * Commodity codes: China's customs tariff uses 10 digits, the 6-digit Harmonized System
 * (WCO HS Nomenclature 2022) plus 2 national tariff digits and 2 supervision digits (README, customs direct clearance).
 * HS chapters run 01–97; chapter 77 is reserved for future use and holds no goods.
 */

/** Why `code` is not a 10-digit commodity code in a used HS chapter, or `null` when it is. */
export function hsCodeProblem(code: string): string | null {
  if (!/^\d{10}$/.test(code)) return `must be 10 digits (HS 6 + 4 national digits), got ${JSON.stringify(code)}`;
  const chapter = Number(code.slice(0, 2));
  if (chapter < 1 || chapter > 97) return `chapter ${code.slice(0, 2)} does not exist (HS chapters are 01–97)`;
  if (chapter === 77) return "chapter 77 is reserved in the HS and holds no goods";
  return null;
}
