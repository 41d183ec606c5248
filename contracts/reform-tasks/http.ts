/**
 * HTTP bodies, queries and views of the reform-tasks API (`/reform-tasks...`). Command bodies
 * are strict (unknown fields are refused); dates are China calendar dates; a date a command
 * omits (`on`, `asOf`, `evaluatedOn`) is today in China.
 */
import { ActorView, QueryInteger, QueryIntegerOr, SafeString, StreamVersion, Uuid } from "../http/common";
import { z } from "../http/zod";
import {
  BilingualTitle,
  EvaluationKind,
  EvaluationRating,
  EvidenceLink,
  ListYear,
  LocalDate,
  RefCode,
  RevisableFields,
  TaskDefinition,
  TaskScope,
  TaskSource,
  TaskStatus,
} from "./task-shapes";

const Reason = SafeString.max(2000).trim().min(1);

/** POST /reform-tasks: plan a task in a year's list. The task id derives from (year, ref). */
export const PlanTaskBody = TaskDefinition.openapi("PlanTaskBody", {
  example: {
    year: 2026,
    ref: "2026-009",
    title: { zh: "跨境人民币全程电子缴税", en: "Fully electronic tax payment for cross-border RMB" },
    field: "financial-innovation",
    scope: "nationwide",
    source: { batch: "SC-FTZ-7", item: "9", citation: "国函〔2023〕56号" },
    coreContent: "依托电子缴税系统实现跨境人民币缴税全程电子化",
    leadDepartment: "tax",
    cooperatingDepartments: ["pboc-branch"],
    deadline: "2026-06-30",
    implementationPath: "对接人民银行巴州分行开展试点",
  },
});

/** POST /reform-tasks/{taskId}/revisions: changed definition fields (at least one). */
export const ReviseTaskBody = RevisableFields.strict()
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: "name at least one field to revise" })
  .openapi("ReviseTaskBody", { example: { implementationPath: "对接人民银行巴州分行，先在库尔勒经开区试点" } });

/** POST /reform-tasks/{taskId}/departments. */
export const AssignDepartmentsBody = z
  .strictObject({ leadDepartment: RefCode, cooperatingDepartments: z.array(RefCode).max(20).default([]) })
  .openapi("AssignDepartmentsBody", {
    example: { leadDepartment: "tax", cooperatingDepartments: ["pboc-branch", "commerce"] },
  });

/** POST /reform-tasks/{taskId}/start. */
export const StartTaskBody = z
  .strictObject({ on: LocalDate.optional() })
  .openapi("StartTaskBody", { example: { on: "2026-03-01" } });

/** POST /reform-tasks/{taskId}/progress-reports. */
export const ProgressReportBody = z
  .strictObject({
    percent: z.number().int().min(0).max(100).openapi({ description: "Percent complete, 0–100" }),
    narrative: SafeString.max(4000).trim().default(""),
    evidence: z.array(EvidenceLink).max(20).default([]),
    asOf: LocalDate.optional(),
  })
  .openapi("ProgressReportBody", {
    example: {
      percent: 40,
      narrative: "已完成系统对接测试",
      evidence: ["https://www.example.gov.cn/notice/2026-05-01"],
      asOf: "2026-05-01",
    },
  });

/** POST /reform-tasks/{taskId}/reschedules: a new deadline and why (the history keeps both). */
export const RescheduleBody = z
  .strictObject({ to: LocalDate, reason: Reason })
  .openapi("RescheduleBody", { example: { to: "2026-09-30", reason: "等待人民银行系统升级" } });

/** POST /reform-tasks/{taskId}/replication: the reform was replicated (落地). */
export const ReplicationBody = z
  .strictObject({
    on: LocalDate.optional(),
    summary: SafeString.max(4000).trim().default(""),
    evidence: z.array(EvidenceLink).max(20).default([]),
  })
  .openapi("ReplicationBody", {
    example: { on: "2026-06-20", summary: "已在全州推广", evidence: ["https://www.example.gov.cn/notice/2026-06-20"] },
  });

/** Body of not-applicable, block, reopen and archive. */
export const ReasonBody = z
  .strictObject({ reason: Reason })
  .openapi("ReasonBody", { example: { reason: "本地暂无相关业务，经研究暂缓" } });

/** POST /reform-tasks/{taskId}/unblock. */
export const UnblockBody = z
  .strictObject({ resolution: SafeString.max(2000).trim().default("") })
  .openapi("UnblockBody", { example: { resolution: "系统升级已完成" } });

/** POST /reform-tasks/{taskId}/evaluations. */
export const EvaluationBody = z
  .strictObject({
    kind: EvaluationKind,
    rating: EvaluationRating,
    remarks: SafeString.max(4000).trim().default(""),
    evaluatedOn: LocalDate.optional(),
  })
  .openapi("EvaluationBody", {
    example: { kind: "final", rating: "good", remarks: "按期落地，效果良好", evaluatedOn: "2026-07-15" },
  });

