/**
 * Signing in to the console in a deployment: OpenID Connect authorization code with PKCE against
 * a real issuer (oidc-provider, test/support/oidc-issuer.mjs), in Debian's Chromium. The API is
 * configured as a deployment is (AUTH_JWKS_URL, AUTH_ISSUER, AUTH_AUDIENCE, CONSOLE_OIDC_*), so it
 * verifies the issuer's ES256 access tokens from its JWKS and mints no development tokens. Skips
 * without Chromium unless BROWSER_REQUIRED=1.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import type { Browser } from "puppeteer-core";
import { browserAvailable, launchBrowser, type RunningApp, screenshot, startApp } from "../support/browser";

if (!browserAvailable) console.warn("[console] Chromium not found: the OpenID Connect sign-in is skipped");

/** A free TCP port on 127.0.0.1. */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

(browserAvailable ? describe : describe.skip)("the console's OpenID Connect sign-in", () => {
  let app: RunningApp;
  let browser: Browser;
  let issuerProcess: ChildProcess;
  let issuer: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    const issuerPort = await freePort();
    issuer = `http://127.0.0.1:${issuerPort}`;
    Object.assign(process.env, {
      AUTH_JWKS_URL: `${issuer}/jwks`,
      AUTH_ISSUER: issuer,
      AUTH_AUDIENCE: "ftz-api",
      CONSOLE_OIDC_ISSUER: issuer,
      CONSOLE_OIDC_CLIENT_ID: "ftz-console",
      CONSOLE_OIDC_SCOPE: "openid profile ftz",
    });
    app = await startApp();
    issuerProcess = spawn(
      process.execPath,
      [path.join(__dirname, "../support/oidc-issuer.mjs"), String(issuerPort), `${app.base}/console/`],
      { stdio: ["ignore", "pipe", "pipe"], env: { ...saved, NODE_OPTIONS: "" } },
    );
    // Its start-up warnings (development adapter, interactions) are kept for a failure's message.
    let stderr = "";
    issuerProcess.stderr!.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    await new Promise<void>((resolve, reject) => {
      issuerProcess.once("exit", (code) => reject(new Error(`the issuer exited (${code}): ${stderr}`)));
      issuerProcess.stdout!.on("data", (d: Buffer) => {
        if (d.toString().includes("ready")) resolve();
      });
    });
    ({ browser } = await launchBrowser());
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    if (issuerProcess && issuerProcess.exitCode === null) {
      issuerProcess.removeAllListeners("exit");
      const exited = new Promise((resolve) => issuerProcess.once("exit", resolve));
      issuerProcess.kill();
      await exited;
    }
    await app?.stop();
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  });

  it("offers the issuer and mints no development token", async () => {
    const options = await fetch(`${app.base}/auth/sign-in-options`).then((r) => r.json());
    expect(options).toMatchObject({
      method: "oidc",
      oidc: { issuer, clientId: "ftz-console", scope: "openid profile ftz" },
    });
    const minted = await fetch(`${app.base}/auth/development-tokens`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ role: "admin" }),
    });
    expect(minted.status).toBe(404);
    // The console may fetch the issuer's metadata and token endpoint: the CSP says so.
    const page = await fetch(`${app.base}/console/`);
    expect(page.headers.get("content-security-policy")).toContain(`connect-src 'self' ${issuer}`);
  });

  it("signs in with authorization code and PKCE, and the API accepts the issuer's token", async () => {
    const page = await browser.newPage();
    const toIssuer: { url: string; body: string | undefined }[] = [];
    page.on("request", (r) => {
      if (r.url().startsWith(issuer)) toIssuer.push({ url: r.url(), body: r.postData() });
    });
    await page.goto(`${app.base}/console/`);
    await page.waitForSelector("main button:not(.link)");
    await Promise.all([page.waitForNavigation(), page.click("main button:not(.link)")]);
    // The authorization request carried a PKCE challenge (S256).
    const authorize = new URL(toIssuer.find((r) => new URL(r.url).pathname === "/auth")!.url);
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorize.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorize.searchParams.get("response_type")).toBe("code");
    await page.waitForSelector("input[name=login]");
    await page.type("input[name=login]", "taskforce");
    await page.type("input[name=password]", "any");
    await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
    await page.waitForSelector("button[type=submit]");
    await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
    // Back in the console, signed in as the token's role; the list comes from the API with that token.
    await page.waitForSelector("[data-testid=who]");
    expect(await page.$eval("[data-testid=who]", (e) => e.textContent)).toBe("自贸工作专班");
    expect(new URL(page.url()).search).toBe("");
    // The code was exchanged with the PKCE verifier, and no client secret.
    const exchange = new URLSearchParams(toIssuer.find((r) => new URL(r.url).pathname === "/token")!.body);
    expect(exchange.get("grant_type")).toBe("authorization_code");
    expect(exchange.get("code_verifier")).toMatch(/^[A-Za-z0-9._~-]{43,128}$/);
    expect(exchange.has("client_secret")).toBe(false);
    await page.waitForSelector("[data-testid=task-table] tbody tr");
    const token = (await page.evaluate('sessionStorage.getItem("ftz.token")')) as string;
    const claims = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString());
    expect(claims).toMatchObject({ iss: issuer, aud: "ftz-api", role: "taskforce" });
    const list = await fetch(`${app.base}/reform-tasks?year=2026`, { headers: { Authorization: `Bearer ${token}` } });
    expect(list.status).toBe(200);
    await screenshot(page, "oidc-signed-in");
    await page.close();
  }, 120_000);
});
