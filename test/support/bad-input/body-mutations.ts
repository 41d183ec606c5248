/**
 * Mutations of a JSON request body: each takes a valid-shaped base and breaks exactly one thing,
 * chosen from the body's schema (a required member removed, a wrong type, a number sent as a
 * string, an unknown or prototype-named member, a huge string or array, deep nesting, `\u0000`
 * or a lone surrogate, bytes that are not UTF-8, a wrong media type, an oversized or malformed
 * text). A mutation returns `null` for a base it cannot apply to (e.g. no numeric member).
 */
import fc from "fast-check";
import { type JsonSchema, jsonType, type SchemaComponents, type Site, sitesOf, typesOf } from "./json-schema";
import {
  type BadInput,
  type BaseRequest,
  badInput,
  defineOwn,
  deleteAt,
  jsonBytes,
  pointerOf,
  rawInString,
  rawValue,
  setAt,
  toWire,
} from "./wire";

/** One body mutation: a name and the arbitrary of its bad inputs for a base. */
export interface Mutation {
  kind: string;
  /** The bad inputs for `base`, or `null` when the mutation does not apply to it. */
  apply(base: BaseRequest): fc.Arbitrary<BadInput> | null;
}

/** What body mutations know about the operation. */
export interface BodyContext {
  schema: JsonSchema;
  components: SchemaComponents;
  /** Largest JSON body the API takes, in bytes. */
  limitBytes: number;
}

const pick = <T>(items: T[]): fc.Arbitrary<T> | null => (items.length ? fc.constantFrom(...items) : null);
const ptr = (path: (string | number)[]) => pointerOf("body", path);
const isObject = (s: Site) => s.value !== null && typeof s.value === "object" && !Array.isArray(s.value);
const isString = (s: Site) => typeof s.value === "string";

/** The base with its body replaced, sent as `application/json`. */
function withBody(base: BaseRequest, body: unknown, raw: Buffer[] = []): BadInput["request"] {
  return toWire(base, { body: jsonBytes(body, raw) });
}

/** The base without a body (nor a Content-Type). */
function withoutBody(base: BaseRequest): BadInput["request"] {
  const { "Content-Type": _, ...headers } = toWire(base).headers;
  return { ...toWire(base), headers, body: undefined };
}

/** True when the API's JSON parser (objects and arrays only) refuses `text`. */
function malformed(text: string): boolean {
  try {
    const v = JSON.parse(text);
    return v === null || typeof v !== "object";
  } catch {
    return true;
  }
}

const OTHER_TYPE_VALUES: unknown[] = ["text", 12345, true, null, { x: 1 }, [1]];

