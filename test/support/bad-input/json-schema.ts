/**
 * The parts of OpenAPI 3.1 JSON Schema that the bad-input generators read, `$ref` resolution
 * against the document's components, and the fast-check arbitrary of a value the schema accepts
 * in shape (types, required properties, enums, formats, simple patterns, bounds). Examples in the
 * schema are used as they are, since they were written to pass the API's own checks too.
 */
import fc from "fast-check";

/** A JSON Schema node as the OpenAPI document holds it. */
export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  example?: unknown;
  default?: unknown;
}

/** What `$ref`s point into: `#/components/schemas/<name>`. */
export interface SchemaComponents {
  schemas?: Record<string, JsonSchema>;
}

/** The schema `s` stands for: `$ref`s followed and `allOf` members merged into one object schema. */
export function resolve(s: JsonSchema, components: SchemaComponents): JsonSchema {
  let out = s;
  for (let hops = 0; out.$ref; hops++) {
    if (hops > 20) throw new Error(`$ref cycle at ${out.$ref}`);
    const name = out.$ref.replace("#/components/schemas/", "");
    const target = components.schemas?.[name];
    if (!target) throw new Error(`unresolved $ref ${out.$ref}`);
    out = { ...target, ...(out.example === undefined ? {} : { example: out.example }) };
  }
  if (out.allOf) {
    const parts = out.allOf.map((p) => resolve(p, components));
    return {
      type: "object",
      properties: Object.assign({}, ...parts.map((p) => p.properties ?? {})),
      required: parts.flatMap((p) => p.required ?? []),
      additionalProperties: parts.every((p) => p.additionalProperties === false) ? false : undefined,
    };
  }
  return out;
}

/** The JSON types `s` allows, `null` last (an empty list: any type). */
export function typesOf(s: JsonSchema): string[] {
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? s.type : [s.type];
    return [...types.filter((t) => t !== "null"), ...types.filter((t) => t === "null")];
  }
  if (s.enum) return [...new Set(s.enum.map(jsonType))];
  if (s.properties) return ["object"];
  if (s.items) return ["array"];
  return [];
}

/** The JSON type of a value: `null`, `array`, `object`, `string`, `number` (integers too) or `boolean`. */
export function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v === "bigint" ? "number" : typeof v;
}

/** True when `t` (a JSON type of a value) satisfies the schema type `want`. */
const typeMatches = (t: string, want: string) => t === want || (want === "integer" && t === "number");

/**
 * The branch of a `oneOf`/`anyOf` that `value` was generated from: the first whose type fits
 * and whose enum-valued properties (a discriminator such as `type` or `kind`) hold `value`'s.
 */
export function branchOf(value: unknown, branches: JsonSchema[], components: SchemaComponents): JsonSchema | undefined {
  const t = jsonType(value);
  return branches
    .map((b) => resolve(b, components))
    .find((b) => {
      const types = typesOf(b);
      if (types.length > 0 && !types.some((want) => typeMatches(t, want))) return false;
      if (t !== "object" || !b.properties) return true;
      return Object.entries(b.properties).every(([k, p]) => {
        const r = resolve(p, components);
        const v = (value as Record<string, unknown>)[k];
        return r.enum === undefined || v === undefined || r.enum.includes(v);
      });
    });
}

const LETTERS = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz");

/** A string the schema accepts: its example, a format, a pattern, or letters within the length bounds. */
function stringValue(s: JsonSchema): fc.Arbitrary<string> {
  switch (s.format) {
    case "date":
      return fc
        .date({ min: new Date("2026-01-01T00:00:00Z"), max: new Date("2027-12-31T00:00:00Z"), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10));
    case "date-time":
      return fc.constantFrom("2026-03-01T09:30:00+08:00", "2026-04-02T10:00:00Z");
    case "uuid":
      return fc.uuid({ version: 4 });
    case "uri":
      return fc.constantFrom("https://example.org/evidence/1", "https://example.org/doc");
  }
  const min = Math.max(1, s.minLength ?? 0);
  const max = Math.max(min, Math.min(s.maxLength ?? 16, 16));
  if (s.pattern) {
    return fc
      .stringMatching(new RegExp(s.pattern), { size: "xsmall" })
      .filter((x) => x.length >= (s.minLength ?? 0) && x.length <= (s.maxLength ?? Number.POSITIVE_INFINITY));
  }
  return fc.string({ unit: LETTERS, minLength: min, maxLength: max });
}

/** A number the schema accepts (integers, within its bounds). */
function numberValue(s: JsonSchema): fc.Arbitrary<number> {
  const min = s.minimum ?? (s.exclusiveMinimum === undefined ? 0 : Math.floor(s.exclusiveMinimum) + 1);
  const max = s.maximum ?? (s.exclusiveMaximum === undefined ? min + 1000 : Math.ceil(s.exclusiveMaximum) - 1);
  return fc.integer({ min: Math.ceil(min), max: Math.floor(Math.max(min, max)) });
}

/**
 * An arbitrary of values that `schema` accepts in shape. Objects get their required properties
 * and, with `allMembers`, their optional ones too (else some of them); arrays between their
 * bounds, at least one item and at most three.
 */
export function validValue(
  schema: JsonSchema,
  components: SchemaComponents,
  opts: { allMembers?: boolean } = {},
): fc.Arbitrary<unknown> {
  const s = resolve(schema, components);
  const validValue_ = (child: JsonSchema) => validValue(child, components, opts);
  if (s.example !== undefined) return fc.constant(s.example);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const branches = s.oneOf ?? s.anyOf;
  if (branches) return fc.oneof(...branches.map(validValue_));
  const type = typesOf(s)[0];
  switch (type) {
    case "string":
      return stringValue(s);
    case "integer":
    case "number":
      return numberValue(s);
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array": {
      const minLength = Math.min(Math.max(s.minItems ?? 0, 1), s.maxItems ?? 1);
      const maxLength = Math.max(minLength, Math.min(s.maxItems ?? 3, 3));
      return fc.array(validValue_(s.items ?? {}), { minLength, maxLength });
    }
    case "object": {
      const props = s.properties ?? {};
      const model = Object.fromEntries(Object.entries(props).map(([k, p]) => [k, validValue_(p)]));
      if (opts.allMembers) return fc.record(model);
      return fc.record(model, { requiredKeys: (s.required ?? []).filter((k) => k in props) });
    }
    default:
      return fc.constant("value");
  }
}

/** One place in a generated value: its path from the root, its (resolved) schema and the value there. */
export interface Site {
  path: (string | number)[];
  schema: JsonSchema;
  value: unknown;
  /** The schema here is a union (`oneOf`/`anyOf`); `schema` is the branch the value belongs to. */
  union: boolean;
}

/**
 * Every place in `value` (generated from `schema`) with the schema that governs it, root first.
 * Union members are followed into the branch the value belongs to.
 */
export function sitesOf(value: unknown, schema: JsonSchema, components: SchemaComponents): Site[] {
  const out: Site[] = [];
  const visit = (v: unknown, sch: JsonSchema, path: (string | number)[]) => {
    let s = resolve(sch, components);
    const branches = s.oneOf ?? s.anyOf;
    if (branches) s = branchOf(v, branches, components) ?? {};
    out.push({ path, schema: s, value: v, union: branches !== undefined });
    if (Array.isArray(v)) {
      for (const [i, item] of v.entries()) visit(item, s.items ?? {}, [...path, i]);
    } else if (v !== null && typeof v === "object") {
      for (const [k, child] of Object.entries(v)) visit(child, s.properties?.[k] ?? {}, [...path, k]);
    }
  };
  visit(value, schema, []);
  return out;
}
