/**
 * HTTP routes of one reform task: plan (POST /reform-tasks, Idempotency-Key required), every
 * update command (POST /reform-tasks/{taskId}/<command>, If-Match required), the task's current
 * state and its full history, both read from its stream (strongly consistent).
 */
import type { RequestHandler } from "express";
import {
  ETagHeader,
  IdempotencyKeyHeader,
  IfMatchHeader,
  RequiredIdempotencyKeyHeader,
} from "../../contracts/http/common";
import { problemResponses } from "../../contracts/http/responses";
import { z } from "../../contracts/http/zod";
import { reformTaskStream } from "../../contracts/reform-tasks/events";
import {
  AssignDepartmentsBody,
  EvaluationBody,
  PlanTaskBody,
  ProgressReportBody,
  ReasonBody,
  RescheduleBody,
  ReplicationBody,
  ReviseTaskBody,
  StartTaskBody,
  TaskHistoryView,
  TaskIdParams,
  TaskView,
  type TaskAction,
  UnblockBody,
} from "../../contracts/reform-tasks/http";
import { ANY_ROLE, allow } from "../api/auth/access";
import { type CommandHandler, commandRoute } from "../api/http/command-route";
import { actorView, seesActorSubject } from "../api/auth/data-sharing";
import { formatETag, requireIfMatch, setETag, settleIfMatch } from "../api/http/etag";
import { Problems } from "../api/http/problem";
import { parseBody, parseParams, parsePart } from "../api/http/validate";
import type { RouteContext, RouteModule } from "../api/route-module";
import { chinaDate, chinaToday } from "../platform/china-date";
import { handleCommand } from "../platform/decider";
import { type ReformCodeLists, reformCodeLists } from "./code-lists";
import { ALLOWED_IN, isOverdue, type TaskCommand, type TaskState, taskDecider } from "./task-decider";
import { loadTask, taskIdFor } from "./task-repository";
import { deadlineError, type FieldError, referenceErrors, type TaskReferences } from "./task-validation";

/** The API view of a task's state at `version`; overdue as of today (China). */
export function taskView(s: TaskState, version: number): z.output<typeof TaskView> {
  const d = s.definition!;
  return {
    taskId: s.taskId!,
    year: d.year,
    ref: d.ref,
    title: d.title,
    field: d.field,
    scope: d.scope,
    source: d.source,
    coreContent: d.coreContent,
    leadDepartment: d.leadDepartment,
    cooperatingDepartments: d.cooperatingDepartments,
    deadline: d.deadline,
    originalDeadline: s.originalDeadline!,
    reschedules: s.reschedules,
    implementationPath: d.implementationPath,
    assumed: d.assumed,
    status: s.status as z.output<typeof TaskView>["status"],
    statusReason: s.reason,
    startedOn: s.startedOn,
    progress: s.progress,
    replicatedOn: s.replicatedOn,
    evaluations: s.evaluations as z.output<typeof TaskView>["evaluations"],
    overdue: isOverdue(s, chinaToday()),
    actions: UPDATES.filter((u) => ALLOWED_IN[u.command].some((allowed) => allowed === s.status)).map((u) => u.path),
    version,
  };
}

/**
 * The ETag of a task's view: its version, with `.overdue` once it is overdue (today, China), so
 * the tag changes when the date turns a task overdue although no event was recorded.
 */
export const taskETag = (s: TaskState, version: number): string =>
  formatETag(version, isOverdue(s, chinaToday()) ? "overdue" : undefined);

/** 400 naming each unknown department or field code (and a deadline before the list's year). */
function checkReferences(input: TaskReferences & { year?: number; deadline?: string }, ref: ReformCodeLists) {
  const errors: FieldError[] = referenceErrors(input, ref);
  const late = input.year !== undefined && input.deadline ? deadlineError(input.year, input.deadline) : null;
  if (late) errors.push(late);
  if (errors.length) throw Problems.validationFailed(errors.map((e) => ({ ...e, pointer: `/body${e.pointer}` })));
}

/** One update command: its path segment, body schema, and how the body becomes a command. */
interface UpdateRoute<S extends z.ZodType> {
  path: TaskAction;
  /** The command it decides (its states are the decider's ALLOWED_IN). */
  command: Exclude<TaskCommand["kind"], "plan">;
  summary: string;
  body: S;
  toCommand(body: z.output<S>, at: string, ref: ReformCodeLists): TaskCommand;
}

const route = <S extends z.ZodType>(r: UpdateRoute<S>) => r as unknown as UpdateRoute<z.ZodType>;

