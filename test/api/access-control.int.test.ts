/**
 * Access control on real PostgreSQL: every operation of the OpenAPI document against every role
 * (table-driven; an operation missing from the table fails the test), tokens that must be
 * refused (expired, wrong audience, wrong issuer, unsigned, HS/RS confusion), an enterprise kept
 * to its own declarations and filings (another's answers 404), and the actor on every event.
 */
import { createHmac } from "node:crypto";
import type { Express } from "express";
import { SignJWT, importJWK } from "jose";
import request from "supertest";
import type { ReadSide } from "../../services/api/read-side";
import { applicationOpenApiDocument } from "../../services/api/route-modules";
import { devKeyPair, mintDevToken } from "../../services/api/auth/dev-key";
import { ROLES, type Role } from "../../services/api/auth/principal";
import { as, ENTERPRISE_A, ENTERPRISE_B, tokenFor } from "../support/auth";
import { outboundMillFiling } from "../support/filings";
import { serverDatabase, type TestDatabase } from "../support/databases";
import { directExportLodgement } from "../support/declarations";
import { ALLOWED, guardedOperations } from "../support/operation-roles";
import { productApp } from "../support/product-app";
import { seedEditions } from "../../services/negative-list/edition-seed";
import type { PostgresEventStore } from "../../services/platform/event-store/postgres-event-store";
import { taskPlanBody } from "../support/reform-tasks";
import { waitFor } from "../support/wait";

const PARAMS: Record<string, string> = {
  taskId: "00000000-0000-4000-8000-000000000001",
  declarationNumber: "949920260000000001",
  filingId: "00000000-0000-4000-8000-000000000002",
  editionId: "national-2024",
  streamId: "ReformTask-00000000-0000-4000-8000-000000000001",
};

