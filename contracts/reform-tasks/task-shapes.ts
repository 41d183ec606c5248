/**
 * Shapes shared by the reform replication task list's events, commands and HTTP bodies
 * (复制推广任务清单, README, reform replication task list; the plan's section 十一). Department and reform-field codes
 * are checked against the reference data in `services/reform-tasks/data/`, not here.
 */
import { SafeString } from "../http/common";
import { z } from "../http/zod";

/** A calendar date `YYYY-MM-DD` (China Standard Time where a "today" is involved). */
export const LocalDate = z.iso.date().openapi({ example: "2026-06-30" });

/** The year a task list is for (the plan runs 2026–2030; earlier and later years are allowed for history). */
export const ListYear = z.number().int().min(2000).max(2100).openapi({ example: 2026 });

/** The task's number in its year's list, unique within the year, e.g. `2026-001`. */
export const TaskRef = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/, "1–32 letters, digits, '.', '_' or '-', starting with a letter or digit")
  .openapi({ example: "2026-001" });

/** A code-list code (department, reform field): lower-case kebab case. */
export const RefCode = z
  .string()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "a lower-case kebab-case code such as commerce or customs-korla")
  .max(60);

/** Lifecycle states of a task. `archived` is terminal (withdrawn from the list). */
export const TaskStatus = z
  .enum(["planned", "in_progress", "blocked", "replicated", "not_applicable", "archived"])
  .openapi("ReformTaskStatus");
export type TaskStatus = z.infer<typeof TaskStatus>;

/** Replication scope as the State Council batch gives it: 全国范围内复制推广 or 特定区域复制推广. */
export const TaskScope = z.enum(["nationwide", "specific-areas"]).openapi("ReformTaskScope");

/** Title in Chinese (as in the source list) and, optionally, English. */
export const BilingualTitle = z
  .strictObject({ zh: SafeString.max(300).trim().min(1), en: SafeString.max(300).trim().optional() })
  .openapi("BilingualTitle");

/** Where the reform comes from: batch code (e.g. `SC-FTZ-7`), item number in it, citation. */
export const TaskSource = z
  .strictObject({
    batch: SafeString.max(40).trim().min(1).openapi({ example: "SC-FTZ-7" }),
    item: SafeString.max(20).trim().optional(),
    citation: SafeString.max(500).trim().min(1),
  })
  .openapi("ReformTaskSource");

/** Fields of a task the bureau chose itself rather than took from the source (data quality flag). */
export const AssumedField = z.enum(["lead_department", "cooperating_departments", "deadline", "implementation_path"]);

/** The assumed fields of a task, e.g. `["lead_department", "deadline"]`. */
const AssumedList = z.array(AssumedField).max(4);

/** An evidence link: an http(s) URL. */
export const EvidenceLink = z.url({ protocol: /^https?$/ }).max(2000);

/**
 * Everything that defines a task in its year's list (核心内容, 责任部门, 时间节点, 实施路径).
 * `deadline` is the current time node; changing it is a reschedule, which needs a reason.
 */
export const TaskDefinition = z
  .strictObject({
    year: ListYear,
    ref: TaskRef,
    title: BilingualTitle,
    field: RefCode.openapi({ description: "Reform field code (reference data)", example: "trade-facilitation" }),
    scope: TaskScope,
    source: TaskSource,
    coreContent: SafeString.max(4000).trim().min(1),
    leadDepartment: RefCode.openapi({ description: "Department code (reference data)", example: "commerce" }),
    cooperatingDepartments: z.array(RefCode).max(20),
    deadline: LocalDate,
    implementationPath: SafeString.max(4000).trim().min(1),
    assumed: AssumedList.default([]),
  })
  .openapi("ReformTaskDefinition");
export type TaskDefinition = z.output<typeof TaskDefinition>;

/** The parts of a definition a revision may change (departments and deadline have their own commands). */
export const RevisableFields = TaskDefinition.pick({
  title: true,
  field: true,
  scope: true,
  source: true,
  coreContent: true,
  implementationPath: true,
})
  .extend({ assumed: AssumedList }) // without the definition's default, so a revision leaves it alone
  .partial();
export type RevisableField = keyof z.output<typeof RevisableFields>;

/** Evaluations the plan asks for: mid-term by the end of 2027, final by the end of 2030 (plan section 十). */
export const EvaluationKind = z.enum(["mid_term", "final"]).openapi("EvaluationKind");
export type EvaluationKind = z.infer<typeof EvaluationKind>;

/** Evaluation rating (优秀, 良好, 一般, 较差). */
export const EvaluationRating = z.enum(["excellent", "good", "fair", "poor"]).openapi("EvaluationRating");
