/**
 * The filings read model: one row per filing with its route, status, due date and the facts the
 * statistics group by (country, industry, USD amount), fed from the `Filing` category (Kafka in
 * the full stack, the event store in embedded mode). Serves an enterprise's own filings, the
 * bureau's queue and the outcome statistics (filings-queries.ts).
 */
import type { FilingEventData, FilingEventType } from "../../contracts/investment-filings/events";
import type { FilingDetails } from "../../contracts/investment-filings/filing-shapes";
import type { SqlExecutor } from "../../services/platform/db/database";
import { type Projection, type ProjectionEvent, type TableNames, tableExists } from "../runner/projection";

/** Logical name of the table. */
export const FILINGS_TABLE = "filings";

type Data<T extends FilingEventType> = FilingEventData<T>;

/** Country, industry codes and USD amount of a filing's details. */
function facts(d: FilingDetails): { country: string; industries: string[]; usd: number } {
  switch (d.kind) {
    case "inbound_report":
      return { country: d.investorCountries[0]!, industries: d.industryCodes, usd: d.investment.usd };
    case "outbound_investment":
      return { country: d.destinationCountry, industries: d.industryCodes, usd: d.investment.usd };
    case "overseas_contracting":
      return { country: d.country, industries: [], usd: d.contractValue.usd };
  }
}

async function apply(tx: SqlExecutor, e: ProjectionEvent, t: TableNames): Promise<void> {
  const table = t(FILINGS_TABLE);
  const id = e.streamId.slice(e.streamId.indexOf("-") + 1);
  const set = (assignments: string, params: unknown[]) =>
    tx.query(`UPDATE ${table} SET ${assignments}, version = $2, updated_at = $3 WHERE filing_id = $1`, [
      id,
      e.streamVersion,
      e.occurredAt,
      ...params,
    ]);
  switch (e.type as FilingEventType) {
    case "FilingSubmitted": {
      const d = e.data as Data<"FilingSubmitted">;
      const f = facts(d.details);
      await tx.query(
        `INSERT INTO ${table} (filing_id, enterprise, kind, status, country, industry_codes, amount_usd, submitted_on,
           version, updated_at)
         VALUES ($1, $2, $3, 'submitted', $4, $5, $6, $7, $8, $9)`,
        [
          id,
          d.enterprise,
          d.details.kind,
          f.country,
          f.industries,
          f.usd,
          d.submittedOn,
          e.streamVersion,
          e.occurredAt,
        ],
      );
      return;
    }
    case "AutomatedCheckRecorded": {
      const d = e.data as Data<"AutomatedCheckRecorded">;
      await set(
        "route = $4, routes = $5, recommendation = $6, due_date = $7, due_provisional = $8, check_outcome = $9",
        [d.route, d.routes, d.recommendation, d.dueDate, d.dueDateProvisional, d.negativeList?.outcome ?? null],
      );
      return;
    }
    case "FilingAmended": {
      const f = facts((e.data as Data<"FilingAmended">).details);
      await set("country = $4, industry_codes = $5, amount_usd = $6, amendments = amendments + 1", [
        f.country,
        f.industries,
        f.usd,
      ]);
      return;
    }
    case "FilingAccepted": {
      const d = e.data as Data<"FilingAccepted">;
      await set("status = 'accepted', filing_number = $4, decided_on = $5", [d.filingNumber, d.on]);
      return;
    }
    case "FilingReferred":
      await set("status = 'referred'", []);
      return;
    case "FilingRejected":
      await set("status = 'rejected', decided_on = $4", [(e.data as Data<"FilingRejected">).on]);
      return;
    case "FilingWithdrawn":
      await set("status = 'withdrawn'", []);
      return;
    case "CertificateIssued":
      await set("status = 'certified', certificate_valid_until = $4", [
        (e.data as Data<"CertificateIssued">).validUntil,
      ]);
      return;
    case "CertificateUsed":
      await set("status = 'used'", []);
      return;
    case "CertificateLapsed":
      await set("status = 'lapsed'", []);
      return;
    default:
      // A type newer than this code: nothing to change here.
      return;
  }
}

/** The filings projection. */
export const filingsProjection: Projection = {
  name: "filings",
  tables: [FILINGS_TABLE],
  categories: ["Filing"],
  async setup(tx, t) {
    const table = t(FILINGS_TABLE);
    if (await tableExists(tx, table)) return;
    await tx.query(`CREATE TABLE ${table} (
      filing_id uuid PRIMARY KEY,
      enterprise text NOT NULL,
      kind text NOT NULL,
      route text,
      routes text[],
      recommendation text,
      check_outcome text,
      status text NOT NULL,
      country text NOT NULL,
      industry_codes text[] NOT NULL,
      amount_usd numeric NOT NULL,
      submitted_on date NOT NULL,
      due_date date,
      due_provisional boolean NOT NULL DEFAULT false,
      decided_on date,
      filing_number text,
      certificate_valid_until date,
      amendments integer NOT NULL DEFAULT 0,
      version integer NOT NULL,
      updated_at timestamptz NOT NULL)`);
    await tx.query(`CREATE INDEX ON ${table} (enterprise, submitted_on)`);
    await tx.query(`CREATE INDEX ON ${table} (status, due_date)`);
  },
  apply,
};
