/**
 * OpenAPI response helpers for route modules: the problem responses every operation shares,
 * described once so each path lists them the same way.
 */
import type { ResponseConfig } from "@asteasolutions/zod-to-openapi";
import { Problem } from "./common";

/** Media type of RFC 9457 problem documents. */
export const PROBLEM_MEDIA_TYPE = "application/problem+json";

const DESCRIPTIONS: Record<number, string> = {
  400: "Malformed request or failed validation (field errors in `errors[]`)",
  404: "No such resource",
  409: "Refused in the current state, or a duplicate request is still in progress",
  412: "If-Match does not match the current version",
  413: "Request body or event too large",
  415: "Request body is not of an accepted media type (application/json unless stated)",
  422: "A rule refused the command (e.g. a date in the future, a rejected file), or Idempotency-Key reused with a different payload",
  428: "If-Match is required on updates",
  500: "Unexpected server error",
  503: "Not ready: the database is unavailable (`database-unavailable`), or, on a command, its stream's lock is held by another writer for too long (`stream-busy`, only that stream); retry after `Retry-After` seconds",
};

/** One problem response, e.g. `{ 412: problemResponse(412) }`. */
export function problemResponse(status: number, description = DESCRIPTIONS[status] ?? "Problem"): ResponseConfig {
  const content = { [PROBLEM_MEDIA_TYPE]: { schema: Problem } };
  if (status !== 503) return { description, content };
  return {
    description,
    content,
    headers: { "Retry-After": { description: "Seconds to wait before retrying", schema: { type: "integer" } } },
  };
}

/** Problem responses for the given statuses, keyed by status code (spread into `responses`). */
export function problemResponses(...statuses: number[]): Record<number, ResponseConfig> {
  return Object.fromEntries(statuses.map((s) => [s, problemResponse(s)]));
}
