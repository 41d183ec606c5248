/**
 * The routing and deadline rules of filings, from `data/filing-rules.json` (each rule with its
 * regulation and article, and a confidence): which route a filing takes, what the automated
 * check recommends, and when the bureau's answer is due in working days.
 *
 * - Inbound information report: the negative-list check of the edition in force (prohibited →
 *   reject, restricted with unmet conditions → refer, otherwise accept).
 * - Outbound investment (MOFCOM 2014 Order No. 3 Arts. 6–7): approval for a sensitive country or
 *   industry, otherwise filing (3 working days); NDRC Order No. 11: approval when sensitive,
 *   otherwise national filing from USD 300 million, provincial below.
 * - Overseas contracting (MOFCOM 2024 Order No. 2 Arts. 2, 43): project initiation for a specific
 *   project (sensitive country, several countries' interests, high risk), otherwise filing; from
 *   USD 1 billion a risk consultation comes first.
 */
import path from "node:path";
import { z } from "../../contracts/http/zod";
import type { AutomatedCheck, FilingDetails, FilingRoute } from "../../contracts/investment-filings/filing-shapes";
import { addWorkingDays, type HolidayCalendar } from "../platform/calendar/working-days";
import { readDataFile } from "../platform/code-list";

const Rule = z.object({ value: z.number().positive(), source: z.string().min(1), confidence: z.string() });
const Rules = z.object({
  mofcom: z.object({ filingWorkingDays: Rule, approvalWorkingDays: Rule, certificateValidYears: Rule }).passthrough(),
  ndrc: z.object({ nationalFilingThresholdUsd: Rule }).passthrough(),
  contracting: z
    .object({ riskConsultationUsd: Rule, initiationWorkingDays: Rule, filingWorkingDays: Rule })
    .passthrough(),
  inbound: z.object({ reportWorkingDays: Rule }),
  sensitiveCountries: z.object({
    source: z.string(),
    confidence: z.string(),
    countries: z.array(z.object({ code: z.string().length(2), reason: z.string() })),
  }),
});
export type FilingRules = z.infer<typeof Rules>;

let cached: FilingRules | undefined;
/** The shipped rules. @throws ZodError when the file is malformed. */
export const filingRules = (): FilingRules =>
  (cached ??= Rules.parse(readDataFile(path.join(__dirname, "data", "filing-rules.json"))));

/** The negative-list answer an inbound report's check needs. */
export interface NegativeListAnswer {
  outcome: "permitted" | "restricted" | "prohibited" | "indeterminate";
  editionId: string;
  measures: number[];
  conditionsNotMet: string[];
  /** The activities the check was given, if any. */
  activities?: string[] | undefined;
  confidence: "verified" | "unverified";
  unverifiedMeasures: number[];
  /** For `indeterminate`: what each candidate activity would give, in words. */
  candidates?: string[];
}

const APPROVAL_ROUTES: ReadonlySet<FilingRoute> = new Set([
  "mofcom_approval",
  "ndrc_approval",
  "contracting_initiation",
]);

/** True when a route needs an approval decision (referral first), not a filing. */
export const isApprovalRoute = (route: FilingRoute): boolean => APPROVAL_ROUTES.has(route);

/**
 * The automated check of `details` submitted (or amended) on `on` (China date).
 * `negativeList` is required for inbound reports (null when no edition is in force: refer).
 */
