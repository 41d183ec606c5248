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
  license: { name: "Proprietary (UNLICENSED): all rights reserved", identifier: "LicenseRef-Proprietary" },
  description:
    "Reform replication tasks, customs direct clearance and foreign-investment filings. " +
    "Errors are RFC 9457 problem details; updates need If-Match (ETag = stream version); " +
    "POST commands accept Idempotency-Key (the ones that create something require it). " +
    "OPTIONS on a path lists its methods in Allow; another method is 405 with Allow. " +
    "Reads carry ETag and Cache-Control: private, no-cache and answer If-None-Match with 304; " +
    "responses are compressed (gzip, br) when asked.",
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
    servers: [{ url: "/", description: "The server that serves this document (npm start: http://127.0.0.1:3000)" }],
    tags: TAGS.map((t) => ({ ...t })),
    security: [{ bearer: [] }],
  });
  describeCommonResponses(doc);
  fixNullableRefs(doc as unknown as Record<string, unknown>);
  return doc;
}

const PROBLEM_MEDIA = "application/problem+json";

/** The operations' tags, in the order the docs show them. */
export const TAGS = [
  { name: "system", description: "Liveness, readiness, projections' lag, metrics and this document" },
  {
    name: "reform-tasks",
    description:
      "The FTZ task force's yearly reform replication task list (复制推广任务清单): plan, update, read, import, export",
  },
  {
    name: "direct-clearance",
    description: "Customs direct-clearance (属地直通) declarations, their milestones and clearance-time figures",
  },
  {
    name: "clearance-times",
    description:
      "Stage times of direct-clearance declarations: figures by group, the release curve, comparison, outliers, one declaration's",
  },
  {
    name: "negative-list",
    description:
      "Negative-list editions (national and FTZ), their activities, and the check of a proposed investment against them",
  },
  { name: "investment-filings", description: "Foreign-investment and outbound filings and the bureau's decisions" },
  { name: "audit", description: "Who did what to a stream, for the roles that may read it" },
  {
    name: "feed",
    description:
      "Every topic's events over HTTP as CloudEvents, for partners without a Kafka client: pages, long polling, Server-Sent Events",
  },
  {
    name: "operations",
    description:
      "The pipeline's status, rebuilding read models, parked events and records (admins; the ftz command line does the same)",
  },
  {
    name: "personal-data",
    description:
      "Erasing a data subject under the 个人信息保护法 (Art. 47): its key is deleted, so its personal fields, sealed everywhere they are kept, show as erased (admins)",
  },
  {
    name: "sign-in",
    description:
      "How the web console at /console/ signs in: OpenID Connect with PKCE in a deployment, a development token for a chosen role while the development key is in use",
  },
] as const;

/** Probes: never rate limited, never authenticated. */
const PROBES = new Set(["/health", "/ready"]);

/** A consistency token: `1.<first>.<last>` global positions (see services/api/http/consistency.ts). */
const CONSISTENCY_TOKEN_SCHEMA = { type: "string", pattern: "^1\\.\\d{1,15}\\.\\d{1,15}$", example: "1.1675.1677" };

const header = (description: string, schema: Record<string, unknown> = { type: "string" }) => ({
  description,
  schema,
});

