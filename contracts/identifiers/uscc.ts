/**
 * Unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters from
 * `0123456789ABCDEFGHJKLMNPQRTUWXY` (no I, O, Z, S, V). Positions: 1 registration authority
 * (登记管理部门代码), 2 category (机构类别代码, allowed per authority), 3–8 the registration
 * authority's administrative division (six digits, a GB/T 2260 code; 100000 national level),
 * 9–17 organisation code (GB 11714), 18 check character. The authority and category table is
 * `data/gb32100-authorities.json`, the division codes `data/gbt2260-divisions.json` (current and
 * historical, since a code keeps the division of its time of issue), each with its source.
 * Check (GB 32100-2015 §5): weights 3^(i-1) mod 31 for i = 1..17, i.e. 1, 3, 9, 27, 19, 26, 16,
 * 17, 20, 29, 25, 13, 8, 24, 10, 30, 28; check = 31 − (Σ value × weight mod 31), where 31 → 0.
 * Lower case is refused: the code is written in capital letters.
 */
import authorities from "./data/gb32100-authorities.json";
import divisions from "./data/gbt2260-divisions.json";

/** The code's alphabet; a character's value is its index. */
export const USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";

const WEIGHTS = Array.from({ length: 17 }, (_, i) => 3 ** i % 31);

/** The check character for the first 17 characters of a code (assumed to be in the alphabet). */
export function usccCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_ALPHABET.indexOf(first17[i]!) * WEIGHTS[i]!;
  const check = (31 - (sum % 31)) % 31;
  return USCC_ALPHABET[check]!;
}

/** Registration authority code → its name and the category codes allowed under it. */
const AUTHORITIES = new Map(
  (
    authorities as { authorities: { code: string; name: string; categories: { code: string; name: string }[] }[] }
  ).authorities.map((a) => [a.code, { name: a.name, categories: new Map(a.categories.map((c) => [c.code, c.name])) }]),
);
/** GB/T 2260 division code → name. */
const DIVISIONS = new Map(
  (divisions as { codes: { code: string; name: string }[] }).codes.map((d) => [d.code, d.name]),
);

/** The pattern of a code, as the OpenAPI document states it (structure and check are checked beyond it). */
export const USCC_PATTERN = "^[0-9A-HJ-NPQRTUWXY]{2}\\d{6}[0-9A-HJ-NPQRTUWXY]{10}$";

/**
 * Why `code` is not a valid unified social credit code, or `null` when it is. Messages name the
 * position of a bad character, an unknown authority, category or division code, and for a wrong
 * check character the expected one.
 */
export function usccProblem(code: string): string | null {
  if (code.length !== 18) return `must be 18 characters, got ${code.length}`;
  for (let i = 0; i < 18; i++) {
    if (!USCC_ALPHABET.includes(code[i]!)) {
      return `character ${i + 1} (${JSON.stringify(code[i])}) is not allowed: use digits and upper-case letters except I, O, Z, S, V`;
    }
  }
  const authority = AUTHORITIES.get(code[0]!);
  if (!authority) {
    return `character 1 (${code[0]}) is not a registration authority code of GB 32100-2015 (${[...AUTHORITIES.keys()].join(", ")})`;
  }
  if (!authority.categories.has(code[1]!)) {
    return `character 2 (${code[1]}) is not a category of authority ${code[0]} (${authority.name}): ${[...authority.categories.keys()].join(", ")}`;
  }
  const division = code.slice(2, 8);
  if (!/^\d{6}$/.test(division)) return `characters 3-8 (${division}) must be six digits (a GB/T 2260 division code)`;
  if (!DIVISIONS.has(division)) return `characters 3-8 (${division}) are not a GB/T 2260 administrative division code`;
  const expected = usccCheckCharacter(code.slice(0, 17));
  if (code[17] !== expected) {
    return `check character is ${code[17]}, expected ${expected} (GB 32100-2015)`;
  }
  return null;
}
