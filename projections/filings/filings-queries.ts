/**
 * Queries over the filings read model: an enterprise's own filings, the bureau's queue (pending
 * filings by due date, overdue ones flagged on the as-of date), and outcome statistics.
 */
import type { z } from "../../contracts/http/zod";
import type { FilingRowView } from "../../contracts/investment-filings/http";
import type { SqlExecutor } from "../../services/platform/db/database";
import { FILINGS_TABLE } from "./filings-projection";

/** One filing as the read model shows it: the contract's FilingRow. */
export type FilingRow = z.output<typeof FilingRowView>;

const COLUMNS = `filing_id::text AS filing_id, enterprise, kind, route, routes, recommendation, status, country, industry_codes,
  amount_usd::float8 AS amount_usd, submitted_on::text AS submitted_on, due_date::text AS due_date, due_provisional,
  decided_on::text AS decided_on, filing_number, certificate_valid_until::text AS certificate_valid_until, version`;

const toRow = (r: Record<string, unknown>): FilingRow => ({
  filingId: r.filing_id as string,
  enterprise: r.enterprise as string,
  kind: r.kind as FilingRow["kind"],
  route: (r.route as FilingRow["route"]) ?? null,
  routes: (r.routes as FilingRow["routes"] | null) ?? [],
  recommendation: (r.recommendation as FilingRow["recommendation"]) ?? null,
  status: r.status as FilingRow["status"],
  country: r.country as string,
  industryCodes: r.industry_codes as string[],
  amountUsd: r.amount_usd as number,
  submittedOn: r.submitted_on as string,
  dueDate: (r.due_date as string | null) ?? null,
  dueDateProvisional: r.due_provisional as boolean,
  decidedOn: (r.decided_on as string | null) ?? null,
  filingNumber: (r.filing_number as string | null) ?? null,
  certificateValidUntil: (r.certificate_valid_until as string | null) ?? null,
  version: r.version as number,
});

/** An enterprise's filings, newest first. */
export async function enterpriseFilings(db: SqlExecutor, enterprise: string, limit: number): Promise<FilingRow[]> {
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM ${FILINGS_TABLE} WHERE enterprise = $1 ORDER BY submitted_on DESC, filing_id LIMIT $2`,
    [enterprise, limit],
  );
  return rows.map(toRow);
}

/** The bureau's queue: pending filings (submitted, referred), earliest due first, overdue flagged on `asOf`. */
export async function filingQueue(
  db: SqlExecutor,
  asOf: string,
  limit: number,
): Promise<(FilingRow & { overdue: boolean; daysOverdue: number })[]> {
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT ${COLUMNS}, (due_date < $1::date) AS overdue,
       GREATEST($1::date - due_date, 0) AS days_overdue
     FROM ${FILINGS_TABLE} WHERE status IN ('submitted', 'referred')
     ORDER BY due_date NULLS LAST, submitted_on, filing_id LIMIT $2`,
    [asOf, limit],
  );
  return rows.map((r) => ({ ...toRow(r), overdue: r.overdue as boolean, daysOverdue: r.days_overdue as number }));
}

/** Dimensions of the statistics. */
export const STAT_DIMENSIONS = { route: "route", country: "country", industry: "industry", kind: "kind" } as const;
export type StatDimension = keyof typeof STAT_DIMENSIONS;

/**
 * Filings counted by status per group (industry = the GB/T 4754 division, the first two digits,
 * of each industry code: a filing with codes in two divisions counts in both).
 */
export async function filingStatistics(
  db: SqlExecutor,
  groupBy: readonly StatDimension[],
  range: { from?: string; to?: string },
): Promise<{ group: Record<string, string | null>; total: number; byStatus: Record<string, number> }[]> {
  const dims = groupBy.map((d) => (d === "industry" ? "industry" : STAT_DIMENSIONS[d]));
  const base = `SELECT f.*, i.industry FROM ${FILINGS_TABLE} f
    LEFT JOIN LATERAL (SELECT DISTINCT left(c, 2) AS industry FROM unnest(f.industry_codes) AS c) i ON true
    WHERE ($1::date IS NULL OR f.submitted_on >= $1::date) AND ($2::date IS NULL OR f.submitted_on <= $2::date)`;
  const distinctFilings = groupBy.includes("industry") ? "count(*)" : "count(DISTINCT filing_id)";
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT ${dims.map((d, i) => `${d} AS g${i},`).join(" ")} status, ${distinctFilings}::int AS n
     FROM (${base}) b GROUP BY ${[...dims, "status"].join(", ")} ORDER BY ${[...dims, "status"].join(", ")}`,
    [range.from ?? null, range.to ?? null],
  );
  const out = new Map<
    string,
    { group: Record<string, string | null>; total: number; byStatus: Record<string, number> }
  >();
  for (const r of rows) {
    const group = Object.fromEntries(groupBy.map((d, i) => [d, (r[`g${i}`] as string | null) ?? null]));
    const key = JSON.stringify(group);
    const entry = out.get(key) ?? { group, total: 0, byStatus: {} };
    entry.byStatus[r.status as string] = r.n as number;
    entry.total += r.n as number;
    out.set(key, entry);
  }
  return [...out.values()];
}
