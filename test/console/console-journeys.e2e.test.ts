/**
 * The web console end to end, one journey per role, in Debian's Chromium against the running app
 * (the API process's startServer on real PostgreSQL, seeded as `npm start` seeds): what the pages
 * show is held against what the API answers, an edit made behind a page's back gives the
 * "changed by someone else — reload" path (412), an import with errors shows them as a table, and
 * axe-core finds no serious or critical WCAG 2.1 A/AA violation on any page. Each main page is
 * saved as a screenshot (test/support/browser.ts). Skips without Chromium unless BROWSER_REQUIRED=1.
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "puppeteer-core";
import { CLEARANCE_TABLE } from "../../projections/clearance-times/clearance-times-projection";
import {
  browserAvailable,
  chartsDrawn,
  launchBrowser,
  openPage,
  type RunningApp,
  screenshot,
  seriousViolations,
  signIn,
  startApp,
  visit,
} from "../support/browser";

if (!browserAvailable) console.warn("[console] Chromium not found: the console journeys are skipped");

const text = (page: Page, selector: string) => page.$eval(selector, (e) => e.textContent ?? "");
const count = (page: Page, selector: string) => page.$$eval(selector, (e) => e.length);
/** Waits until `selector`'s text contains `expected` (a condition, never a fixed sleep; the function runs in the page). */
const waitForText = (page: Page, selector: string, expected: string) =>
  page.waitForFunction(
    `document.querySelector(${JSON.stringify(selector)})?.textContent?.includes(${JSON.stringify(expected)})`,
  );
/** Waits until `selector`'s text is exactly `expected`. */
const waitForExactText = (page: Page, selector: string, expected: string) =>
  page.waitForFunction(
    `document.querySelector(${JSON.stringify(selector)})?.textContent === ${JSON.stringify(expected)}`,
  );
/** Sets a number field the way a person does (type, then leave it: its change event). */
const setNumber = async (page: Page, selector: string, value: number) => {
  await page.click(selector, { count: 3 });
  await page.type(selector, String(value));
  await page.keyboard.press("Tab");
};
/** Waits until `selector` matches exactly `n` elements. */
const waitForCount = (page: Page, selector: string, n: number) =>
  page.waitForFunction(`document.querySelectorAll(${JSON.stringify(selector)}).length === ${n}`);

