/**
 * The valid-shaped request every mutation starts from, built from the operation's OpenAPI
 * description: path parameters naming existing resources (from fixtures), the required query
 * parameters, `If-Match` (the current ETag, filled in when sent) and a fresh `Idempotency-Key`
 * when the operation declares them, and a body with every member its schema lists.
 */
import fc from "fast-check";
import type { Mutation } from "./body-mutations";
import { bodyMutations } from "./body-mutations";
import { type SchemaComponents, validValue } from "./json-schema";
import type { Operation } from "./openapi-operations";
import { requestMutations } from "./request-mutations";
import { uploadMutations } from "./upload-mutations";
import { type BaseRequest, CURRENT_ETAG } from "./wire";

/** What the base needs that the document cannot say: ids of existing resources and a valid upload. */
export interface BaseFixtures {
  /** A value for each path parameter name (not encoded). */
  params: Record<string, string>;
  /** A file the upload operations would accept. */
  upload: { bytes: Buffer; contentType: string };
}

/** Limits the API enforces on bodies, in bytes. */
export interface BodyLimits {
  json: number;
  upload: number;
}

/** The arbitrary of valid-shaped requests for `op`. */
export function baseRequest(op: Operation, components: SchemaComponents, fx: BaseFixtures): fc.Arbitrary<BaseRequest> {
  const params: Record<string, string> = {};
  for (const p of op.parameters.filter((x) => x.in === "path")) {
    const value = fx.params[p.name];
    if (value === undefined) throw new Error(`no fixture for path parameter ${p.name} of ${op.key}`);
    params[p.name] = encodeURIComponent(value);
  }
  const query = Object.fromEntries(
    op.parameters
      .filter((p) => p.in === "query" && p.required)
      .map((p) => [p.name, validValue(p.schema, components).map(String)] as const),
  );
  const headers: Record<string, fc.Arbitrary<string>> = {};
  for (const p of op.parameters.filter((x) => x.in === "header")) {
    const name = p.name.toLowerCase();
    if (name === "if-match") headers["If-Match"] = fc.constant(CURRENT_ETAG);
    else if (name === "idempotency-key") headers["Idempotency-Key"] = fc.uuid({ version: 4 }).map((u) => `"${u}"`);
    else if (p.required) headers[p.name] = validValue(p.schema, components).map(String);
  }
  const json = op.body?.jsonSchema;
  return fc.record({
    params: fc.constant(params),
    query: fc.record(query),
    headers: fc.record(headers),
    body: json ? validValue(json, components, { allMembers: true }) : fc.constant(undefined),
    upload: fc.constant(op.body && !json ? fx.upload : undefined),
  });
}

/** Every mutation that applies to `op`, judged from its description. */
export function mutationsFor(op: Operation, components: SchemaComponents, limits: BodyLimits): Mutation[] {
  const out: Mutation[] = [];
  if (op.body?.jsonSchema)
    out.push(...bodyMutations({ schema: op.body.jsonSchema, components, limitBytes: limits.json }));
  else if (op.body) {
    const xlsxType = op.body.mediaTypes.find((t) => t.includes("spreadsheet")) ?? "application/octet-stream";
    out.push(...uploadMutations({ limitBytes: limits.upload, xlsxType }));
  }
  out.push(...requestMutations(op));
  return out;
}