/** Response headers shared by many operations (components.headers). */
const HEADERS = {
  "X-Request-Id": header(
    "The request's id: the client's X-Request-Id when it is a sane token (1–128 of A–Z a–z 0–9 . _ : -), else a new UUID; in every log line and problem document",
  ),
  RateLimit: header(
    "Remaining quota (draft-ietf-httpapi-ratelimit-headers-07), e.g. `limit=1200, remaining=1199, reset=60`: per principal, or per IP address without a token",
  ),
  "RateLimit-Policy": header("The quota policy, e.g. `1200;w=60` (requests per 60 s, RATE_LIMIT_PER_MINUTE)"),
  "Retry-After": header("Seconds to wait before retrying", { type: "integer", minimum: 0 }),
  "WWW-Authenticate": header('The bearer challenge (RFC 6750 §3), e.g. `Bearer realm="ftz", error="invalid_token"`'),
  "Idempotent-Replayed": header(
    "`true` when this is the stored response of an earlier request with the same Idempotency-Key and payload",
    { type: "string", enum: ["true"] },
  ),
  Location: header("The created resource"),
  ETag: header(
    'A validator: an aggregate\'s stream version as a strong tag (`"3"`, see the operation), else a weak tag of the content (`W/"…"`); send it in If-None-Match to get 304 while nothing changed',
  ),
  "Cache-Control": header(
    "`private, no-cache`: for the caller only, revalidate before reuse; `no-store` on the probes and the operational views (/health, /ready, /projections)",
    { type: "string", enum: ["private, no-cache", "no-store"] },
  ),
  Link: header('The next page (RFC 8288), `</…?cursor=…>; rel="next"`, when there is one'),
  "Consistency-Token": header(
    "The global positions of what the command appended (opaque; present when it appended). Send it back on a read as the Consistency-Token header to read your writes",
    CONSISTENCY_TOKEN_SCHEMA,
  ),
} as const;

/** The read-your-writes parameters every authenticated GET takes (the read-model queries honour them). */
const CONSISTENCY_PARAMETERS = {
  ConsistencyToken: {
    name: "consistency-token",
    in: "header" as const,
    required: false,
    description:
      "A command's Consistency-Token: a read-model query then answers once its read model has applied that command's events, waiting up to Prefer: wait (default 5 s, at most 30 s), else 503 `read-model-behind`. Reads from a stream are consistent already and ignore it",
    schema: CONSISTENCY_TOKEN_SCHEMA,
  },
  Prefer: {
    name: "prefer",
    in: "header" as const,
    required: false,
    description:
      "`wait=<seconds>` (RFC 7240 §4.3): how long to wait for the read model to reach the Consistency-Token (at most 30)",
    schema: { type: "string", example: "wait=10" },
  },
};

const ref = (name: keyof typeof HEADERS) => ({ $ref: `#/components/headers/${name}` });

/** `get /reform-tasks/{taskId}/history` → `getReformTasksTaskIdHistory`. */
export function operationIdOf(method: string, path: string): string {
  const words = path
    .split(/[/{}\-_.]+/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1));
  return method.toLowerCase() + words.join("");
}

type Operation = {
  operationId?: string;
  security?: unknown[];
  parameters?: { name: string; in: string }[];
  responses?: Record<string, { description: string; headers?: Record<string, unknown>; content?: unknown }>;
};

/**
 * What every operation can answer besides its own responses, described once: an operationId;
 * 400 (undeclared query parameters and malformed path parameters are refused everywhere); for
 * operations that need a token 401 (with WWW-Authenticate), 403 and 503 (the database, with
 * Retry-After); for all but the probes 429 (with Retry-After) and the RateLimit headers; for a
 * GET, ETag and Cache-Control on 200 (Link when it pages) and 304, and the Consistency-Token and
 * Prefer request headers; Idempotent-Replayed on a command's success when it takes an
 * Idempotency-Key; Consistency-Token on a command's success; Location on 201; and X-Request-Id
 * on every response.
 */
