/**
 * The filing aggregate (README, negative-list checks and investment filings): submitted with its automated check (filing-rules.ts) →
 * accepted with a filing number, referred for approval, or rejected with reasons; amended (the
 * check runs again) or withdrawn while pending; for outbound investment a certificate
 * (企业境外投资证书) issued after acceptance, then used, or lapsed when unused for two years
 * (MOFCOM 2014 Order No. 3). A filing whose route needs approval (MOFCOM or NDRC approval,
 * contracting project initiation) is referred before it can be accepted. Illegal transitions are
 * 409 `illegal_transition` naming the state.
 */
import type { FilingEventData, FilingEventType } from "../../contracts/investment-filings/events";
import type { AutomatedCheck, FilingDetails, FilingStatus } from "../../contracts/investment-filings/filing-shapes";
import type { SealedNaturalPerson } from "../../contracts/investment-filings/natural-persons";
import { chinaDate } from "../platform/china-date";
import { type Decider, DomainError, type DomainEvent } from "../platform/decider";
import { isApprovalRoute } from "./filing-rules";

export type FilingEvent = { [T in FilingEventType]: DomainEvent<T, FilingEventData<T>> }[FilingEventType];

/** Commands. `at` is the command's time (now); `check` is computed by the caller for submit and amend. */
export type FilingCommand =
  | {
      kind: "submit";
      filingId: string;
      enterprise: string;
      details: FilingDetails;
      /** Sealed with each person's key (the route sealed them); none when absent. */
      persons?: SealedNaturalPerson[];
      check: AutomatedCheck;
      at: string;
    }
  | {
      kind: "amend";
      details: FilingDetails;
      /** The persons as amended; absent: unchanged. */
      persons?: SealedNaturalPerson[];
      reason: string;
      check: AutomatedCheck;
      at: string;
    }
  | { kind: "withdraw"; reason: string; at: string }
  | { kind: "accept"; filingNumber: string; at: string }
  | { kind: "refer"; reason: string; at: string }
  | { kind: "reject"; reasons: string[]; at: string }
  | { kind: "issueCertificate"; certificateNumber: string; issuedOn: string; validYears: number; at: string }
  | { kind: "use"; on: string; at: string }
  | { kind: "lapse"; at: string };

export interface FilingState {
  status: FilingStatus | "none";
  filingId: string | null;
  enterprise: string | null;
  details: FilingDetails | null;
  /** The natural persons named, sealed (their personal fields open only with their keys). */
  persons: SealedNaturalPerson[];
  check: AutomatedCheck | null;
  submittedOn: string | null;
  filingNumber: string | null;
  decidedOn: string | null;
  reasons: string[];
  certificate: { number: string; issuedOn: string; validUntil: string; usedOn: string | null } | null;
  amendments: number;
}

export const NO_FILING: FilingState = Object.freeze({
  status: "none",
  filingId: null,
  enterprise: null,
  details: null,
  persons: [],
  check: null,
  submittedOn: null,
  filingNumber: null,
  decidedOn: null,
  reasons: [],
  certificate: null,
  amendments: 0,
}) as FilingState;

const PENDING: FilingStatus[] = ["submitted", "referred"];
const ALLOWED_IN: Record<Exclude<FilingCommand["kind"], "submit">, FilingStatus[]> = {
  amend: PENDING,
  withdraw: PENDING,
  accept: PENDING,
  refer: ["submitted"],
  reject: PENDING,
  issueCertificate: ["accepted"],
  use: ["certified"],
  lapse: ["certified"],
};

/**
 * The last day of a period of `years` years starting on `date` (YYYY-MM-DD): the anniversary
 * itself, or the month's last day when it has no such day (29 Feb → 28 Feb), as the Civil Code
 * counts periods (arts. 201–202: counting starts the next day and ends on the corresponding day).
 */
export function yearsLater(date: string, years: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const anniversary = new Date(Date.UTC(y + years, m - 1, d));
  if (anniversary.getUTCMonth() !== m - 1) anniversary.setUTCDate(0); // 29 Feb in a common year
  return anniversary.toISOString().slice(0, 10);
}

