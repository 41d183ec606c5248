/**
 * Browser tests in Debian's Chromium (`/usr/bin/chromium`, or CHROMIUM_BIN), driven by
 * puppeteer-core (no browser download), headless and offline: every host but 127.0.0.1 is
 * unresolvable, so a page that reached for a CDN would break. Without Chromium the suites skip
 * with a notice, unless BROWSER_REQUIRED=1 (CI), which makes that a failure.
 *
 * Also: the running app for a journey (the API process's own `startServer` on a fresh PostgreSQL
 * schema, seeded as `npm start` seeds), signing in through the console's development sign-in, an
 * accessibility check with axe-core, and screenshots (SCREENSHOT_DIR, default .data/screenshots).
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "pg";
import pino from "pino";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { mintDevToken } from "../../services/api/auth/dev-key";
import type { Role } from "../../services/api/auth/principal";
import { type RunningServer, startServer } from "../../services/api/main";
import { PROJECTIONS } from "../../projections/registry";
import { projectionLag } from "../../projections/runner/lag";
import type { Database } from "../../services/platform/db/database";
import { TEST_DATABASE_URL } from "./databases";

export const CHROMIUM = process.env.CHROMIUM_BIN ?? "/usr/bin/chromium";
/** Whether the browser suites run here. */
export const browserAvailable = existsSync(CHROMIUM);
if (!browserAvailable && process.env.BROWSER_REQUIRED === "1") {
  throw new Error(`BROWSER_REQUIRED=1 but ${CHROMIUM} is not installed (apt-get install chromium)`);
}

/** Where screenshots go. */
export const SCREENSHOT_DIR = path.resolve(process.env.SCREENSHOT_DIR ?? path.join(".data", "screenshots"));

/** The app as `npm start` runs it, on its own schema of the test PostgreSQL server, seeded. */
export interface RunningApp {
  server: RunningServer;
  base: string;
  /** A bearer token for `role` (development key). */
  token(role: Role, uscc?: string): Promise<string>;
  stop(): Promise<void>;
}

/** Starts the app (migrations, seeds, read side in-process, HTTP on a free port). */
export async function startApp(): Promise<RunningApp> {
  const schema = `t_${randomBytes(6).toString("hex")}`;
  const admin = new Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set("options", `-c search_path=${schema}`);
  const dropSchema = async () => {
    const c = new Client({ connectionString: TEST_DATABASE_URL });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await c.end();
  };
  let server: RunningServer;
  try {
    server = await startServer({
      port: 0,
      host: "127.0.0.1",
      databaseUrl: url.toString(),
      seed: true,
      logger: pino({ level: "silent" }),
    });
  } catch (err) {
    await dropSchema();
    throw err;
  }
  const base = `http://127.0.0.1:${server.port}`;
  await readModelsCaughtUp(server.db);
  return {
    server,
    base,
    token: (role, uscc) => mintDevToken({ role, uscc }),
    async stop() {
      await server.stop();
      await dropSchema();
    },
  };
}

/**
 * Waits (at most 60 s) until every read model has applied the seeded events (nothing behind, as
 * GET /projections counts it), so what a page shows and what the API answers come from the same
 * state. Read from the database: in a deployment's configuration no development token works.
 */
async function readModelsCaughtUp(db: Database): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const lags = await Promise.all(PROJECTIONS.map((p) => projectionLag(db, p.name, p.categories)));
    if (lags.every((l) => l.eventsBehind === 0)) return;
    if (Date.now() > deadline) throw new Error(`read models still behind after 60 s: ${JSON.stringify(lags)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Headless Chromium, offline but for 127.0.0.1, Chinese UI, downloads into `downloads`. */
export async function launchBrowser(downloads = mkdtempSync(path.join(tmpdir(), "downloads-"))): Promise<{
  browser: Browser;
  downloads: string;
}> {
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--lang=zh-CN",
      "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    ],
    defaultViewport: { width: 1280, height: 900 },
    downloadBehavior: { policy: "allow", downloadPath: downloads },
  });
  return { browser, downloads };
}

/**
 * A new page whose script errors, failed requests and error answers are collected in `errors`
 * (the journey expects none): every 4xx or 5xx answer to the console or the API counts, except
 * the statuses `expectStatus` allows (a 412 the journey provokes, a 422 of a bad import).
 */
export async function openPage(browser: Browser): Promise<{
  page: Page;
  errors: string[];
  expectStatus(status: number): void;
}> {
  const page = await browser.newPage();
  const errors: string[] = [];
  const expected = new Set<number>();
  page.on("pageerror", (e) => errors.push(`page error: ${(e as Error).message}`));
  page.on("requestfailed", (r) => {
    // A download's navigation is "aborted" by design.
    if (r.failure()?.errorText !== "net::ERR_ABORTED")
      errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400 && !expected.has(r.status())) errors.push(`${r.status()} ${r.request().method()} ${r.url()}`);
  });
  page.on("console", (m) => {
    // An error answer is logged by the browser too; it is counted above, by its status.
    if (m.type() === "error" && !/the server responded with a status of/.test(m.text()))
      errors.push(`console error: ${m.text()}`);
  });
  return { page, errors, expectStatus: (status) => expected.add(status) };
}

/** Signs in through the console's development sign-in as `role`. */
export async function signIn(page: Page, base: string, role: Role, uscc?: string): Promise<void> {
  await page.goto(`${base}/console/`);
  await page.waitForSelector("select[name=role]");
  await page.select("select[name=role]", role);
  if (uscc) {
    await page.waitForSelector("input[name=uscc]");
    await page.click("input[name=uscc]", { count: 3 });
    await page.keyboard.press("Backspace");
    await page.type("input[name=uscc]", uscc);
  }
  await page.click("form button[type=submit]");
  await page.waitForSelector("[data-testid=who]");
}

/** Goes to a console route (`tasks`, `clearance` …) and waits for `ready` to appear. */
export async function visit(page: Page, base: string, route: string, ready: string): Promise<void> {
  await page.goto(`${base}/console/#/${route}`);
  await page.waitForSelector(ready);
}

/** Waits until every chart on the page has been drawn (ECharts wrote its SVG). */
export async function chartsDrawn(page: Page): Promise<number> {
  // (A string: it runs in the page, whose DOM types this Node program does not have.)
  await page.waitForFunction(
    `[...document.querySelectorAll("figure.chart > div")].length > 0 &&
     [...document.querySelectorAll("figure.chart > div")].every((c) => c.dataset.rendered === "true" && c.querySelector("svg"))`,
  );
  return page.$$eval("figure.chart svg", (s) => s.length);
}

/** A violation axe-core reports. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** The serious and critical WCAG 2.x A/AA violations axe-core finds on the page as it is now. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  const result = (await page.evaluate(() =>
    (globalThis as unknown as { axe: { run(o: object): Promise<{ violations: AxeViolation[] }> } }).axe.run({
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    }),
  )) as { violations: AxeViolation[] };
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
}

/** Saves a full-page screenshot as `<SCREENSHOT_DIR>/<name>.png`. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file as `${string}.png`, fullPage: true });
  return file;
}
