/**
 * Checks that a value survives a round trip through PostgreSQL jsonb unchanged. jsonb refuses
 * `\u0000` (PostgreSQL: "unsupported Unicode escape sequence") and a lone UTF-16 surrogate is not
 * valid Unicode (RFC 8259 §8.2: interoperability is undefined), so both are refused here, in keys
 * and values, before the database sees them.
 */

/** Where a value is not storable, and why: a JSON pointer into it and the reason. */
export class UnsafeJsonError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path || "/"}: ${reason}`);
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `s` cannot be stored, or `null` when it can. */
export function unsafeStringReason(s: string): string | null {
  if (s.includes("\u0000")) return "contains the NUL character \\u0000, which PostgreSQL jsonb cannot store";
  if (LONE_SURROGATE.test(s)) return "contains a lone UTF-16 surrogate (not valid Unicode)";
  return null;
}

const pointerToken = (k: string | number) => String(k).replace(/~/g, "~0").replace(/\//g, "~1");

/**
 * Throws UnsafeJsonError naming the JSON pointer of the first offending key or value.
 * Accepts plain JSON: objects, arrays, strings, finite numbers, booleans, null. Depth ≤ 64.
 */
export function assertJsonSafe(value: unknown, path = "", depth = 0): void {
  if (depth > 64) throw new UnsafeJsonError(path, "nested deeper than 64 levels");
  if (value === null || typeof value === "boolean") return;
  if (typeof value === "string") {
    const reason = unsafeStringReason(value);
    if (reason) throw new UnsafeJsonError(path, reason);
    return;
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new UnsafeJsonError(path, "number is not finite");
    return;
  }
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) assertJsonSafe(v, `${path}/${i}`, depth + 1);
    return;
  }
  if (typeof value === "object") {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) throw new UnsafeJsonError(path, "not a plain JSON object");
    for (const [k, v] of Object.entries(value)) {
      const reason = unsafeStringReason(k);
      if (reason) throw new UnsafeJsonError(`${path}/${pointerToken(k)}`, `key ${reason}`);
      if (v !== undefined) assertJsonSafe(v, `${path}/${pointerToken(k)}`, depth + 1);
    }
    return;
  }
  throw new UnsafeJsonError(path, `a ${typeof value} is not JSON`);
}