/** The body mutations of an operation whose body has JSON schema `ctx.schema`. */
export function bodyMutations(ctx: BodyContext): Mutation[] {
  const sites = (base: BaseRequest) => sitesOf(base.body, ctx.schema, ctx.components);
  const mutation = (kind: string, apply: Mutation["apply"]): Mutation => ({
    kind,
    apply: (base) => {
      const unions = sites(base)
        .filter((s) => s.union)
        .map((s) => ptr(s.path));
      return apply(base)?.map((bad) => Object.assign(bad, { unions })) ?? null;
    },
  });

  return [
    mutation("body: required member missing", (base) => {
      const choices: { path: (string | number)[] | null }[] = sites(base)
        .filter(isObject)
        .flatMap((s) =>
          (s.schema.required ?? [])
            .filter((k) => k in (s.value as object))
            .map((k) => ({ path: [...s.path, k] as (string | number)[] })),
        );
      // No body at all, when the body has required members.
      const root = sites(base)[0];
      if (root && isObject(root) && (root.schema.required?.length ?? 0) > 0) choices.push({ path: null });
      return (
        pick(choices)?.map(({ path }) =>
          path === null
            ? badInput({
                kind: "body: required member missing",
                what: "no body",
                request: withoutBody(base),
                pointer: "/body",
              })
            : badInput({
                kind: "body: required member missing",
                what: `${ptr(path)} removed`,
                request: withBody(base, deleteAt(base.body, path)),
                pointer: ptr(path),
              }),
        ) ?? null
      );
    }),

    mutation("body: wrong type", (base) => {
      const choices = sites(base).flatMap((s) => {
        const allowed = typesOf(s.schema);
        if (allowed.length === 0) return [];
        const fits = (v: unknown) => {
          const t = jsonType(v);
          return allowed.includes(t) || (t === "number" && allowed.includes("integer"));
        };
        return OTHER_TYPE_VALUES.filter((v) => !fits(v)).map((v) => ({ site: s, v }));
      });
      return (
        pick(choices)?.map(({ site, v }) =>
          badInput({
            kind: "body: wrong type",
            what: `${ptr(site.path)} ← ${JSON.stringify(v)}`,
            request: withBody(base, setAt(base.body, site.path, v)),
            // (A scalar root is refused by the JSON parser: 400 malformed-json, no field named.)
            pointer: ptr(site.path),
          }),
        ) ?? null
      );
    }),

    mutation("body: number as a string", (base) => {
      const numeric = sites(base).filter((s) => typeof s.value === "number");
      return (
        pick(numeric)?.map((s) =>
          badInput({
            kind: "body: number as a string",
            what: `${ptr(s.path)} ← "${s.value}"`,
            request: withBody(base, setAt(base.body, s.path, String(s.value))),
            pointer: ptr(s.path),
          }),
        ) ?? null
      );
    }),

    mutation("body: unknown member", (base) => {
      const objects = sites(base).filter(isObject);
      if (!objects.length) return null;
      return fc
        .tuple(
          fc.constantFrom(...objects),
          fc.constantFrom("unexpected", "extra", "isAdmin", "role", "zz_unknown"),
          fc.constantFrom<unknown>(1, "x", true, null, {}),
        )
        .filter(([s, key]) => !(key in (s.schema.properties ?? {})))
        .map(([s, key, v]) => {
          const body = setAt(base.body, [...s.path, key], v);
          return badInput({
            kind: "body: unknown member",
            what: `${ptr([...s.path, key])} added`,
            request: withBody(base, body),
            pointer: ptr([...s.path, key]),
          });
        });
    }),

    mutation("body: __proto__, constructor or prototype member", (base) => {
      const objects = sites(base).filter(isObject);
      if (!objects.length) return null;
      return fc
        .tuple(
          fc.constantFrom(...objects),
          fc.constantFrom("__proto__", "constructor", "prototype"),
          fc.constantFrom<unknown>({ isAdmin: true }, { toString: "x" }, "x", 1, null),
        )
        .map(([s, key, v]) => {
          const body = setAt(base.body, s.path, { ...(s.value as object) });
          const target = s.path.reduce<Record<string | number, unknown>>(
            (node, seg) => node[seg] as Record<string | number, unknown>,
            body as Record<string | number, unknown>,
          );
          defineOwn(target, key, v);
          return badInput({
            kind: "body: __proto__, constructor or prototype member",
            what: `${ptr([...s.path, key])} ← ${JSON.stringify(v)}`,
            request: withBody(base, body),
            pointer: ptr([...s.path, key]),
          });
        });
    }),

    mutation("body: huge string", (base) => {
      const strings = sites(base).filter(isString);
      const targets = strings.length ? strings : sites(base);
      return fc
        .tuple(fc.constantFrom(...targets), fc.integer({ min: 100_000, max: 300_000 }), fc.constantFrom("x", "中", " "))
        .map(([s, n, ch]) =>
          badInput({
            kind: "body: huge string",
            what: `${ptr(s.path)} ← ${n} × ${JSON.stringify(ch)}`,
            request: withBody(base, setAt(base.body, s.path, ch.repeat(n))),
            statuses: [400, 413],
            pointer: ptr(s.path),
          }),
        );
    }),

    mutation("body: huge array", (base) => {
      const arrays = sites(base).filter((s) => Array.isArray(s.value));
      const targets = arrays.length ? arrays : sites(base);
      return fc.tuple(fc.constantFrom(...targets), fc.integer({ min: 1_000, max: 100_000 })).map(([s, n]) => {
        const item = Array.isArray(s.value) && s.value.length ? s.value[0] : 0;
        // At most about 2 MB of JSON: past the limit either way, and quick to build.
        const count = Math.min(n, Math.floor(2_000_000 / (JSON.stringify(item).length + 1)));
        return badInput({
          kind: "body: huge array",
          what: `${ptr(s.path)} ← ${count} items`,
          request: withBody(base, setAt(base.body, s.path, new Array(count).fill(item))),
          statuses: [400, 413],
          pointer: ptr(s.path),
        });
      });
    }),

    mutation("body: deep nesting", (base) =>
      fc
        .tuple(
          fc.constantFrom(...sites(base)),
          fc.oneof(fc.integer({ min: 65, max: 500 }), fc.constantFrom(10_000, 100_000)),
          fc.constantFrom("array", "object"),
        )
        .map(([s, depth, shape]) => {
          const nested =
            shape === "array"
              ? `${"[".repeat(depth)}${"]".repeat(depth)}`
              : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
          return badInput({
            kind: "body: deep nesting",
            what: `${ptr(s.path)} ← ${shape}s ${depth} deep`,
            request: withBody(base, setAt(base.body, s.path, rawValue(0)), [Buffer.from(nested)]),
            statuses: [400, 413],
          });
        }),
    ),

    mutation("body: \\u0000 or lone surrogate", (base) => {
      const strings = sites(base).filter(isString);
      const objects = sites(base).filter(isObject);
      const bad = fc.constantFrom("\u0000", "\ud800", "\udfff", "\udc00\ud800");
      if (strings.length) {
        return fc.tuple(fc.constantFrom(...strings), bad, fc.nat()).map(([s, ch, at]) => {
          const v = s.value as string;
          const i = at % (v.length + 1);
          return badInput({
            kind: "body: \\u0000 or lone surrogate",
            what: `${ptr(s.path)} ← ${JSON.stringify(v.slice(0, i) + ch + v.slice(i))}`,
            request: withBody(base, setAt(base.body, s.path, v.slice(0, i) + ch + v.slice(i))),
            pointer: ptr(s.path),
          });
        });
      }
      if (!objects.length) return null;
      // No string member: the bad characters go into a member name.
      return fc.tuple(fc.constantFrom(...objects), bad).map(([s, ch]) =>
        badInput({
          kind: "body: \\u0000 or lone surrogate",
          what: `member ${JSON.stringify(`k${ch}`)} added at ${ptr(s.path)}`,
          request: withBody(base, setAt(base.body, [...s.path, `k${ch}`], 1)),
          pointer: ptr([...s.path, `k${ch}`]),
        }),
      );
    }),

    mutation("body: invalid UTF-8", (base) => {
      const strings = sites(base).filter(isString);
      const objects = sites(base).filter(isObject);
      const bytes = fc.constantFrom(
        [0xff],
        [0xfe],
        [0x80],
        [0xc3, 0x28],
        [0xc0, 0xaf],
        [0xe2, 0x82],
        [0xed, 0xa0, 0x80],
        [0xf4, 0x90, 0x80, 0x80],
      );
      const targets = strings.length ? strings : objects;
      if (!targets.length) return null;
      return fc.tuple(fc.constantFrom(...targets), bytes).map(([s, b]) => {
        const body = isString(s)
          ? setAt(base.body, s.path, `${s.value as string}${rawInString(0)}`)
          : setAt(base.body, [...s.path, `k${rawInString(0)}`], 1);
        return badInput({
          kind: "body: invalid UTF-8",
          what: `bytes ${Buffer.from(b).toString("hex")} in ${isString(s) ? ptr(s.path) : `a member name at ${ptr(s.path)}`}`,
          request: withBody(base, body, [Buffer.from(b)]),
          statuses: [400],
        });
      });
    }),

    mutation("body: wrong Content-Type", (base) =>
      fc
        .constantFrom(
          "text/plain",
          "text/plain; charset=utf-8",
          "application/x-www-form-urlencoded",
          "multipart/form-data; boundary=x",
          "application/xml",
          "text/csv",
          "application/octet-stream",
          "application/json; charset=latin1",
          "application/jsonx",
          "json",
        )
        .map((type) =>
          badInput({
            kind: "body: wrong Content-Type",
            what: `Content-Type: ${type}`,
            request: toWire(base, { headers: { "Content-Type": type } }),
            statuses: [415],
          }),
        ),
    ),

    mutation("body: over the size limit", (base) =>
      fc.integer({ min: ctx.limitBytes + 1, max: ctx.limitBytes * 4 }).map((size) => {
        const json = jsonBytes(base.body);
        // Whitespace after the value: still valid JSON, only too large.
        const body = Buffer.concat([json, Buffer.alloc(Math.max(0, size - json.length), " ")]);
        return badInput({
          kind: "body: over the size limit",
          what: `${body.length} bytes`,
          request: toWire(base, { body }),
          statuses: [413],
        });
      }),
    ),

    mutation("body: malformed JSON", (base) => {
      const text = JSON.stringify(base.body);
      return fc
        .oneof(
          fc.integer({ min: 1, max: Math.max(1, text.length - 1) }).map((n) => text.slice(0, n)),
          fc.constantFrom(
            `${text}}`,
            `${text}x`,
            `${text}${text}`,
            text.replace('"', "'"),
            `/* comment */${text}`,
            text.replace(/}$/, ",}"),
            '"just a string"',
            "123",
            "null",
            "true",
            "NaN",
            "{a:1}",
            "{",
            "[",
          ),
        )
        .filter(malformed)
        .map((bad) =>
          badInput({
            kind: "body: malformed JSON",
            what: JSON.stringify(bad.length > 80 ? `${bad.slice(0, 80)}…` : bad),
            request: toWire(base, { body: Buffer.from(bad, "utf8") }),
            statuses: [400],
          }),
        );
    }),
  ];
}
