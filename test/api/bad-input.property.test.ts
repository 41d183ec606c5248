import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Express } from "express";
import fc from "fast-check";
import request from "supertest";
import { declarationStream } from "../../contracts/direct-clearance/events";
import { filingStream } from "../../contracts/investment-filings/filing-shapes";
import { reformTaskStream } from "../../contracts/reform-tasks/events";
import type { Role } from "../../services/api/auth/principal";
import type { ReadSide } from "../../services/api/read-side";
import { applicationOpenApiDocument } from "../../services/api/route-modules";
import type { PostgresEventStore } from "../../services/platform/event-store/postgres-event-store";
import { eventCount } from "../support/api-app";
import { tokenFor } from "../support/auth";
import { type BaseFixtures, baseRequest, mutationsFor } from "../support/bad-input/base-request";
import type { SchemaComponents } from "../support/bad-input/json-schema";
import { type OpenApiLike, type Operation, operationsOf } from "../support/bad-input/openapi-operations";
import { type BadInput, CURRENT_ETAG, closeConnections, send, type WireResponse } from "../support/bad-input/wire";
import { serverDatabase, type TestDatabase } from "../support/databases";
import { ALLOWED } from "../support/operation-roles";
import { operationFixtures } from "../support/operation-fixtures";
import { productApp } from "../support/product-app";

const SEED = Number(process.env.BAD_INPUT_SEED ?? 20_260_503);
const RUNS = Number(process.env.BAD_INPUT_RUNS ?? 8);
const LIMITS = { json: 256 * 1024, upload: 5 * 1024 * 1024 };
/** Roles tried first: the ones that get furthest into a handler (owners of the fixtures). */
const ROLE_PREFERENCE: Role[] = ["taskforce", "enterprise", "customs", "admin", "analyst", "partner"];

/** Operation keys known when the file loads (the served document is checked to list the same). */
const OPERATION_KEYS = operationsOf(applicationOpenApiDocument() as unknown as OpenApiLike).map((o) => o.key);

/** Whether JSON pointers `a` and `b` are the same place or one contains the other. */
const related = (a: string, b: string) => a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);

/** Why `res` is not the answer `bad` must get, or null when it is. */
function refusal(bad: BadInput, res: WireResponse, stored: number): string | null {
  if (stored !== 0) return `${stored} event(s) stored (status ${res.status})`;
  if (res.status < 400 || res.status >= 500) return `status ${res.status} is not 4xx`;
  if (bad.statuses && !bad.statuses.includes(res.status)) return `status ${res.status}, expected ${bad.statuses}`;
  if (!/^application\/problem\+json/.test(String(res.headers["content-type"])))
    return `Content-Type ${res.headers["content-type"]} is not application/problem+json`;
  const p = res.json;
  if (!p || typeof p.type !== "string" || typeof p.title !== "string") return "no problem type and title";
  if (p.status !== res.status) return `problem status ${p.status} is not the HTTP status ${res.status}`;
  if (bad.pointer && p.type.endsWith("/validation-failed")) {
    const at = bad.pointer;
    const errors = (p.errors ?? []) as { pointer: string }[];
    const names = (e: string) =>
      e === at || e.startsWith(`${at}/`) || (!!bad.unions?.includes(e) && at.startsWith(`${e}/`));
    if (!errors.some((e) => names(e.pointer))) return `errors[] do not name ${at}`;
    const other = errors.find((e) => !related(e.pointer, bad.pointer!));
    if (other) return `errors[] name ${other.pointer} besides ${bad.pointer} (is the base valid?)`;
  }
  return null;
}

/** A stable 31-bit seed per operation and mutation, so adding one does not reshuffle the others. */
function seedOf(text: string): number {
  let h = SEED;
  for (const ch of text) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return h & 0x7fffffff;
}

