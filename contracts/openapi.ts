/**
 * The OpenAPI 3.1 document, generated from the zod schemas in `contracts/` (the single source,
 * DESIGN.md §7). Each route module contributes its paths by registering them on the registry
 * passed to its `openapi(registry)`; this module only assembles the document.
 *
 * The committed `contracts/openapi.json` is this document for the application's route modules
 * (`services/api/route-modules.ts`); `npm run contracts:check` fails when they drift apart.
 */
import { OpenApiGeneratorV31, OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import { Problem, ProblemFieldError } from "./http/common";

/** The generated OpenAPI 3.1 document object. */
export type OpenApiDocument = ReturnType<OpenApiGeneratorV31["generateDocument"]>;

/** Something that adds paths and components to the OpenAPI registry (a route module). */
export interface OpenApiContributor {
  /** Registers this module's paths (and any named schemas) on `registry`. Must not depend on runtime state. */
  openapi(registry: OpenAPIRegistry): void;
}

/** Document-level fields. */
export const API_INFO = {
  title: "FTZ trade-facilitation API",
  version: "0.1.0",
  description:
    "Reform replication tasks, customs direct clearance and foreign-investment filings. " +
    "Errors are RFC 9457 problem details; updates need If-Match (ETag = stream version); " +
    "POST commands accept Idempotency-Key.",
} as const;

/**
 * Builds the OpenAPI 3.1 document from a fresh registry: shared components first, then each
 * contributor in order (paths keep that order in the output). Deterministic: the same
 * contributors give the same document, so it can be committed and checked for drift.
 */
export function buildOpenApiDocument(contributors: readonly OpenApiContributor[]): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  registry.register("Problem", Problem);
  registry.register("ProblemFieldError", ProblemFieldError);
  for (const c of contributors) c.openapi(registry);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: { ...API_INFO },
  });
}
