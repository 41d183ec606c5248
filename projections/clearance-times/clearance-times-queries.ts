/**
 * Clearance-time figures over the read model, the way the WCO Time Release Study (TRS) measures
 * them, "from the time of arrival until the physical release of cargo" (WCO, Time Release Study,
 * https://www.wcoomd.org/en/topics/facilitation/instrument-and-tools/tools/time-release-study.aspx;
 * README, customs direct clearance): per stage, count, mean, min, p25, median, p75, p90, p95 and
 * max (a box plot's five numbers among them), segmented by port, direction, clearance model,
 * transport mode, inspection channel, month, credit rating, other agencies' involvement and
 * pre-arrival lodgement; the share released within 1, 2, … N hours of arrival or of lodgement;
 * releases by hour of day and weekday (China time); direct versus conventional; outliers listed.
 *
 * Percentiles are exact over the rows behind them, computed by PostgreSQL's `percentile_cont`:
 * linear interpolation between the two nearest ranks (Hyndman & Fan type 7, as Excel's
 * PERCENTILE.INC and NumPy's default). Nothing is trimmed: outliers stay in every figure and are
 * also listed by `clearanceOutliers`. A stage counts the declarations that have both of its
 * milestones; durations are differences of business times.
 */
import { chinaMidnight } from "../../services/platform/china-date";
import type { SqlExecutor } from "../../services/platform/db/database";
import { CLEARANCE_TABLE } from "./clearance-times-projection";

/**
 * Stages measured, each as SQL for its duration (NULL when a milestone is missing), in the order
 * they are reported: the two totals, arrival → release first (the TRS headline), then the
 * process stages in process order (PROCESS_STAGES).
 */
export const STAGES = {
  /** Arrival for clearance → release: the TRS headline (WTO TFA Art. 7.6.1's "release time"). */
  arrival_to_release: "released_at - arrived_at",
  /** Lodgement → release: the clearance time as measured before arrival was recorded. */
  total: "released_at - lodged_at",
  /** Arrival → lodgement: negative for a declaration lodged before the goods arrived. */
  arrival_to_lodgement: "lodged_at - arrived_at",
  lodgement_to_acceptance: "accepted_at - lodged_at",
  acceptance_to_risk_assessment: "risk_assessed_at - accepted_at",
  /** Risk assessment → the first completed inspection (local or port). */
  risk_assessment_to_inspection: "LEAST(local_inspection_at, port_inspection_at) - risk_assessed_at",
  /** Local inspection → the port's recognition of it (监管互认; direct clearance only). */
  inspection_to_recognition: "recognised_at - local_inspection_at",
  /** The last control (risk assessment, inspection, recognition) → release. */
  last_control_to_release:
    "released_at - GREATEST(accepted_at, risk_assessed_at, local_inspection_at, port_inspection_at, recognised_at)",
  /** Release → goods exited (exports) or arrived (imports): logistics, not clearance. */
  release_to_exit_or_arrival: "exited_at - released_at",
} as const;
export type Stage = keyof typeof STAGES;
export const STAGE_NAMES = Object.keys(STAGES) as Stage[];
/** The totals, headline first. */
export const TOTAL_STAGES = ["arrival_to_release", "total"] as const satisfies readonly Stage[];
/** Every other stage, in process order: arrival → lodgement … release → exit or arrival at destination. */
export const PROCESS_STAGES = STAGE_NAMES.filter((s) => !(TOTAL_STAGES as readonly Stage[]).includes(s));

/**
 * Dimensions figures can be grouped by, and their SQL (a column or an expression over one row).
 * `otherAgencies` and `preArrivalLodgement` are `true`, `false` or null (not stated; no arrival
 * recorded); a lodgement at the very instant of arrival is not a pre-arrival one.
 */
export const DIMENSIONS = {
  port: "port",
  direction: "direction",
  clearanceModel: "clearance_model",
  transportMode: "transport_mode",
  channel: "channel",
  month: "lodged_month",
  creditRating: "credit_rating",
  otherAgencies: "other_agencies::text",
  preArrivalLodgement: "CASE WHEN arrived_at IS NULL THEN NULL ELSE (lodged_at < arrived_at)::text END",
} as const;
export type Dimension = keyof typeof DIMENSIONS;