/** Path parameters of one task. */
export const TaskIdParams = z.object({ taskId: Uuid.transform((id) => id.toLowerCase()) });

const Evaluation = z.object({ rating: EvaluationRating, remarks: z.string(), evaluatedOn: LocalDate });
const Evaluations = z.object({ mid_term: Evaluation.optional(), final: Evaluation.optional() });
const Progress = z.object({
  percent: z.number().int(),
  asOf: LocalDate,
  narrative: z.string(),
});

/** The updates of a task, each `POST /reform-tasks/{taskId}/<action>`, in the document's order. */
export const TASK_ACTIONS = [
  "revisions",
  "departments",
  "start",
  "progress-reports",
  "reschedules",
  "replication",
  "not-applicable",
  "block",
  "unblock",
  "reopen",
  "evaluations",
  "archive",
] as const;
/** One of TASK_ACTIONS. */
export type TaskAction = (typeof TASK_ACTIONS)[number];

/** A task as its own stream says now (strongly consistent; `version` equals the ETag). */
export const TaskView = z
  .object({
    taskId: Uuid,
    year: ListYear,
    ref: z.string(),
    title: BilingualTitle,
    field: z.string(),
    scope: TaskScope,
    source: TaskSource,
    coreContent: z.string(),
    leadDepartment: z.string(),
    cooperatingDepartments: z.array(z.string()),
    deadline: LocalDate,
    originalDeadline: LocalDate,
    reschedules: z.number().int(),
    implementationPath: z.string(),
    assumed: z.array(z.string()),
    status: TaskStatus,
    statusReason: z.string().nullable(),
    startedOn: LocalDate.nullable(),
    progress: Progress.extend({ evidence: z.array(z.string()) }).nullable(),
    replicatedOn: LocalDate.nullable(),
    evaluations: Evaluations,
    overdue: z.boolean().openapi({ description: "Past its deadline today (China time) and still open" }),
    actions: z.array(z.enum(TASK_ACTIONS)).openapi({
      description:
        "The updates the task's status allows now (POST /reform-tasks/{taskId}/<action>), as the decider's transition table says; the task force role is still required",
    }),
    version: StreamVersion,
  })
  .openapi("ReformTaskView");

/** A task as the (eventually consistent) list read model shows it. */
export const TaskListItemView = TaskView.omit({ progress: true, actions: true })
  .extend({
    progress: Progress.nullable(),
    daysOverdue: z
      .number()
      .int()
      .openapi({ description: "Days past the deadline on the as-of date; 0 if not overdue" }),
    updatedAt: z.string(),
  })
  .openapi("ReformTaskListItem");

/** GET /reform-tasks: one page. */
export const TaskListPageView = z
  .object({
    asOf: LocalDate,
    items: z.array(TaskListItemView),
    nextCursor: z.string().nullable().openapi({ description: "Pass as `cursor` for the next page; null at the end" }),
  })
  .openapi("ReformTaskListPage");

const StatusList = z
  .string()
  .transform((s, ctx) => {
    const parts = s.split(",").map((p) => p.trim());
    const bad = parts.filter((p) => !TaskStatus.options.includes(p as TaskStatus));
    if (bad.length) {
      ctx.addIssue({
        code: "custom",
        message: `unknown status ${bad.join(", ")}; use ${TaskStatus.options.join(", ")}`,
      });
      return z.NEVER;
    }
    return parts as TaskStatus[];
  })
  .openapi({ type: "string", description: "Comma-separated statuses", example: "planned,in_progress" });

/** A query flag: the text `true` or `false`. */
const BooleanText = z.enum(["true", "false"]);
const BooleanParam = BooleanText.transform((v) => v === "true");

/** Filters shared by the list and the export. */
export const TaskFilterQuery = z.strictObject({
  year: QueryInteger(2000, 2100).optional(),
  status: StatusList.optional(),
  department: RefCode.optional().openapi({
    description: "Lead or cooperating department: a code of GET /reform-tasks/departments (another → 400)",
  }),
  field: RefCode.optional().openapi({ description: "A code of GET /reform-tasks/fields (another → 400)" }),
  source: SafeString.max(40).optional().openapi({ description: "Source batch code, e.g. SC-FTZ-7" }),
  overdue: BooleanParam.optional(),
  asOf: LocalDate.optional().openapi({ description: "Date overdue is judged on; default today (China)" }),
  q: SafeString.max(200).optional().openapi({ description: "Text search in Chinese or English" }),
});