describe("bad input to every operation (property-based, PostgreSQL)", () => {
  let t: TestDatabase;
  let app: Express;
  let store: PostgresEventStore;
  let readSide: ReadSide;
  let server: Server;
  let port: number;
  let served: OpenApiLike;
  let fixtures: BaseFixtures;
  const tokens = new Map<Role, string>();
  /** Inputs tried per operation and mutation; mutations that did not apply. */
  const tried = new Map<string, Map<string, number>>();
  const statuses = new Map<number, number>();
  const notApplicable: string[] = [];

  beforeAll(async () => {
    t = await serverDatabase();
    ({ app, store, readSide } = await productApp(t, { rateLimitPerMinute: false }));
    server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    port = (server.address() as AddressInfo).port;
    served = (await request(server).get("/openapi.json").expect(200)).body;
    for (const role of ROLE_PREFERENCE) tokens.set(role, await tokenFor(role));

    fixtures = await operationFixtures(app, store, { tag: "BAD", declarationNumber: "949920260000000555" });
  });

  afterAll(async () => {
    let total = 0;
    const lines = [...tried].map(([op, kinds]) => {
      const n = [...kinds.values()].reduce((a, b) => a + b, 0);
      total += n;
      return `  ${String(n).padStart(5)}  ${op}`;
    });
    const answers = [...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}: ${n}`);
    console.log(
      `bad input: ${total} inputs over ${tried.size} operations (seed ${SEED}, ${RUNS} runs per operation and mutation)\n` +
        `${lines.join("\n")}\n  answers: ${answers.join(", ")}\n` +
        `  mutations that did not apply: ${notApplicable.length ? notApplicable.join("; ") : "none"}`,
    );
    closeConnections();
    await new Promise((resolve) => server.close(resolve));
    await readSide.stop();
    await t.drop();
  });

  it("covers the operations of the document the app serves", () => {
    expect(operationsOf(served).map((o) => o.key)).toEqual(OPERATION_KEYS);
  });

  /** The current ETag of the fixture resource `op`'s path names (the one the base request addresses). */
  async function currentETag(op: Operation): Promise<string> {
    const names = new Set(op.parameters.filter((p) => p.in === "path").map((p) => p.name));
    const { taskId, declarationNumber, filingId } = fixtures.params;
    const stream = names.has("taskId")
      ? reformTaskStream(taskId!)
      : names.has("declarationNumber")
        ? declarationStream(declarationNumber!)
        : names.has("filingId")
          ? filingStream(filingId!)
          : undefined;
    const version = stream ? await store.streamVersion(stream) : null;
    return `"${version ?? 0}"`;
  }

  it.each(OPERATION_KEYS)("%s", async (key) => {
    const op = operationsOf(served).find((o) => o.key === key) as Operation;
    const components = (served.components ?? {}) as SchemaComponents;
    const role = op.open ? undefined : ROLE_PREFERENCE.find((r) => ALLOWED[key]?.includes(r));
    if (!op.open && !role) throw new Error(`no role may call ${key} (test/support/operation-roles.ts)`);
    const base = baseRequest(op, components, fixtures);
    const counts = new Map<string, number>();
    tried.set(key, counts);

    for (const mutation of mutationsFor(op, components, LIMITS)) {
      const seed = seedOf(`${key} ${mutation.kind}`);
      const arb = base.chain((b) => mutation.apply(b) ?? fc.constant(null));
      if (fc.sample(arb, { numRuns: 10, seed }).every((x) => x === null)) {
        notApplicable.push(`${key} ${mutation.kind}`);
        continue;
      }
      await fc.assert(
        fc.asyncProperty(arb, async (bad) => {
          fc.pre(bad !== null);
          counts.set(mutation.kind, (counts.get(mutation.kind) ?? 0) + 1);
          const wire = { ...bad.request, headers: { ...bad.request.headers } };
          if (wire.headers["If-Match"] === CURRENT_ETAG) wire.headers["If-Match"] = await currentETag(op);
          if (role) wire.headers.Authorization = `Bearer ${tokens.get(role)}`;
          const before = await eventCount(t);
          const res = await send(port, op.method, op.path, wire);
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const why = refusal(bad, res, (await eventCount(t)) - before);
          if (why) throw new Error(`${why}\n  ${key} as ${role ?? "anyone"}\n  answer: ${res.text.slice(0, 400)}`);
        }),
        { seed, numRuns: RUNS, endOnFailure: true },
      );
    }
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });
});
