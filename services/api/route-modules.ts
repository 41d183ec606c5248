/**
 * The application's route modules: the single list that `main.ts` serves and that the committed
 * contract (`contracts/openapi.json`, `npm run contracts:generate`) describes. Each bounded
 * context adds its `RouteModule` to `productRouteModules`.
 */
import { buildOpenApiDocument, type OpenApiDocument } from "../../contracts/openapi";
import { clearanceTimesRoutes } from "../../projections/clearance-times/clearance-times-routes";
import { declarationRoutes } from "../direct-clearance";
import { filingQueryRoutes } from "../../projections/filings/filing-query-routes";
import { filingRoutes } from "../investment-filings";
import { negativeListRoutes } from "../../projections/negative-list/negative-list-routes";
import { editionRoutes } from "../negative-list";
import { taskFileRoutes, taskRoutes } from "../reform-tasks";
import { taskExportRoutes } from "../../projections/task-list/task-list-export-routes";
import { fromReadModel, taskListRoutes } from "../../projections/task-list/task-list-routes";
import { refsOfYear } from "../../projections/task-list/task-list-queries";
import { auditRoutes } from "./audit-routes";
import { feedRoutes } from "./feed-routes";
import { personalDataRoutes } from "./personal-data-routes";
import type { RouteModule } from "./route-module";
import { operationsRoutes } from "./operations-routes";
import { systemRoutes } from "./system-routes";
import { signInRoutes } from "./sign-in-routes";

/** Route modules of the bounded contexts (reform-tasks, direct-clearance, investment-filings), in path order. */
export const productRouteModules: readonly RouteModule[] = [
  // Fixed paths (/reform-tasks/export, /departments ...) before /reform-tasks/{taskId}.
  taskListRoutes,
  taskExportRoutes,
  // The import report's refs of the year come from the task-list read model.
  taskFileRoutes((ctx, year) => fromReadModel(() => refsOfYear(ctx.db, year))),
  taskRoutes,
  declarationRoutes,
  clearanceTimesRoutes,
  editionRoutes,
  negativeListRoutes,
  // Before /filings/{filingId}: /filings/queue and /filings/statistics are fixed paths.
  filingQueryRoutes,
  filingRoutes,
  auditRoutes,
  feedRoutes,
  personalDataRoutes,
];

/** The OpenAPI document of an app serving `routes` (system, operations and sign-in routes first, then `routes`). */
export function apiDocument(routes: readonly RouteModule[]): OpenApiDocument {
  return buildOpenApiDocument([systemRoutes(), operationsRoutes(), signInRoutes(), ...routes]);
}

/** The OpenAPI document of the application as `main.ts` serves it: the committed contract. */
export function applicationOpenApiDocument(): OpenApiDocument {
  return apiDocument(productRouteModules);
}