/** The update commands, in the order the OpenAPI document lists them. */
const UPDATES: UpdateRoute<z.ZodType>[] = [
  route({
    path: "revisions",
    command: "revise",
    summary: "Revise the task's definition (title, field, scope, source, core content, implementation path)",
    body: ReviseTaskBody,
    toCommand: (b, at, ref) => {
      checkReferences({ field: b.field }, ref);
      return { kind: "revise", changes: b, at };
    },
  }),
  route({
    path: "departments",
    command: "assignDepartments",
    summary: "Assign or change the lead and cooperating departments",
    body: AssignDepartmentsBody,
    toCommand: (b, at, ref) => {
      checkReferences(b, ref);
      return { kind: "assignDepartments", ...b, at };
    },
  }),
  route({
    path: "start",
    command: "start",
    summary: "Start work on the task",
    body: StartTaskBody,
    toCommand: (b, at) => ({ kind: "start", on: b.on ?? chinaDate(at), at }),
  }),
  route({
    path: "progress-reports",
    command: "reportProgress",
    summary: "Report progress (percent, narrative, evidence links, as-of date)",
    body: ProgressReportBody,
    toCommand: (b, at) => ({ kind: "reportProgress", ...b, asOf: b.asOf ?? chinaDate(at), at }),
  }),
  route({
    path: "reschedules",
    command: "reschedule",
    summary: "Move the deadline (a reason is required; the history keeps every reschedule)",
    body: RescheduleBody,
    toCommand: (b, at) => ({ kind: "reschedule", ...b, at }),
  }),
  route({
    path: "replication",
    command: "markReplicated",
    summary: "Mark the reform replicated (落地) with evidence and date",
    body: ReplicationBody,
    toCommand: (b, at) => ({ kind: "markReplicated", ...b, on: b.on ?? chinaDate(at), at }),
  }),
  route({
    path: "not-applicable",
    command: "judgeNotApplicable",
    summary: "Judge the reform not applicable here (reason required)",
    body: ReasonBody,
    toCommand: (b, at) => ({ kind: "judgeNotApplicable", reason: b.reason, at }),
  }),
  route({
    path: "block",
    command: "block",
    summary: "Mark the task blocked (reason required)",
    body: ReasonBody,
    toCommand: (b, at) => ({ kind: "block", reason: b.reason, at }),
  }),
  route({
    path: "unblock",
    command: "unblock",
    summary: "Lift a block; the task returns to where it was",
    body: UnblockBody,
    toCommand: (b, at) => ({ kind: "unblock", resolution: b.resolution, at }),
  }),
  route({
    path: "reopen",
    command: "reopen",
    summary: "Reopen a replicated or not-applicable task (reason required)",
    body: ReasonBody,
    toCommand: (b, at) => ({ kind: "reopen", reason: b.reason, at }),
  }),
  route({
    path: "evaluations",
    command: "evaluate",
    summary: "Record the mid-term (by end 2027) or final (by end 2030) evaluation",
    body: EvaluationBody,
    toCommand: (b, at) => ({
      kind: "evaluate",
      evaluation: b.kind,
      rating: b.rating,
      remarks: b.remarks,
      evaluatedOn: b.evaluatedOn ?? chinaDate(at),
      at,
    }),
  }),
  route({
    path: "archive",
    command: "archive",
    summary: "Withdraw the task from the list (terminal)",
    body: ReasonBody,
    toCommand: (b, at) => ({ kind: "archive", reason: b.reason, at }),
  }),
];

const json = (schema: z.ZodType) => ({ content: { "application/json": { schema } } });
const etagHeader = z.object({ ETag: ETagHeader });
const TAG = "reform-tasks";

/**
 * `POST /reform-tasks` (task force): checks the codes and the deadline, then decides `plan` on the
 * stream of the id derived from year and ref. 201 with Location and ETag.
 */
function planTask(ctx: RouteContext, codes: ReformCodeLists): CommandHandler {
  return async (req, c) => {
    const body = parseBody(req, PlanTaskBody);
    checkReferences(body, codes);
    const taskId = taskIdFor(body.year, body.ref);
    const at = new Date().toISOString();
    const r = await handleCommand(
      ctx.store,
      reformTaskStream(taskId),
      taskDecider,
      { kind: "plan", taskId, definition: body, at },
      { metadata: c.metadata, eventIds: c.eventIds },
    );
    return {
      status: 201,
      headers: { Location: `/reform-tasks/${taskId}`, ETag: taskETag(r.state, r.version) },
      body: taskView(r.state, r.version),
    };
  };
}

/**
 * `POST /reform-tasks/{taskId}/<u.path>` (task force): If-Match required; the body becomes the
 * update's command (`u.toCommand`), decided at the expected version. 404 when no such task.
 */
