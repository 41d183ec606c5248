/**
 * The document and the server agree, property-based (fast-check, fixed seed), on the product app
 * over real PostgreSQL. For EVERY operation of the served OpenAPI document and EVERY role (and no
 * token):
 * - requests built from the operation's description (test/support/bad-input/base-request.ts) and
 *   each of its one-mutation variants get a status the document lists for that operation, and a
 *   JSON body that validates (Ajv, JSON Schema 2020-12) against the schema documented for that
 *   status and media type; every documented response header the answer must carry
 *   (X-Request-Id, RateLimit, Location on 201, ETag and Cache-Control on a GET's 200) is there;
 * - for the roles the operation allows, the documented example body (an operation with one) is
 *   not refused for a reason the document does not state: its answer is a documented success,
 *   or a documented refusal other than 400 `validation-failed`.
 * `CONTRACT_RUNS` (default 2) sets the runs per operation, role and mutation.
 */
import { readFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import type { Express } from "express";
import fc from "fast-check";
import request from "supertest";
import { reformTaskStream } from "../../contracts/reform-tasks/events";
import { ROLES, type Role } from "../../services/api/auth/principal";
import type { ReadSide } from "../../services/api/read-side";
import { seedEditions } from "../../services/reference-data/edition-seed";
import { SEED_LIST } from "../../services/reform-tasks/seed";
import { MEDIA_TYPES } from "../../services/reform-tasks/task-list-file";
import { as, ENTERPRISE_A, tokenFor } from "../support/auth";
import { type BaseFixtures, baseRequest, mutationsFor } from "../support/bad-input/base-request";
import type { SchemaComponents } from "../support/bad-input/json-schema";
import { type OpenApiLike, type Operation, operationsOf } from "../support/bad-input/openapi-operations";
import {
  type BaseRequest,
  CURRENT_ETAG,
  closeConnections,
  send,
  toWire,
  type WireRequest,
  type WireResponse,
} from "../support/bad-input/wire";
import { serverDatabase, type TestDatabase } from "../support/databases";
import { directExportLodgement } from "../support/declarations";
import { outboundMillFiling } from "../support/filings";
import { ALLOWED } from "../support/operation-roles";
import { productApp } from "../support/product-app";
import { taskPlanBody } from "../support/reform-tasks";

const SEED = 20_261_204;
const RUNS = Number(process.env.CONTRACT_RUNS ?? 2);
const LIMITS = { json: 256 * 1024, upload: 5 * 1024 * 1024 };

type DocResponse = {
  headers?: Record<string, unknown>;
  content?: Record<string, { schema?: unknown }>;
};
type DocOperation = {
  responses: Record<string, DocResponse>;
  requestBody?: { content?: Record<string, { schema?: { $ref?: string; example?: unknown } }> };
};
type Doc = OpenApiLike & {
  paths: Record<string, Record<string, DocOperation>>;
  components: Record<string, Record<string, unknown>>;
};

function seedOf(text: string): number {
  let h = SEED;
  for (const ch of text) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return h & 0x7fffffff;
}

describe("the OpenAPI document and the server agree (property-based, PostgreSQL)", () => {
  let t: TestDatabase;
  let app: Express;
  let readSide: ReadSide;
  let server: Server;
  let port: number;
  let doc: Doc;
  let fixtures: BaseFixtures;
  let ajv: Ajv2020;
  const tokens = new Map<Role, string>();
  const answered = new Map<string, number>();
  const validators = new Map<string, ValidateFunction>();

  beforeAll(async () => {
    t = await serverDatabase();
    const product = await productApp(t, { rateLimitPerMinute: 100_000 });
    ({ app, readSide } = product);
    server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    port = (server.address() as AddressInfo).port;
    doc = (await request(server).get("/openapi.json").expect(200)).body;
    for (const role of ROLES) tokens.set(role, await tokenFor(role));
    ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: "doc", components: doc.components });

    await seedEditions(product.store);
    const tf = await as(app, "taskforce");
    const task = await tf
      .post("/reform-tasks")
      .set("Idempotency-Key", "c-task")
      .send(taskPlanBody({ ref: "C-001" }));
    expect(task.status).toBe(201);
    const enterprise = await as(app, "enterprise", ENTERPRISE_A);
    const declarationNumber = "949920260000000666";
    expect(
      (
        await enterprise
          .post("/declarations")
          .set("Idempotency-Key", "c-declaration")
          .send(directExportLodgement(declarationNumber, ENTERPRISE_A))
      ).status,
    ).toBe(201);
    const filed = await enterprise
      .post("/filings")
      .set("Idempotency-Key", "c-filing")
      .send(outboundMillFiling(ENTERPRISE_A));
    expect(filed.status).toBe(201);
    await readSide.caughtUp();
    fixtures = {
      params: {
        taskId: task.body.taskId,
        declarationNumber,
        filingId: filed.body.filingId,
        editionId: "national-2024",
        streamId: reformTaskStream(task.body.taskId),
      },
      upload: { bytes: readFileSync(SEED_LIST.file), contentType: MEDIA_TYPES.csv },
    };
  });

  afterAll(async () => {
    console.log(
      `contract: ${[...answered.values()].reduce((a, b) => a + b, 0)} requests; statuses ${[...answered]
        .sort()
        .map(([s, n]) => `${s}: ${n}`)
        .join(", ")}`,
    );
    closeConnections();
    await new Promise((resolve) => server.close(resolve));
    await readSide.stop();
    await t.drop();
  });

  /** Why `res` disagrees with what the document says of `key`, or null. */
  function disagreement(key: string, res: WireResponse): string | null {
    const [method, path] = key.split(" ") as [string, string];
    const op = doc.paths[path]![method.toLowerCase()]!;
    const documented = op.responses[String(res.status)];
    if (!documented)
      return `status ${res.status} is not documented (documented: ${Object.keys(op.responses).join(", ")})`;
    for (const name of Object.keys(documented.headers ?? {})) {
      const must =
        name === "X-Request-Id" || name.startsWith("RateLimit") || name === "Location" || name === "Cache-Control";
      if (must && res.headers[name.toLowerCase()] === undefined) return `header ${name} is documented but missing`;
    }
    const type = String(res.headers["content-type"] ?? "")
      .split(";")[0]!
      .trim();
    if (!type || res.status === 304 || res.status === 204) return null;
    const media = documented.content?.[type];
    if (!media) return `content type ${type} is not documented for ${res.status}`;
    if (!media.schema || !type.endsWith("json")) return null;
    const text = JSON.stringify(media.schema);
    let validate = validators.get(text);
    if (!validate) {
      validate = ajv.compile(rewriteRefs(media.schema));
      validators.set(text, validate);
    }
    if (!validate(res.json))
      return `body does not match the documented schema: ${ajv.errorsText(validate.errors).slice(0, 400)}`;
    return null;
  }

  const sendAs = async (op: Operation, wire: WireRequest, role: Role | undefined) => {
    const w = { ...wire, headers: { ...wire.headers } };
    if (w.headers["If-Match"] === CURRENT_ETAG) {
      const etag = (
        await request(server)
          .get(op.path.replace(/\{(\w+)\}/g, (_, n: string) => encodeURIComponent(fixtures.params[n]!)))
          .set("Authorization", `Bearer ${tokens.get("admin")}`)
      ).headers.etag;
      w.headers["If-Match"] = etag ?? '"0"';
    }
    if (role) w.headers.Authorization = `Bearer ${tokens.get(role)}`;
    const res = await send(port, op.method, op.path, w);
    answered.set(String(res.status), (answered.get(String(res.status)) ?? 0) + 1);
    return res;
  };

  const keys = () => operationsOf(doc).map((o) => o.key);
  const ALL_KEYS = Object.keys(ALLOWED).concat(["GET /health", "GET /ready", "GET /openapi.json"]);

  it.each(ALL_KEYS)("%s: every answer, for every role, is documented", async (key) => {
    expect(keys()).toContain(key);
    const op = operationsOf(doc).find((o) => o.key === key)!;
    const components = (doc.components ?? {}) as SchemaComponents;
    const base = baseRequest(op, components, fixtures);
    const variants = [
      { kind: "as described", arb: base },
      ...mutationsFor(op, components, LIMITS).map((m) => ({
        kind: m.kind,
        arb: base.chain((b) => m.apply(b) ?? fc.constant(null)).map((x) => x?.request ?? null),
      })),
    ];
    for (const role of [undefined, ...ROLES]) {
      for (const v of variants) {
        const samples = fc.sample(v.arb as fc.Arbitrary<unknown>, {
          numRuns: RUNS,
          seed: seedOf(`${key} ${role} ${v.kind}`),
        });
        for (const sample of samples) {
          if (sample === null) continue;
          const wire = v.kind === "as described" ? toWire(sample as BaseRequest) : (sample as WireRequest);
          const res = await sendAs(op, wire, role);
          const why = disagreement(key, res);
          if (why)
            throw new Error(
              `${why}\n  ${key} as ${role ?? "no token"} (${v.kind})\n  answer ${res.status}: ${res.text.slice(0, 300)}`,
            );
        }
      }
    }
  });

  it.each(Object.keys(ALLOWED).filter((k) => k.startsWith("POST ")))(
    "%s: its documented example is not refused for an undocumented reason",
    async (key) => {
      const [, path] = key.split(" ") as [string, string];
      const op = operationsOf(doc).find((o) => o.key === key)!;
      const content = doc.paths[path]!.post!.requestBody?.content?.["application/json"];
      const example = exampleOf(content?.schema, doc.components);
      if (example === undefined) return;
      const role = ALLOWED[key]![0]!;
      const base = fc.sample(baseRequest(op, (doc.components ?? {}) as SchemaComponents, fixtures), {
        numRuns: 1,
        seed: seedOf(key),
      })[0]!;
      const res = await sendAs(op, toWire({ ...base, body: example }), role);
      expect(disagreement(key, res)).toBeNull();
      const refusedAsInvalid = res.status === 400 && String(res.json?.type ?? "").endsWith("/validation-failed");
      expect({ key, refusedAsInvalid, errors: refusedAsInvalid ? res.json?.errors : undefined }).toEqual({
        key,
        refusedAsInvalid: false,
        errors: undefined,
      });
    },
  );
});

/** Rewrites `#/components/...` references to the registered document (`doc#/components/...`). */
function rewriteRefs(schema: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema).replace(/"\$ref":"#\//g, '"$ref":"doc#/')) as Record<string, unknown>;
}

/** The example a body schema (or the component it names) documents. */
function exampleOf(
  schema: { $ref?: string; example?: unknown } | undefined,
  components: Record<string, Record<string, unknown>>,
): unknown {
  if (!schema) return undefined;
  if (schema.example !== undefined) return schema.example;
  const name = schema.$ref?.split("/").pop();
  return name ? (components.schemas?.[name] as { example?: unknown } | undefined)?.example : undefined;
}