function decide(cmd: FilingCommand, s: FilingState): FilingEvent[] {
  const ev = <T extends FilingEventType>(type: T, data: FilingEventData<T>) =>
    ({ type, data, occurredAt: cmd.at }) as FilingEvent;
  const today = chinaDate(cmd.at);
  if (cmd.kind === "submit") {
    if (s.status !== "none")
      throw new DomainError("filing_exists", "this filing was already submitted", { state: s.status });
    return [
      ev("FilingSubmitted", {
        filingId: cmd.filingId,
        enterprise: cmd.enterprise,
        details: cmd.details,
        submittedOn: today,
        ...(cmd.persons?.length ? { persons: cmd.persons } : {}),
      }),
      ev("AutomatedCheckRecorded", cmd.check),
    ];
  }
  if (s.status === "none") throw new DomainError("filing_not_found", "there is no such filing", { state: "none" });
  if (!ALLOWED_IN[cmd.kind].includes(s.status)) {
    throw new DomainError(
      "illegal_transition",
      `cannot ${cmd.kind} a filing that is ${s.status} (allowed when ${ALLOWED_IN[cmd.kind].join(", ")})`,
      { state: s.status, command: cmd.kind, allowedIn: ALLOWED_IN[cmd.kind] },
    );
  }
  switch (cmd.kind) {
    case "amend":
      if (cmd.details.kind !== s.details!.kind) {
        throw new DomainError(
          "kind_unchanged",
          `a ${s.details!.kind} filing stays one; withdraw it and file anew`,
          {
            field: "details/kind",
          },
          422,
        );
      }
      return [
        ev("FilingAmended", {
          details: cmd.details,
          reason: cmd.reason,
          ...(cmd.persons ? { persons: cmd.persons } : {}),
        }),
        ev("AutomatedCheckRecorded", cmd.check),
      ];
    case "withdraw":
      return [ev("FilingWithdrawn", { reason: cmd.reason })];
    case "accept":
      if (s.status === "submitted" && s.check!.recommendation !== "accept" && !isApprovalRoute(s.check!.route)) {
        throw new DomainError(
          "check_not_passed",
          `the automated check recommends ${s.check!.recommendation}: refer the filing (with the reason) before accepting it`,
          { state: s.status, recommendation: s.check!.recommendation },
        );
      }
      if (s.status === "submitted" && isApprovalRoute(s.check!.route)) {
        throw new DomainError(
          "approval_route",
          `the ${s.check!.route} route needs an approval decision: refer the filing first`,
          { state: s.status, route: s.check!.route },
        );
      }
      return [ev("FilingAccepted", { filingNumber: cmd.filingNumber, on: today })];
    case "refer":
      return [ev("FilingReferred", { reason: cmd.reason, on: today })];
    case "reject":
      return [ev("FilingRejected", { reasons: cmd.reasons, on: today })];
    case "issueCertificate":
      if (s.details!.kind !== "outbound_investment") {
        throw new DomainError("no_certificate", `a ${s.details!.kind} gets no investment certificate`, {
          state: s.status,
        });
      }
      if (cmd.issuedOn > today || cmd.issuedOn < s.decidedOn!) {
        throw new DomainError(
          "certificate_date",
          `issuedOn must be between the acceptance (${s.decidedOn}) and today (${today})`,
          { field: "issuedOn" },
          422,
        );
      }
      return [
        ev("CertificateIssued", {
          certificateNumber: cmd.certificateNumber,
          issuedOn: cmd.issuedOn,
          validUntil: yearsLater(cmd.issuedOn, cmd.validYears),
        }),
      ];
    case "use": {
      const c = s.certificate!;
      if (cmd.on < c.issuedOn || cmd.on > c.validUntil || cmd.on > today) {
        throw new DomainError(
          "certificate_not_valid_then",
          `the certificate is valid from ${c.issuedOn} to ${c.validUntil}; ${cmd.on} is outside that or in the future`,
          { field: "on" },
          422,
        );
      }
      return [ev("CertificateUsed", { on: cmd.on })];
    }
    case "lapse": {
      const c = s.certificate!;
      if (today <= c.validUntil) {
        throw new DomainError("certificate_still_valid", `the certificate is valid until ${c.validUntil}`, {
          state: s.status,
        });
      }
      return [ev("CertificateLapsed", { on: today })];
    }
  }
}

function evolve(s: FilingState, e: FilingEvent): FilingState {
  switch (e.type) {
    case "FilingSubmitted":
      return {
        ...NO_FILING,
        status: "submitted",
        filingId: e.data.filingId,
        enterprise: e.data.enterprise,
        details: e.data.details,
        submittedOn: e.data.submittedOn,
        persons: e.data.persons ?? [],
      };
    case "AutomatedCheckRecorded":
      return { ...s, check: e.data };
    case "FilingAmended":
      return { ...s, details: e.data.details, persons: e.data.persons ?? s.persons, amendments: s.amendments + 1 };
    case "FilingWithdrawn":
      return { ...s, status: "withdrawn", reasons: [e.data.reason] };
    case "FilingAccepted":
      return { ...s, status: "accepted", filingNumber: e.data.filingNumber, decidedOn: e.data.on };
    case "FilingReferred":
      return { ...s, status: "referred", reasons: [e.data.reason] };
    case "FilingRejected":
      return { ...s, status: "rejected", reasons: e.data.reasons, decidedOn: e.data.on };
    case "CertificateIssued":
      return {
        ...s,
        status: "certified",
        certificate: {
          number: e.data.certificateNumber,
          issuedOn: e.data.issuedOn,
          validUntil: e.data.validUntil,
          usedOn: null,
        },
      };
    case "CertificateUsed":
      return { ...s, status: "used", certificate: { ...s.certificate!, usedOn: e.data.on } };
    case "CertificateLapsed":
      return { ...s, status: "lapsed" };
  }
}

export const filingDecider: Decider<FilingCommand, FilingEvent, FilingState> = {
  initialState: NO_FILING,
  decide,
  evolve,
};
