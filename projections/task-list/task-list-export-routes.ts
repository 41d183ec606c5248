/**
 * The task list as a file: `GET /reform-tasks/export?format=csv|xlsx` writes the list (the
 * task-list read model, the list's filters) with status, progress and overdue flags, in the
 * columns an import accepts again (services/reform-tasks/task-list-file.ts).
 */
import { problemResponses } from "../../contracts/http/responses";
import { TaskExportQuery } from "../../contracts/reform-tasks/http";
import { ANY_ROLE, allow } from "../../services/api/auth/access";
import { Problems } from "../../services/api/http/problem";
import { parseQuery } from "../../services/api/http/validate";
import type { RouteModule } from "../../services/api/route-module";
import { chinaToday } from "../../services/platform/china-date";
import {
  reformCodeLists,
  EXPORT_ONLY_COLUMNS,
  IMPORT_COLUMNS,
  MEDIA_TYPES,
  taskListFileContent,
  type OutputTable,
  writeCsv,
  writeXlsx,
  filterCodeErrors,
} from "../../services/reform-tasks";
import { allTasks, type TaskListItem } from "./task-list-queries";
import { fromReadModel } from "./task-list-routes";

const TAG = "reform-tasks";

const EXPORT_COLUMNS = [...IMPORT_COLUMNS.filter((c) => c !== "change_reason"), ...EXPORT_ONLY_COLUMNS];

/** The export's cells of one task, in EXPORT_COLUMNS order. */
function exportRow(t: TaskListItem, asOf: string): string[] {
  const cells: Record<(typeof EXPORT_COLUMNS)[number], string> = {
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
    cooperating_departments: t.cooperatingDepartments.join(";"),
    deadline: t.deadline,
    implementation_path: t.implementationPath,
    assumed: t.assumed.join(";"),
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
  return EXPORT_COLUMNS.map((c) => cells[c]);
}

/** The export (mounted before `/reform-tasks/{taskId}`). */
export const taskExportRoutes: RouteModule = {
  name: "reform-tasks-export",
  register(router, ctx) {
    router.get("/reform-tasks/export", allow(...ANY_ROLE), async (req, res) => {
      const { format, ...filter } = parseQuery(req, TaskExportQuery);
      const errors = filterCodeErrors(filter, reformCodeLists());
      if (errors.length) throw Problems.validationFailed(errors);
      const asOf = filter.asOf ?? chinaToday();
      const tasks = await fromReadModel(() => allTasks(ctx.db, { ...filter, asOf }));
      const table: OutputTable = { columns: EXPORT_COLUMNS, rows: tasks.map((t) => exportRow(t, asOf)) };
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
      request: { query: TaskExportQuery },
      responses: { 200: file("The list as CSV (UTF-8 with BOM) or XLSX"), ...problemResponses(400, 503) },
    });
  },
};
