/**
 * Loading filings from the event store (`Filing-<uuid>`) and the API view of one.
 */
import type { z } from "../../contracts/http/zod";
import { filingStream } from "../../contracts/investment-filings/filing-shapes";
import type { FilingView } from "../../contracts/investment-filings/http";
import { type LoadedAggregate, loadAggregate } from "../platform/decider";
import type { EventStore } from "../platform/event-store/types";
import { type FilingState, filingDecider } from "./filing-decider";

/** A filing's state and version (`null`: no such stream). */
export const loadFiling = (store: EventStore, filingId: string): Promise<LoadedAggregate<FilingState>> =>
  loadAggregate(store, filingStream(filingId), filingDecider);

/**
 * The API view of a submitted filing at `version`. `persons` are the natural persons as the reader
 * may see them (opened for the entitled roles on a read; empty in a command's answer, so no
 * personal field is kept in the idempotency store).
 */
export function filingView(
  s: FilingState,
  version: number,
  persons: z.output<typeof FilingView>["persons"] = [],
): z.output<typeof FilingView> {
  return {
    filingId: s.filingId!,
    enterprise: s.enterprise!,
    status: s.status as z.output<typeof FilingView>["status"],
    details: s.details!,
    persons,
    check: s.check!,
    submittedOn: s.submittedOn!,
    filingNumber: s.filingNumber,
    decidedOn: s.decidedOn,
    reasons: s.reasons,
    certificate: s.certificate,
    amendments: s.amendments,
    version,
  };
}
