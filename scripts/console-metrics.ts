/**
 * `npm run console:measure [-- --engine postgres|pglite --rounds 7 --warmup 1]`: how heavy the built
 * web console is and how fast its two data pages first render on this machine. Build it first
 * (`npm run -s console:build`); the console served is services/console/dist as it is on disk.
 *
 * 1. Size. Every services/console/dist/assets/*.js and *.css: raw bytes, gzip (node:zlib gzipSync,
 *    level 9) and brotli (brotliCompressSync, quality 11), with totals. Which file loads when is
 *    observed, not assumed: a fresh browser context records (Chrome DevTools protocol) every
 *    /console/assets/ request while it opens the sign-in page, signs in as analyst (the console's
 *    development sign-in), opens #/tasks, #/clearance (charts drawn) and #/check (the negative-list
 *    check, which loads the industry classification); a file belongs to the first step that
 *    requested it. "wire" is what that request transferred, headers included, with the encoding
 *    the API chose (the compression middleware: br at quality 4 for Chromium), so it is larger
 *    than the brotli-11 column.
 * 2. Time to first render, from navigation start (performance.now() in the page) to the moment the
 *    page is usable: #/tasks when `[data-testid=task-table] tbody tr` exists; #/clearance when
 *    `[data-testid=stage-table] tbody tr` exists and every `figure.chart > div` has
 *    data-rendered=true and its SVG (test/support/browser.ts chartsDrawn), and there are as many
 *    charts as the page showed once settled in step 1 (else the first chart drawn would count
 *    while the others still load). A MutationObserver installed before the app's script records
 *    the moment. The app runs in this process (`startApp()` of test/support/browser.ts: the real
 *    API on a fresh schema of the PostgreSQL server at TEST_DATABASE_URL, default
 *    127.0.0.1:5432/test, seeded; or `--engine pglite`: the API on PGlite in a temporary folder,
 *    seeded), read side in-process, no Kafka. Headless Chromium (`launchBrowser()`), no throttling,
 *    over 127.0.0.1. One sign-in per role (taskforce for the task list, analyst for clearance
 *    times) gives the token; each cold load is a NEW browser context (empty HTTP cache, no
 *    connections) with the token put in sessionStorage ("ftz.token") before the app starts; the
 *    warm load is a second navigation in that context (assets from its cache, index.html
 *    revalidated). Each round loads both pages; `--warmup` rounds (default 1) run first and are
 *    not counted (the API's and PostgreSQL's first queries). Median, min and max over `--rounds`
 *    (default 7), in ms.
 *
 * Prints tables and writes bench/results/console-latest.json (commit, whether services/console
 * had uncommitted changes, date, machine, versions, every round). The API serves the build from
 * disk, so a `console:build` elsewhere during the run would mix two builds: then it waits until
 * the build has settled and starts over, up to 3 attempts. Exit status 1 on any failure (a page
 * not ready within 60 s names what it showed and the requests that failed); nothing is written then.
 */
import { execSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { brotliCompressSync, constants as zlib, gzipSync } from "node:zlib";
import { Command, InvalidArgumentError, Option } from "commander";
import pino from "pino";
import type { Browser, Page } from "puppeteer-core";
import { startServer } from "../services/api/main";
import { browserAvailable, CHROMIUM, chartsDrawn, launchBrowser, signIn, startApp } from "../test/support/browser";
import { type Stat, stat } from "../bench/stat";

const ROOT = path.join(__dirname, "..");
const CONSOLE = path.join(ROOT, "services", "console");
const DIST = path.join(CONSOLE, "dist");
const ASSETS = path.join(DIST, "assets");
const OUT = path.join(ROOT, "bench", "results", "console-latest.json");
const TOKEN_KEY = "ftz.token";

interface Options {
  engine: "postgres" | "pglite";
  rounds: number;
  warmup: number;
}

const count = (min: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`a whole number ≥ ${min}`);
  return n;
};

// ---------------------------------------------------------------------------------------------
// Sizes

interface AssetSize {
  file: string;
  kind: "js" | "css";
  raw: number;
  gzip: number;
  brotli: number;
}

