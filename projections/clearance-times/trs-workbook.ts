/**
 * The Time Release Study workbook (XLSX, `exceljs`): the read model's figures for one period, laid
 * out for a TRS report. The WCO's TRS "measures from the time of arrival until the physical
 * release of cargo" (https://www.wcoomd.org/en/topics/facilitation/instrument-and-tools/tools/time-release-study.aspx),
 * and WTO Trade Facilitation Agreement Article 7.6.1 encourages Members "to measure and publish
 * their average release time of goods periodically and in a consistent manner, using tools such
 * as, inter alia, the Time Release Study (TRS) of the World Customs Organization". The TRS Guide's
 * own result tables were NOT read: the sheets and their layout are this product's, stated so on
 * the Definitions sheet.
 *
 * Sheets: Headline (arrival → release count, mean, median, p90, share released within 24, 48 and
 * 72 h of arrival), Stages (process order, then the totals), Segments (credit rating, other
 * agencies, pre-arrival lodgement, clearance model, transport mode), Release pattern (hour of day
 * and weekday, China time) and Definitions. Hours are numbers to 3 decimals, shares percent to 1
 * decimal; every text cell is a plain string, never a formula.
 */
import ExcelJS from "exceljs";
import type { SqlExecutor } from "../../services/platform/db/database";
import {
  type ClearanceFilter,
  clearanceFigures,
  type Dimension,
  PROCESS_STAGES,
  releaseCurve,
  releasePattern,
  type Stage,
  type StageFigures,
  TOTAL_STAGES,
} from "./clearance-times-queries";

/** The workbook's sheets, in order. */
export const TRS_SHEETS = ["Headline", "Stages", "Segments", "Release pattern", "Definitions"] as const;

/** The segments of the Segments sheet, in order. */
export const TRS_SEGMENTS = [
  "creditRating",
  "otherAgencies",
  "preArrivalLodgement",
  "clearanceModel",
  "transportMode",
] as const satisfies readonly Dimension[];

/** Hours after arrival whose released share the headline gives. */
export const HEADLINE_WITHIN_HOURS = [24, 48, 72] as const;

/** What each stage measures: from which milestone to which. */
export const STAGE_DEFINITIONS: Record<Stage, string> = {
  arrival_to_release:
    "Arrival for clearance (goods at the port or place of clearance) → release. The TRS headline: from the time of arrival until the physical release.",
  total:
    "Lodgement of the declaration → release (the clearance time this product reported before arrival was recorded).",
  arrival_to_lodgement:
    "Arrival for clearance → lodgement. Negative when the declaration was lodged before the goods arrived (pre-arrival lodgement).",
  lodgement_to_acceptance: "Lodgement → acceptance of the declaration by customs.",
  acceptance_to_risk_assessment: "Acceptance → risk assessment (the inspection channel is set).",
  risk_assessment_to_inspection: "Risk assessment → the first completed inspection, local or at the port.",
  inspection_to_recognition: "Local inspection → the port's recognition of it (监管互认; direct clearance only).",
  last_control_to_release:
    "The last control recorded (acceptance, risk assessment, inspection or recognition) → release.",
  release_to_exit_or_arrival:
    "Release → goods exited (exports) or arrived at their destination (imports): logistics after release, not clearance.",
};

/** The Stages sheet's order: the process stages in process order, then the totals. */
const STAGES_IN_ORDER: Stage[] = [...PROCESS_STAGES, ...TOTAL_STAGES];

/** What each segment splits by. */
const SEGMENT_DEFINITIONS: Record<(typeof TRS_SEGMENTS)[number], string> = {
  creditRating:
    "The enterprise's customs credit rating as lodged: aeo (Authorised Economic Operator, 高级认证企业), non_aeo, unknown (not stated).",
  otherAgencies: "Whether agencies other than customs took part, as lodged: true, false, or blank (not stated).",
  preArrivalLodgement:
    "true: lodged before the goods arrived; false: lodged at or after arrival; blank: no arrival recorded.",
  clearanceModel: "direct (属地直通: inspected at the inland site, recognised at the port) or conventional.",
  transportMode: "Mode of transport across the border, as lodged or amended.",
};

/** The figures one headline workbook answers, also returned so callers and tests can read them. */
export interface TrsHeadline {
  /** Released declarations with the arrival recorded (the headline's rows). */
  count: number;
  meanHours: number | null;
  medianHours: number | null;
  p90Hours: number | null;
  /** Hours (24, 48, 72) → share of `count` released within them of arrival, percent; null when count is 0. */
  withinPercent: Record<number, number | null>;
}

