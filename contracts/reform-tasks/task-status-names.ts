/**
 * What each task status is called, in Chinese and English: the product's own vocabulary for where
 * a task stands (not a term of a regulation), shared by the console and the export's 状态 column.
 * Plain data, no zod: the browser console imports it without the schema library (the status
 * type is imported for the compiler only).
 */
import type { TaskStatus } from "./task-shapes";

export const TASK_STATUS_NAMES = {
  planned: { zh: "未启动", en: "Planned" },
  in_progress: { zh: "推进中", en: "In progress" },
  blocked: { zh: "受阻", en: "Blocked" },
  replicated: { zh: "已复制推广", en: "Replicated" },
  not_applicable: { zh: "不适用", en: "Not applicable" },
  archived: { zh: "已归档", en: "Archived" },
} as const satisfies Record<TaskStatus, { zh: string; en: string }>;