function assetSizes(): AssetSize[] {
  return readdirSync(ASSETS)
    .filter((f) => f.endsWith(".js") || f.endsWith(".css"))
    .sort()
    .map((file) => {
      const body = readFileSync(path.join(ASSETS, file));
      return {
        file,
        kind: file.endsWith(".css") ? ("css" as const) : ("js" as const),
        raw: body.length,
        gzip: gzipSync(body, { level: 9 }).length,
        brotli: brotliCompressSync(body, {
          params: {
            [zlib.BROTLI_PARAM_QUALITY]: 11,
            [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT,
            [zlib.BROTLI_PARAM_SIZE_HINT]: body.length,
          },
        }).length,
      };
    });
}

const sum = (xs: AssetSize[]) => ({
  files: xs.length,
  raw: xs.reduce((a, x) => a + x.raw, 0),
  gzip: xs.reduce((a, x) => a + x.gzip, 0),
  brotli: xs.reduce((a, x) => a + x.brotli, 0),
});

/** The build as it is on disk (names, sizes, times): another `console:build` during a run changes it. */
const buildFingerprint = () =>
  [DIST, ASSETS]
    .flatMap((dir) => readdirSync(dir).map((f) => path.join(dir, f)))
    .map((f) => {
      const st = statSync(f);
      return `${path.relative(DIST, f)}:${st.size}:${st.mtimeMs}`;
    })
    .sort()
    .join("\n");

/** Source files changed after the build (another engineer's edits, or no rebuild). */
function staleSources(): string[] {
  const built = statSync(path.join(DIST, "index.html")).mtimeMs;
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (statSync(p).mtimeMs > built) out.push(path.relative(ROOT, p));
    }
  };
  walk(path.join(CONSOLE, "src"));
  for (const f of ["index.html", "vite.config.mts"]) if (statSync(path.join(CONSOLE, f)).mtimeMs > built) out.push(f);
  return out;
}

// ---------------------------------------------------------------------------------------------
// The app

interface App {
  base: string;
  engine: string;
  database: string;
  stop(): Promise<void>;
}

