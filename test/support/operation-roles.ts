/**
 * Who may call each guarded operation of the OpenAPI document ("METHOD /path" → roles), written
 * out independently of the routes so tests can check the routes against it.
 */
import type { OpenApiDocument } from "../../contracts/openapi";
import { ROLES, type Role } from "../../services/api/auth/principal";
import { TASK_ACTIONS } from "../../contracts/reform-tasks/http";

const ALL = [...ROLES];
const READ_DECLARATION: Role[] = ["enterprise", "customs", "analyst", "admin"];
const FIGURES: Role[] = ["analyst", "customs", "admin", "taskforce", "partner"];
const FILING_READERS: Role[] = ["enterprise", "admin", "analyst"];

/** Who may use each guarded operation. */
export const ALLOWED: Record<string, Role[]> = {
  "GET /reform-tasks/departments": ALL,
  "GET /reform-tasks/fields": ALL,
  "GET /reform-tasks": ALL,
  "GET /reform-tasks/scoreboard": ALL,
  "GET /reform-tasks/replication-rates": ALL,
  "POST /reform-tasks/imports": ["taskforce"],
  "GET /reform-tasks/export": ALL,
  "POST /reform-tasks": ["taskforce"],
  "GET /reform-tasks/{taskId}": ALL,
  "GET /reform-tasks/{taskId}/history": ALL,
  "POST /declarations": ["enterprise"],
  "GET /declarations": READ_DECLARATION,
  "POST /declarations/{declarationNumber}/amendments": ["enterprise"],
  "POST /declarations/{declarationNumber}/withdrawal": ["enterprise"],
  "POST /declarations/{declarationNumber}/milestones": ["customs"],
  "GET /declarations/{declarationNumber}": READ_DECLARATION,
  "GET /clearance-times": FIGURES,
  "GET /clearance-times/release-curve": FIGURES,
  "GET /clearance-times/release-pattern": FIGURES,
  "GET /clearance-times/trs-workbook": FIGURES,
  "GET /clearance-times/comparison": FIGURES,
  "GET /clearance-times/outliers": ["customs", "analyst", "admin"],
  "GET /clearance-times/declarations/{declarationNumber}": READ_DECLARATION,
  "POST /negative-list/editions": ["admin"],
  "GET /negative-list/editions": ALL,
  "GET /negative-list/editions/{editionId}": ALL,
  "GET /negative-list/check": ALL,
  "GET /negative-list/activities": ALL,
  "POST /negative-list/historical-editions": ["admin"],
  "POST /filings": ["enterprise"],
  "GET /filings": FILING_READERS,
  "GET /filings/queue": ["admin", "analyst"],
  "GET /filings/statistics": ["admin", "analyst"],
  "GET /filings/{filingId}": FILING_READERS,
  "POST /filings/{filingId}/amendments": ["enterprise"],
  "POST /filings/{filingId}/withdrawal": ["enterprise"],
  "POST /filings/{filingId}/use": ["enterprise"],
  "POST /filings/{filingId}/acceptance": ["admin"],
  "POST /filings/{filingId}/referral": ["admin"],
  "POST /filings/{filingId}/rejection": ["admin"],
  "POST /filings/{filingId}/certificate": ["admin"],
  "POST /filings/{filingId}/lapse": ["admin"],
  "GET /audit/streams/{streamId}": ALL,
  "GET /projections": ["admin", "analyst"],
  "GET /metrics": ["admin", "analyst"],
  "GET /feed/{topic}": ALL,
  "GET /operations/status": ["admin"],
  "POST /operations/projections/{projection}/rebuild": ["admin"],
  "GET /operations/parked": ["admin"],
  "GET /operations/parked/{parkedId}": ["admin"],
  "POST /operations/parked/{parkedId}/retry": ["admin"],
  "POST /operations/parked/{parkedId}/skip": ["admin"],
  "POST /personal-data/subjects/{subjectId}/erasure": ["admin"],
};
for (const cmd of TASK_ACTIONS) {
  ALLOWED[`POST /reform-tasks/{taskId}/${cmd}`] = ["taskforce"];
}

/** The guarded operations of `doc` (those that do not declare `security: []`), as "METHOD /path". */
export function guardedOperations(doc: OpenApiDocument): string[] {
  const out: string[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item as Record<string, { security?: unknown[] }>)) {
      if (Array.isArray(op.security) && op.security.length === 0) continue;
      out.push(`${method.toUpperCase()} ${path}`);
    }
  }
  return out;
}
