/**
 * Unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters from
 * `0123456789ABCDEFGHJKLMNPQRTUWXY` (no I, O, Z, S, V). Positions: 1 registration authority,
 * 2 organisation type, 3–8 administrative division, 9–17 organisation code, 18 check character.
 * Check (GB 32100-2015 §5): weights 3^(i-1) mod 31 for i = 1..17, i.e. 1, 3, 9, 27, 19, 26, 16,
 * 17, 20, 29, 25, 13, 8, 24, 10, 30, 28; check = 31 − (Σ value × weight mod 31), where 31 → 0.
 */

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

/**
 * Why `code` is not a valid unified social credit code, or `null` when it is. Messages name the
 * position of a bad character and, for a wrong check character, the expected one.
 */
export function usccProblem(code: string): string | null {
  if (code.length !== 18) return `must be 18 characters, got ${code.length}`;
  for (let i = 0; i < 18; i++) {
    if (!USCC_ALPHABET.includes(code[i]!)) {
      return `character ${i + 1} (${JSON.stringify(code[i])}) is not allowed: use digits and upper-case letters except I, O, Z, S, V`;
    }
  }
  const expected = usccCheckCharacter(code.slice(0, 17));
  if (code[17] !== expected) {
    return `check character is ${code[17]}, expected ${expected} (GB 32100-2015)`;
  }
  return null;
}
