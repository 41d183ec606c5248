/**
 * The reform-tasks HTTP API on real PostgreSQL (read models fed from the store, as in embedded
 * mode): plan with Idempotency-Key, updates with If-Match (two updates on the same ETag → one
 * 200 and one 412), refusals as problem details naming the field or the state, the list with
 * filters and cursors, scoreboard, replication rates, history, import and export over HTTP.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "csv-parse";
import ExcelJS from "exceljs";
import type { Express } from "express";
import type request from "supertest";
import type { ReadSide } from "../../services/api/read-side";
import { SEED_LIST } from "../../services/reform-tasks/seed";
import { MEDIA_TYPES } from "../../services/reform-tasks/task-list-file";
import { eventCount, PROBLEM_JSON } from "../support/api-app";
import { type AuthedClient, as } from "../support/auth";
import { serverDatabase, type TestDatabase } from "../support/databases";
import { productApp } from "../support/product-app";
import { taskPlanBody } from "../support/reform-tasks";

const plan = taskPlanBody;

/** The export's columns: code (header with `headers=codes`), Chinese header, name column's header if coded. */
const COLUMNS: [code: string, zh: string, name?: string][] = [
  ["year", "年度"],
  ["ref", "编号"],
  ["title_zh", "事项名称"],
  ["title_en", "英文名称"],
  ["field", "领域代码", "领域"],
  ["scope", "推广范围代码", "推广范围"],
  ["source_batch", "来源批次"],
  ["source_item", "批次内序号"],
  ["source", "来源依据"],
  ["core_content", "核心内容"],
  ["lead_department", "牵头部门代码", "牵头部门"],
  ["cooperating_departments", "配合部门代码", "配合部门"],
  ["deadline", "时间节点"],
  ["implementation_path", "实施路径"],
  ["assumed", "自行拟定项代码", "自行拟定项"],
  ["task_id", "任务ID"],
  ["status", "状态代码", "状态"],
  ["started_on", "开始日期"],
  ["progress_percent", "进度（%）"],
  ["progress_as_of", "进度截至日期"],
  ["replicated_on", "落地日期"],
  ["original_deadline", "原定时间节点"],
  ["reschedules", "调整次数"],
  ["overdue", "是否逾期"],
  ["overdue_as_of", "逾期判断日期"],
  ["version", "版本"],
];
/** The default header row: Chinese, each coded column followed by its name column. */
const ZH_HEADER = COLUMNS.flatMap(([, zh, name]) => (name ? [zh, name] : [zh]));
/** The header row of `headers=codes`, as the export wrote it before Chinese headers. */
const CODES_HEADER =
  "year,ref,title_zh,title_en,field,scope,source_batch,source_item,source,core_content,lead_department," +
  "cooperating_departments,deadline,implementation_path,assumed,task_id,status,started_on,progress_percent," +
  "progress_as_of,replicated_on,original_deadline,reschedules,overdue,overdue_as_of,version";

const DEPARTMENTS: { code: string; nameZh: string }[] = JSON.parse(
  readFileSync(path.join(__dirname, "../../services/reform-tasks/data/departments.json"), "utf8"),
).departments;
const departmentName = (code: string) => DEPARTMENTS.find((d) => d.code === code)!.nameZh;

/** A CSV's records (test-side parse, BOM dropped). */
function csvRecords(text: string): Promise<string[][]> {
  return new Promise((resolve, reject) => {
    parse(text.replace(/^\uFEFF/, ""), {}, (err, records: string[][]) => (err ? reject(err) : resolve(records)));
  });
}

