/**
 * The task list as a file: `POST /reform-tasks/imports?year=` takes a CSV or XLSX upload
 * (all-or-nothing, see task-list-import.ts; `dryRun=true` checks without storing), and
 * `GET /reform-tasks/export?format=csv|xlsx` writes the current list (read model) with status,
 * progress and overdue flags, in columns an import accepts again.
 */
import type { Request } from "express";
import { IdempotencyKeyHeader } from "../../contracts/http/common";
import { problemResponse, problemResponses } from "../../contracts/http/responses";
import { z } from "../../contracts/http/zod";
import { ImportOutcomeView, ImportQuery, TaskExportQuery } from "../../contracts/reform-tasks/http";
import { allTasks, refsOfYear, type TaskListItem } from "../../projections/task-list/task-list-queries";
import { ANY_ROLE, allow } from "../api/auth/access";
import { commandRoute } from "../api/http/command-route";
import { ProblemError, Problems } from "../api/http/problem";
import { uploadBody } from "../api/http/upload-body";
import { parseQuery } from "../api/http/validate";
import type { RouteModule } from "../api/route-module";
import { chinaToday } from "../platform/china-date";
import { reformReferenceData } from "./reference-data";
import { filterCodeErrors } from "./task-validation";
import { ImportRejectedError, importTaskList } from "./task-list-import";
import {
  EXPORT_ONLY_COLUMNS,
  IMPORT_COLUMNS,
  MEDIA_TYPES,
  type OutputTable,
  writeCsv,
  writeXlsx,
} from "./task-list-file";
import { fromReadModel } from "../../projections/task-list/task-list-routes";

/** Largest upload accepted (a year's list is far smaller). */
export const MAX_UPLOAD = "5mb";

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

const formatOf = (req: Request) => (req.is(MEDIA_TYPES.xlsx) ? "xlsx" : "csv");
const TAG = "reform-tasks";

/** Import and export. */
export const taskFileRoutes: RouteModule = {
  name: "reform-task-files",
  uploads: [{ method: "POST", path: "/reform-tasks/imports" }],
  register(router, ctx) {
    const ref = reformReferenceData();

    router.post(
      "/reform-tasks/imports",
      allow("taskforce"),
      ...uploadBody(Object.values(MEDIA_TYPES), MAX_UPLOAD),
      commandRoute(
        ctx.commands,
        async (req, c) => {
          const q = parseQuery(req, ImportQuery);
          const knownRefs = await fromReadModel(() => refsOfYear(ctx.db, q.year)).catch(() => []);
          try {
            const outcome = await importTaskList(ctx.store, ref, req.body as Buffer, formatOf(req), {
              year: q.year,
              dryRun: q.dryRun,
              at: new Date().toISOString(),
              metadata: c.metadata,
              eventId: (streamId, i) => c.newId(`import:${streamId}:${i}`),
              knownRefs,
            });
            return { status: 200, body: outcome };
          } catch (err) {
            if (!(err instanceof ImportRejectedError)) throw err;
            throw new ProblemError({
              status: 422,
              slug: "import-rejected",
              title: "Task list rejected",
              detail: `${err.errors.length} error(s); nothing was imported. Fix them and upload the whole file again.`,
              errors: err.errors.map((e) => ({
                pointer: e.row === null ? "/file" : `/rows/${e.row}${e.column ? `/${e.column}` : ""}`,
                detail: e.detail,
                row: e.row,
                column: e.column,
              })),
            });
          }
        },
        { requireIdempotencyKey: (req) => req.query.dryRun !== "true" },
      ),
    );

    router.get("/reform-tasks/export", allow(...ANY_ROLE), async (req, res) => {
      const { format, ...filter } = parseQuery(req, TaskExportQuery);
      const errors = filterCodeErrors(filter, reformReferenceData());
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
    const file = (description: string) => ({
      description,
      content: {
        [MEDIA_TYPES.csv]: { schema: z.string().openapi({ format: "binary" }) },
        [MEDIA_TYPES.xlsx]: { schema: z.string().openapi({ format: "binary" }) },
      },
    });
    registry.registerPath({
      method: "post",
      path: "/reform-tasks/imports",
      tags: [TAG],
      summary: "Import a year's task list (CSV or XLSX; all or nothing; same file again changes nothing)",
      description:
        `Columns: ${IMPORT_COLUMNS.join(", ")} (title_en, source_item, assumed, change_reason optional; ` +
        "export-only columns are ignored). A changed deadline needs change_reason. Errors name row and column " +
        "(`errors[].row`, `errors[].column`, pointer `/rows/{row}/{column}`). Idempotency-Key is required " +
        `unless dryRun=true. At most ${MAX_UPLOAD}.`,
      request: {
        query: ImportQuery,
        headers: z.object({ "idempotency-key": IdempotencyKeyHeader }),
        body: file("The task list file"),
      },
      responses: {
        200: {
          description: "Imported (or checked, in a dry run)",
          content: { "application/json": { schema: ImportOutcomeView } },
        },
        422: problemResponse(422, "The file was rejected; nothing was imported (errors[] name row and column)"),
        ...problemResponses(400, 409, 413, 415),
      },
    });
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