function updateTask(ctx: RouteContext, codes: ReformCodeLists, u: UpdateRoute<z.ZodType>): CommandHandler {
  return async (req, c) => {
    const expected = requireIfMatch(req);
    const { taskId } = parseParams(req, TaskIdParams);
    // A command whose body fields are all optional may come without a body.
    const body = parsePart(u.body, req.body ?? {}, "body");
    const command = u.toCommand(body, new Date().toISOString(), codes);
    const stream = reformTaskStream(taskId);
    if ((await ctx.store.streamVersion(stream)) === null) throw Problems.notFound(`No reform task ${taskId}`);
    const r = await handleCommand(ctx.store, stream, taskDecider, command, {
      expected: await settleIfMatch(expected, () => ctx.store.streamVersion(stream)),
      metadata: c.metadata,
      eventIds: c.eventIds,
    });
    return { status: 200, headers: { ETag: taskETag(r.state, r.version) }, body: taskView(r.state, r.version) };
  };
}

/** `GET /reform-tasks/{taskId}`: the task's state, folded from its stream. */
function readTask(ctx: RouteContext): RequestHandler {
  return async (req, res) => {
    const { taskId } = parseParams(req, TaskIdParams);
    const t = await loadTask(ctx.store, taskId);
    if (t.version === null) throw Problems.notFound(`No reform task ${taskId}`);
    res.set("ETag", taskETag(t.state, t.version));
    res.json(taskView(t.state, t.version));
  };
}

/**
 * `GET /reform-tasks/{taskId}/history`: every event of the stream, with who acted as the audit
 * trail shows it (data-sharing.ts): role and enterprise; the subject to admins only.
 */
function readTaskHistory(ctx: RouteContext): RequestHandler {
  return async (req, res) => {
    const { taskId } = parseParams(req, TaskIdParams);
    const t = await loadTask(ctx.store, taskId);
    if (t.version === null) throw Problems.notFound(`No reform task ${taskId}`);
    setETag(res, t.version);
    const withSubject = seesActorSubject(req.principal!.role);
    res.json({
      taskId,
      version: t.version,
      events: t.events.map((e) => ({
        version: e.streamVersion,
        eventId: e.eventId,
        type: e.type,
        occurredAt: e.occurredAt.toISOString(),
        recordedAt: e.recordedAt.toISOString(),
        globalPosition: e.globalPosition,
        data: e.data as Record<string, unknown>,
        correlationId: e.metadata.correlationId ?? null,
        actor: actorView(e.metadata.actor, withSubject),
      })),
    });
  };
}

/** Plan, update and read single tasks. */
export const taskRoutes: RouteModule = {
  name: "reform-tasks",
  register(router, ctx) {
    const codes = reformCodeLists();
    router.post(
      "/reform-tasks",
      allow("taskforce"),
      commandRoute(ctx.commands, planTask(ctx, codes), { requireIdempotencyKey: true }),
    );
    for (const u of UPDATES) {
      router.post(
        `/reform-tasks/:taskId/${u.path}`,
        allow("taskforce"),
        commandRoute(ctx.commands, updateTask(ctx, codes, u)),
      );
    }
    router.get("/reform-tasks/:taskId", allow(...ANY_ROLE), readTask(ctx));
    router.get("/reform-tasks/:taskId/history", allow(...ANY_ROLE), readTaskHistory(ctx));
  },

  openapi(registry) {
    registry.registerPath({
      method: "post",
      path: "/reform-tasks",
      tags: [TAG],
      summary: "Plan a task in a year's list (its id derives from year and ref)",
      request: { headers: z.object({ "idempotency-key": RequiredIdempotencyKeyHeader }), body: json(PlanTaskBody) },
      responses: {
        201: { description: "Planned", headers: etagHeader, ...json(TaskView) },
        ...problemResponses(400, 409, 415, 422),
      },
    });
    for (const u of UPDATES) {
      registry.registerPath({
        method: "post",
        path: `/reform-tasks/{taskId}/${u.path}`,
        tags: [TAG],
        summary: u.summary,
        request: {
          params: TaskIdParams,
          headers: z.object({ "if-match": IfMatchHeader, "idempotency-key": IdempotencyKeyHeader }),
          body: json(u.body),
        },
        responses: {
          200: { description: "Updated", headers: etagHeader, ...json(TaskView) },
          ...problemResponses(400, 404, 409, 412, 415, 422, 428),
        },
      });
    }
    registry.registerPath({
      method: "get",
      path: "/reform-tasks/{taskId}",
      tags: [TAG],
      summary: "A task's current state, from its stream",
      request: { params: TaskIdParams },
      responses: { 200: { description: "The task", headers: etagHeader, ...json(TaskView) }, ...problemResponses(404) },
    });
    registry.registerPath({
      method: "get",
      path: "/reform-tasks/{taskId}/history",
      tags: [TAG],
      summary: "Every event of the task, oldest first",
      request: { params: TaskIdParams },
      responses: {
        200: { description: "The task's history", headers: etagHeader, ...json(TaskHistoryView) },
        ...problemResponses(404),
      },
    });
  },
};