/** GET /reform-tasks query. */
export const TaskListQuery = TaskFilterQuery.extend({
  limit: QueryIntegerOr(1, 200, 50),
  cursor: z.string().max(500).optional(),
});

/** GET /reform-tasks/export query. */
export const TaskExportQuery = TaskFilterQuery.extend({
  format: z.enum(["csv", "xlsx"]).default("csv"),
  headers: z
    .enum(["zh", "codes"])
    .default("zh")
    .openapi({
      description:
        "zh (default): Chinese headers, with the Chinese name beside each coded column (牵头部门代码, 牵头部门 ...); " +
        "codes: the column codes as headers (lead_department ...) and no name columns. An import reads either.",
    }),
});

/** One recorded event of a task's stream. */
export const TaskHistoryEntry = z
  .object({
    version: StreamVersion,
    eventId: Uuid,
    type: z.string(),
    occurredAt: z.string(),
    recordedAt: z.string(),
    globalPosition: z.number().int(),
    data: z.record(z.string(), z.unknown()),
    correlationId: z.string().nullable(),
    actor: ActorView.nullable(),
  })
  .openapi("ReformTaskHistoryEntry");

/** GET /reform-tasks/{taskId}/history. */
export const TaskHistoryView = z
  .object({ taskId: Uuid, version: StreamVersion, events: z.array(TaskHistoryEntry) })
  .openapi("ReformTaskHistory");

/** GET /reform-tasks/scoreboard query. */
export const ScoreboardQuery = z.strictObject({
  year: QueryInteger(2000, 2100).optional(),
  asOf: LocalDate.optional(),
});

/** On-time figures against one deadline. */
const OnTimeView = z.object({
  due: z.number().int(),
  replicatedOnTime: z.number().int(),
  onTimeRatePercent: z.number().nullable(),
});

/** One department's line of the scoreboard (tasks it led on asOf). */
export const DepartmentScoreView = z
  .object({
    department: z.string(),
    nameZh: z.string().nullable(),
    nameEn: z.string().nullable(),
    total: z.number().int(),
    byStatus: z.record(z.string(), z.number().int()),
    overdue: z.number().int().openapi({ description: "Open and past the deadline in force on asOf" }),
    rescheduled: z
      .number()
      .int()
      .openapi({ description: "Tasks whose deadline in force on asOf is not the first one" }),
    due: z.number().int().openapi({
      description: "Due by asOf against the first deadline: replicated, or open with the first deadline passed",
    }),
    replicatedOnTime: z.number().int().openapi({ description: "Replicated on or before the first deadline" }),
    onTimeRatePercent: z
      .number()
      .nullable()
      .openapi({ description: "replicatedOnTime / due, percent (first deadline)" }),
    currentDeadline: OnTimeView.openapi({
      description: "The same figures against the deadline in force on asOf (rescheduling counted as granted)",
    }),
  })
  .openapi("DepartmentScore", {
    description:
      "A department's tasks as they stood on asOf (status, deadline and lead department then; later events do not count)",
  });

/** GET /reform-tasks/scoreboard. */
export const ScoreboardView = z
  .object({ asOf: LocalDate, year: z.number().int().nullable(), departments: z.array(DepartmentScoreView) })
  .openapi("DepartmentScoreboard");

/** GET /reform-tasks/replication-rates. */
export const ReplicationRatesView = z
  .object({
    asOf: LocalDate,
    years: z.array(
      z.object({
        year: z.number().int(),
        total: z.number().int(),
        applicable: z.number().int(),
        replicated: z.number().int(),
        notApplicable: z.number().int(),
        archived: z.number().int(),
        overdue: z.number().int(),
        replicationRatePercent: z.number().nullable().openapi({ description: "replicated / applicable, percent" }),
      }),
    ),
  })
  .openapi("ReplicationRates");

/** POST /reform-tasks/imports query. */
export const ImportQuery = z.strictObject({
  year: QueryInteger(2000, 2100),
  dryRun: BooleanText.default("false")
    .transform((v) => v === "true")
    .openapi({ description: "true: check the file and report, store nothing" }),
});

/** POST /reform-tasks/imports: what the import did (or would do, in a dry run). */
export const ImportOutcomeView = z
  .object({
    year: z.number().int(),
    dryRun: z.boolean(),
    rows: z.number().int(),
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    notInFile: z.array(z.string()).openapi({
      description:
        "Refs of the year's tasks the file does not mention, as the task-list read model knows them (it may lag the store by moments; empty when it is not built)",
    }),
    tasks: z.array(
      z.object({
        row: z.number().int(),
        ref: z.string(),
        taskId: Uuid,
        action: z.enum(["created", "updated", "unchanged"]),
        events: z.array(z.string()),
        version: StreamVersion.nullable(),
      }),
    ),
  })
  .openapi("TaskListImportOutcome");
