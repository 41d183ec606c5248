/**
 * Mutations of the parts of a request other than its body: query parameters (unknown, missing
 * when required, invalid for their schema, repeated, huge, with `\u0000`), path parameters
 * (traversal, `%00`, malformed percent-encoding, encoded lone surrogates, very long, not the
 * identifier's form) and the `If-Match` and `Idempotency-Key` headers.
 */
import fc from "fast-check";
import type { Mutation } from "./body-mutations";
import type { JsonSchema } from "./json-schema";
import type { Operation, OperationParameter } from "./openapi-operations";
import { badInput, pointerOf, toWire } from "./wire";

/** Values that break `s` by construction (its type, enum, format, pattern or bounds), plus ones that break any. */
export function invalidQueryValues(s: JsonSchema): string[] {
  const out = ["\u0000", "x\u0000", "x".repeat(5000)];
  const types = Array.isArray(s.type) ? s.type : [s.type];
  if (types.includes("integer") || types.includes("number")) {
    out.push("abc", "NaN", "Infinity", "1e400", "0x10", "1e2", " 12");
    if ((s.minimum ?? Number.NEGATIVE_INFINITY) > 0) out.push("");
    if (types.includes("integer")) out.push("1.5");
    if (s.maximum !== undefined) out.push(String(s.maximum + 1));
    if (s.minimum !== undefined) out.push(String(s.minimum - 1));
  }
  if (s.enum) out.push("not-a-value", `${String(s.enum[0])}x`, `${String(s.enum[0]).toUpperCase()}_`);
  if (s.format === "date") out.push("2026-02-30", "2026-13-01", "yesterday", "20260101", "2026-1-1");
  if (s.format === "date-time") out.push("not-a-time", "2026-03-01T25:00:00Z");
  if (s.format === "uuid") out.push("not-a-uuid", "00000000-0000-0000-0000");
  if (s.pattern) out.push("!!", " ");
  if (s.maxLength !== undefined) out.push("x".repeat(s.maxLength + 1));
  if (s.minLength !== undefined && s.minLength > 0) out.push("");
  return out.filter((v) => !acceptsString(s, v) || v.includes("\u0000"));
}

/** True when the plain schema rules of `s` admit the string `v` (used to drop candidates that are valid). */
function acceptsString(s: JsonSchema, v: string): boolean {
  if (s.enum && !s.enum.map(String).includes(v)) return false;
  if (s.pattern && !new RegExp(s.pattern).test(v)) return false;
  if (s.maxLength !== undefined && v.length > s.maxLength) return false;
  if (s.minLength !== undefined && v.length < s.minLength) return false;
  const types = Array.isArray(s.type) ? s.type : [s.type];
  if (types.includes("integer") && !/^-?\d+$/.test(v)) return false;
  if (types.includes("number") && !/^-?\d+(\.\d+)?$/.test(v)) return false;
  if (s.format) return false;
  return true;
}

/** Path parameter values that are no identifier of any kind here: traversal, NUL, bad escapes, too long. */
export const INVALID_PATH_SEGMENTS = [
  "%2E%2E",
  "%2e%2e%2F%2e%2e%2Fetc%2Fpasswd",
  "%00",
  "%ZZ",
  "%",
  "%ED%A0%80",
  "%C0%AF",
  "%FF",
  "not_an_id!",
  "%20",
  "a%2Fb",
  "-1",
  "%3Cscript%3E",
  "%27%3B%20DROP%20TABLE%20events%3B--",
];

const UNKNOWN_QUERY_NAMES = ["unexpected", "debug", "admin", "__proto__", "constructor", "include", "sort", "x"];