describe("reform tasks API (PostgreSQL)", () => {
  let t: TestDatabase;
  let app: Express;
  let readSide: ReadSide;
  let tf: AuthedClient;
  beforeEach(async () => {
    t = await serverDatabase();
    ({ app, readSide } = await productApp(t));
    tf = await as(app, "taskforce");
  });
  afterEach(async () => {
    await readSide.stop();
    await t.drop();
  });

  const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    tf
      .post(url)
      .set(headers)
      .send(body as object);
  const planTask = async (over: Record<string, unknown> = {}, key = `k-${Math.random()}`) => {
    const res = await post("/reform-tasks", plan(over), { "Idempotency-Key": key });
    expect({ status: res.status, body: res.status === 201 ? undefined : res.body }).toEqual({ status: 201 });
    return res;
  };

  it("plans a task (Idempotency-Key required; a retry replays; the same year and ref again is refused)", async () => {
    const noKey = await post("/reform-tasks", plan());
    expect(noKey.status).toBe(400);
    const res = await planTask({}, "plan-1");
    expect(res.headers.etag).toBe('"0.overdue"');
    expect(res.headers.location).toBe(`/reform-tasks/${res.body.taskId}`);
    expect(res.body).toMatchObject({ ref: "T-001", status: "planned", version: 0, overdue: true });
    const replay = await post("/reform-tasks", plan(), { "Idempotency-Key": "plan-1" });
    expect(replay.status).toBe(201);
    expect(replay.headers["idempotent-replayed"]).toBe("true");
    const again = await post("/reform-tasks", plan(), { "Idempotency-Key": "plan-2" });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: "task_already_exists", state: "planned", taskId: res.body.taskId });
    expect(await eventCount(t)).toBe(1);
  });

  it("refuses unknown departments and fields by name, at their field, and stores nothing", async () => {
    const res = await post(
      "/reform-tasks",
      plan({ leadDepartment: "propaganda", cooperatingDepartments: ["tax", "nowhere"], field: "space" }),
      { "Idempotency-Key": "bad-1" },
    );
    expect(res.status).toBe(400);
    expect(res.headers["content-type"]).toMatch(PROBLEM_JSON);
    expect(res.body.errors).toEqual([
      { pointer: "/body/field", detail: expect.stringContaining('unknown reform field "space"') },
      { pointer: "/body/leadDepartment", detail: expect.stringContaining('unknown department "propaganda"') },
      { pointer: "/body/cooperatingDepartments/1", detail: expect.stringContaining('"nowhere"') },
    ]);
    const bad = await post("/reform-tasks", plan({ deadline: "2026-02-30", extra: 1 }), { "Idempotency-Key": "b2" });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual([
      "/body/deadline",
      "/body/extra",
    ]);
    expect(await eventCount(t)).toBe(0);
  });

  it("two updates with the same If-Match: one succeeds, the other gets 412 with the actual version", async () => {
    const { body } = await planTask();
    const url = `/reform-tasks/${body.taskId}/reschedules`;
    const [a, b] = await Promise.all([
      post(url, { to: "2026-09-30", reason: "自治区系统延期" }, { "If-Match": '"0"' }),
      post(url, { to: "2026-10-31", reason: "另一原因" }, { "If-Match": '"0"' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 412]);
    const lost = a.status === 412 ? a : b;
    expect(lost.body).toMatchObject({ status: 412, actualVersion: 1 });
    const won = a.status === 200 ? a : b;
    expect(won.headers.etag).toBe(won.body.overdue ? '"1.overdue"' : '"1"');
    const task = await tf.get(`/reform-tasks/${body.taskId}`);
    expect(task.body).toMatchObject({ version: 1, reschedules: 1, originalDeadline: "2026-06-30" });
    expect(task.body.deadline).toBe(won.body.deadline);
    const missing = await post(url, { to: "2027-01-31", reason: "x" });
    expect(missing.status).toBe(428);
  });

  it("checks If-Match before the state (412, not 409), refuses *, and does not store a 412 under its key", async () => {
    const { body } = await planTask();
    const url = `/reform-tasks/${String(body.taskId).toUpperCase()}/block`; // ids are case-insensitive
    expect((await post(url, { reason: "等待" }, { "If-Match": '"0"' })).status).toBe(200);
    const stale = await post(url, { reason: "again" }, { "If-Match": '"0"', "Idempotency-Key": "blk-1" });
    expect(stale.status).toBe(412);
    expect(stale.body.actualVersion).toBe(1);
    const any = await post(url, { reason: "x" }, { "If-Match": "*" });
    expect(any.status).toBe(428);
    // The corrected retry with the same key runs (the 412 was not stored): here it is refused by state.
    const fixed = await post(url, { reason: "again" }, { "If-Match": '"1"', "Idempotency-Key": "blk-1" });
    expect(fixed.status).toBe(409);
    expect(fixed.headers["idempotent-replayed"]).toBeUndefined();
    expect(fixed.body).toMatchObject({ code: "illegal_transition", state: "blocked" });
    // A command whose fields are all optional needs no body.
    const unblocked = await tf.post(url.replace("/block", "/unblock")).set("If-Match", '"1"');
    expect(unblocked.status).toBe(200);
    expect(unblocked.body.status).toBe("planned");
  });

  it("reads query integers as digits only (no exponent, hex, sign, blanks or empty value)", async () => {
    await readSide.caughtUp();
    for (const limit of ["1e2", "0x10", " 12", "+5", "", "1.0"]) {
      const res = await tf.get(`/reform-tasks?limit=${encodeURIComponent(limit)}`);
      expect({ limit, status: res.status }).toEqual({ limit, status: 400 });
      expect(res.body.errors).toEqual([{ pointer: "/query/limit", detail: expect.any(String) }]);
    }
    expect((await tf.get("/reform-tasks?limit=12")).status).toBe(200);
    expect((await tf.get("/reform-tasks/scoreboard?year=1e3")).status).toBe(400);
  });

  it("checks a text's length before trimming it: 5,000 spaces are no empty narrative, and nothing is stored", async () => {
    const { body } = await planTask();
    const before = await eventCount(t);
    const res = await post(
      `/reform-tasks/${body.taskId}/progress-reports`,
      { percent: 10, narrative: " ".repeat(5000) },
      { "If-Match": '"0"' },
    );
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ pointer: "/body/narrative", detail: expect.any(String) }]);
    expect(await eventCount(t)).toBe(before);
  });

  it("refuses forged cursors with 400", async () => {
    await readSide.caughtUp();
    const forge = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
    for (const v of [
      [99999999999, "a", "00000000-0000-4000-8000-000000000000"],
      [2026, "a\u0000b", "00000000-0000-4000-8000-000000000000"],
      [2026, "a", "------------------------------------"],
      { year: 2026 },
    ]) {
      const res = await tf.get(`/reform-tasks?cursor=${forge(v)}`);
      expect({ v, status: res.status }).toEqual({ v, status: 400 });
    }
  });

  it("walks a task through its life; illegal transitions name the current state; history keeps every step", async () => {
    const { body } = await planTask();
    const id = body.taskId as string;
    let version = 0;
    const step = async (cmd: string, payload: unknown, status = 200) => {
      const res = await post(`/reform-tasks/${id}/${cmd}`, payload, { "If-Match": `"${version}"` });
      expect({ cmd, status: res.status, body: res.body }).toMatchObject({ cmd, status });
      if (status === 200) version = res.body.version;
      return res;
    };
    // The view lists the updates the status allows, and each listed one is accepted in turn.
    const actionsNow = async () => (await tf.get(`/reform-tasks/${id}`)).body.actions;
    expect(await actionsNow()).toEqual([
      "revisions",
      "departments",
      "start",
      "reschedules",
      "not-applicable",
      "block",
      "evaluations",
      "archive",
    ]);
    await step("start", { on: "2026-03-01" });
    expect(await actionsNow()).toEqual([
      "revisions",
      "departments",
      "progress-reports",
      "reschedules",
      "replication",
      "not-applicable",
      "block",
      "evaluations",
      "archive",
    ]);
    await step("progress-reports", {
      percent: 60,
      narrative: "系统对接完成",
      evidence: ["https://example.gov.cn/a"],
      asOf: "2026-05-01",
    });
    const early = await step("replication", { on: "2026-02-01" }, 422);
    expect(early.body).toMatchObject({ code: "date_before_start", field: "on" });
    await step("block", { reason: "等待自治区平台" });
    expect(await actionsNow()).not.toContain("replication");
    expect(await actionsNow()).toContain("unblock");
    const illegal = await step("replication", { on: "2026-06-01" }, 409);
    expect(illegal.body).toMatchObject({ code: "illegal_transition", state: "blocked", allowedIn: ["in_progress"] });
    expect(illegal.body.detail).toBe("cannot mark as replicated a task that is blocked (allowed when in_progress)");
    await step("unblock", { resolution: "平台上线" });
    const done = await step("replication", { on: "2026-06-20", summary: "全州推行", evidence: [] });
    expect(done.body).toMatchObject({ status: "replicated", replicatedOn: "2026-06-20", overdue: false });
    await step("evaluations", { kind: "mid_term", rating: "excellent", evaluatedOn: "2026-11-01" });
    await step("evaluations", { kind: "mid_term", rating: "good" }, 409);
    await step("archive", { reason: "并入2027年清单" });
    expect(await actionsNow()).toEqual([]);
    await step("reopen", { reason: "x" }, 409);

    const history = await tf.get(`/reform-tasks/${id}/history`);
    expect(history.status).toBe(200);
    expect(history.body.events.map((e: { type: string }) => e.type)).toEqual([
      "TaskPlanned",
      "TaskStarted",
      "ProgressReported",
      "TaskBlocked",
      "TaskUnblocked",
      "TaskReplicated",
      "TaskEvaluated",
      "TaskArchived",
    ]);
    expect(history.body.events[1].correlationId).toEqual(expect.any(String));
    expect(history.headers.etag).toBe(`"${version}"`);
    expect(
      (await tf.get(`/reform-tasks/${id}/history`.replace(id, "00000000-0000-4000-8000-000000000000"))).status,
    ).toBe(404);
  });

  it("serves the list with filters and cursors, the scoreboard and replication rates from the read model", async () => {
    const ids: string[] = [];
    for (let i = 1; i <= 5; i++) {
      const res = await planTask({
        ref: `T-00${i}`,
        leadDepartment: i <= 3 ? "tax" : "commerce",
        cooperatingDepartments: i === 5 ? ["tax"] : [],
        deadline: i <= 2 ? "2026-03-31" : "2026-12-31",
        title: { zh: i === 4 ? "专利开放许可新模式" : `任务${i}`, en: i === 2 ? "Movable-property pledge" : undefined },
      });
      ids.push(res.body.taskId);
    }
    // Task 1: replicated on time; task 3: replicated late (after its deadline); task 5: not applicable.
    await post(`/reform-tasks/${ids[0]}/start`, { on: "2026-01-10" }, { "If-Match": '"0"' });
    await post(`/reform-tasks/${ids[0]}/replication`, { on: "2026-03-01" }, { "If-Match": '"1"' });
    await post(`/reform-tasks/${ids[2]}/reschedules`, { to: "2026-04-30", reason: "r" }, { "If-Match": '"0"' });
    await post(`/reform-tasks/${ids[2]}/start`, { on: "2026-02-01" }, { "If-Match": '"1"' });
    await post(`/reform-tasks/${ids[2]}/replication`, { on: "2026-05-15" }, { "If-Match": '"2"' });
    await post(`/reform-tasks/${ids[4]}/not-applicable`, { reason: "无相关业务" }, { "If-Match": '"0"' });
    await readSide.caughtUp();

    const list = (q: string) => tf.get(`/reform-tasks?${q}`);
    const refs = (res: request.Response) => res.body.items.map((x: { ref: string }) => x.ref);
    const page1 = await list("year=2026&limit=2&asOf=2026-06-30");
    expect(refs(page1)).toEqual(["T-001", "T-002"]);
    const page2 = await list(`year=2026&limit=2&asOf=2026-06-30&cursor=${page1.body.nextCursor}`);
    const page3 = await list(`year=2026&limit=2&asOf=2026-06-30&cursor=${page2.body.nextCursor}`);
    expect([...refs(page2), ...refs(page3)]).toEqual(["T-003", "T-004", "T-005"]);
    expect(page3.body.nextCursor).toBeNull();

    expect(refs(await list("overdue=true&asOf=2026-06-30"))).toEqual(["T-002"]);
    const overdue = (await list("overdue=true&asOf=2026-06-30")).body.items[0];
    expect(overdue).toMatchObject({ overdue: true, daysOverdue: 91 });
    expect(refs(await list("status=replicated,not_applicable"))).toEqual(["T-001", "T-003", "T-005"]);
    expect(refs(await list("department=tax"))).toEqual(["T-001", "T-002", "T-003", "T-005"]);
    expect(refs(await list("field=financial-innovation&source=SC-FTZ-7"))).toHaveLength(5);
    expect(refs(await list(`q=${encodeURIComponent("专利开放")}`))).toEqual(["T-004"]);
    expect(refs(await list("q=PLEDGE"))).toEqual(["T-002"]);
    expect((await list("status=done")).status).toBe(400);
    // A code no department or field has is a mistake, not an empty list.
    const nosuch = await list("department=nosuch&field=nofield");
    expect(nosuch.status).toBe(400);
    expect(nosuch.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual([
      "/query/department",
      "/query/field",
    ]);
    expect((await tf.get("/reform-tasks/export?department=nosuch")).status).toBe(400);
    expect((await list("cursor=bm9wZQ")).body.errors[0].pointer).toBe("/query/cursor");

    const board = await tf.get("/reform-tasks/scoreboard?year=2026&asOf=2026-06-30");
    const tax = board.body.departments.find((d: { department: string }) => d.department === "tax");
    // Against the first deadlines T-001 (03-01 ≤ 03-31) and T-003 (05-15 ≤ 12-31) were on time.
    // T-003's reschedule to 04-30 is dated the day it was recorded (today), so on 06-30 the
    // deadline in force was still the first one.
    expect(tax).toMatchObject({
      nameZh: expect.stringContaining("税务局"),
      total: 3,
      byStatus: { replicated: 2, planned: 1 },
      overdue: 1,
      rescheduled: 0,
      due: 3,
      replicatedOnTime: 2,
      onTimeRatePercent: 66.7,
      currentDeadline: { due: 3, replicatedOnTime: 2, onTimeRatePercent: 66.7 },
    });
    // T-005 was judged not applicable today: on 06-30 it still counted as applicable.
    const rates = await tf.get("/reform-tasks/replication-rates?asOf=2026-06-30");
    expect(rates.body.years).toEqual([
      {
        year: 2026,
        total: 5,
        applicable: 5,
        replicated: 2,
        notApplicable: 0,
        archived: 0,
        overdue: 1,
        replicationRatePercent: 40,
      },
    ]);
    const later = await tf.get("/reform-tasks/replication-rates?asOf=2099-12-31");
    expect(later.body.years[0]).toMatchObject({
      applicable: 4,
      notApplicable: 1,
      overdue: 2,
      replicationRatePercent: 50,
    });
  });

  it("gives an overdue task its own ETag, so a conditional GET never answers 304 with a stale overdue", async () => {
    const due = await planTask({ ref: "E-001", deadline: "2026-01-31" });
    const open = await planTask({ ref: "E-002", deadline: "2099-12-31", year: 2099 });
    // Overdue since 2026-02-01 without any event: the tag says so.
    expect(due.headers.etag).toBe('"0.overdue"');
    expect(due.body.overdue).toBe(true);
    expect(open.headers.etag).toBe('"0"');
    const path = `/reform-tasks/${due.body.taskId}`;
    const stale = await tf.get(path).set("If-None-Match", '"0"');
    expect(stale.status).toBe(200);
    expect(stale.body.overdue).toBe(true);
    expect((await tf.get(path).set("If-None-Match", '"0.overdue"')).status).toBe(304);
    // If-Match compares the version: the tag read is accepted, and a stale version still is not.
    const started = await post(`${path}/start`, { on: "2026-01-10" }, { "If-Match": '"0.overdue"' });
    expect(started.status).toBe(200);
    expect(started.headers.etag).toBe('"1.overdue"');
    expect((await post(`${path}/start`, { on: "2026-01-10" }, { "If-Match": '"0.overdue"' })).status).toBe(412);
  });

  it("counts, as of a date, only what had happened by then, and judges on-time against the first deadline", async () => {
    const late = await planTask({ ref: "A-001", leadDepartment: "customs-korla", deadline: "2026-03-31" });
    const early = await planTask({ ref: "A-002", leadDepartment: "customs-korla", deadline: "2026-12-31" });
    const [a, b] = [late.body.taskId, early.body.taskId];
    await post(`/reform-tasks/${a}/start`, { on: "2026-02-01" }, { "If-Match": '"0"' });
    await post(`/reform-tasks/${a}/reschedules`, { to: "2026-10-31", reason: "延期" }, { "If-Match": '"1"' });
    await post(`/reform-tasks/${a}/replication`, { on: "2026-09-15" }, { "If-Match": '"2"' });
    await post(`/reform-tasks/${b}/start`, { on: "2026-03-01" }, { "If-Match": '"0"' });
    await post(`/reform-tasks/${b}/replication`, { on: "2026-11-20" }, { "If-Match": '"1"' });
    await readSide.caughtUp();
    const board = async (asOf: string) =>
      (await tf.get(`/reform-tasks/scoreboard?year=2026&asOf=${asOf}`)).body.departments.find(
        (d: { department: string }) => d.department === "customs-korla",
      );
    // On 2026-06-30 both were in progress (B's replication on 11-20 had not happened); A was
    // overdue against its first deadline, which is what the deadline in force was then too
    // unless the reschedule had been recorded by then (it is dated the day it was recorded).
    const june = await board("2026-06-30");
    expect(june.byStatus).toEqual({ in_progress: 2 });
    expect(june).toMatchObject({ replicatedOnTime: 0, due: 1 });
    // Long after: both replicated; A late against its first deadline, on time against the new one.
    const later = await board("2099-12-31");
    expect(later).toMatchObject({
      byStatus: { replicated: 2 },
      rescheduled: 1,
      due: 2,
      replicatedOnTime: 1,
      onTimeRatePercent: 50,
      currentDeadline: { due: 2, replicatedOnTime: 2, onTimeRatePercent: 100 },
    });
    const rates = async (asOf: string) =>
      (await tf.get(`/reform-tasks/replication-rates?asOf=${asOf}`)).body.years.find(
        (y: { year: number }) => y.year === 2026,
      );
    expect((await rates("2026-06-30")).replicated).toBe(0);
    expect((await rates("2099-12-31")).replicated).toBe(2);
  });

  it("imports over HTTP (rejected file → 422 naming row and column; accepted → tasks), then exports CSV and XLSX", async () => {
    const bad = readFileSync(path.join(__dirname, "../fixtures/reform-tasks/task-list-with-errors.csv"));
    const rejected = await tf
      .post("/reform-tasks/imports?year=2026")
      .set({ "Content-Type": "text/csv", "Idempotency-Key": "imp-0" })
      .send(bad);
    expect(rejected.status).toBe(422);
    expect(rejected.headers["content-type"]).toMatch(PROBLEM_JSON);
    expect(rejected.body.errors[0]).toEqual({
      pointer: "/rows/3/lead_department",
      row: 3,
      column: "lead_department",
      detail: expect.stringContaining("州招商局"),
    });
    expect(await eventCount(t)).toBe(0);

    const shipped = readFileSync(SEED_LIST.file);
    const wrongType = await tf
      .post("/reform-tasks/imports?year=2026")
      .set({ "Content-Type": "application/pdf", "Idempotency-Key": "imp-x" })
      .send(shipped);
    expect(wrongType.status).toBe(415);
    expect(wrongType.headers["accept-post"]).toContain("text/csv");
    // JSON is not one of the file types either (it was parsed as JSON and answered 400 malformed-json).
    const asJson = await tf
      .post("/reform-tasks/imports?year=2026")
      .set({ "Content-Type": "application/json", "Idempotency-Key": "imp-j" })
      .send(shipped);
    expect(asJson.status).toBe(415);
    expect(asJson.headers["content-type"]).toMatch(PROBLEM_JSON);
    expect(asJson.headers["accept-post"]).toContain("text/csv");
    const imported = await tf
      .post("/reform-tasks/imports?year=2026")
      .set({ "Content-Type": "text/csv", "Idempotency-Key": "imp-1" })
      .send(shipped);
    expect(imported.status).toBe(200);
    expect(imported.body.created).toBeGreaterThanOrEqual(30);
    const otherYear = await tf
      .post("/reform-tasks/imports?year=2027")
      .set({ "Content-Type": "text/csv", "Idempotency-Key": "imp-1" })
      .send(shipped);
    expect(otherYear.status).toBe(422); // same key, other options: a different payload
    await readSide.caughtUp();

    const csv = await tf.get("/reform-tasks/export?year=2026&format=csv&asOf=2026-11-30").buffer(true);
    expect(csv.status).toBe(200);
    expect(csv.headers["content-disposition"]).toBe('attachment; filename="reform-tasks-2026-as-of-2026-11-30.csv"');
    const text = csv.text;
    expect(text.charCodeAt(0)).toBe(0xfeff);
    // Chinese headers by default, each coded column followed by its names.
    const [header, ...lines] = await csvRecords(text);
    expect(header).toEqual(ZH_HEADER);
    expect(lines.length).toBe(imported.body.created);
    const row = Object.fromEntries(header!.map((h, i) => [h, lines.find((l) => l[1] === "2026-002")![i]]));
    expect(row).toMatchObject({
      领域代码: "investment-trade-facilitation",
      领域: "投资贸易便利化",
      推广范围代码: "nationwide",
      推广范围: "全国范围内复制推广",
      牵头部门代码: "customs-korla",
      牵头部门: departmentName("customs-korla"),
      配合部门代码: "commerce",
      配合部门: departmentName("commerce"),
      自行拟定项代码: "lead_department;cooperating_departments;deadline;implementation_path",
      自行拟定项: "牵头部门;配合部门;时间节点;实施路径",
      时间节点: "2026-06-30",
      状态代码: "planned",
      状态: "未启动",
      是否逾期: "是", // past 2026-06-30 on 2026-11-30, still planned
      逾期判断日期: "2026-11-30",
    });
    const several = lines.find((l) => l[header!.indexOf("配合部门代码")]!.includes(";"))!;
    const codes = several[header!.indexOf("配合部门代码")]!.split(";");
    expect(several[header!.indexOf("配合部门")]!.split(";")).toEqual(codes.map(departmentName));
    // headers=codes: the layout as it was, codes only.
    const plain = await tf.get("/reform-tasks/export?year=2026&asOf=2026-11-30&headers=codes").buffer(true);
    expect(plain.status).toBe(200);
    expect(plain.text.replace(/^\uFEFF/, "").split("\r\n")[0]).toBe(CODES_HEADER);
    const [, ...plainLines] = await csvRecords(plain.text);
    const plainLine = plainLines.find((l) => l[1] === "2026-002")!;
    // The same cells under the code headers, overdue as yes / no.
    expect(plainLine).toEqual(COLUMNS.map(([code, zh]) => (code === "overdue" ? "yes" : row[zh])));
    expect((await tf.get("/reform-tasks/export?headers=en")).status).toBe(400);
    const xlsx = await tf
      .get("/reform-tasks/export?format=xlsx")
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => cb(null, Buffer.concat(chunks)));
      });
    expect(xlsx.headers["content-type"]).toBe(MEDIA_TYPES.xlsx);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body as ExcelJS.Buffer);
    const sheet = workbook.getWorksheet("tasks")!;
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(ZH_HEADER);
    const before = await eventCount(t);
    // The exported files, Chinese headers or codes, import again without errors and without change.
    for (const [bytes, type] of [
      [Buffer.from(text, "utf8"), "text/csv"],
      [xlsx.body as Buffer, MEDIA_TYPES.xlsx],
      [Buffer.from(plain.text, "utf8"), "text/csv"],
    ] as const) {
      const again = await tf.post("/reform-tasks/imports?year=2026&dryRun=true").set("Content-Type", type).send(bytes);
      expect({ status: again.status, errors: again.body.errors }).toEqual({ status: 200, errors: undefined });
      expect(again.body).toMatchObject({
        dryRun: true,
        updated: 0,
        created: 0,
        unchanged: imported.body.created,
        notInFile: [],
      });
      expect(again.body.tasks.every((x: { events: string[] }) => x.events.length === 0)).toBe(true);
    }
    expect(await eventCount(t)).toBe(before);
  });
});
