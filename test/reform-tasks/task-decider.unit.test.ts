/**
 * The reform task decider: every command in every state (allowed → its event; refused → 409
 * `illegal_transition` naming the state), and each rule's refusal.
 */
import type { TaskDefinition, TaskStatus } from "../../contracts/reform-tasks/task-shapes";
import { DomainError } from "../../services/platform/decider";
import {
  isOverdue,
  NO_TASK,
  type TaskCommand,
  type TaskEvent,
  type TaskState,
  taskDecider,
} from "../../services/reform-tasks/task-decider";

const AT = "2026-11-30T10:00:00+08:00"; // today in China: 2026-11-30
const TASK_ID = "0b5a2f3e-1c2d-5e6f-8a9b-0c1d2e3f4a5b";
const DEF: TaskDefinition = {
  year: 2026,
  ref: "2026-001",
  title: { zh: "跨境人民币全程电子缴税", en: "Fully electronic tax payment for cross-border RMB" },
  field: "financial-innovation",
  scope: "nationwide",
  source: { batch: "SC-FTZ-7", item: "9", citation: "国函〔2023〕56号" },
  coreContent: "核心内容",
  leadDepartment: "tax",
  cooperatingDepartments: ["pboc-branch"],
  deadline: "2026-12-31",
  implementationPath: "实施路径",
  assumed: ["deadline"],
};

