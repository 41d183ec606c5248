/**
 * The OpenAPI 3.1 document, generated from the zod schemas in `contracts/` (the single source,
 * README, architecture). Each route module contributes its paths by registering them on the registry
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
  registry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description:
      "A JWT with claims sub, role (taskforce, enterprise, customs, partner, analyst, admin) and, for enterprises, " +
      "uscc. Development tokens: npm run token -- --role <role> [--uscc <code>].",
  });
  for (const c of contributors) c.openapi(registry);
  const doc = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: { ...API_INFO },
    security: [{ bearer: [] }],
  });
  // Every operation needs a token unless it says `security: []` (health, readiness, the document):
  // describe the 401 and 403 it can answer.
  for (const item of Object.values(doc.paths ?? {})) {
    for (const op of Object.values(
      item as Record<string, { security?: unknown[]; responses?: Record<string, unknown> }>,
    )) {
      if (!op?.responses || (Array.isArray(op.security) && op.security.length === 0)) continue;
      op.responses["401"] ??= {
        description: "No bearer token, or an invalid one (WWW-Authenticate says why)",
        content: { [PROBLEM_MEDIA]: { schema: { $ref: "#/components/schemas/Problem" } } },
      };
      op.responses["403"] ??= {
        description: "The token's role may not use this operation",
        content: { [PROBLEM_MEDIA]: { schema: { $ref: "#/components/schemas/Problem" } } },
      };
    }
  }
  return doc;
}

const PROBLEM_MEDIA = "application/problem+json";