/** Filters; dates are China calendar dates on the lodgement time, `to` inclusive. */
export interface ClearanceFilter {
  from?: string;
  to?: string;
  port?: string;
  direction?: string;
  clearanceModel?: string;
  transportMode?: string;
  channel?: string;
  enterprise?: string;
}

/** A duration in hours with its minutes and a label such as `32 h 01 min`. */
export interface Duration {
  hours: number;
  minutes: number;
  label: string;
}

/** Figures of one stage for one group: count, mean, and min ≤ p25 ≤ median ≤ p75 ≤ p90 ≤ p95 ≤ max. */
export interface StageFigures {
  count: number;
  mean: Duration;
  min: Duration;
  /** First quartile. */
  p25: Duration;
  median: Duration;
  /** Third quartile. */
  p75: Duration;
  p90: Duration;
  p95: Duration;
  max: Duration;
}

/**
 * `hours` → a labelled duration (hours to 3 decimals, minutes to 1 decimal). A negative one (an
 * arrival after the lodgement's) is labelled with a leading minus: −1.5 h is `-1 h 30 min`.
 */
export function duration(hours: number): Duration {
  const totalMinutes = Math.round(Math.abs(hours) * 60);
  const h = Math.floor(totalMinutes / 60);
  const m = totalMinutes - h * 60;
  const sign = hours < 0 && totalMinutes > 0 ? "-" : "";
  return {
    hours: Math.round(hours * 1000) / 1000 || 0,
    minutes: Math.round(hours * 600) / 10 || 0,
    label: `${sign}${h} h ${String(m).padStart(2, "0")} min`,
  };
}

/** The calendar day after `date` (YYYY-MM-DD). */
const nextDay = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

function where(f: ClearanceFilter): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const clauses: string[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  // China dates → instants: [from 00:00 +08:00, the day after `to` 00:00 +08:00).
  if (f.from) clauses.push(`lodged_at >= ${p(chinaMidnight(f.from))}::timestamptz`);
  if (f.to) clauses.push(`lodged_at < ${p(chinaMidnight(nextDay(f.to)))}::timestamptz`);
  const eq: [keyof ClearanceFilter, string][] = [
    ["port", "port"],
    ["direction", "direction"],
    ["clearanceModel", "clearance_model"],
    ["transportMode", "transport_mode"],
    ["channel", "channel"],
    ["enterprise", "enterprise"],
  ];
  for (const [key, column] of eq) if (f[key] !== undefined) clauses.push(`${column} = ${p(f[key])}`);
  return { sql: clauses.length ? `WHERE ${clauses.join(" AND ")}` : "", params };
}

const HOURS = (interval: string) => `EXTRACT(EPOCH FROM (${interval})) / 3600.0`;

/** The per-stage durations of the filtered rows, one row per (declaration, stage) with a duration. */
function stageRows(groupColumns: string[], f: ClearanceFilter) {
  const w = where(f);
  const values = STAGE_NAMES.map((s) => `('${s}', ${HOURS(STAGES[s])})`).join(", ");
  const groupSelect = groupColumns.map((c, i) => `${c} AS g${i}`).join(", ");
  return {
    sql: `SELECT ${groupSelect}${groupColumns.length ? "," : ""} st.stage, st.hours
          FROM ${CLEARANCE_TABLE} c CROSS JOIN LATERAL (VALUES ${values}) AS st(stage, hours)
          ${w.sql ? `${w.sql} AND` : "WHERE"} st.hours IS NOT NULL`,
    params: w.params,
  };
}

/** Figures of one group: its key (dimension → value) and per-stage figures. */
export interface GroupFigures {
  group: Partial<Record<Dimension, string | null>>;
  declarations: number;
  stages: Partial<Record<Stage, StageFigures>>;
}

/**
 * Stage figures grouped by `groupBy` (none: one group for everything), for the rows matching `f`.
 * Groups are ordered by their key; stages come in STAGES order (the total first, then the process
 * from lodgement to exit), and stages without any duration are absent.
 */