/** The workbook's bytes and its headline figures. */
export async function trsWorkbook(
  db: SqlExecutor,
  period: Pick<ClearanceFilter, "from" | "to">,
): Promise<{ bytes: Buffer; headline: TrsHeadline }> {
  const f: ClearanceFilter = { from: period.from, to: period.to };
  const [all] = await clearanceFigures(db, f, []);
  const curve = await releaseCurve(db, f, Math.max(...HEADLINE_WITHIN_HOURS), "arrival");
  const head = all?.stages.arrival_to_release;
  const headline: TrsHeadline = {
    count: head?.count ?? 0,
    meanHours: head?.mean.hours ?? null,
    medianHours: head?.median.hours ?? null,
    p90Hours: head?.p90.hours ?? null,
    withinPercent: Object.fromEntries(HEADLINE_WITHIN_HOURS.map((h) => [h, curve.points[h - 1]?.sharePercent ?? null])),
  };

  const wb = new ExcelJS.Workbook();
  const sheet = (name: (typeof TRS_SHEETS)[number], header: string[], widths: number[]) => {
    const ws = wb.addWorksheet(name, { views: [{ state: "frozen", ySplit: 1 }] });
    ws.addRow(header).font = { bold: true };
    widths.forEach((w, i) => {
      ws.getColumn(i + 1).width = w;
    });
    return ws;
  };
  const periodText = `lodged ${period.from ?? "(any date)"} to ${period.to ?? "(any date)"} (China dates, inclusive)`;

  const h = sheet("Headline", ["Figure", "Value", "Unit"], [48, 14, 12]);
  h.addRow(["Period", periodText, ""]);
  h.addRow(["Declarations in the period", all?.declarations ?? 0, "count"]);
  h.addRow(["Released with arrival recorded (arrival → release)", headline.count, "count"]);
  h.addRow(["Arrival → release, mean", headline.meanHours, "hours"]);
  h.addRow(["Arrival → release, median", headline.medianHours, "hours"]);
  h.addRow(["Arrival → release, p90", headline.p90Hours, "hours"]);
  for (const hours of HEADLINE_WITHIN_HOURS) {
    h.addRow([`Released within ${hours} h of arrival`, headline.withinPercent[hours], "percent"]);
  }

  const figureRow = (s: StageFigures | undefined) =>
    s
      ? [
          s.count,
          s.mean.hours,
          s.min.hours,
          s.p25.hours,
          s.median.hours,
          s.p75.hours,
          s.p90.hours,
          s.p95.hours,
          s.max.hours,
        ]
      : [0, null, null, null, null, null, null, null, null];
  const FIGURES = ["count", "mean h", "min h", "p25 h", "median h", "p75 h", "p90 h", "p95 h", "max h"];
  const st = sheet("Stages", ["Order", "Stage", "Kind", ...FIGURES], [7, 30, 9, ...FIGURES.map(() => 10)]);
  STAGES_IN_ORDER.forEach((stage, i) => {
    const kind = (TOTAL_STAGES as readonly Stage[]).includes(stage) ? "total" : "stage";
    st.addRow([i + 1, stage, kind, ...figureRow(all?.stages[stage])]);
  });

  const SEGMENT_FIGURES = [
    "declarations",
    "arrival→release n",
    "mean h",
    "median h",
    "p90 h",
    "lodgement→release n",
    "median h",
  ];
  const sg = sheet("Segments", ["Segment", "Value", ...SEGMENT_FIGURES], [22, 16, ...SEGMENT_FIGURES.map(() => 14)]);
  for (const dim of TRS_SEGMENTS) {
    for (const g of await clearanceFigures(db, f, [dim])) {
      const a = g.stages.arrival_to_release;
      const l = g.stages.total;
      sg.addRow([
        dim,
        g.group[dim] ?? "(not stated)",
        g.declarations,
        a?.count ?? 0,
        a?.mean.hours ?? null,
        a?.median.hours ?? null,
        a?.p90.hours ?? null,
        l?.count ?? 0,
        l?.median.hours ?? null,
      ]);
    }
  }

  const pattern = await releasePattern(db, f);
  const p = sheet("Release pattern", ["Breakdown", "Hour or weekday", "Released", "Share %"], [14, 16, 10, 10]);
  for (const r of pattern.byHour)
    p.addRow(["hour of day", `${String(r.hour).padStart(2, "0")}:00`, r.released, r.sharePercent]);
  for (const r of pattern.byWeekday) p.addRow(["weekday", r.name, r.released, r.sharePercent]);

  const d = sheet("Definitions", ["Term", "Definition"], [30, 120]);
  const define = (term: string, text: string) => d.addRow([term, text]);
  define(
    "Layout",
    "The TRS Guide's own result tables were not read when this workbook was designed: the sheets, their order and their columns are this product's, not the Guide's.",
  );
  define(
    "Time Release Study",
    'WCO: the TRS measures "from the time of arrival until the physical release of cargo" (https://www.wcoomd.org/en/topics/facilitation/instrument-and-tools/tools/time-release-study.aspx).',
  );
  define(
    "Why release times are published",
    'WTO Trade Facilitation Agreement, Art. 7.6.1: "Members are encouraged to measure and publish their average release time of goods periodically and in a consistent manner, using tools such as, inter alia, the Time Release Study (TRS) of the World Customs Organization".',
  );
  define("Period", `${periodText}: the filter is on the lodgement date, as every clearance-times figure.`);
  define(
    "Percentiles",
    "Exact over the rows behind each figure: linear interpolation between closest ranks (PostgreSQL percentile_cont, Hyndman-Fan type 7; Excel PERCENTILE.INC). Nothing is trimmed.",
  );
  define(
    "Counts",
    "A stage counts the declarations that have both of its milestones; the headline counts the released declarations with an arrival recorded.",
  );
  define(
    "Released within N h",
    "Share of the headline's declarations released at most N hours after arrival (a release exactly on the hour counts), percent to 1 decimal.",
  );
  define(
    "Release pattern",
    "Releases by hour of day (00–23) and ISO weekday of the release time in China Standard Time (UTC+8), percent of all releases of the period.",
  );
  for (const stage of STAGES_IN_ORDER) define(`Stage ${stage}`, STAGE_DEFINITIONS[stage]);
  for (const dim of TRS_SEGMENTS) define(`Segment ${dim}`, SEGMENT_DEFINITIONS[dim]);
  define("Hours", "Durations are hours as numbers to 3 decimals (0.5 = 30 minutes).");

  return { bytes: Buffer.from(await wb.xlsx.writeBuffer()), headline };
}
