/**
 * Foreign-investment filings (README, negative-list checks and investment filings): inbound foreign-investment information reports,
 * outbound investment filings (MOFCOM and NDRC routes) and overseas contracting projects. The
 * stream is `Filing-<uuid>` on `ftz.investment-filings.events`. Amounts are in a stated ISO 4217
 * currency with their USD equivalent (the thresholds are in USD).
 */
import { SafeString, Uuid } from "../http/common";
import { z } from "../http/zod";
import { CountryCode, Currency, Uscc } from "../direct-clearance/declaration-shapes";
import { ActivityId, IndustryCode } from "../negative-list/measure-shapes";

/** A money amount: value in `currency` and its USD equivalent (for the USD thresholds). */
export const Money = z
  .strictObject({
    value: z.number().positive().max(1e13),
    currency: Currency,
    usd: z.number().positive().max(1e13).openapi({ description: "USD equivalent used for the thresholds" }),
  })
  .refine((m) => m.currency !== "USD" || m.usd === m.value, {
    message: "for an amount in USD, usd must equal value",
    path: ["usd"],
  })
  .openapi("Money", { example: { value: 1_000_000, currency: "USD", usd: 1_000_000 } });

const Percent = z.number().min(0, "a percentage from 0 to 100").max(100, "a percentage from 0 to 100");
const Industries = z.array(IndustryCode).min(1).max(20);

/** 外商投资信息报告 (initial report) of a foreign-invested enterprise. */
export const InboundReport = z
  .strictObject({
    kind: z.literal("inbound_report"),
    industryCodes: Industries,
    /**
     * The activities (ids of the edition's activities, GET /negative-list/activities) the enterprise
     * carries on, when a measure covers only part of a class; absent: not stated. Kept with the filing.
     */
    activities: z.array(ActivityId).max(50).optional(),
    foreignSharePercent: Percent.openapi({ example: 49 }),
    largestForeignInvestorPercent: Percent.openapi({ example: 30 }),
    legalRepresentativeNationality: CountryCode,
    insideFtz: z.boolean(),
    investorCountries: z.array(CountryCode).min(1).max(20),
    investment: Money,
  })
  .refine((d) => d.largestForeignInvestorPercent <= d.foreignSharePercent, {
    message: "the largest foreign investor cannot hold more than all foreign investors together",
    path: ["largestForeignInvestorPercent"],
  })
  .refine((d) => d.foreignSharePercent > 0, {
    message: "a foreign-investment report needs foreign equity above 0",
    path: ["foreignSharePercent"],
  });

/** 境外投资: an outbound investment by the enterprise. */
export const OutboundInvestment = z.strictObject({
  kind: z.literal("outbound_investment"),
  destinationCountry: CountryCode,
  industryCodes: Industries,
  investment: Money,
  /** Declared by the enterprise: export-controlled products or technology, weapons, cross-border water, news media. */
  sensitiveIndustry: z.boolean(),
  description: SafeString.max(2000).trim().min(1),
});

/** 对外承包工程: an overseas contracting project. */
export const OverseasContracting = z.strictObject({
  kind: z.literal("overseas_contracting"),
  country: CountryCode,
  contractValue: Money,
  /** Flags that make a project "specific" (商务部令2024年第2号 Art. 2) besides the country. */
  involvesSeveralCountries: z.boolean(),
  highRisk: z.boolean(),
  description: SafeString.max(2000).trim().min(1),
});

/** What is filed, by kind. */
export const FilingDetails = z
  .discriminatedUnion("kind", [InboundReport, OutboundInvestment, OverseasContracting])
  .openapi("FilingDetails");
export type FilingDetails = z.output<typeof FilingDetails>;

/** Routes a filing can take. */
export const FilingRoute = z
  .enum([
    "mofcom_information_report",
    "mofcom_filing",
    "mofcom_approval",
    "ndrc_national_filing",
    "ndrc_provincial_filing",
    "ndrc_approval",
    "contracting_filing",
    "contracting_initiation",
  ])
  .openapi("FilingRoute");
export type FilingRoute = z.infer<typeof FilingRoute>;

/** Filing statuses. */
export const FilingStatus = z
  .enum(["submitted", "referred", "accepted", "rejected", "withdrawn", "certified", "used", "lapsed"])
  .openapi("FilingStatus");
export type FilingStatus = z.infer<typeof FilingStatus>;

/** The automated check recorded at submission (and again after an amendment). */
export const AutomatedCheck = z
  .object({
    /** The route deciding the handling (and its deadline). */
    route: FilingRoute,
    /** Every route that applies, e.g. MOFCOM filing and NDRC provincial filing. */
    routes: z.array(FilingRoute),
    /** What the check suggests to the bureau. */
    recommendation: z.enum(["accept", "refer_for_approval", "reject"]),
    reasons: z.array(z.string()),
    /** Risk consultation needed before the decision (contracts of USD 1 billion or more). */
    riskConsultation: z.boolean(),
    /** For inbound reports: the negative-list answer (outcome, edition, measures). */
    negativeList: z
      .object({
        outcome: z.string(),
        editionId: z.string(),
        measures: z.array(z.number().int()),
        /** The activities the check was given (absent on checks recorded before activities existed). */
        activities: z.array(z.string()).optional(),
        /** `unverified` when the answer rests on a measure whose text was not read (absent on older checks). */
        confidence: z.enum(["verified", "unverified"]).optional(),
        unverifiedMeasures: z.array(z.number().int()).optional(),
      })
      .nullable(),
    dueDate: z.iso.date(),
    dueWorkingDays: z.number().int(),
    /** The due date crossed a year whose holiday notice is not in the calendar. */
    dueDateProvisional: z.boolean(),
  })
  .openapi("FilingAutomatedCheck");
export type AutomatedCheck = z.output<typeof AutomatedCheck>;

export const FilingId = Uuid;
export const FILING_CATEGORY = "Filing";
export const filingStream = (filingId: string): string => `${FILING_CATEGORY}-${filingId}`;

/** Enterprise of a filing (GB 32100-2015 credit code). */
export const FilingEnterprise = Uscc;