export async function clearanceFigures(
  db: SqlExecutor,
  f: ClearanceFilter,
  groupBy: readonly Dimension[],
): Promise<GroupFigures[]> {
  const cols = groupBy.map((d) => DIMENSIONS[d]);
  const rows = stageRows(cols, f);
  const g = cols.map((_, i) => `g${i}`);
  const { rows: result } = await db.query<Record<string, unknown>>(
    `SELECT ${g.map((x) => `${x},`).join(" ")} stage, count(*)::int AS n, avg(hours)::float8 AS mean,
       min(hours)::float8 AS min,
       percentile_cont(0.25) WITHIN GROUP (ORDER BY hours)::float8 AS p25,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY hours)::float8 AS median,
       percentile_cont(0.75) WITHIN GROUP (ORDER BY hours)::float8 AS p75,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY hours)::float8 AS p90,
       percentile_cont(0.95) WITHIN GROUP (ORDER BY hours)::float8 AS p95,
       max(hours)::float8 AS max
     FROM (${rows.sql}) s GROUP BY ${[...g, "stage"].join(", ")} ORDER BY ${[...g, "stage"].join(", ")}`,
    rows.params,
  );
  const w = where(f);
  const { rows: counts } = await db.query<Record<string, unknown>>(
    `SELECT ${cols.map((c, i) => `${c} AS g${i},`).join(" ")} count(*)::int AS n FROM ${CLEARANCE_TABLE} ${w.sql}
     ${cols.length ? `GROUP BY ${cols.join(", ")}` : ""}`,
    w.params,
  );
  const keyOf = (r: Record<string, unknown>) => JSON.stringify(g.map((x) => r[x] ?? null));
  const groups = new Map<string, GroupFigures>();
  for (const r of counts) {
    const group = Object.fromEntries(groupBy.map((d, i) => [d, (r[`g${i}`] as string | null) ?? null]));
    groups.set(keyOf(r), { group, declarations: r.n as number, stages: {} });
  }
  for (const r of result) {
    const target = groups.get(keyOf(r));
    if (!target) continue;
    target.stages[r.stage as Stage] = {
      count: r.n as number,
      mean: duration(r.mean as number),
      min: duration(r.min as number),
      p25: duration(r.p25 as number),
      median: duration(r.median as number),
      p75: duration(r.p75 as number),
      p90: duration(r.p90 as number),
      p95: duration(r.p95 as number),
      max: duration(r.max as number),
    };
  }
  // Stages in STAGES order (the total, then the process from lodgement on), not the SQL's alphabetical one.
  for (const g of groups.values()) {
    g.stages = Object.fromEntries(STAGE_NAMES.filter((s) => g.stages[s]).map((s) => [s, g.stages[s]]));
  }
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
}

/** One point of the release curve: how many were released within `hours` whole hours, and their share. */
export interface ReleaseCurvePoint {
  hours: number;
  /** Released at most `hours` hours after the curve's start (lodgement or arrival). */
  releasedWithin: number;
  /** releasedWithin / released × 100, to 1 decimal (half away from zero); null when none was released. */
  sharePercent: number | null;
}

/** Where a release curve's hours start: the lodgement (`total`) or the arrival (`arrival_to_release`). */
export type CurveStart = "lodgement" | "arrival";
/** The stage each curve start measures. */
export const CURVE_STAGE = { lodgement: "total", arrival: "arrival_to_release" } as const satisfies Record<
  CurveStart,
  Stage
>;

/** The cumulative distribution of release times (from lodgement or arrival) over whole hours. */
export interface ReleaseCurve {
  /** Declarations matching the filter that were released (and, from arrival, whose arrival is recorded). */
  released: number;
  /** Hours 1, 2, … maxHours, cumulative. */
  points: ReleaseCurvePoint[];
  /** Released more than maxHours hours after the start (released − the last point's releasedWithin). */
  beyond: number;
}

/**
 * The share of the declarations matching `f` released within 1, 2, … `maxHours` hours of
 * lodgement (`start` lodgement, the default: the `total` stage's rows) or of arrival (`arrival`:
 * the `arrival_to_release` stage's rows, the TRS measure). A release exactly on the hour counts in
 * that hour (hour h holds the times in (h − 1, h], hour 1 also a time of 0); computed in
 * PostgreSQL: each time's hour bucket, counted and summed cumulatively over
 * `generate_series(1, maxHours)`.
 */
