import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import type { Express } from "express";
import fc from "fast-check";
import request from "supertest";
import { ROLES, type Role } from "../../services/api/auth/principal";
import type { ReadSide } from "../../services/api/read-side";
import { tokenFor } from "../support/auth";
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
import { ALLOWED } from "../support/operation-roles";
import { operationFixtures } from "../support/operation-fixtures";
import { productApp } from "../support/product-app";

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

    fixtures = await operationFixtures(app, product.store, { tag: "C", declarationNumber: "949920260000000666" });
    await readSide.caughtUp();
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
});

/** Rewrites `#/components/...` references to the registered document (`doc#/components/...`). */
function rewriteRefs(schema: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema).replace(/"\$ref":"#\//g, '"$ref":"doc#/')) as Record<string, unknown>;
}
