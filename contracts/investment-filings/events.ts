/**
 * Events of the `Filing` stream (`Filing-<uuid>`) on `ftz.investment-filings.events`. Dates are
 * China calendar dates; each event's business time is its `occurredAt`.
 */
import { SafeString } from "../http/common";
import { z } from "../http/zod";
import { AutomatedCheck, FilingDetails, FilingEnterprise, FilingId } from "./filing-shapes";
import { SealedNaturalPerson } from "./natural-persons";

const Reason = SafeString.max(2000).trim().min(1);
const LocalDate = z.iso.date();

export const FILING_EVENTS = {
  FilingSubmitted: z
    .object({
      filingId: FilingId,
      enterprise: FilingEnterprise,
      details: FilingDetails,
      submittedOn: LocalDate,
      // Sealed with each person's key; absent in filings submitted before persons were recorded.
      persons: z.array(SealedNaturalPerson).max(20).optional(),
    })
    .openapi("FilingSubmitted"),
  AutomatedCheckRecorded: AutomatedCheck,
  FilingAccepted: z.object({ filingNumber: SafeString.min(1).max(60), on: LocalDate }).openapi("FilingAccepted"),
  FilingReferred: z.object({ reason: Reason, on: LocalDate }).openapi("FilingReferred"),
  FilingRejected: z.object({ reasons: z.array(Reason).min(1).max(20), on: LocalDate }).openapi("FilingRejected"),
  FilingAmended: z
    .object({ details: FilingDetails, reason: Reason, persons: z.array(SealedNaturalPerson).max(20).optional() })
    .openapi("FilingAmended"),
  FilingWithdrawn: z.object({ reason: Reason }).openapi("FilingWithdrawn"),
  CertificateIssued: z
    .object({ certificateNumber: SafeString.min(1).max(60), issuedOn: LocalDate, validUntil: LocalDate })
    .openapi("CertificateIssued"),
  CertificateUsed: z.object({ on: LocalDate }).openapi("CertificateUsed"),
  CertificateLapsed: z.object({ on: LocalDate }).openapi("CertificateLapsed"),
} as const;

export type FilingEventType = keyof typeof FILING_EVENTS;
export type FilingEventData<T extends FilingEventType> = z.output<(typeof FILING_EVENTS)[T]>;
