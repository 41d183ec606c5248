/**
 * The console's sign-in routes and its static files, without a browser: development tokens are
 * minted only while the development key verifies, only for a request from this machine to
 * localhost, and verify as the role asked for; a deployment's configuration (AUTH_JWKS_URL, an
 * issuer, a verifier of its own) mints nothing. `/console/` before a build is a 503 problem; after,
 * index.html is revalidated and the hashed assets are cached as immutable.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import request from "supertest";
import { defaultTokenVerifier } from "../../services/api/auth/access";
import { createApp } from "../../services/api/app";
import { PostgresEventStore } from "../../services/platform/event-store/postgres-event-store";
import { serverDatabase, type TestDatabase } from "../support/databases";

describe("console sign-in and static files", () => {
  let t: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    t = await serverDatabase();
    dir = mkdtempSync(path.join(tmpdir(), "console-dist-"));
  });
  afterAll(async () => {
    await t.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  const app = (extra: Partial<Parameters<typeof createApp>[0]> = {}) =>
    createApp({
      db: t.db,
      store: new PostgresEventStore(t.db),
      logger: pino({ level: "silent" }),
      consoleDir: dir,
      ...extra,
    });

  it("mints a development token from this machine, which verifies as the role asked for", async () => {
    const a = app();
    const options = await request(a).get("/auth/sign-in-options").set("Host", "localhost:3000");
    expect(options.body).toEqual({ method: "development", oidc: null, roles: expect.arrayContaining(["admin"]) });
    const minted = await request(a)
      .post("/auth/development-tokens")
      .set("Host", "127.0.0.1:3000")
      .send({ role: "enterprise", uscc: "91350200776049653A" });
    expect(minted.status).toBe(200);
    expect(minted.headers["cache-control"]).toBe("no-store");
    expect(minted.body).toMatchObject({ token_type: "Bearer", expires_in: 28_800 });
    const principal = await defaultTokenVerifier()(minted.body.access_token);
    expect(principal).toMatchObject({ role: "enterprise", enterprise: "91350200776049653A" });
    // The API takes it: a filing of its own that does not exist is 404, not 401.
    const read = await request(a)
      .get("/filings/3f2b8c1e-8a4e-4d0b-9a51-2f0c5b7d9e10")
      .set("Authorization", `Bearer ${minted.body.access_token}`);
    expect(read.status).toBe(404);
  });

  it("refuses a bad body naming the field", async () => {
    const r = await request(app())
      .post("/auth/development-tokens")
      .set("Host", "localhost")
      .send({ role: "enterprise" });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([expect.objectContaining({ pointer: "/body/uscc" })]);
    const r2 = await request(app()).post("/auth/development-tokens").set("Host", "localhost").send({ role: "root" });
    expect(r2.body.errors).toEqual([expect.objectContaining({ pointer: "/body/role" })]);
  });

  it("mints nothing for a request that names another host (DNS rebinding)", async () => {
    const a = app();
    const minted = await request(a)
      .post("/auth/development-tokens")
      .set("Host", "evil.example")
      .send({ role: "admin" });
    expect(minted.status).toBe(403);
    expect(minted.body.access_token).toBeUndefined();
    const options = await request(a).get("/auth/sign-in-options").set("Host", "evil.example");
    expect(options.body.method).toBe("unavailable");
  });

  it("mints nothing where the development key is not what verifies", async () => {
    // A verifier of the app's own.
    const own = app({ verifyToken: async () => ({ role: "admin", subject: "x", enterprise: null }) as never });
    expect(
      (await request(own).post("/auth/development-tokens").set("Host", "localhost").send({ role: "admin" })).status,
    ).toBe(404);
    expect((await request(own).get("/auth/sign-in-options").set("Host", "localhost")).body.method).toBe("unavailable");
    // A deployment: tokens from a JWKS, an issuer for the console.
    const saved = { ...process.env };
    Object.assign(process.env, {
      AUTH_JWKS_URL: "https://sso.example.gov.cn/jwks",
      CONSOLE_OIDC_ISSUER: "https://sso.example.gov.cn/realms/ftz",
      CONSOLE_OIDC_CLIENT_ID: "ftz-console",
    });
    try {
      const deployed = app();
      expect(
        (await request(deployed).post("/auth/development-tokens").set("Host", "localhost").send({ role: "admin" }))
          .status,
      ).toBe(404);
      const options = await request(deployed).get("/auth/sign-in-options").set("Host", "localhost");
      expect(options.body).toMatchObject({
        method: "oidc",
        oidc: { issuer: "https://sso.example.gov.cn/realms/ftz", clientId: "ftz-console", scope: "openid profile" },
      });
      const csp = (await request(deployed).get("/console/")).headers["content-security-policy"];
      expect(csp).toContain("connect-src 'self' https://sso.example.gov.cn");
      expect(csp).not.toContain("upgrade-insecure-requests");
      // An issuer without the keys to verify its tokens is not development either.
      delete process.env.AUTH_JWKS_URL;
      const broken = app();
      expect(
        (await request(broken).post("/auth/development-tokens").set("Host", "localhost").send({ role: "admin" }))
          .status,
      ).toBe(404);
      expect((await request(broken).get("/auth/sign-in-options").set("Host", "localhost")).body.method).toBe(
        "unavailable",
      );
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
  });

  it("serves the built console: a problem before the build, then revalidated index and immutable assets", async () => {
    const before = await request(app()).get("/console/");
    expect(before.status).toBe(503);
    expect(before.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(before.body.detail).toContain("npm run console:build");
    mkdirSync(path.join(dir, "assets"), { recursive: true });
    writeFileSync(path.join(dir, "index.html"), "<!doctype html><title>console</title>");
    writeFileSync(path.join(dir, "assets", "index-abc123.js"), "console.log(1)");
    const a = app();
    const redirect = await request(a).get("/console");
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe("/console/");
    const index = await request(a).get("/console/");
    expect(index.status).toBe(200);
    expect(index.headers["cache-control"]).toBe("no-cache");
    expect(index.text).toContain("<title>console</title>");
    const asset = await request(a).get("/console/assets/index-abc123.js");
    expect(asset.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect((await request(a).get("/console/assets/missing.js")).status).toBe(404);
  });
});