export function automatedCheck(
  details: FilingDetails,
  on: string,
  ctx: { rules: FilingRules; calendar: HolidayCalendar; negativeList?: NegativeListAnswer | null },
): AutomatedCheck {
  const r = ctx.rules;
  const sensitive = new Map(r.sensitiveCountries.countries.map((c) => [c.code, c.reason]));
  const reasons: string[] = [];
  let route: FilingRoute;
  let routes: FilingRoute[];
  let recommendation: AutomatedCheck["recommendation"] = "accept";
  let riskConsultation = false;
  let workingDays: number;
  let negativeList: AutomatedCheck["negativeList"] = null;

  if (details.kind === "inbound_report") {
    route = "mofcom_information_report";
    routes = [route];
    workingDays = r.inbound.reportWorkingDays.value;
    const nl = ctx.negativeList;
    if (!nl) {
      recommendation = "refer_for_approval";
      reasons.push("no negative-list edition was in force on the submission date for this site");
    } else {
      negativeList = {
        outcome: nl.outcome,
        editionId: nl.editionId,
        measures: nl.measures,
        ...(nl.activities ? { activities: nl.activities } : {}),
        confidence: nl.confidence,
        unverifiedMeasures: nl.unverifiedMeasures,
      };
      // An answer resting on a measure whose text was not read is never a ground to reject:
      // the bureau checks the measure first.
      const unverified = nl.confidence === "unverified";
      if (nl.outcome === "prohibited") {
        recommendation = unverified ? "refer_for_approval" : "reject";
        reasons.push(`prohibited by ${nl.editionId} measure(s) ${nl.measures.join(", ")}`);
      } else if (nl.outcome === "restricted") {
        recommendation = "refer_for_approval";
        reasons.push(...nl.conditionsNotMet.map((c) => `${nl.editionId}: ${c}`));
      } else if (nl.outcome === "indeterminate") {
        recommendation = "refer_for_approval";
        reasons.push(
          `${nl.editionId}: the outcome depends on the activities carried on (measure(s) ${nl.measures.join(", ")}); state them in details.activities`,
          ...(nl.candidates ?? []),
        );
      } else reasons.push(`permitted under ${nl.editionId} (非禁即入)`);
      if (unverified)
        reasons.push(
          `${nl.editionId}: rests on measure(s) ${nl.unverifiedMeasures.join(", ")} whose text was not read in an official or faithful copy; confirm against the published list`,
        );
    }
  } else if (details.kind === "outbound_investment") {
    const country = sensitive.get(details.destinationCountry);
    const mofcom: FilingRoute = country || details.sensitiveIndustry ? "mofcom_approval" : "mofcom_filing";
    const ndrc: FilingRoute =
      country || details.sensitiveIndustry
        ? "ndrc_approval"
        : details.investment.usd >= r.ndrc.nationalFilingThresholdUsd.value
          ? "ndrc_national_filing"
          : "ndrc_provincial_filing";
    route = mofcom;
    routes = [mofcom, ndrc];
    if (country) reasons.push(`sensitive country ${details.destinationCountry}: ${country}`);
    if (details.sensitiveIndustry) reasons.push("sensitive industry declared");
    reasons.push(
      ndrc === "ndrc_national_filing"
        ? `USD ${details.investment.usd} is at or above USD ${r.ndrc.nationalFilingThresholdUsd.value}: NDRC files it`
        : ndrc === "ndrc_provincial_filing"
          ? `USD ${details.investment.usd} is below USD ${r.ndrc.nationalFilingThresholdUsd.value}: the provincial NDRC files it`
          : "NDRC approval for a sensitive project",
    );
    if (isApprovalRoute(mofcom)) recommendation = "refer_for_approval";
    workingDays = isApprovalRoute(mofcom) ? r.mofcom.approvalWorkingDays.value : r.mofcom.filingWorkingDays.value;
  } else {
    const country = sensitive.get(details.country);
    const specific = Boolean(country) || details.involvesSeveralCountries || details.highRisk;
    route = specific ? "contracting_initiation" : "contracting_filing";
    routes = [route];
    if (country) reasons.push(`specific project: ${details.country}: ${country}`);
    if (details.involvesSeveralCountries) reasons.push("specific project: involves several countries' interests");
    if (details.highRisk) reasons.push("specific project: high risk");
    riskConsultation = details.contractValue.usd >= r.contracting.riskConsultationUsd.value;
    if (riskConsultation)
      reasons.push(`contract of USD ${details.contractValue.usd}: risk consultation first (Order 2024 No. 2 Art. 43)`);
    if (specific || riskConsultation) recommendation = "refer_for_approval";
    workingDays = specific ? r.contracting.initiationWorkingDays.value : r.contracting.filingWorkingDays.value;
  }
  const due = addWorkingDays(ctx.calendar, on, workingDays);
  return {
    route,
    routes,
    recommendation,
    reasons,
    riskConsultation,
    negativeList,
    dueDate: due.date,
    dueWorkingDays: workingDays,
    dueDateProvisional: due.provisional,
  };
}
