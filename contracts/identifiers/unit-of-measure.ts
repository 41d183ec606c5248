/**
 * Units of quantity: the common codes of UN/ECE Recommendation 20 (Codes for Units of Measure
 * Used in International Trade), Revision 17, shipped as `data/unece-rec20-units.json` with the
 * copy it was read from. Codes the list marks as deleted (status `X`) are refused; deprecated ones
 * (`D`) are accepted. Recommendation 21 packaging codes (`X` + a packaging code) are not units of
 * quantity here. A piece is `H87` (there is no `PCE`).
 */
import units from "./data/unece-rec20-units.json";

interface UnitEntry {
  code: string;
  name: string;
  status: string;
}

const UNITS = new Map((units as { codes: UnitEntry[] }).codes.map((u) => [u.code, u]));

/** Why `code` is not an accepted Recommendation 20 unit code, or `null` when it is. */
export function unitProblem(code: string): string | null {
  const unit = UNITS.get(code);
  if (!unit)
    return `${JSON.stringify(code)} is not a UN/ECE Recommendation 20 unit code (e.g. KGM kilogram, TNE tonne, H87 piece)`;
  if (unit.status === "X") return `${code} (${unit.name}) is marked as deleted in UN/ECE Recommendation 20`;
  return null;
}

/** The unit's name in Recommendation 20, or undefined. */
export const unitName = (code: string): string | undefined => UNITS.get(code)?.name;
