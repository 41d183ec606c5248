/**
 * HTTP bodies, queries and views of the filings API (`/filings...`). Dates are China dates;
 * a date a command omits is today.
 */
import { QueryIntegerOr, SafeString, StreamVersion, Uuid } from "../http/common";
import { dimensionListPattern } from "../direct-clearance/http";
import { z } from "../http/zod";
import { AutomatedCheck, FilingDetails, FilingEnterprise, FilingRoute, FilingStatus } from "./filing-shapes";
import { NaturalPersonInput, NaturalPersonView } from "./natural-persons";

const Reason = SafeString.max(2000).trim().min(1);
const LocalDate = z.iso.date();

/** POST /filings. */
export const SubmitFilingBody = z
  .strictObject({
    enterprise: FilingEnterprise,
    details: FilingDetails,
    persons: z.array(NaturalPersonInput).max(20).default([]).openapi({
      description:
        "Natural persons the filing names (personal information: sealed with each person's key before it is stored; never in clear in events, Kafka or read models)",
    }),
  })
  .openapi("SubmitFilingBody", {
    example: {
      enterprise: "91350200776049653A",
      details: {
        kind: "outbound_investment",
        destinationCountry: "KZ",
        industryCodes: ["1711"],
        investment: { value: 1_000_000, currency: "USD", usd: 1_000_000 },
        sensitiveIndustry: false,
        description: "在阿拉木图新建棉纺厂",
      },
    },
  });
/** POST /filings/{id}/amendments (while pending). */
export const AmendFilingBody = z
  .strictObject({
    details: FilingDetails,
    reason: Reason,
    persons: z.array(NaturalPersonInput).max(20).optional().openapi({
      description: "The persons as amended (each filed person by its subjectId); absent: unchanged",
    }),
  })
  .openapi("AmendFilingBody", {
    example: {
      details: {
        kind: "outbound_investment",
        destinationCountry: "KZ",
        industryCodes: ["1711"],
        investment: { value: 1_200_000, currency: "USD", usd: 1_200_000 },
        sensitiveIndustry: false,
        description: "在阿拉木图新建棉纺厂（扩大规模）",
      },
      reason: "投资额调整",
    },
  });
/** Withdrawal and referral. */
export const FilingReasonBody = z
  .strictObject({ reason: Reason })
  .openapi("FilingReasonBody", { example: { reason: "需补充可行性研究报告" } });
/** POST /filings/{id}/acceptance. */
export const AcceptFilingBody = z
  .strictObject({ filingNumber: SafeString.max(60).trim().min(1) })
  .openapi("AcceptFilingBody", { example: { filingNumber: "新境外投资〔2026〕第00012号" } });
/** POST /filings/{id}/rejection. */
export const RejectFilingBody = z
  .strictObject({ reasons: z.array(Reason).min(1).max(20) })
  .openapi("RejectFilingBody", { example: { reasons: ["投资主体资料不全"] } });
/** POST /filings/{id}/certificate. */
export const CertificateBody = z
  .strictObject({ certificateNumber: SafeString.max(60).trim().min(1), issuedOn: LocalDate.optional() })
  .openapi("CertificateBody", { example: { certificateNumber: "境外投资证第N6500202600012号" } });
/** POST /filings/{id}/use: the investment was made on `on`. */
export const UseCertificateBody = z
  .strictObject({ on: LocalDate.optional() })
  .openapi("UseCertificateBody", { example: {} });

export const FilingParams = z.object({ filingId: Uuid.transform((id) => id.toLowerCase()) });

/** A filing from its stream (`version` = ETag). */
export const FilingView = z
  .object({
    filingId: Uuid,
    enterprise: z.string(),
    status: FilingStatus,
    details: FilingDetails,
    persons: z.array(NaturalPersonView).openapi({
      description:
        "The natural persons, opened for the filing's enterprise and the bureau (admin) on a read of the filing; other roles, and a command's answer, get an empty list",
    }),
    check: AutomatedCheck,
    submittedOn: LocalDate,
    filingNumber: z.string().nullable(),
    decidedOn: LocalDate.nullable(),
    reasons: z.array(z.string()),
    certificate: z
      .object({ number: z.string(), issuedOn: LocalDate, validUntil: LocalDate, usedOn: LocalDate.nullable() })
      .nullable(),
    amendments: z.number().int(),
    version: StreamVersion,
  })
  .openapi("FilingView");

/** A filing as the filings read model lists it (GET /filings). */
export const FilingRowView = z
  .object({
    filingId: Uuid,
    enterprise: z.string(),
    kind: z.enum(["inbound_report", "outbound_investment", "overseas_contracting"]),
    route: FilingRoute.nullable(),
    routes: z.array(FilingRoute),
    recommendation: z.enum(["accept", "refer_for_approval", "reject"]).nullable(),
    status: FilingStatus,
    country: z
      .string()
      .openapi({ description: "Destination, project country or (inbound) the legal representative's nationality" }),
    industryCodes: z.array(z.string()),
    amountUsd: z.number(),
    submittedOn: LocalDate,
    dueDate: LocalDate.nullable(),
    dueDateProvisional: z.boolean(),
    decidedOn: LocalDate.nullable(),
    filingNumber: z.string().nullable(),
    certificateValidUntil: LocalDate.nullable(),
    version: StreamVersion,
  })
  .openapi("FilingRow");

/** A filing in the bureau's queue (GET /filings/queue): overdue on the as-of date, and by how many days. */
export const FilingQueueRowView = FilingRowView.extend({
  overdue: z.boolean(),
  daysOverdue: z.number().int().min(0),
}).openapi("FilingQueueRow");

/** GET /filings query: an enterprise's own filings. */
export const FilingListQuery = z.strictObject({
  enterprise: FilingEnterprise.optional().openapi({
    description:
      "Credit code whose filings to list. An enterprise token may leave it out (its own); another code than its own answers 404. Other roles must give it (400).",
  }),
  limit: QueryIntegerOr(1, 200, 50),
});

/** GET /filings/queue query. */
export const FilingQueueQuery = z.strictObject({
  asOf: LocalDate.optional(),
  limit: QueryIntegerOr(1, 500, 100),
});

/** GET /filings/statistics query. */
export const FilingStatisticsQuery = z
  .strictObject({
    groupBy: z
      .string()
      .transform((s) => [
        ...new Set(
          s
            .split(",")
            .map((p) => p.trim())
            .filter(Boolean),
        ),
      ])
      .pipe(z.array(z.enum(["route", "country", "industry", "kind"])).max(4))
      .optional()
      .openapi({
        type: "string",
        pattern: dimensionListPattern(["route", "country", "industry", "kind"]),
        description: "Comma-separated: route, country, industry, kind",
        example: "route,country",
      }),
    from: LocalDate.optional(),
    to: LocalDate.optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: "from is after to", path: ["from"] });
