/**
 * The task list as a file: `GET /reform-tasks/export?format=csv|xlsx` writes the list (the
 * task-list read model, the list's filters) with status, progress and overdue flags, in the
 * columns an import accepts again (services/reform-tasks/task-list-file.ts). By default the
 * headers are Chinese and each coded column has the Chinese names of its codes beside it, from
 * the reference data; `headers=codes` writes the column codes as headers and no name columns.
 */
import { problemResponses } from "../../contracts/http/responses";
import { TaskExportQuery } from "../../contracts/reform-tasks/http";
import { TASK_STATUS_NAMES } from "../../contracts/reform-tasks/task-status-names";
import type { TaskStatus } from "../../contracts/reform-tasks/task-shapes";
import { ANY_ROLE, allow } from "../../services/api/auth/access";
import { Problems } from "../../services/api/http/problem";
import { parseQuery } from "../../services/api/http/validate";
import type { RouteModule } from "../../services/api/route-module";
import { chinaToday } from "../../services/platform/china-date";
import {
  CODED_COLUMNS,
  type CodedColumn,
  columnNameZh,
  EXPORT_ONLY_COLUMNS,
  type FileColumn,
  HEADERS_ZH,
  type HeaderStyle,
  IMPORT_COLUMNS,
  type ImportColumn,
  MEDIA_TYPES,
  type NameColumn,
  type OutputTable,
  type ReformCodeLists,
  reformCodeLists,
  SCOPE_NAMES,
  taskListFileContent,
  writeCsv,
  writeXlsx,
  filterCodeErrors,
} from "../../services/reform-tasks";
import { allTasks, type TaskListItem } from "./task-list-queries";
import { fromReadModel } from "./task-list-routes";

const TAG = "reform-tasks";

/** The columns of `headers=codes`, in order (the layout before Chinese headers existed). */
const CODE_COLUMNS = [...IMPORT_COLUMNS.filter((c) => c !== "change_reason"), ...EXPORT_ONLY_COLUMNS];
type CodeColumn = (typeof CODE_COLUMNS)[number];

const isImportColumn = (c: string): c is ImportColumn => (IMPORT_COLUMNS as readonly string[]).includes(c);
const isCoded = (c: CodeColumn): c is CodedColumn => (CODED_COLUMNS as readonly string[]).includes(c);

/** The columns of the Chinese layout: the same, each coded column followed by its name column. */
const ZH_COLUMNS: readonly FileColumn[] = CODE_COLUMNS.flatMap((c) =>
  isCoded(c) ? [c, `${c}_name` as NameColumn] : [c],
);

/** Separator of a list cell's items (departments, assumed fields), codes and names alike. */
const LIST = ";";

/** The code-layout cells of one task. `overdue` is `yes` or `no`. */
function codeCells(t: TaskListItem, asOf: string): Record<CodeColumn, string> {
  return {
    ref: t.ref,
    title_zh: t.title.zh,
    title_en: t.title.en ?? "",
    field: t.field,
    scope: t.scope,
    source_batch: t.source.batch,
    source_item: t.source.item ?? "",
    source: t.source.citation,
    core_content: t.coreContent,
    lead_department: t.leadDepartment,
    cooperating_departments: t.cooperatingDepartments.join(LIST),
    deadline: t.deadline,
    implementation_path: t.implementationPath,
    assumed: t.assumed.join(LIST),
    task_id: t.taskId,
    year: String(t.year),
    status: t.status,
    started_on: t.startedOn ?? "",
    progress_percent: t.progress ? String(t.progress.percent) : "",
    progress_as_of: t.progress?.asOf ?? "",
    replicated_on: t.replicatedOn ?? "",
    original_deadline: t.originalDeadline,
    reschedules: String(t.reschedules),
    overdue: t.overdue ? "yes" : "no",
    overdue_as_of: asOf,
    version: String(t.version),
  };
}

/**
 * The Chinese names of one task's codes, from the reference data; a code without a name there
 * gets an empty name (in a list, an empty item). Statuses are named as the contract names them
 * (TASK_STATUS_NAMES).
 */
function nameCells(t: TaskListItem, lists: ReformCodeLists): Record<NameColumn, string> {
  const department = (code: string) => lists.departments.get(code)?.nameZh ?? "";
  return {
    field_name: lists.fields.get(t.field)?.nameZh ?? "",
    scope_name: (SCOPE_NAMES as Readonly<Record<string, string>>)[t.scope] ?? "",
    lead_department_name: department(t.leadDepartment),
    cooperating_departments_name: t.cooperatingDepartments.map(department).join(LIST),
    assumed_name: t.assumed.map((a) => (isImportColumn(a) ? columnNameZh(a) : "")).join(LIST),
    status_name: TASK_STATUS_NAMES[t.status as TaskStatus]?.zh ?? "",
  };
}

/** The export's table: `codes` is the code layout; `zh` adds the names and writes 是/否 for overdue. */
function exportTable(tasks: TaskListItem[], asOf: string, headers: HeaderStyle): OutputTable {
  if (headers === "codes") {
    const rows = tasks.map((t) => {
      const cells = codeCells(t, asOf);
      return CODE_COLUMNS.map((c) => cells[c]);
    });
    return { columns: CODE_COLUMNS, rows };
  }
  const lists = reformCodeLists();
  const rows = tasks.map((t) => {
    const cells: Record<FileColumn, string> = {
      ...codeCells(t, asOf),
      ...nameCells(t, lists),
      overdue: t.overdue ? "是" : "否",
      change_reason: "",
    };
    return ZH_COLUMNS.map((c) => cells[c]);
  });
  return { columns: ZH_COLUMNS.map((c) => HEADERS_ZH[c]), rows };
}

/** The export (mounted before `/reform-tasks/{taskId}`). */
export const taskExportRoutes: RouteModule = {
  name: "reform-tasks-export",
  register(router, ctx) {
    router.get("/reform-tasks/export", allow(...ANY_ROLE), async (req, res) => {
      const { format, headers, ...filter } = parseQuery(req, TaskExportQuery);
      const errors = filterCodeErrors(filter, reformCodeLists());
      if (errors.length) throw Problems.validationFailed(errors);
      const asOf = filter.asOf ?? chinaToday();
      const tasks = await fromReadModel(() => allTasks(ctx.db, { ...filter, asOf }));
      const table = exportTable(tasks, asOf, headers);
      const bytes = format === "xlsx" ? await writeXlsx(table) : await writeCsv(table);
      const name = `reform-tasks${filter.year ? `-${filter.year}` : ""}-as-of-${asOf}.${format}`;
      res
        .status(200)
        .set({
          "Content-Type": format === "xlsx" ? MEDIA_TYPES.xlsx : `${MEDIA_TYPES.csv}; charset=utf-8`,
          "Content-Disposition": `attachment; filename="${name}"`,
        })
        .send(bytes);
    });
  },

  openapi(registry) {
    const file = taskListFileContent;
    registry.registerPath({
      method: "get",
      path: "/reform-tasks/export",
      tags: [TAG],
      summary: "Export the list (same filters as the list) with status, progress and overdue flags",
      description:
        "The columns an import reads, then read-only ones (task_id, status, progress, overdue ...). Headers are " +
        "Chinese by default, each coded column (codes, as an import reads them) followed by a column of their " +
        "Chinese names, which an import ignores; `headers=codes` gives the column codes as headers and no name " +
        "columns. Dates are ISO 8601 (YYYY-MM-DD).",
      request: { query: TaskExportQuery },
      responses: { 200: file("The list as CSV (UTF-8 with BOM) or XLSX"), ...problemResponses(400, 503) },
    });
  },
};
