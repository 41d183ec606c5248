/**
 * The task list from a file: `POST /reform-tasks/imports?year=` takes a CSV or XLSX upload
 * (all-or-nothing, see task-list-import.ts; `dryRun=true` checks without storing). Its report
 * lists the year's refs the file leaves out (`notInFile`): what the read side knows of the year,
 * given to `taskFileRoutes` by the process that composes it, so this write side imports no read
 * model and the import decides nothing from it (the report is informational). The export is the
 * read model's (projections/task-list/task-list-export-routes.ts).
 */
import type { Request } from "express";
import { IdempotencyKeyHeader } from "../../contracts/http/common";
import { problemResponse, problemResponses } from "../../contracts/http/responses";
import { z } from "../../contracts/http/zod";
import { ImportOutcomeView, ImportQuery } from "../../contracts/reform-tasks/http";
import { allow } from "../api/auth/access";
import { commandRoute } from "../api/http/command-route";
import { ProblemError } from "../api/http/problem";
import { uploadBody } from "../api/http/upload-body";
import { parseQuery } from "../api/http/validate";
import type { RouteContext, RouteModule } from "../api/route-module";
import { reformCodeLists } from "./code-lists";
import { ImportRejectedError, importTaskList } from "./task-list-import";
import { HEADERS_ZH, IMPORT_COLUMNS, MEDIA_TYPES, taskListFileContent } from "./task-list-file";

/** Largest upload accepted (a year's list is far smaller). */
export const MAX_UPLOAD = "5mb";

const formatOf = (req: Request) => (req.is(MEDIA_TYPES.xlsx) ? "xlsx" : "csv");
const TAG = "reform-tasks";

/**
 * The refs of `year`'s tasks the read side knows, for the import's `notInFile` report; may lag
 * the event store. An empty list when the read side cannot answer (the report is then empty).
 */
export type YearRefs = (ctx: RouteContext, year: number) => Promise<readonly string[]>;

/** The import route; `knownRefs` answers the report's `notInFile` (see `YearRefs`). */
export const taskFileRoutes = (knownRefs: YearRefs): RouteModule => ({
  name: "reform-task-files",
  uploads: [{ method: "POST", path: "/reform-tasks/imports" }],
  register(router, ctx) {
    const ref = reformCodeLists();

    router.post(
      "/reform-tasks/imports",
      allow("taskforce"),
      ...uploadBody(Object.values(MEDIA_TYPES), MAX_UPLOAD),
      commandRoute(
        ctx.commands,
        async (req, c) => {
          const q = parseQuery(req, ImportQuery);
          const refs = await knownRefs(ctx, q.year).catch(() => []);
          try {
            const outcome = await importTaskList(ctx.store, ref, req.body as Buffer, formatOf(req), {
              year: q.year,
              dryRun: q.dryRun,
              at: new Date().toISOString(),
              metadata: c.metadata,
              eventId: (streamId, i) => c.newId(`import:${streamId}:${i}`),
              knownRefs: refs,
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
  },

  openapi(registry) {
    const file = taskListFileContent;
    registry.registerPath({
      method: "post",
      path: "/reform-tasks/imports",
      tags: [TAG],
      summary: "Import a year's task list (CSV or XLSX; all or nothing; same file again changes nothing)",
      description:
        `Columns, each headed by its code or its Chinese header (any case): ${IMPORT_COLUMNS.map((c) => `${c} (${HEADERS_ZH[c]})`).join(", ")} ` +
        "(title_en, source_item, assumed, change_reason optional; export-only columns, and the name columns a Chinese " +
        "export writes beside coded ones, are ignored). Coded cells take codes or Chinese names. " +
        "A changed deadline needs change_reason. Errors name row and column by code " +
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
  },
});