export async function releaseCurve(
  db: SqlExecutor,
  f: ClearanceFilter,
  maxHours: number,
  start: CurveStart = "lodgement",
): Promise<ReleaseCurve> {
  const w = where(f);
  w.params.push(maxHours);
  const max = `$${w.params.length}::int`;
  const stage = STAGES[CURVE_STAGE[start]];
  // The stage's rows: released ones with the start recorded (lodged_at is never NULL).
  const { rows } = await db.query<{
    hours: number;
    within: number;
    share: number | null;
    released: number;
    beyond: number;
  }>(
    `WITH t AS (SELECT ${HOURS(stage)} AS hours FROM ${CLEARANCE_TABLE}
                ${w.sql ? `${w.sql} AND` : "WHERE"} (${stage}) IS NOT NULL),
     totals AS (SELECT count(*)::int AS released, (count(*) FILTER (WHERE hours > ${max}))::int AS beyond FROM t),
     buckets AS (SELECT GREATEST(ceil(hours), 1)::int AS h, count(*) AS n FROM t WHERE hours <= ${max} GROUP BY 1),
     curve AS (SELECT s.h, (sum(COALESCE(b.n, 0)) OVER (ORDER BY s.h))::int AS within
               FROM generate_series(1, ${max}) AS s(h) LEFT JOIN buckets b ON b.h = s.h)
     SELECT c.h AS hours, c.within, totals.released, totals.beyond,
       CASE WHEN totals.released > 0 THEN round(100.0 * c.within / totals.released, 1)::float8 END AS share
     FROM curve c CROSS JOIN totals ORDER BY c.h`,
    w.params,
  );
  return {
    released: rows[0]?.released ?? 0,
    points: rows.map((r) => ({ hours: r.hours, releasedWithin: r.within, sharePercent: r.share })),
    beyond: rows[0]?.beyond ?? 0,
  };
}

/** ISO weekday numbers (1 Monday … 7 Sunday) and their English names. */
export const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;

/** How many releases fell in one hour of the day or on one weekday, and their share of all. */
export interface PatternCount {
  released: number;
  /** released / all released × 100, to 1 decimal; null when none was released. */
  sharePercent: number | null;
}

/** When releases happen, in China Standard Time (UTC+8, no daylight saving). */
export interface ReleasePattern {
  timeZone: "UTC+08:00";
  /** Declarations of the filter with a release. */
  released: number;
  /** Hours 0–23 (a release at 09:59:59 is in hour 9), every hour listed. */
  byHour: (PatternCount & { hour: number })[];
  /** ISO weekdays 1 (Monday) to 7 (Sunday), every day listed. */
  byWeekday: (PatternCount & { weekday: number; name: (typeof WEEKDAYS)[number] })[];
}

/** China local time of an instant column, as a timestamp without zone (fixed UTC+8: no DST since 1991). */
const CHINA_LOCAL = (column: string) => `((${column}) AT TIME ZONE 'UTC' + interval '8 hours')`;

/**
 * Releases of the declarations matching `f` by hour of day and by ISO weekday of the release in
 * China time, counted in PostgreSQL (`EXTRACT(HOUR …)`, `EXTRACT(ISODOW …)`), with every hour and
 * day present (zeros included).
 */
export async function releasePattern(db: SqlExecutor, f: ClearanceFilter): Promise<ReleasePattern> {
  const w = where(f);
  const local = CHINA_LOCAL("released_at");
  const base = `SELECT ${local} AS t FROM ${CLEARANCE_TABLE} ${w.sql ? `${w.sql} AND` : "WHERE"} released_at IS NOT NULL`;
  const share = "CASE WHEN all_n > 0 THEN round(100.0 * n / all_n, 1)::float8 END";
  const { rows } = await db.query<{ kind: string; k: number; n: number; all_n: number; share: number | null }>(
    `WITH r AS (${base}), total AS (SELECT count(*)::int AS all_n FROM r),
     h AS (SELECT 'hour' AS kind, s.k, count(r.t)::int AS n
           FROM generate_series(0, 23) AS s(k) LEFT JOIN r ON EXTRACT(HOUR FROM r.t)::int = s.k GROUP BY s.k),
     d AS (SELECT 'weekday' AS kind, s.k, count(r.t)::int AS n
           FROM generate_series(1, 7) AS s(k) LEFT JOIN r ON EXTRACT(ISODOW FROM r.t)::int = s.k GROUP BY s.k)
     SELECT x.kind, x.k, x.n, total.all_n, ${share} AS share
     FROM (SELECT * FROM h UNION ALL SELECT * FROM d) x CROSS JOIN total ORDER BY x.kind, x.k`,
    w.params,
  );
  const of = (kind: string) => rows.filter((r) => r.kind === kind);
  return {
    timeZone: "UTC+08:00",
    released: rows[0]?.all_n ?? 0,
    byHour: of("hour").map((r) => ({ hour: r.k, released: r.n, sharePercent: r.share })),
    byWeekday: of("weekday").map((r) => ({
      weekday: r.k,
      name: WEEKDAYS[r.k - 1]!,
      released: r.n,
      sharePercent: r.share,
    })),
  };
}