function describeCommonResponses(doc: OpenApiDocument): void {
  const problem = (description: string, headers?: Record<string, unknown>) => ({
    description,
    ...(headers ? { headers } : {}),
    content: { [PROBLEM_MEDIA]: { schema: { $ref: "#/components/schemas/Problem" } } },
  });
  doc.components = {
    ...doc.components,
    headers: { ...HEADERS },
    parameters: { ...CONSISTENCY_PARAMETERS } as NonNullable<OpenApiDocument["components"]>["parameters"],
  };
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item as Record<string, Operation>)) {
      if (!op?.responses) continue;
      const r = op.responses;
      op.operationId ??= operationIdOf(method, path);
      const guarded = !(Array.isArray(op.security) && op.security.length === 0);
      r["400"] ??= problem(
        "Malformed request: an undeclared or invalid query parameter, path parameter or header (field errors in `errors[]`)",
      );
      if (guarded) {
        r["401"] ??= problem("No bearer token, or an invalid one (WWW-Authenticate says why)");
        r["401"].headers = { ...r["401"].headers, "WWW-Authenticate": ref("WWW-Authenticate") };
        r["403"] ??= problem("The token's role may not use this operation");
        r["503"] ??= problem(
          method === "get"
            ? "The database is unavailable (`database-unavailable`), a read model is not built yet (`not-ready`), or it has not reached the Consistency-Token in time (`read-model-behind`); retry after Retry-After seconds"
            : "The database is unavailable (`database-unavailable`); retry after Retry-After seconds",
        );
        r["503"].headers = { ...r["503"].headers, "Retry-After": ref("Retry-After") };
      }
      if (!PROBES.has(path)) {
        r["429"] ??= problem("Too many requests for this principal (or IP address) in the current minute", {
          "Retry-After": ref("Retry-After"),
        });
      }
      if (method === "get" && guarded) {
        const refs = Object.keys(CONSISTENCY_PARAMETERS).map((name) => ({ $ref: `#/components/parameters/${name}` }));
        op.parameters = [...(op.parameters ?? []), ...(refs as unknown as { name: string; in: string }[])];
      }
      if (method === "get" && r["200"]) {
        const paged = (op.parameters ?? []).some((p) => p.in === "query" && p.name === "cursor");
        r["200"].headers = {
          ETag: ref("ETag"),
          ...r["200"].headers,
          "Cache-Control": ref("Cache-Control"),
          ...(paged ? { Link: ref("Link") } : {}),
        };
        r["304"] ??= {
          description: "Not modified: If-None-Match names the current ETag",
          headers: { ETag: ref("ETag") },
        };
      }
      if ((op as { requestBody?: unknown }).requestBody) {
        r["413"] ??= problem("Request body too large (`limitBytes` says the limit)");
        r["415"] ??= problem("Request body is not of an accepted media type");
      }
      const idempotent = (op.parameters ?? []).some((p) => p.in === "header" && p.name === "idempotency-key");
      for (const [status, res] of Object.entries(r)) {
        res.headers = { ...res.headers, "X-Request-Id": ref("X-Request-Id") };
        if (!PROBES.has(path)) {
          res.headers.RateLimit = ref("RateLimit");
          res.headers["RateLimit-Policy"] = ref("RateLimit-Policy");
        }
        if (status === "201") res.headers.Location = ref("Location");
        if (idempotent && status.startsWith("2")) res.headers["Idempotent-Replayed"] = ref("Idempotent-Replayed");
        if (method === "post" && guarded && status.startsWith("2"))
          res.headers["Consistency-Token"] = ref("Consistency-Token");
      }
    }
  }
}

/**
 * zod-to-openapi writes a nullable reference as `allOf: [{$ref}, {type: [<type>, "null"]}]`,
 * which no null satisfies (every allOf member must hold, and the referenced schema is an
 * object). Rewrites each to `anyOf: [{$ref}, {type: "null"}]` (JSON Schema 2020-12), keeping the
 * description and other annotations beside it.
 */
function fixNullableRefs(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) fixNullableRefs(item);
    return;
  }
  if (!node || typeof node !== "object") return;
  const o = node as Record<string, unknown>;
  const all = o.allOf as Record<string, unknown>[] | undefined;
  if (Array.isArray(all) && all.length === 2 && typeof all[0]?.$ref === "string") {
    const t = all[1]?.type;
    if (Array.isArray(t) && t.includes("null") && Object.keys(all[1]!).length === 1) {
      delete o.allOf;
      o.anyOf = [{ $ref: all[0].$ref }, { type: "null" }];
    }
  }
  for (const v of Object.values(o)) fixNullableRefs(v);
}
