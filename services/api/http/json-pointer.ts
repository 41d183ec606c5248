/**
 * JSON pointers (RFC 6901) for field-level errors: zod issue paths become pointers into the
 * request, prefixed with where the value came from (`/body/title`, `/query/limit`).
 */
import type { z } from "zod";

/** One field-level error as RFC 9457 `errors[]` members carry it. */
export interface FieldError {
  /** RFC 6901 JSON pointer into the request, e.g. `/body/items/0/name`. */
  pointer: string;
  detail: string;
}

/** Escapes one reference token (`~` → `~0`, `/` → `~1`, RFC 6901 §3). */
export const escapePointerToken = (token: PropertyKey): string =>
  String(token).replace(/~/g, "~0").replace(/\//g, "~1");

/** A JSON pointer from path segments: `["body", "items", 0]` → `/body/items/0`; `[]` → `""` (the whole document). */
export function toJsonPointer(segments: readonly PropertyKey[]): string {
  return segments.map((s) => `/${escapePointerToken(s)}`).join("");
}

/**
 * Field errors for every issue of a zod error, pointers prefixed with `prefix` segments
 * (e.g. `["body"]`). An unknown key of a strict object is reported at the key itself.
 */
export function fieldErrorsFromZod(error: z.ZodError, prefix: readonly PropertyKey[] = []): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) out.push({ pointer: toJsonPointer([...path, key]), detail: "unknown field" });
    } else if (issue.code === "invalid_type" && /received undefined$/.test(issue.message)) {
      // zod says "expected string, received undefined": the member is simply missing.
      out.push({ pointer: toJsonPointer(path), detail: `required (${issue.expected})` });
    } else {
      out.push({ pointer: toJsonPointer(path), detail: issue.message });
    }
  }
  return out;
}