/** Direct versus conventional clearance time (lodgement → release) for one group. */
export interface ModelComparison {
  group: Partial<Record<Dimension, string | null>>;
  direct: { count: number; median: Duration | null };
  conventional: { count: number; median: Duration | null };
  /** median(direct) / median(conventional); null when either side has no released declaration. */
  ratioOfMedians: number | null;
  /** (1 − ratio) × 100: how much shorter direct clearance is, percent. */
  reductionPercent: number | null;
}

/** Compares the clearance models' median total times, grouped by `groupBy` (not `clearanceModel`). */
export async function compareModels(
  db: SqlExecutor,
  f: ClearanceFilter,
  groupBy: readonly Dimension[],
): Promise<ModelComparison[]> {
  const dims = groupBy.filter((d) => d !== "clearanceModel");
  const figures = await clearanceFigures(db, { ...f, clearanceModel: undefined }, [...dims, "clearanceModel"]);
  const byGroup = new Map<string, ModelComparison>();
  for (const fig of figures) {
    const { clearanceModel, ...group } = fig.group;
    const key = JSON.stringify(dims.map((d) => group[d] ?? null));
    const entry = byGroup.get(key) ?? {
      group,
      direct: { count: 0, median: null },
      conventional: { count: 0, median: null },
      ratioOfMedians: null,
      reductionPercent: null,
    };
    const total = fig.stages.total;
    if (clearanceModel === "direct" || clearanceModel === "conventional") {
      entry[clearanceModel] = { count: total?.count ?? 0, median: total?.median ?? null };
    }
    byGroup.set(key, entry);
  }
  for (const e of byGroup.values()) {
    const d = e.direct.median?.hours;
    const c = e.conventional.median?.hours;
    if (d !== undefined && c !== undefined && c > 0) {
      e.ratioOfMedians = Math.round((d / c) * 10_000) / 10_000;
      e.reductionPercent = Math.round((1 - d / c) * 1000) / 10;
    }
  }
  return [...byGroup.values()];
}

/** A declaration whose clearance time lies above its group's upper Tukey fence. */
export interface Outlier {
  declarationNumber: string;
  group: Partial<Record<Dimension, string | null>>;
  total: Duration;
  /** Q3 + 1.5 × IQR of the group's total times, hours. */
  fence: Duration;
  groupMedian: Duration;
  port: string;
  lodgedAt: string;
  releasedAt: string;
  channel: string | null;
}

/**
 * Declarations whose total time exceeds Q3 + 1.5 × IQR (Tukey's upper fence) of their group
 * (default group: direction and clearance model), longest first, at most `limit`.
 */
export async function clearanceOutliers(
  db: SqlExecutor,
  f: ClearanceFilter,
  groupBy: readonly Dimension[],
  limit: number,
): Promise<Outlier[]> {
  const cols = groupBy.map((d) => DIMENSIONS[d]);
  const w = where(f);
  // Group values computed in `base` (a dimension may be an expression), joined by name.
  const g = cols.map((_, i) => `g${i}`);
  const base = `SELECT *, ${cols.map((c, i) => `${c} AS g${i},`).join(" ")} ${HOURS(STAGES.total)} AS total_hours
                FROM ${CLEARANCE_TABLE} ${w.sql}`;
  const join = g.length ? g.map((x) => `b.${x} IS NOT DISTINCT FROM q.${x}`).join(" AND ") : "true";
  w.params.push(limit);
  const { rows } = await db.query<Record<string, unknown>>(
    `WITH base AS (${base}),
     q AS (SELECT ${g.map((x) => `${x},`).join(" ")}
             percentile_cont(0.25) WITHIN GROUP (ORDER BY total_hours)::float8 AS q1,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY total_hours)::float8 AS median,
             percentile_cont(0.75) WITHIN GROUP (ORDER BY total_hours)::float8 AS q3
           FROM base WHERE total_hours IS NOT NULL ${g.length ? `GROUP BY ${g.join(", ")}` : ""})
     SELECT b.declaration_number, ${g.map((x) => `b.${x},`).join(" ")} b.total_hours::float8 AS total_hours,
       (q.q3 + 1.5 * (q.q3 - q.q1))::float8 AS fence, q.median, b.port, b.lodged_at, b.released_at, b.channel
     FROM base b JOIN q ON ${join}
     WHERE b.total_hours > q.q3 + 1.5 * (q.q3 - q.q1)
     ORDER BY b.total_hours DESC, b.declaration_number LIMIT $${w.params.length}`,
    w.params,
  );
  return rows.map((r) => ({
    declarationNumber: r.declaration_number as string,
    group: Object.fromEntries(groupBy.map((d, i) => [d, (r[`g${i}`] as string | null) ?? null])),
    total: duration(r.total_hours as number),
    fence: duration(r.fence as number),
    groupMedian: duration(r.median as number),
    port: r.port as string,
    lodgedAt: new Date(r.lodged_at as string).toISOString(),
    releasedAt: new Date(r.released_at as string).toISOString(),
    channel: (r.channel as string | null) ?? null,
  }));
}