describe("access control (PostgreSQL)", () => {
  let t: TestDatabase;
  let app: Express;
  let readSide: ReadSide;
  let store: PostgresEventStore;
  const tokens = {} as Record<Role, string>;
  beforeAll(async () => {
    t = await serverDatabase();
    ({ app, readSide, store } = await productApp(t));
    for (const role of ROLES) tokens[role] = await tokenFor(role);
  });
  afterAll(async () => {
    await readSide.stop();
    await t.drop();
  });

  const call = (op: string, token?: string) => {
    const [method, path] = op.split(" ") as [string, string];
    const url = path.replace(/\{(\w+)\}/g, (_, name: string) => PARAMS[name]!);
    const req = method === "GET" ? request(app).get(url) : request(app).post(url).send({});
    return token ? req.set("Authorization", `Bearer ${token}`) : req;
  };

  it("the table covers every guarded operation of the OpenAPI document", () => {
    expect(guardedOperations(applicationOpenApiDocument()).sort()).toEqual(Object.keys(ALLOWED).sort());
  });

  const cases = Object.keys(ALLOWED).flatMap((op) => ROLES.map((role) => [op, role] as const));
  it.each(cases)("%s as %s", async (op, role) => {
    const res = await call(op, tokens[role]);
    if (ALLOWED[op]!.includes(role)) expect([401, 403]).not.toContain(res.status);
    else {
      expect(res.status).toBe(403);
      expect(res.body.type).toContain("forbidden");
    }
  });

  it.each(Object.keys(ALLOWED))("%s without a token is 401 with WWW-Authenticate", async (op) => {
    const res = await call(op);
    expect(res.status).toBe(401);
    expect(res.headers["www-authenticate"]).toBe('Bearer realm="ftz"');
  });

  it("refuses expired, wrong-audience, wrong-issuer, unsigned and HS/RS-confused tokens", async () => {
    const pair = await devKeyPair();
    const key = await importJWK(pair.privateJwk, "ES256");
    const sign = (claims: { iss?: string; aud?: string; exp?: number }) =>
      new SignJWT({ role: "admin" })
        .setProtectedHeader({ alg: "ES256", kid: pair.privateJwk.kid })
        .setSubject("attacker")
        .setIssuer(claims.iss ?? "ftz-backend-dev")
        .setAudience(claims.aud ?? "ftz-api")
        .setIssuedAt(claims.exp !== undefined ? claims.exp - 600 : undefined)
        .setExpirationTime(claims.exp ?? Math.floor(Date.now() / 1000) + 600)
        .sign(key);
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const payload = {
      sub: "attacker",
      role: "admin",
      iss: "ftz-backend-dev",
      aud: "ftz-api",
      exp: Math.floor(Date.now() / 1000) + 600,
    };
    const unsigned = `${b64({ alg: "none", typ: "JWT" })}.${b64(payload)}.`;
    const hsInput = `${b64({ alg: "HS256", typ: "JWT", kid: pair.publicJwk.kid })}.${b64(payload)}`;
    const confused = `${hsInput}.${createHmac("sha256", JSON.stringify(pair.publicJwk)).update(hsInput).digest("base64url")}`;
    const bad: [string, string, string][] = [
      ["expired", await sign({ exp: Math.floor(Date.now() / 1000) - 60 }), "expired"],
      ["wrong audience", await sign({ aud: "someone-else" }), "claim aud"],
      ["wrong issuer", await sign({ iss: "https://evil.example" }), "claim iss"],
      ["unsigned (alg none)", unsigned, ""],
      ["HS256 signed with the public key", confused, ""],
      ["garbage", "not.a.jwt", ""],
    ];
    for (const [what, token, why] of bad) {
      const res = await request(app).get("/filings/queue").set("Authorization", `Bearer ${token}`);
      expect({ what, status: res.status }).toEqual({ what, status: 401 });
      expect(res.headers["www-authenticate"]).toContain('error="invalid_token"');
      expect(res.headers["www-authenticate"]).toContain(why);
    }
    const noBearer = await request(app).get("/filings/queue").set("Authorization", "Basic YWRtaW46YWRtaW4=");
    expect(noBearer.status).toBe(401);
    expect((await request(app).get("/health").set("Authorization", "Basic YWRtaW46YWRtaW4=")).status).toBe(200);
    const lower = await request(app).get("/filings/queue").set("Authorization", `bearer ${tokens.admin}`);
    expect(lower.status).toBe(200);
    const now = Math.floor(Date.now() / 1000);
    const claims = (extra: { sub?: string; iat?: number }) =>
      new SignJWT({ role: "admin" })
        .setProtectedHeader({ alg: "ES256", kid: pair.privateJwk.kid })
        .setSubject(extra.sub ?? "someone")
        .setIssuer("ftz-backend-dev")
        .setAudience("ftz-api")
        .setIssuedAt(extra.iat ?? now)
        .setExpirationTime(now + 600)
        .sign(key);
    for (const token of [
      await claims({ sub: "" }),
      await claims({ iat: now + 3600 }),
      await claims({ iat: now - 2 * 86_400 }),
    ]) {
      expect((await request(app).get("/filings/queue").set("Authorization", `Bearer ${token}`)).status).toBe(401);
    }
    const enterpriseWithoutCode = await mintDevToken({ role: "enterprise" });
    expect(
      (await request(app).get("/filings/queue").set("Authorization", `Bearer ${enterpriseWithoutCode}`)).status,
    ).toBe(401);
  });

  it("keeps an enterprise to its own declarations and filings (another's is 404), and records the actor", async () => {
    const [a, b, customs] = await Promise.all([
      as(app, "enterprise", ENTERPRISE_A),
      as(app, "enterprise", ENTERPRISE_B),
      as(app, "customs"),
    ]);
    const declaration = directExportLodgement("949920260000000777", ENTERPRISE_A);
    const forOther = await b.post("/declarations").set("Idempotency-Key", "b-1").send(declaration);
    expect(forOther.status).toBe(403);
    const lodged = await a.post("/declarations").set("Idempotency-Key", "a-1").send(declaration);
    expect(lodged.status).toBe(201);
    // B cannot learn A's declaration's state by lodging its number, nor replay A's key.
    const taken = await b
      .post("/declarations")
      .set("Idempotency-Key", "b-2")
      .send({ ...declaration, enterprise: ENTERPRISE_B });
    expect(taken.status).toBe(409);
    expect(taken.body).toEqual(expect.not.objectContaining({ state: expect.anything() }));
    expect(taken.body.type).toContain("declaration-number-unavailable");
    const sharedSub = async (uscc: string) =>
      `Bearer ${await mintDevToken({ role: "enterprise", uscc, subject: "shared-user" })}`;
    const byA = await request(app)
      .post("/declarations")
      .set({ Authorization: await sharedSub(ENTERPRISE_A), "Idempotency-Key": "same-key" })
      .send({ ...declaration, declarationNumber: "949920260000000778" });
    expect(byA.status).toBe(201);
    const byB = await request(app)
      .post("/declarations")
      .set({ Authorization: await sharedSub(ENTERPRISE_B), "Idempotency-Key": "same-key" })
      .send({ ...declaration, declarationNumber: "949920260000000778" });
    expect(byB.status).toBe(403);
    expect(byB.headers["idempotent-replayed"]).toBeUndefined();
    const n = declaration.declarationNumber;
    expect((await a.get(`/declarations/${n}`)).status).toBe(200);
    const hidden = await b.get(`/declarations/${n}`);
    expect(hidden.status).toBe(404);
    expect(hidden.body.detail).toBe(`No declaration ${n}`);
    expect((await b.post(`/declarations/${n}/withdrawal`).set("If-Match", '"0"').send({ reason: "x" })).status).toBe(
      404,
    );
    expect((await b.get(`/declarations?enterprise=${ENTERPRISE_A}`)).status).toBe(404);
    expect((await customs.get(`/declarations/${n}`)).status).toBe(200);

    const filed = await a.post("/filings").set("Idempotency-Key", "a-2").send(outboundMillFiling(ENTERPRISE_A));
    expect(filed.status).toBe(201);
    expect((await b.get(`/filings/${filed.body.filingId}`)).status).toBe(404);
    expect(
      (await b.post(`/filings/${filed.body.filingId}/withdrawal`).set("If-Match", '"1"').send({ reason: "x" })).status,
    ).toBe(404);
    expect((await a.get(`/filings/${filed.body.filingId}`)).status).toBe(200);

    const audit = await a.get(`/audit/streams/Declaration-${n}`);
    expect(audit.status).toBe(200);
    expect(audit.body.events[0]).toMatchObject({
      type: "DeclarationLodged",
      actor: { role: "enterprise", enterprise: ENTERPRISE_A },
      correlationId: expect.any(String),
    });
    expect((await b.get(`/audit/streams/Declaration-${n}`)).status).toBe(404);
    expect((await customs.get(`/audit/streams/Filing-${filed.body.filingId}`)).status).toBe(404);
    expect((await (await as(app, "analyst")).get(`/audit/streams/Filing-${filed.body.filingId}`)).status).toBe(200);
  });

  /**
   * README, "Who sees what": for each role, the stream data it may read. The HTTP read of a
   * stream and its audit trail must agree with it (an enterprise: its own declarations and filings).
   */
  const SHARING: Record<string, Role[]> = {
    ReformTask: [...ROLES],
    NegativeListEdition: [...ROLES],
    Declaration: ["enterprise", "customs", "analyst", "admin"],
    Filing: ["enterprise", "analyst", "admin"],
  };

  it("applies one data-sharing policy to each role's HTTP reads and audit trails; only admins see who acted", async () => {
    const taskforce = await as(app, "taskforce");
    const ent = await as(app, "enterprise", ENTERPRISE_A);
    const planned = await taskforce.post("/reform-tasks").set("Idempotency-Key", "share-1").send(taskPlanBody());
    expect(planned.status).toBe(201);
    const declaration = directExportLodgement("949920260000000901", ENTERPRISE_A);
    expect((await ent.post("/declarations").set("Idempotency-Key", "share-2").send(declaration)).status).toBe(201);
    const filed = await ent.post("/filings").set("Idempotency-Key", "share-3").send(outboundMillFiling(ENTERPRISE_A));
    expect(filed.status).toBe(201);
    const streams = {
      ReformTask: { read: `/reform-tasks/${planned.body.taskId}`, stream: `ReformTask-${planned.body.taskId}` },
      NegativeListEdition: {
        read: "/negative-list/editions/national-2024",
        stream: "NegativeListEdition-national-2024",
      },
      Declaration: { read: "/declarations/949920260000000901", stream: "Declaration-949920260000000901" },
      Filing: { read: `/filings/${filed.body.filingId}`, stream: `Filing-${filed.body.filingId}` },
    };
    await seedEditions(store);
    await waitFor("editions read model", async () => (await ent.get(streams.NegativeListEdition.read)).status === 200);
    const seen: string[] = [];
    for (const [category, { read, stream }] of Object.entries(streams)) {
      for (const role of ROLES) {
        for (const uscc of role === "enterprise" ? [ENTERPRISE_A, ENTERPRISE_B] : [undefined]) {
          const c = await as(app, role, uscc);
          const owned = category === "Declaration" || category === "Filing";
          const entitled =
            SHARING[category]!.includes(role) && (role !== "enterprise" || !owned || uscc === ENTERPRISE_A);
          const [r, audit] = [await c.get(read), await c.get(`/audit/streams/${stream}`)];
          const who = `${role}${uscc === ENTERPRISE_B ? " (another enterprise)" : ""} on ${category}`;
          seen.push(`${who}: read ${r.status}, audit ${audit.status}`);
          expect({ who, read: r.status === 200, audit: audit.status === 200 }).toEqual({
            who,
            read: entitled,
            audit: entitled,
          });
          if (audit.status === 200) {
            const actors = audit.body.events.map((e: { actor: Record<string, string> | null }) => e.actor);
            for (const actor of actors) {
              if (role === "admin") expect(actor?.subject).toEqual(expect.any(String));
              else expect(actor).not.toHaveProperty("subject");
            }
          }
        }
      }
    }
    expect(seen.length).toBe(4 * (ROLES.length + 1));
  });
});
