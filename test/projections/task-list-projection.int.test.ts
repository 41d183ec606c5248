/**
 * The task-list projection on both engines: a batch folded in memory and written once
 * (applyBatch) leaves exactly the rows that applying its events one by one leaves, through every
 * event type; the fields come out as the events say; and through the runner, a batch with one
 * bad event parks that event alone.
 */
import { randomUUID } from "node:crypto";
import { reformTaskStream } from "../../contracts/reform-tasks/events";
import { applyBatch } from "../../projections/runner/apply-batch";
import { LIVE, type ProjectionEvent, REBUILD, type TableNames } from "../../projections/runner/projection";
import { TASK_LIST_TABLE, taskListProjection } from "../../projections/task-list/task-list-projection";
import { ENGINES, type TestDatabase } from "../support/databases";
import { syntheticTask } from "../stack/synthetic-tasks";

const A = randomUUID();
const B = randomUUID();

/** Task A through every event type after its plan; task B planned and started; both interleaved. */
function history(): ProjectionEvent[] {
  const planA = syntheticTask(`fold-${A}`, 1).events[0]!;
  const planB = syntheticTask(`fold-${B}`, 2).events[0]!;
  const versions = new Map<string, number>();
  let position = 0;
  const ev = (taskId: string, type: string, data: unknown, day: number): ProjectionEvent => {
    const streamId = reformTaskStream(taskId);
    const streamVersion = (versions.get(streamId) ?? -1) + 1;
    versions.set(streamId, streamVersion);
    const occurredAt = new Date(Date.UTC(2026, 5, day, 2));
    return {
      globalPosition: ++position,
      streamId,
      streamVersion,
      eventId: randomUUID(),
      type,
      schemaVersion: 1,
      data,
      metadata: {},
      occurredAt,
      recordedAt: occurredAt,
    };
  };
  const reason = { reason: "原因" };
  return [
    ev(A, "TaskPlanned", { ...(planA.data as object), taskId: A }, 1),
    ev(B, "TaskPlanned", { ...(planB.data as object), taskId: B }, 1),
    ev(A, "TaskRevised", { changes: { title: { zh: "修订标题", en: "Revised TITLE" }, coreContent: "新内容" } }, 2),
    ev(
      A,
      "DepartmentsAssigned",
      {
        leadDepartment: "customs-korla",
        cooperatingDepartments: ["commerce"],
        previous: { leadDepartment: "commerce", cooperatingDepartments: [] },
      },
      3,
    ),
    ev(B, "TaskStarted", { on: "2026-06-03" }, 3),
    ev(A, "TaskStarted", { on: "2026-06-04" }, 4),
    ev(A, "ProgressReported", { percent: 40, narrative: "进展", evidence: [], asOf: "2026-06-05" }, 5),
    ev(A, "TaskRescheduled", { from: "2026-12-31", to: "2027-06-30", reason: "延期" }, 6),
    ev(A, "TaskBlocked", { ...reason, statusBefore: "in_progress" }, 7),
    ev(A, "TaskUnblocked", { resolution: "", status: "in_progress" }, 8),
    ev(A, "TaskEvaluated", { kind: "mid_term", rating: "good", remarks: "", evaluatedOn: "2026-06-09" }, 9),
    ev(A, "TaskReplicated", { on: "2026-06-10", summary: "", evidence: [] }, 10),
    ev(A, "TaskReopened", { ...reason, status: "in_progress" }, 11),
    ev(A, "TaskEvaluated", { kind: "final", rating: "excellent", remarks: "好", evaluatedOn: "2026-06-12" }, 12),
    ev(A, "TaskRevised", { changes: { source: { batch: "MOFCOM-6", citation: "商务部" }, assumed: [] } }, 13),
    ev(A, "TaskJudgedNotApplicable", reason, 14),
    ev(A, "TaskNamedInAFutureVersion", { anything: true }, 15),
    ev(A, "TaskArchived", { reason: "撤销", statusBefore: "not_applicable" }, 16),
  ];
}