/** One declaration's stage times (null where a milestone is missing), or null when unknown. */
export async function declarationTimes(
  db: SqlExecutor,
  declarationNumber: string,
): Promise<{ enterprise: string; stages: Record<Stage, Duration | null>; holds: number; held: Duration } | null> {
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT enterprise, holds, held_ms::float8 / 3600000 AS held_hours,
       ${STAGE_NAMES.map((s) => `(${HOURS(STAGES[s])})::float8 AS "${s}"`).join(", ")}
     FROM ${CLEARANCE_TABLE} WHERE declaration_number = $1`,
    [declarationNumber],
  );
  const r = rows[0];
  if (!r) return null;
  const stages = Object.fromEntries(
    STAGE_NAMES.map((s) => [s, r[s] === null ? null : duration(r[s] as number)]),
  ) as Record<Stage, Duration | null>;
  return {
    enterprise: r.enterprise as string,
    stages,
    holds: r.holds as number,
    held: duration(r.held_hours as number),
  };
}

/** One line of an enterprise's declaration list. */
export interface DeclarationListItem {
  declarationNumber: string;
  direction: string;
  clearanceModel: string;
  port: string;
  status: string;
  lodgedAt: string;
  releasedAt: string | null;
}

/**
 * An enterprise's declarations, highest number first, `limit` per page after `after` (a number).
 * `status` here is the furthest milestone the read model has (closed, exited/arrived, released,
 * recognised, inspected, risk assessed, accepted, lodged).
 */
export async function listDeclarations(
  db: SqlExecutor,
  q: { enterprise: string; limit: number; after?: string },
): Promise<{ items: DeclarationListItem[]; nextCursor: string | null }> {
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT declaration_number, direction, clearance_model, port, lodged_at, released_at,
       CASE WHEN withdrawn_at IS NOT NULL THEN 'withdrawn' WHEN rejected_at IS NOT NULL THEN 'rejected'
            WHEN exited_at IS NOT NULL THEN CASE WHEN direction = 'export' THEN 'exited' ELSE 'arrived' END
            WHEN released_at IS NOT NULL THEN 'released' WHEN recognised_at IS NOT NULL THEN 'recognised'
            WHEN COALESCE(local_inspection_at, port_inspection_at) IS NOT NULL THEN 'inspected'
            WHEN risk_assessed_at IS NOT NULL THEN 'risk_assessed' WHEN accepted_at IS NOT NULL THEN 'accepted'
            ELSE 'lodged' END AS status
     FROM ${CLEARANCE_TABLE} WHERE enterprise = $1 AND ($2::text IS NULL OR declaration_number < $2)
     ORDER BY declaration_number DESC LIMIT $3`,
    [q.enterprise, q.after ?? null, q.limit + 1],
  );
  const items = rows.slice(0, q.limit).map((r) => ({
    declarationNumber: r.declaration_number as string,
    direction: r.direction as string,
    clearanceModel: r.clearance_model as string,
    port: r.port as string,
    status: r.status as string,
    lodgedAt: new Date(r.lodged_at as string).toISOString(),
    releasedAt: r.released_at ? new Date(r.released_at as string).toISOString() : null,
  }));
  return { items, nextCursor: rows.length > q.limit ? items[items.length - 1]!.declarationNumber : null };
}