function run(state: TaskState, cmd: TaskCommand): { events: TaskEvent[]; state: TaskState } {
  const events = taskDecider.decide(cmd, state);
  return { events, state: events.reduce(taskDecider.evolve, state) };
}
function through(...cmds: TaskCommand[]): TaskState {
  return cmds.reduce((s, c) => run(s, c).state, NO_TASK);
}
function refusal(state: TaskState, cmd: TaskCommand): DomainError {
  try {
    taskDecider.decide(cmd, state);
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error(`expected ${cmd.kind} to be refused in ${state.status}`);
}

const plan: TaskCommand = { kind: "plan", taskId: TASK_ID, definition: DEF, at: AT };
const start: TaskCommand = { kind: "start", on: "2026-03-01", at: AT };

/** One valid command of each kind (for the transition matrix). */
const COMMANDS: Record<Exclude<TaskCommand["kind"], "plan">, TaskCommand> = {
  revise: { kind: "revise", changes: { coreContent: "新的核心内容" }, at: AT },
  assignDepartments: { kind: "assignDepartments", leadDepartment: "commerce", cooperatingDepartments: [], at: AT },
  start,
  reportProgress: { kind: "reportProgress", percent: 40, narrative: "n", evidence: [], asOf: "2026-06-01", at: AT },
  reschedule: { kind: "reschedule", to: "2027-06-30", reason: "系统对接延期", at: AT },
  markReplicated: { kind: "markReplicated", on: "2026-10-01", summary: "s", evidence: [], at: AT },
  judgeNotApplicable: { kind: "judgeNotApplicable", reason: "无海港", at: AT },
  block: { kind: "block", reason: "等待自治区系统", at: AT },
  unblock: { kind: "unblock", resolution: "系统已上线", at: AT },
  reopen: { kind: "reopen", reason: "评估发现未全面落地", at: AT },
  evaluate: {
    kind: "evaluate",
    evaluation: "mid_term",
    rating: "good",
    remarks: "",
    evaluatedOn: "2026-11-01",
    at: AT,
  },
  archive: { kind: "archive", reason: "与2026-002合并", at: AT },
};

/** The event each command records when allowed. */
const EVENT_OF: Record<keyof typeof COMMANDS, string> = {
  revise: "TaskRevised",
  assignDepartments: "DepartmentsAssigned",
  start: "TaskStarted",
  reportProgress: "ProgressReported",
  reschedule: "TaskRescheduled",
  markReplicated: "TaskReplicated",
  judgeNotApplicable: "TaskJudgedNotApplicable",
  block: "TaskBlocked",
  unblock: "TaskUnblocked",
  reopen: "TaskReopened",
  evaluate: "TaskEvaluated",
  archive: "TaskArchived",
};

/** The transition table, written out independently of the decider's own table. */
const ALLOWED: Record<keyof typeof COMMANDS, TaskStatus[]> = {
  revise: ["planned", "in_progress", "blocked", "replicated", "not_applicable"],
  assignDepartments: ["planned", "in_progress", "blocked"],
  start: ["planned"],
  reportProgress: ["in_progress", "blocked"],
  reschedule: ["planned", "in_progress", "blocked"],
  markReplicated: ["in_progress"],
  judgeNotApplicable: ["planned", "in_progress", "blocked"],
  block: ["planned", "in_progress"],
  unblock: ["blocked"],
  reopen: ["replicated", "not_applicable"],
  evaluate: ["planned", "in_progress", "blocked", "replicated", "not_applicable"],
  archive: ["planned", "in_progress", "blocked", "replicated", "not_applicable"],
};

/** A state in each status, reached through real commands. */
const STATES: Record<TaskStatus, TaskState> = {
  planned: through(plan),
  in_progress: through(plan, start),
  blocked: through(plan, start, COMMANDS.block),
  replicated: through(plan, start, COMMANDS.markReplicated),
  not_applicable: through(plan, COMMANDS.judgeNotApplicable),
  archived: through(plan, COMMANDS.archive),
};

describe("reform task decider: transition matrix", () => {
  const cases = Object.keys(COMMANDS).flatMap((kind) =>
    (Object.keys(STATES) as TaskStatus[]).map((status) => [kind as keyof typeof COMMANDS, status] as const),
  );
  it.each(cases)("%s in %s", (kind, status) => {
    const state = STATES[status];
    expect(state.status).toBe(status);
    if (ALLOWED[kind].includes(status)) {
      const { events } = run(state, COMMANDS[kind]);
      expect(events.map((e) => e.type)).toEqual([EVENT_OF[kind]]);
      expect(events[0]!.occurredAt).toBe(AT);
    } else {
      const err = refusal(state, COMMANDS[kind]);
      expect(err.code).toBe("illegal_transition");
      expect(err.status).toBe(409);
      expect(err.details.state).toBe(status);
      expect(err.message).toContain(`that is ${status}`);
    }
  });
});

describe("reform task decider: rules", () => {
  it("plans a task once; planning it again names the existing task", () => {
    const { events, state } = run(NO_TASK, plan);
    expect(events).toEqual([{ type: "TaskPlanned", data: { ...DEF, taskId: TASK_ID }, occurredAt: AT }]);
    expect(state).toMatchObject({ status: "planned", originalDeadline: "2026-12-31", taskId: TASK_ID });
    const err = refusal(state, plan);
    expect(err.code).toBe("task_already_exists");
    expect(err.details).toMatchObject({ state: "planned", taskId: TASK_ID });
  });

  it("refuses any other command on a task that does not exist", () => {
    for (const cmd of Object.values(COMMANDS)) expect(refusal(NO_TASK, cmd).code).toBe("task_not_found");
  });

  it("refuses a lead department that is also cooperating (plan and reassignment)", () => {
    const bad = { ...plan, definition: { ...DEF, cooperatingDepartments: ["tax"] } } as TaskCommand;
    expect(refusal(NO_TASK, bad)).toMatchObject({ code: "lead_also_cooperating", status: 422 });
    const reassign: TaskCommand = {
      kind: "assignDepartments",
      leadDepartment: "commerce",
      cooperatingDepartments: ["commerce"],
      at: AT,
    };
    expect(refusal(STATES.planned, reassign).code).toBe("lead_also_cooperating");
  });

  it("records only what changes: a revision or reassignment that changes nothing records nothing", () => {
    expect(run(STATES.planned, { kind: "revise", changes: { coreContent: DEF.coreContent }, at: AT }).events).toEqual(
      [],
    );
    // Key order and list order do not count as changes.
    const reordered = {
      kind: "revise",
      changes: { source: { citation: "国函〔2023〕56号", item: "9", batch: "SC-FTZ-7" } },
      at: AT,
    };
    expect(run(STATES.planned, reordered as TaskCommand).events).toEqual([]);
    const { events } = run(STATES.planned, {
      kind: "revise",
      changes: { coreContent: DEF.coreContent, implementationPath: "新路径" },
      at: AT,
    });
    expect(events[0]!.data).toEqual({ changes: { implementationPath: "新路径" } });
    const same: TaskCommand = {
      kind: "assignDepartments",
      leadDepartment: "tax",
      cooperatingDepartments: ["pboc-branch"],
      at: AT,
    };
    expect(run(STATES.planned, same).events).toEqual([]);
    const moved = run(STATES.planned, COMMANDS.assignDepartments);
    expect(moved.events[0]!.data).toEqual({
      leadDepartment: "commerce",
      cooperatingDepartments: [],
      previous: { leadDepartment: "tax", cooperatingDepartments: ["pboc-branch"] },
    });
    expect(moved.state.definition!.leadDepartment).toBe("commerce");
  });

  it("reschedules keep the original deadline and count; the same date is refused", () => {
    const once = run(STATES.in_progress, COMMANDS.reschedule);
    expect(once.events[0]!.data).toEqual({ from: "2026-12-31", to: "2027-06-30", reason: "系统对接延期" });
    const twice = run(once.state, { kind: "reschedule", to: "2027-09-30", reason: "再次延期", at: AT }).state;
    expect(twice.definition!.deadline).toBe("2027-09-30");
    expect(twice.originalDeadline).toBe("2026-12-31");
    expect(twice.reschedules).toBe(2);
    const err = refusal(twice, { kind: "reschedule", to: "2027-09-30", reason: "x", at: AT });
    expect(err).toMatchObject({ code: "deadline_unchanged", status: 422 });
    const early = refusal(twice, { kind: "reschedule", to: "2025-12-31", reason: "x", at: AT });
    expect(early).toMatchObject({ code: "deadline_before_list_year", status: 422, details: { field: "to" } });
  });

  it("refuses dates after today (China time) for start, progress, replication and evaluation", () => {
    // 2026-11-30T20:00:00Z is already 2026-12-01 in China: that date is today, not the future.
    const lateUtc = "2026-11-30T20:00:00Z";
    expect(run(STATES.planned, { kind: "start", on: "2026-12-01", at: lateUtc }).events).toHaveLength(1);
    const future: [TaskState, TaskCommand][] = [
      [STATES.planned, { kind: "start", on: "2026-12-01", at: AT }],
      [STATES.in_progress, { ...(COMMANDS.reportProgress as object), asOf: "2026-12-01" } as TaskCommand],
      [STATES.in_progress, { ...(COMMANDS.markReplicated as object), on: "2027-01-01" } as TaskCommand],
      [STATES.in_progress, { ...(COMMANDS.evaluate as object), evaluatedOn: "2026-12-01" } as TaskCommand],
    ];
    for (const [state, cmd] of future)
      expect(refusal(state, cmd)).toMatchObject({ code: "date_in_future", status: 422 });
  });

  it("refuses progress or replication dated before the start, and progress older than the latest report", () => {
    const early: TaskCommand = { ...(COMMANDS.reportProgress as object), asOf: "2026-02-01" } as TaskCommand;
    expect(refusal(STATES.in_progress, early)).toMatchObject({ code: "date_before_start", status: 422 });
    const replicatedEarly = { ...(COMMANDS.markReplicated as object), on: "2026-01-15" } as TaskCommand;
    expect(refusal(STATES.in_progress, replicatedEarly).code).toBe("date_before_start");
    const reported = run(STATES.in_progress, COMMANDS.reportProgress).state;
    expect(reported.progress).toMatchObject({ percent: 40, asOf: "2026-06-01" });
    const stale = { ...(COMMANDS.reportProgress as object), asOf: "2026-05-31" } as TaskCommand;
    const err = refusal(reported, stale);
    expect(err).toMatchObject({ code: "stale_progress_report", status: 422 });
    expect(err.details.latestAsOf).toBe("2026-06-01");
    // The same as-of date again is a correction, and allowed.
    expect(
      run(reported, { ...(COMMANDS.reportProgress as object), percent: 45 } as TaskCommand).state.progress?.percent,
    ).toBe(45);
  });

  it("refuses progress on a task blocked before it was ever started", () => {
    const blockedFromPlanned = through(plan, COMMANDS.block);
    expect(refusal(blockedFromPlanned, COMMANDS.reportProgress)).toMatchObject({
      code: "task_not_started",
      details: { state: "blocked" },
    });
  });

  it("unblock returns to the status before the block; reopen to in progress or planned", () => {
    const blockedFromPlanned = through(plan, COMMANDS.block);
    expect(run(blockedFromPlanned, COMMANDS.unblock).state.status).toBe("planned");
    expect(run(STATES.blocked, COMMANDS.unblock).state.status).toBe("in_progress");
    const reopened = run(STATES.replicated, COMMANDS.reopen).state;
    expect(reopened).toMatchObject({ status: "in_progress", replicatedOn: null });
    expect(run(STATES.not_applicable, COMMANDS.reopen).state.status).toBe("planned");
  });

  it("records each evaluation kind once", () => {
    const once = run(STATES.replicated, COMMANDS.evaluate).state;
    expect(once.evaluations.mid_term).toEqual({ rating: "good", remarks: "", evaluatedOn: "2026-11-01" });
    expect(refusal(once, COMMANDS.evaluate)).toMatchObject({ code: "evaluation_already_recorded", status: 409 });
    const final = { ...(COMMANDS.evaluate as object), evaluation: "final" } as TaskCommand;
    expect(run(once, final).state.evaluations.final?.rating).toBe("good");
  });

  it("overdue: open and past the deadline on the as-of date; replicated, not applicable or archived never", () => {
    expect(isOverdue(STATES.in_progress, "2026-12-31")).toBe(false);
    expect(isOverdue(STATES.in_progress, "2027-01-01")).toBe(true);
    expect(isOverdue(STATES.blocked, "2027-01-01")).toBe(true);
    for (const s of ["replicated", "not_applicable", "archived"] as const)
      expect(isOverdue(STATES[s], "2030-01-01")).toBe(false);
  });
});