(browserAvailable ? describe : describe.skip)("the web console", () => {
  let app: RunningApp;
  let browser: Browser;
  let downloads: string;
  let page: Page;
  let errors: string[];
  let expectStatus: (status: number) => void;

  const api = async (
    role: Parameters<RunningApp["token"]>[0],
    method: string,
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
    uscc?: string,
  ) => {
    const response = await fetch(`${app.base}${url}`, {
      method,
      headers: {
        Authorization: `Bearer ${await app.token(role, uscc)}`,
        ...(body ? { "Content-Type": "application/json" } : {}),
        ...(method === "POST" ? { "Idempotency-Key": crypto.randomUUID() } : {}),
        ...headers,
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    return {
      status: response.status,
      headers: response.headers,
      // biome-ignore lint/suspicious/noExplicitAny: answers of many shapes; the journeys read fields and compare them
      body: (await response.json().catch(() => null)) as any,
    };
  };
  /** The page has no serious or critical accessibility violation. */
  const accessible = async () => expect(await seriousViolations(page)).toEqual([]);

  beforeAll(async () => {
    app = await startApp();
    ({ browser, downloads } = await launchBrowser());
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    rmSync(downloads, { recursive: true, force: true });
  });
  beforeEach(async () => {
    ({ page, errors, expectStatus } = await openPage(browser));
  });
  afterEach(async () => {
    await page.close();
    expect(errors).toEqual([]);
  });

  it("the accessibility check finds what it is there to find", async () => {
    // A page with an unlabelled field and an image without text: axe must report both.
    await page.setContent(
      '<!doctype html><html lang="zh-CN"><title>t</title><main><input type="text"><img src="data:,"></main></html>',
    );
    const found = (await seriousViolations(page)).map((v) => v.id).sort();
    expect(found).toEqual(expect.arrayContaining(["image-alt", "label"]));
  });

  it("task force: lists, filters, acts on a task, meets a concurrent change, imports with errors, exports, charts", async () => {
    await page.goto(`${app.base}/console/`);
    await page.waitForSelector("select[name=role]");
    await accessible();
    await screenshot(page, "sign-in");
    await signIn(page, app.base, "taskforce");
    expectStatus(412); // provoked below
    expectStatus(422); // the bad import below
    // The seeded list is 2026's (the page opens on this year, China time).
    await visit(page, app.base, "tasks", "input[name=year]");
    await setNumber(page, "input[name=year]", 2026);
    await page.waitForSelector("[data-testid=task-table] tbody tr");
    const listed = await api("taskforce", "GET", "/reform-tasks?year=2026&limit=200");
    expect(await count(page, "[data-testid=task-table] tbody tr")).toBe(Math.min(50, listed.body.items.length));
    await accessible();
    await screenshot(page, "task-list");

    // Overdue only: every row is highlighted, as many as the API lists.
    const overdue = listed.body.items.filter((t: { overdue: boolean }) => t.overdue);
    expect(overdue.length).toBeGreaterThan(0);
    await page.click("input[name=overdue]");
    await waitForCount(page, "[data-testid=task-table] tbody tr.overdue", overdue.length);
    await waitForCount(page, "[data-testid=task-table] tbody tr", overdue.length);
    await page.click("input[name=overdue]");

    // Search (title, ref or content): by the ref of a planned task.
    const target = listed.body.items.find((t: { status: string }) => t.status === "planned");
    await page.type("input[name=q]", target.ref);
    await page.click(".filters button[type=submit]");
    await waitForCount(page, "[data-testid=task-table] tbody tr", 1);
    expect(await text(page, "[data-testid=task-table] tbody tr")).toContain(target.title.zh);

    // The task page; then someone else starts the task behind its back.
    await page.click("[data-testid=task-table] tbody tr a");
    await page.waitForSelector("details.action[data-action=block]");
    expect(await text(page, "[data-testid=task-status]")).toBe("未启动");
    await accessible();
    const started = await api("taskforce", "POST", `/reform-tasks/${target.taskId}/start`, {}, { "If-Match": '"0"' });
    expect(started.status).toBe(200);
    await page.click("details.action[data-action=block] summary");
    await page.type("details.action[data-action=block] textarea[name=reason]", "等待系统升级");
    await page.click("details.action[data-action=block] button[type=submit]");
    await page.waitForSelector("[data-testid=conflict]");
    expect(await text(page, "[data-testid=conflict]")).toContain("已被他人修改");
    await page.click("[data-testid=conflict] button");
    await waitForText(page, "[data-testid=task-status]", "推进中");
    expect(await count(page, "[data-testid=conflict]")).toBe(0);

    // Now a progress report from the page succeeds and shows in the list (read-your-writes: the
    // list is read with the report's consistency token).
    const sent: { method: string; url: string; token: string | undefined; answered?: string | null }[] = [];
    page.on("request", (r) => sent.push({ method: r.method(), url: r.url(), token: r.headers()["consistency-token"] }));
    page.on("response", (r) => {
      const entry = sent.find(
        (x) => x.url === r.url() && x.method === r.request().method() && x.answered === undefined,
      );
      if (entry) entry.answered = r.headers()["consistency-token"] ?? null;
    });
    await page.waitForSelector("details.action[data-action=progress-reports]");
    await page.click("details.action[data-action=progress-reports] summary");
    await page.type("details.action[data-action=progress-reports] input[name=percent]", "40");
    await page.type("details.action[data-action=progress-reports] textarea[name=narrative]", "已完成系统对接测试");
    await page.click("details.action[data-action=progress-reports] button[type=submit]");
    await waitForText(page, "[data-testid=task-progress]", "40%");
    await waitForCount(page, "[data-testid=timeline] li", 3);
    expect(await text(page, "[data-testid=timeline]")).toContain("报告进度");
    await screenshot(page, "task-page");
    const after = await api("taskforce", "GET", `/reform-tasks/${target.taskId}`);
    expect(after.body).toMatchObject({
      status: "in_progress",
      progress: { percent: 40, narrative: "已完成系统对接测试" },
      version: 2,
    });
    await page.click("a[href='#/tasks']");
    await setNumber(page, "input[name=year]", 2026);
    await page.waitForSelector("[data-testid=task-table] tbody tr");
    await page.type("input[name=q]", target.ref);
    await page.click(".filters button[type=submit]");
    await waitForCount(page, "[data-testid=task-table] tbody tr", 1);
    expect(await text(page, "[data-testid=task-table] tbody tr")).toContain("40%");
    const report = sent.find((x) => x.method === "POST" && x.url.endsWith(`/${target.taskId}/progress-reports`))!;
    expect(report.answered).toMatch(/^1\.\d+\.\d+$/);
    const listReads = sent.filter((x) => x.method === "GET" && new URL(x.url).pathname === "/reform-tasks");
    expect(listReads.length).toBeGreaterThan(0);
    expect(listReads.every((x) => x.token === report.answered)).toBe(true);

    // Export: the CSV the page downloads is the API's, with its Chinese headers.
    await page.click("[data-testid=export-csv]");
    const csv = await waitForDownload(downloads, ".csv");
    expect(readFileSync(csv, "utf8").split("\n")[0]).toContain("编号");

    // Import: a file with a bad deadline is refused, and the page tables row and column.
    const exported = await fetch(`${app.base}/reform-tasks/export?year=2026&format=csv&headers=codes`, {
      headers: { Authorization: `Bearer ${await app.token("taskforce")}` },
    }).then((r) => r.text());
    const lines = exported.split("\n");
    const header = lines[0]!.split(",");
    const deadline = header.indexOf("deadline");
    expect(deadline).toBeGreaterThan(0);
    const broken = [...lines];
    const cells = broken[2]!.split(",");
    expect(cells[deadline]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    cells[deadline] = "2026-02-30";
    broken[2] = cells.join(",");
    const badFile = path.join(downloads, "bad-list.csv");
    writeFileSync(badFile, broken.join("\n"));
    await visit(page, app.base, "import", "input[type=file]");
    await setNumber(page, "input[name=year]", 2026);
    await accessible();
    const input = await page.$("input[type=file]");
    await input!.uploadFile(badFile);
    await page.click("form button[type=submit]");
    await page.waitForSelector("[data-testid=import-errors] tbody tr");
    const errorRows = await page.$$eval("[data-testid=import-errors] tbody tr", (rows) =>
      rows.map((r) => [...r.querySelectorAll("td")].map((c) => c.textContent)),
    );
    expect(errorRows).toEqual([["3", "deadline", expect.stringMatching(/date/i)]]);
    await accessible();
    await screenshot(page, "task-import-errors");
    // The untouched file passes the dry run.
    const goodFile = path.join(downloads, "good-list.csv");
    writeFileSync(goodFile, exported);
    await (await page.$("input[type=file]"))!.uploadFile(goodFile);
    await page.click("form button[type=submit]");
    await page.waitForSelector("[data-testid=import-outcome]");
    expect(await text(page, "[data-testid=import-outcome]")).toContain("试导入通过");

    // Charts: the scoreboard, the rate by field and over time, drawn.
    await visit(page, app.base, "task-charts", "input[name=year]");
    await setNumber(page, "input[name=year]", 2026);
    await waitForCount(page, "figure.chart", 3);
    await page.waitForSelector("[data-testid=scoreboard-table] tbody tr");
    expect(await chartsDrawn(page)).toBe(3);
    const board = await api("taskforce", "GET", "/reform-tasks/scoreboard?year=2026");
    expect(await count(page, "[data-testid=scoreboard-table] tbody tr")).toBe(board.body.departments.length);
    await accessible();
    await screenshot(page, "task-charts");
  }, 240_000);

  it("analyst: clearance times as the API figures them, filtered, with the release curve and outliers", async () => {
    await signIn(page, app.base, "analyst");
    await visit(page, app.base, "clearance", "[data-testid=stage-table] tbody tr");
    const all = await api("analyst", "GET", "/clearance-times");
    expect(Number(await text(page, "[data-testid=declaration-count]"))).toBe(all.body.groups[0].declarations);
    expect(await count(page, "[data-testid=stage-table] tbody tr")).toBe(Object.keys(all.body.groups[0].stages).length);
    // Durations read in Chinese.
    expect(await text(page, "[data-testid=stage-table] tbody tr")).toMatch(/\d+ 小时 \d{2} 分/);
    await page.select("select[name=direction]", "export");
    const exports = await api("analyst", "GET", "/clearance-times?direction=export");
    await waitForExactText(page, "[data-testid=declaration-count]", String(exports.body.groups[0].declarations));
    const curve = await api("analyst", "GET", "/clearance-times/release-curve?direction=export&maxHours=96");
    const at24 = curve.body.points.find((p: { hours: number }) => p.hours === 24);
    await waitForText(page, "[data-testid=share-within]", `(${at24.releasedWithin} / ${curve.body.released})`);
    const outliers = await api("analyst", "GET", "/clearance-times/outliers?direction=export&limit=20");
    await waitForCount(page, "[data-testid=outliers-table] tbody tr", outliers.body.outliers.length);
    expect(await chartsDrawn(page)).toBe(4);
    await accessible();
    await screenshot(page, "clearance-times");
    // Times are China Standard Time: the first outlier's lodgement, 8 hours past the API's UTC instant.
    const lodged = new Date(new Date(outliers.body.outliers[0].lodgedAt).getTime() + 8 * 3_600_000).toISOString();
    const cst = `${lodged.slice(0, 10)} ${lodged.slice(11, 16)}`;
    expect(await text(page, "[data-testid=outliers-table] tbody tr td:nth-child(7)")).toBe(cst);
    // The English switch: English labels, durations read "h min", times marked CST.
    await page.click("header button.link");
    await waitForText(page, "h1", "Clearance times");
    expect(await text(page, "[data-testid=stage-table] tbody tr")).toMatch(/\d+ h \d{2} min/);
    expect(await text(page, "[data-testid=outliers-table] tbody tr td:nth-child(7)")).toBe(`${cst} CST`);
    expect(await page.$eval("html", (h) => h.getAttribute("lang"))).toBe("en");
    await accessible();
    await page.click("header button.link");
    await waitForText(page, "h1", "通关时间");
  }, 240_000);

  it("enterprise: checks an investment against the negative list, sees its declarations, submits a filing", async () => {
    const { rows } = await app.server.db.query<{ enterprise: string; n: number }>(
      `SELECT enterprise, count(*)::int AS n FROM ${CLEARANCE_TABLE} GROUP BY enterprise ORDER BY n DESC, enterprise LIMIT 1`,
    );
    const firm = rows[0]!;
    await signIn(page, app.base, "enterprise", firm.enterprise);
    expect(await text(page, "[data-testid=who]")).toContain(firm.enterprise);

    await visit(page, app.base, "check", "input[name=industry-search]");
    await page.type("input[name=industry-search]", "种子种苗");
    await page.waitForSelector("[data-testid=industry-options] button");
    const option = (await page.$$("[data-testid=industry-options] button")).at(0)!;
    expect(await option.evaluate((b) => b.textContent)).toContain("0511");
    await option.click();
    const query = "industry=0511&foreignShare=49&largestForeignInvestor=30&legalRepresentative=CN&insideFtz=true";
    await page.click("form.stack > button[type=submit]");
    await page.waitForSelector("[data-testid=check-outcome]");
    const undecided = await api("enterprise", "GET", `/negative-list/check?${query}`, undefined, {}, firm.enterprise);
    expect(undecided.body.outcome).toBe("indeterminate");
    expect(await text(page, "[data-testid=check-outcome]")).toBe("无法确定");
    expect(await text(page, "[data-testid=check-answer]")).toContain(undecided.body.decidedBy);
    await accessible();
    await screenshot(page, "negative-list-check");
    // Stating the activity decides it, as the API decides it.
    await page.click("fieldset:nth-of-type(2) label.check input");
    await page.waitForSelector("input[name=activity][value=wheat-seed-breeding-production]");
    await page.click("input[name=activity][value=wheat-seed-breeding-production]");
    await page.click("form.stack > button[type=submit]");
    const decided = await api(
      "enterprise",
      "GET",
      `/negative-list/check?${query}&activities=wheat-seed-breeding-production`,
      undefined,
      {},
      firm.enterprise,
    );
    expect(decided.body.outcome).not.toBe("indeterminate");
    const names: Record<string, string> = {
      permitted: "允许（不在负面清单内）",
      restricted: "限制",
      prohibited: "禁止",
    };
    await waitForText(page, "[data-testid=check-outcome]", names[decided.body.outcome]!);

    await visit(page, app.base, "declarations", "[data-testid=declarations-table] tbody tr");
    expect(await count(page, "[data-testid=declarations-table] tbody tr")).toBe(Math.min(50, firm.n));
    await accessible();
    await screenshot(page, "my-declarations");

    await visit(page, app.base, "filings/new", "select[name=kind]");
    await page.type("input[name=country]", "KZ");
    await page.type("input[name=industry]", "1711");
    await page.type("input[name=amount]", "1000000");
    await page.type("textarea[name=description]", "在阿拉木图新建棉纺厂");
    await accessible();
    await page.click("form.stack > button[type=submit]");
    await page.waitForSelector("[data-testid=filing-status]");
    expect(await text(page, "[data-testid=filing-status]")).toBe("已提交");
    // The console kept the submission's consistency token; with it the read model has the filing.
    // (kept as "<token> <when>", ms since the epoch)
    const [written] = ((await page.evaluate('sessionStorage.getItem("ftz.consistency")')) as string).split(" ");
    expect(written).toMatch(/^1\.\d+\.\d+$/);
    const mine = await api(
      "enterprise",
      "GET",
      "/filings",
      undefined,
      { "Consistency-Token": written! },
      firm.enterprise,
    );
    expect(mine.body.items).toHaveLength(1);
    await visit(page, app.base, "filings", "[data-testid=filings-table] tbody tr");
    expect(await count(page, "[data-testid=filings-table] tbody tr")).toBe(1);
    await accessible();
    await screenshot(page, "my-filings");
  }, 240_000);

  it("bureau: works the filing queue by due date, accepts one, meets a concurrent decision, reads the statistics and the status", async () => {
    const firm = "91350200776049653A";
    const submit = async (country: string) => {
      const r = await api(
        "enterprise",
        "POST",
        "/filings",
        {
          enterprise: firm,
          details: {
            kind: "outbound_investment",
            destinationCountry: country,
            industryCodes: ["1711"],
            investment: { value: 2000000, currency: "USD", usd: 2000000 },
            sensitiveIndustry: false,
            description: "新建纺织厂",
          },
          persons: [{ role: "legal_representative", name: "买买提·艾力", nationality: "CN", phone: "13899900000" }],
        },
        {},
        firm,
      );
      expect(r.status).toBe(201);
      return r;
    };
    const first = await submit("KZ");
    const second = await submit("UZ");
    // The queue has both once its read model has them (the consistency token waits for that).
    const queue = await api("admin", "GET", "/filings/queue", undefined, {
      "Consistency-Token": second.headers.get("Consistency-Token")!,
      Prefer: "wait=30",
    });
    expect(queue.status).toBe(200);
    await signIn(page, app.base, "admin");
    expectStatus(412); // provoked below
    await visit(page, app.base, "queue", "[data-testid=filings-table] tbody tr");
    expect(await count(page, "[data-testid=filings-table] tbody tr")).toBe(queue.body.items.length);
    await accessible();
    await screenshot(page, "filing-queue");

    await page.goto(`${app.base}/console/#/queue/${first.body.filingId}`);
    await page.waitForSelector("form[data-action=accept]");
    // The bureau sees the person the filing names, opened.
    expect(await text(page, "[data-testid=persons-table] tbody")).toContain("买买提·艾力");
    await page.type("form[data-action=accept] input[name=filingNumber]", "新境外投资〔2026〕第00012号");
    await page.click("form[data-action=accept] button[type=submit]");
    await waitForText(page, "[data-testid=filing-status]", "已备案");
    await accessible();
    await screenshot(page, "filing-decided");

    // A colleague refers the second filing while the page shows it undecided.
    await page.goto(`${app.base}/console/#/queue/${second.body.filingId}`);
    await page.waitForSelector("form[data-action=reject]");
    const shown = await api("admin", "GET", `/filings/${second.body.filingId}`);
    const referred = await api(
      "admin",
      "POST",
      `/filings/${second.body.filingId}/referral`,
      { reason: "需补充可行性研究报告" },
      { "If-Match": shown.headers.get("ETag")! },
    );
    expect(referred.status).toBe(200);
    await page.type("form[data-action=reject] textarea[name=reasons]", "投资主体资料不全");
    await page.click("form[data-action=reject] button[type=submit]");
    await page.waitForSelector("[data-testid=conflict]");
    await page.click("[data-testid=conflict] button");
    await waitForText(page, "[data-testid=filing-status]", "已转核准");

    await visit(page, app.base, "filing-stats", "[data-testid=filing-stats-table] tbody tr");
    expect(await chartsDrawn(page)).toBe(1);
    await accessible();
    await screenshot(page, "filing-statistics");

    await visit(page, app.base, "status", "[data-testid=projections-table] tbody tr");
    const status = await api("admin", "GET", "/operations/status");
    expect(await count(page, "[data-testid=projections-table] tbody tr")).toBe(status.body.projections.length);
    await accessible();
    await screenshot(page, "system-status");
  }, 240_000);
});

/** The first file ending in `ext` that appears in `dir` (a finished download: no .crdownload), within 30 s. */
async function waitForDownload(dir: string, ext: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const done = existsSync(dir) ? readdirSync(dir).find((f) => f.endsWith(ext)) : undefined;
    if (done) return path.join(dir, done);
    if (Date.now() > deadline) throw new Error(`no ${ext} download in ${dir}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