/** The query, path and header mutations that apply to `op`. */
export function requestMutations(op: Operation): Mutation[] {
  const query = op.parameters.filter((p) => p.in === "query");
  const path = op.parameters.filter((p) => p.in === "path");
  const header = (name: string) => op.parameters.find((p) => p.in === "header" && p.name.toLowerCase() === name);
  const out: Mutation[] = [];
  const declared = new Set(query.map((p) => p.name));

  out.push({
    kind: "query: unknown parameter",
    apply: (base) =>
      fc
        .tuple(
          fc.constantFrom(...UNKNOWN_QUERY_NAMES.filter((n) => !declared.has(n))),
          fc.constantFrom("1", "true", "x", ""),
        )
        .map(([name, value]) =>
          badInput({
            kind: "query: unknown parameter",
            what: `?${name}=${value}`,
            request: toWire(base, { queryPairs: [...Object.entries(base.query), [name, value]] }),
            statuses: [400],
            pointer: pointerOf("query", [name]),
          }),
        ),
  });

  const required = query.filter((p) => p.required);
  if (required.length) {
    out.push({
      kind: "query: required parameter missing",
      apply: (base) =>
        fc.constantFrom(...required).map((p) =>
          badInput({
            kind: "query: required parameter missing",
            what: `no ${p.name}`,
            request: toWire(base, { queryPairs: Object.entries(base.query).filter(([k]) => k !== p.name) }),
            pointer: pointerOf("query", [p.name]),
          }),
        ),
    });
  }

  if (query.length) {
    out.push({
      kind: "query: invalid value",
      apply: (base) =>
        fc
          .constantFrom(...query)
          .chain((p: OperationParameter) =>
            fc.oneof(
              fc.constantFrom(...invalidQueryValues(p.schema)).map((v) => ({ p, pairs: [[p.name, v]] })),
              // Repeated: the parser makes it an array, which no parameter here takes.
              fc.constant({
                p,
                pairs: [
                  [p.name, base.query[p.name] ?? "1"],
                  [p.name, base.query[p.name] ?? "2"],
                ],
              }),
            ),
          )
          .map(({ p, pairs }) => {
            const rest = Object.entries(base.query).filter(([k]) => k !== p.name);
            const what = pairs.map(([k, v]) => `${k}=${JSON.stringify(v!.length > 40 ? `${v!.slice(0, 40)}…` : v)}`);
            return badInput({
              kind: "query: invalid value",
              what: what.join("&"),
              request: toWire(base, { queryPairs: [...rest, ...(pairs as [string, string][])] }),
              pointer: pointerOf("query", [p.name]),
            });
          }),
    });
  }

  if (path.length) {
    out.push({
      kind: "path: invalid parameter",
      apply: (base) =>
        fc
          .tuple(
            fc.constantFrom(...path),
            fc.oneof(
              fc.constantFrom(...INVALID_PATH_SEGMENTS),
              fc.integer({ min: 300, max: 5000 }).map((n) => "x".repeat(n)),
              fc.constant(null),
            ),
          )
          .map(([p, v]) => {
            // null: the valid value with a NUL appended.
            const value = v ?? `${base.params[p.name]}%00`;
            return badInput({
              kind: "path: invalid parameter",
              what: `${p.name} = ${value.length > 60 ? `${value.slice(0, 60)}… (${value.length})` : value}`,
              request: toWire(base, { params: { [p.name]: value } }),
              pointer: pointerOf("params", [p.name]),
            });
          }),
    });
  }

  const ifMatch = header("if-match");
  if (ifMatch) {
    const values: (string | null)[] = [
      "3",
      '"abc"',
      'W/"0"',
      '"88888", W/"0"',
      '"99999999999999999"',
      '"-1"',
      "x".repeat(5000),
    ];
    // `*` (any current version) is refused only where If-Match is required (a blind overwrite);
    // where it is optional, as on milestones, it is the same as sending none.
    if (ifMatch.required) values.push(null, "", "*");
    out.push({
      kind: "header: bad If-Match",
      apply: (base) =>
        fc.constantFrom(...values).map((v) => {
          const wire = toWire(base);
          if (v === null) delete wire.headers["If-Match"];
          else wire.headers["If-Match"] = v;
          return badInput({
            kind: "header: bad If-Match",
            what: v === null ? "no If-Match" : `If-Match: ${v.slice(0, 60)}`,
            request: wire,
            statuses: v === null || v === "" ? [428] : undefined,
          });
        }),
    });
  }

  if (header("idempotency-key")) {
    out.push({
      kind: "header: bad Idempotency-Key",
      apply: (base) =>
        fc
          .oneof(
            fc.constantFrom("", '"unterminated', "has space", "é-key", '"bad \\q escape"', '""'),
            fc.integer({ min: 256, max: 4000 }).map((n) => "k".repeat(n)),
          )
          .map((v) =>
            badInput({
              kind: "header: bad Idempotency-Key",
              what: `Idempotency-Key: ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}… (${v.length})` : v)}`,
              request: toWire(base, { headers: { "Idempotency-Key": v } }),
              statuses: [400],
            }),
          ),
    });
  }
  return out;
}
