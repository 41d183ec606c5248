/**
 * The application's route modules: the single list that `main.ts` serves and that the committed
 * contract (`contracts/openapi.json`, `npm run contracts:generate`) describes. Each bounded
 * context adds its `RouteModule` to `productRouteModules`.
 */
import { buildOpenApiDocument, type OpenApiDocument } from "../../contracts/openapi";
import { clearanceTimesRoutes } from "../../projections/clearance-times/clearance-times-routes";
import { declarationRoutes } from "../direct-clearance/declaration-routes";
import { filingQueryRoutes } from "../../projections/filings/filing-query-routes";
import { filingRoutes } from "../investment-filings/filing-routes";
import { negativeListRoutes } from "../../projections/negative-list/negative-list-routes";
import { editionRoutes } from "../reference-data/edition-routes";
import { taskFileRoutes } from "../reform-tasks/task-file-routes";
import { taskExportRoutes } from "../../projections/task-list/task-list-export-routes";
import { taskListRoutes } from "../../projections/task-list/task-list-routes";
import { taskRoutes } from "../reform-tasks/task-routes";
import { auditRoutes } from "./audit-routes";
import type { RouteModule } from "./route-module";
import { systemRoutes } from "./system-routes";

/** Route modules of the bounded contexts (reform-tasks, direct-clearance, investment-filings), in path order. */
export const productRouteModules: readonly RouteModule[] = [
  // Fixed paths (/reform-tasks/export, /departments ...) before /reform-tasks/{taskId}.
  taskListRoutes,
  taskExportRoutes,
  taskFileRoutes,
  taskRoutes,
  declarationRoutes,
  clearanceTimesRoutes,
  editionRoutes,
  negativeListRoutes,
  // Before /filings/{filingId}: /filings/queue and /filings/statistics are fixed paths.
  filingQueryRoutes,
  filingRoutes,
  auditRoutes,
];

/** The OpenAPI document of an app serving `routes` (system routes first, then `routes`). */
export function apiDocument(routes: readonly RouteModule[]): OpenApiDocument {
  return buildOpenApiDocument([systemRoutes(), ...routes]);
}

/** The OpenAPI document of the application as `main.ts` serves it: the committed contract. */
export function applicationOpenApiDocument(): OpenApiDocument {
  return apiDocument(productRouteModules);
}