async function startTheApp(engine: Options["engine"]): Promise<App> {
  // The read side in this process: no Kafka, whatever the shell has.
  delete process.env.KAFKA_BROKERS;
  if (engine === "postgres") {
    const app = await startApp();
    const v = await app.server.db.query<{ server_version: string }>("show server_version");
    return {
      base: app.base,
      engine,
      database: `PostgreSQL ${v.rows[0]?.server_version}`,
      stop: () => app.stop(),
    };
  }
  // startServer falls back to DATABASE_URL when given none; PGlite needs it unset.
  delete process.env.DATABASE_URL;
  const dir = mkdtempSync(path.join(os.tmpdir(), "console-metrics-pglite-"));
  const server = await startServer({
    port: 0,
    host: "127.0.0.1",
    pgliteDir: dir,
    seed: true,
    logger: pino({ level: "silent" }),
  });
  const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"));
  return {
    base: `http://127.0.0.1:${server.port}`,
    engine,
    database: `PGlite ${pkg.dependencies["@electric-sql/pglite"]}`,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// What loads when

const STEPS = ["sign-in", "tasks", "clearance", "check"] as const;
type Step = (typeof STEPS)[number];

interface Fetched {
  file: string;
  step: Step;
  /** Bytes the request transferred (headers included), as Chromium counted them. */
  wire: number;
  encoding: string | null;
}

const TASKS_READY = `document.querySelector("[data-testid=task-table] tbody tr") !== null`;
const clearanceReady = (charts: number) =>
  `document.querySelector("[data-testid=stage-table] tbody tr") !== null &&
   document.querySelectorAll("figure.chart > div").length >= ${charts} &&
   [...document.querySelectorAll("figure.chart > div")].every((c) => c.dataset.rendered === "true" && c.querySelector("svg"))`;

/** Fails on script errors and failed requests (a measurement of a broken page is no measurement). */
function watchErrors(page: Page, errors: string[]) {
  page.on("pageerror", (e) => errors.push(`page error: ${(e as Error).message}`));
  page.on("requestfailed", (r) => {
    // Leaving a page aborts what it still had in flight.
    if (r.failure()?.errorText !== "net::ERR_ABORTED")
      errors.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400) errors.push(`${r.status()} ${r.request().method()} ${r.url()}`);
  });
}

const settle = (page: Page) => page.waitForNetworkIdle({ idleTime: 500, timeout: 60_000 });

/**
 * Walks sign-in → #/tasks → #/clearance → #/check as analyst in a fresh context, recording the
 * console's asset requests by step. Also gives the analyst's token and how many charts the
 * clearance page shows.
 */
async function loadProfile(browser: Browser, base: string) {
  const context = await browser.createBrowserContext();
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    watchErrors(page, errors);
    const cdp = await page.createCDPSession();
    await cdp.send("Network.enable");
    let step: Step = "sign-in";
    const byId = new Map<string, { file: string; step: Step; encoding: string | null }>();
    const fetched = new Map<string, Fetched>();
    cdp.on("Network.requestWillBeSent", (e) => {
      const u = new URL(e.request.url);
      if (!u.pathname.startsWith("/console/assets/")) return;
      byId.set(e.requestId, { file: path.basename(u.pathname), step, encoding: null });
    });
    cdp.on("Network.responseReceived", (e) => {
      const r = byId.get(e.requestId);
      if (!r) return;
      const h = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
      r.encoding = (h["content-encoding"] as string | undefined) ?? null;
    });
    cdp.on("Network.loadingFinished", (e) => {
      const r = byId.get(e.requestId);
      // The first request for a file is its load; later ones (the sign-in's reload) come from the cache.
      if (r && !fetched.has(r.file)) fetched.set(r.file, { ...r, wire: e.encodedDataLength });
    });

    await page.goto(`${base}/console/`);
    await page.waitForSelector("select[name=role]");
    await settle(page);

    step = "tasks";
    await signIn(page, base, "analyst");
    const token = (await page.evaluate(`sessionStorage.getItem(${JSON.stringify(TOKEN_KEY)})`)) as string | null;
    if (!token) throw new Error(`no ${TOKEN_KEY} in sessionStorage after signing in as analyst`);
    await page.goto(`${base}/console/#/tasks`);
    await page.waitForFunction(TASKS_READY, { timeout: 60_000 });
    await settle(page);

    step = "clearance";
    await page.goto(`${base}/console/#/clearance`);
    await page.waitForSelector("[data-testid=stage-table] tbody tr", { timeout: 60_000 });
    await settle(page);
    await chartsDrawn(page);
    const charts = (await page.evaluate(`document.querySelectorAll("figure.chart > div").length`)) as number;

    step = "check";
    await page.goto(`${base}/console/#/check`);
    await page.waitForSelector("[data-testid=industry-options]", { timeout: 60_000 });
    await settle(page);
    await cdp.detach();
    if (errors.length) throw new Error(`the walk through the console failed:\n  ${errors.join("\n  ")}`);
    return { fetched: [...fetched.values()], analystToken: token, clearanceCharts: charts };
  } finally {
    await context.close();
  }
}