describe.each(ENGINES)("task-list projection on %s", (_name, open) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await open();
    await t.db.transaction(async (tx) => {
      await taskListProjection.setup(tx, LIVE);
      await taskListProjection.setup(tx, REBUILD);
    });
  });
  afterEach(() => t.drop());

  const rows = async (tables: TableNames) =>
    (await t.db.query(`SELECT * FROM ${tables(TASK_LIST_TABLE)} ORDER BY task_id`)).rows;

  it("folds a batch to the rows that one-by-one application gives", async () => {
    const events = history();
    for (const e of events) await t.db.transaction((tx) => taskListProjection.apply(tx, e, LIVE));
    // The same events in uneven batches (a task's events split across them).
    for (const chunk of [events.slice(0, 3), events.slice(3, 11), events.slice(11)])
      await t.db.transaction((tx) => taskListProjection.applyBatch!(tx, chunk, REBUILD));
    const oneByOne = await rows(LIVE);
    expect(await rows(REBUILD)).toEqual(oneByOne);

    const a = oneByOne.find((r) => r.task_id === A)!;
    expect(a).toMatchObject({
      title_zh: "修订标题",
      title_en: "Revised TITLE",
      core_content: "新内容",
      source_batch: "MOFCOM-6",
      source_citation: "商务部",
      source_item: null,
      assumed: [],
      lead_department: "customs-korla",
      cooperating_departments: ["commerce"],
      progress_percent: 40,
      progress_narrative: "进展",
      reschedules: 1,
      revisions: 2,
      status: "archived",
      status_reason: "撤销",
      replicated_on: null,
      // The unknown type (revision 14) left the row alone; the archive is revision 15.
      version: 15,
      evaluations: {
        mid_term: { rating: "good", remarks: "", evaluatedOn: "2026-06-09" },
        final: { rating: "excellent", remarks: "好", evaluatedOn: "2026-06-12" },
      },
    });
    expect(a.search_text).toContain("revised title");
    expect(a.search_text).toContain("商务部");
    expect(new Date(a.updated_at as Date).toISOString()).toBe("2026-06-16T02:00:00.000Z");
    expect(new Date(a.planned_at as Date).toISOString()).toBe("2026-06-01T02:00:00.000Z");
    expect(oneByOne.find((r) => r.task_id === B)).toMatchObject({ status: "in_progress", version: 1 });
  });

  it("parks only the bad event of a batch: a second plan of a listed task, a revision of an unknown one", async () => {
    const events = history().slice(0, 6);
    const again = { ...events[0]!, eventId: randomUUID(), streamVersion: 4, globalPosition: 100 };
    const stray = { ...events[2]!, eventId: randomUUID(), streamId: reformTaskStream(randomUUID()), streamVersion: 0 };
    const outcome = await t.db.transaction((tx) =>
      applyBatch(tx, taskListProjection, [...events, again, stray], { tables: LIVE }),
    );
    expect(outcome).toEqual({ applied: 6, skipped: 0, parked: 2, gaps: 0 });
    const { rows: parked } = await t.db.query<{ event_id: string; reason: string }>(
      "SELECT event_id, reason FROM parked_events ORDER BY stream_version DESC",
    );
    expect(parked.map((p) => p.event_id)).toEqual([again.eventId, stray.eventId]);
    expect(parked[0]!.reason).toMatch(/already in the list/);
    expect(parked[1]!.reason).toMatch(/unknown task/);
    expect((await rows(LIVE)).map((r) => [r.task_id, r.status, r.version])).toEqual(
      [
        [A, "in_progress", 3],
        [B, "in_progress", 1],
      ].sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
    );
  });

  it("gives the same rows and parks the same events in one batch as one by one, for malformed events too", async () => {
    const [planA, planB, reviseA] = history();
    const C = randomUUID();
    const planC = {
      ...planA!,
      streamId: reformTaskStream(C),
      data: { ...(planA!.data as object), taskId: C, ref: "C-1" },
    };
    const at = (e: ProjectionEvent, type: string, data: unknown, streamVersion: number): ProjectionEvent => ({
      ...e,
      eventId: randomUUID(),
      type,
      data,
      streamVersion,
    });
    const { leadDepartment: _, ...withoutLead } = planB!.data as Record<string, unknown>;
    const events: ProjectionEvent[] = [
      planA!,
      // A plan without its lead department, then the event that would fill it in: the plan is
      // parked (its own row is not one the table takes) and the assignment finds no task.
      { ...planB!, data: withoutLead },
      at(
        planB!,
        "DepartmentsAssigned",
        {
          leadDepartment: "commerce",
          cooperatingDepartments: [],
          previous: { leadDepartment: "commerce", cooperatingDepartments: [] },
        },
        1,
      ),
      reviseA!,
      // null members leave the fields as they are
      at(reviseA!, "TaskRevised", { changes: { field: null, coreContent: "再次修订" } }, 2),
      // an impossible date, then a good one: only the bad one is parked
      at(reviseA!, "TaskRescheduled", { from: "2026-12-31", to: "2026-02-30", reason: "x" }, 3),
      at(reviseA!, "TaskRescheduled", { from: "2026-12-31", to: "2027-01-15", reason: "x" }, 4),
      // a lone surrogate becomes U+FFFD, as the driver stores it in a text parameter; NUL is refused
      at(reviseA!, "TaskBlocked", { reason: "bad\ud800", statusBefore: "planned" }, 5),
      at(reviseA!, "TaskUnblocked", { resolution: "", status: "plan\u0000ned" }, 6),
      // a stream id whose uuid PostgreSQL would read but that is not canonical
      { ...planC, streamId: `ReformTask-{${C}}` },
      planC,
    ];
    const live = await t.db.transaction((tx) => applyBatch(tx, taskListProjection, events, { tables: LIVE }));
    for (const e of events)
      await t.db.transaction((tx) =>
        applyBatch(tx, taskListProjection, [e], { tables: REBUILD, progressName: "task_list__one_by_one" }),
      );
    expect(live).toMatchObject({ applied: 7, parked: 4 });
    expect(await rows(REBUILD)).toEqual(await rows(LIVE));
    const parked = async (projection: string) =>
      (
        await t.db.query<{ event_id: string; reason: string }>(
          "SELECT event_id, reason FROM parked_events WHERE projection = $1 ORDER BY event_id",
          [projection],
        )
      ).rows;
    expect((await parked("task_list__one_by_one")).map((p) => p.event_id)).toEqual(
      (await parked("task_list")).map((p) => p.event_id),
    );
    const reasons = (await parked("task_list")).map((p) => p.reason);
    for (const why of [
      /lead_department would be null/,
      /deadline is not a calendar date/,
      /status contains NUL/,
      /row key "\{.*\}" is not a canonical lower-case UUID/,
    ])
      expect(reasons.filter((r) => why.test(r))).toHaveLength(1);
    const a = (await rows(LIVE)).find((r) => r.task_id === A)!;
    expect(a).toMatchObject({
      field: "trade-facilitation",
      core_content: "再次修订",
      reschedules: 1,
      status: "blocked",
    });
    expect(new Date(a.deadline as Date).getTime()).toBeGreaterThan(Date.parse("2027-01-14"));
    expect(a.status_reason).toBe("bad\ufffd");
    expect((await rows(LIVE)).map((r) => r.task_id).sort()).toEqual([A, C].sort());
    // Alone in a batch, the assignment would complete the plan's row: the plan is parked all the same.
    const pair = await t.db.transaction((tx) =>
      applyBatch(tx, taskListProjection, events.slice(1, 3), { tables: REBUILD, progressName: "pair" }),
    );
    expect(pair).toMatchObject({ applied: 1, parked: 1 });
  });
});
