/**
 * The interface every HTTP route module implements. A bounded context (services/<context>/)
 * exports one `RouteModule`: `register` mounts its handlers, `openapi` describes the same paths
 * on the OpenAPI registry. Add it to `productRouteModules` (route-modules.ts) to serve it and to
 * put it in the committed contract.
 */
import type { Router } from "express";
import type { Logger } from "pino";
import type { OpenApiContributor } from "../../contracts/openapi";
import type { Database } from "../platform/db/database";
import type { EventStore } from "../platform/event-store/types";
import type { CommandRouteDeps } from "./http/command-route";
import type { UploadRoute } from "./http/json-body";

/** What route handlers may use. */
export interface RouteContext {
  db: Database;
  store: EventStore;
  logger: Logger;
  /** Pass to `commandRoute(ctx.commands, handler)` for POST commands (Idempotency-Key handling). */
  commands: CommandRouteDeps;
}

/** One group of routes with its OpenAPI description. */
export interface RouteModule extends OpenApiContributor {
  /** Short name for logs, e.g. `reform-tasks`. */
  readonly name: string;
  /** Mounts the handlers on `router` (mounted at `/`). Paths must match those given to `openapi`. */
  register(router: Router, ctx: RouteContext): void;
  /** Routes that take a file instead of JSON (they parse it with `uploadBody`). */
  readonly uploads?: readonly UploadRoute[];
}