async function tokenOf(browser: Browser, base: string, role: "taskforce"): Promise<string> {
  const context = await browser.createBrowserContext();
  try {
    const page = await context.newPage();
    await signIn(page, base, role);
    const token = (await page.evaluate(`sessionStorage.getItem(${JSON.stringify(TOKEN_KEY)})`)) as string | null;
    if (!token) throw new Error(`no ${TOKEN_KEY} in sessionStorage after signing in as ${role}`);
    return token;
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Time to first render

interface Load {
  /** Navigation start → ready, ms. */
  ready: number;
  /** Navigation start → DOMContentLoaded done (the bundle fetched and run), ms. */
  domContentLoaded: number;
}

/** Puts the token in sessionStorage and watches for `condition` in every document of the page. */
const instrument = (token: string, condition: string) => `(() => {
  if (!location.pathname.startsWith("/console/")) return;
  sessionStorage.setItem(${JSON.stringify(TOKEN_KEY)}, ${JSON.stringify(token)});
  const ready = () => { try { return ${condition}; } catch { return false; } };
  const observer = new MutationObserver(() => {
    if (window.__consoleReady === undefined && ready()) {
      window.__consoleReady = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ["data-rendered"] });
})();`;

async function measuredLoad(page: Page, url: string, errors: string[]): Promise<Load> {
  await page.goto(url);
  try {
    await page.waitForFunction("window.__consoleReady !== undefined", { timeout: 60_000 });
  } catch (err) {
    const shown = (await page.evaluate(
      `document.querySelector("main")?.innerText ?? document.body.innerText`,
    )) as string;
    throw new Error(
      `${url} not ready after 60 s (${(err as Error).message}); errors: ${errors.join("; ") || "none"}; page: ${shown.replace(/\s+/g, " ").slice(0, 400)}`,
    );
  }
  return (await page.evaluate(`({
    ready: window.__consoleReady,
    domContentLoaded: performance.getEntriesByType("navigation")[0].domContentLoadedEventEnd,
  })`)) as Load;
}

/** A cold load in a new context, then a warm one in the same context. */
async function coldAndWarm(browser: Browser, url: string, token: string, condition: string) {
  const context = await browser.createBrowserContext();
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    watchErrors(page, errors);
    await page.evaluateOnNewDocument(instrument(token, condition));
    const cold = await measuredLoad(page, url, errors);
    await page.goto("about:blank");
    const warm = await measuredLoad(page, url, errors);
    if (errors.length) throw new Error(`loading ${url} failed:\n  ${errors.join("\n  ")}`);
    return { cold, warm };
  } finally {
    await context.close();
  }
}

/** Milliseconds to one decimal. */
const r1 = (n: number) => Math.round(n * 10) / 10;

// ---------------------------------------------------------------------------------------------
// Report

const kB = (n: number) => (n / 1000).toFixed(1);
const ms = (s: Stat) => `${Math.round(s.median)} (${Math.round(s.min)}–${Math.round(s.max)})`;

function table(head: string[], rows: string[][], right: boolean[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ");
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

const git = (args: string) => {
  try {
    return execSync(`git ${args}`, { cwd: ROOT, stdio: ["ignore", "pipe", "ignore"] })
      .toString()
      .trim();
  } catch {
    return null;
  }
};

/** Another `console:build` replaced services/console/dist while this run measured it. */
class BuildChanged extends Error {}

/** Waits until services/console/dist exists and has stayed the same for 5 s. */
async function stableBuild(): Promise<string> {
  const deadline = Date.now() + 300_000;
  let last = "";
  for (;;) {
    const now = existsSync(path.join(DIST, "index.html")) ? buildFingerprint() : "";
    if (now && now === last) return now;
    if (Date.now() > deadline) throw new Error("services/console/dist did not settle within 5 minutes");
    last = now;
    await new Promise((r) => setTimeout(r, 5_000));
  }
}

/** Sizes, what loads when, and the rounds, all on one build (BuildChanged when it changed). */
async function measureBuild(browser: Browser, app: App, opts: Options) {
  const built = buildFingerprint();
  const changed = () => buildFingerprint() !== built;
  // What was measured, as of the start (others commit and edit meanwhile).
  const commit = git("rev-parse HEAD");
  const consoleChanges = git("status --porcelain -- services/console/src services/console/index.html");
  const load = os.loadavg()[0]!;
  const sizes = assetSizes();
  try {
    const profile = await loadProfile(browser, app.base);
    const taskforceToken = await tokenOf(browser, app.base, "taskforce");
    const pages = [
      { page: "tasks", role: "taskforce", token: taskforceToken, condition: TASKS_READY },
      {
        page: "clearance",
        role: "analyst",
        token: profile.analystToken,
        condition: clearanceReady(profile.clearanceCharts),
      },
    ] as const;
    const loads: Record<string, { cold: Load[]; warm: Load[] }> = {
      tasks: { cold: [], warm: [] },
      clearance: { cold: [], warm: [] },
    };
    for (let r = 0; r < opts.warmup + opts.rounds; r++) {
      for (const p of pages) {
        const { cold, warm } = await coldAndWarm(browser, `${app.base}/console/#/${p.page}`, p.token, p.condition);
        if (r < opts.warmup) continue;
        loads[p.page]!.cold.push(cold);
        loads[p.page]!.warm.push(warm);
      }
      if (changed()) throw new BuildChanged();
      process.stdout.write(r < opts.warmup ? "  warm-up round done\n" : `  round ${r - opts.warmup + 1} done\n`);
    }
    return {
      sizes,
      profile,
      pages,
      loads,
      commit,
      consoleSourcesChanged: consoleChanges === null ? null : consoleChanges !== "",
      loadAverage1m: { start: load, end: os.loadavg()[0]! },
    };
  } catch (err) {
    // A page that broke because its files were replaced under it says so.
    throw changed() ? new BuildChanged() : err;
  }
}

const ATTEMPTS = 3;

async function measure(opts: Options): Promise<void> {
  if (!existsSync(path.join(DIST, "index.html"))) throw new Error("the console is not built: npm run -s console:build");
  if (!browserAvailable) throw new Error(`no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_BIN)`);

  const app = await startTheApp(opts.engine);
  let browser: Browser | undefined;
  try {
    ({ browser } = await launchBrowser());
    const chromium = await browser.version();
    console.log(
      `console:measure: ${os.cpus().length} cores, ${app.database}, ${chromium}, ${opts.rounds} rounds (+${opts.warmup} warm-up)`,
    );
    let measured: Awaited<ReturnType<typeof measureBuild>> | undefined;
    let stale: string[] = [];
    for (let attempt = 1; !measured; attempt++) {
      stale = staleSources();
      if (stale.length)
        console.warn(`  warning: changed since the build (${stale.length}): ${stale.slice(0, 5).join(", ")}`);
      try {
        measured = await measureBuild(browser, app, opts);
      } catch (err) {
        if (!(err instanceof BuildChanged) || attempt === ATTEMPTS) {
          throw err instanceof BuildChanged
            ? new Error(`services/console/dist was rebuilt during each of ${ATTEMPTS} attempts: nothing written`)
            : err;
        }
        console.warn("  services/console/dist was rebuilt during the run (a console:build elsewhere): starting over");
        await stableBuild();
      }
    }
    const { sizes, profile, pages, loads, commit, consoleSourcesChanged, loadAverage1m } = measured;

    // ----- sizes by step
    const where = new Map(profile.fetched.map((f) => [f.file, f]));
    const assetRows = sizes.map((s) => {
      const f = where.get(s.file);
      return [
        s.file,
        f?.step ?? "never",
        kB(s.raw),
        kB(s.gzip),
        kB(s.brotli),
        f ? `${kB(f.wire)}${f.encoding ? ` ${f.encoding}` : ""}` : "-",
      ];
    });
    const byStep = Object.fromEntries(
      [...STEPS, "never" as const].map((st) => [
        st,
        sum(sizes.filter((s) => (where.get(s.file)?.step ?? "never") === st)),
      ]),
    );
    const wireOf = (st: string) => profile.fetched.filter((f) => f.step === st).reduce((a, f) => a + f.wire, 0);
    const totalRow = (name: string, xs: AssetSize[], wire: number | null) => {
      const t = sum(xs);
      return [name, `${t.files} files`, kB(t.raw), kB(t.gzip), kB(t.brotli), wire === null ? "-" : kB(wire)];
    };
    const first = sizes.filter((s) => where.get(s.file)?.step === "sign-in");
    const lazy = sizes.filter((s) => where.get(s.file) && where.get(s.file)?.step !== "sign-in");
    const sizeTable = table(
      ["file", "loaded at", "raw kB", "gzip-9 kB", "brotli-11 kB", "wire kB"],
      [
        ...assetRows,
        totalRow(
          "all JS",
          sizes.filter((s) => s.kind === "js"),
          null,
        ),
        totalRow(
          "all CSS",
          sizes.filter((s) => s.kind === "css"),
          null,
        ),
        totalRow("first load (sign-in page)", first, wireOf("sign-in")),
        ...STEPS.slice(1).map((st) =>
          totalRow(
            `lazy, on #/${st}`,
            sizes.filter((s) => where.get(s.file)?.step === st),
            wireOf(st),
          ),
        ),
        totalRow(
          "lazy, all",
          lazy,
          STEPS.slice(1).reduce((a, st) => a + wireOf(st), 0),
        ),
      ],
      [false, false, true, true, true, true],
    );

    // ----- times
    const figures = Object.fromEntries(
      pages.map((p) => [
        p.page,
        {
          role: p.role,
          ready:
            p.page === "tasks"
              ? "[data-testid=task-table] tbody tr"
              : `[data-testid=stage-table] tbody tr and ${profile.clearanceCharts} charts drawn (figure.chart > div[data-rendered=true] svg)`,
          cold: {
            ready: stat(
              loads[p.page]!.cold.map((l) => l.ready),
              r1,
            ),
            domContentLoaded: stat(
              loads[p.page]!.cold.map((l) => l.domContentLoaded),
              r1,
            ),
          },
          warm: {
            ready: stat(
              loads[p.page]!.warm.map((l) => l.ready),
              r1,
            ),
            domContentLoaded: stat(
              loads[p.page]!.warm.map((l) => l.domContentLoaded),
              r1,
            ),
          },
        },
      ]),
    );
    const timeTable = table(
      ["page (role)", "cold: first render", "cold: DOMContentLoaded", "warm: first render", "warm: DOMContentLoaded"],
      pages.map((p) => {
        const f = figures[p.page]!;
        return [
          `#/${p.page} (${p.role})`,
          ms(f.cold.ready),
          ms(f.cold.domContentLoaded),
          ms(f.warm.ready),
          ms(f.warm.domContentLoaded),
        ];
      }),
      [false, true, true, true, true],
    );

    console.log(`\nConsole assets (services/console/dist/assets; kB = 1000 bytes)\n\n${sizeTable}\n`);
    console.log(
      `Time to first render on ${app.engine}, ms from navigation start: median (min–max) of ${opts.rounds} rounds\n\n${timeTable}\n`,
    );
    const la = (n: number) => n.toFixed(1);
    console.log(
      `load average (1 min) ${la(loadAverage1m.start)} at the start, ${la(loadAverage1m.end)} at the end, on ${os.cpus().length} cores` +
        (loadAverage1m.start > os.cpus().length || loadAverage1m.end > os.cpus().length
          ? ": other work competed for the CPU, so the times are slower and wider than on a quiet machine"
          : ""),
    );
    if (consoleSourcesChanged) console.log("the console's sources had uncommitted changes (measured as built)");
    mkdirSync(path.dirname(OUT), { recursive: true });
    writeFileSync(
      OUT,
      `${JSON.stringify(
        {
          at: new Date().toISOString(),
          commit,
          // Uncommitted changes to the console's sources when measured (others work in the tree).
          consoleSourcesChanged,
          staleBuild: stale,
          machine: {
            cores: os.cpus().length,
            cpu: os.cpus()[0]?.model,
            memoryGiB: Math.round(os.totalmem() / 2 ** 30),
            loadAverage1m,
          },
          versions: { node: process.version, chromium, database: app.database },
          engine: app.engine,
          rounds: opts.rounds,
          warmup: opts.warmup,
          sizes: {
            method:
              "gzip: zlib gzipSync level 9; brotli: brotliCompressSync quality 11 (text mode); wire: bytes the request transferred, headers included, as the API served it (compression middleware; encoding per asset)",
            assets: sizes.map((s) => ({
              ...s,
              loadedAt: where.get(s.file)?.step ?? "never",
              wire: where.get(s.file)?.wire ?? null,
            })),
            totals: {
              js: sum(sizes.filter((s) => s.kind === "js")),
              css: sum(sizes.filter((s) => s.kind === "css")),
              firstLoad: { ...sum(first), wire: wireOf("sign-in") },
              lazy: sum(lazy),
              byStep,
            },
          },
          firstRender: figures,
        },
        null,
        2,
      )}\n`,
    );
    console.log(`wrote ${path.relative(ROOT, OUT)}`);
  } finally {
    await browser?.close();
    await app.stop();
  }
}

const program = new Command("console:measure")
  .description("Size of the built web console and time to first render of the task list and clearance times")
  .addOption(new Option("--engine <engine>", "the API's database").choices(["postgres", "pglite"]).default("postgres"))
  .option("--rounds <n>", "measured rounds (each loads both pages cold and warm)", count(1), 7)
  .option("--warmup <n>", "rounds run first and not counted", count(0), 1)
  .addHelpText(
    "after",
    "\nExamples:\n  npm run -s console:measure\n  npm run -s console:measure -- --engine pglite --rounds 3",
  )
  .action((opts: Options) => measure(opts));

program.parseAsync(process.argv).then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`console:measure: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
