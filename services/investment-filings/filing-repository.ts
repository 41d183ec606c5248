/**
 * Loading filings from the event store (`Filing-<uuid>`) and the API view of one.
 */
import type { z } from "../../contracts/http/zod";
import { filingStream } from "../../contracts/investment-filings/filing-shapes";
import type { FilingView } from "../../contracts/investment-filings/http";
import type { EventStore } from "../platform/event-store/types";
import { type FilingEvent, type FilingState, filingDecider, NO_FILING } from "./filing-decider";

/** A filing's state and version (`null`: no such stream). */
export async function loadFiling(
  store: EventStore,
  filingId: string,
): Promise<{ state: FilingState; version: number | null }> {
  const events = await store.readStream(filingStream(filingId));
  let state = NO_FILING;
  for (const e of events) {
    state = filingDecider.evolve(state, {
      type: e.type,
      data: e.data,
      occurredAt: e.occurredAt.toISOString(),
    } as FilingEvent);
  }
  return { state, version: events.length ? events[events.length - 1]!.streamVersion : null };
}

/** The API view of a submitted filing at `version`. */
export function filingView(s: FilingState, version: number): z.output<typeof FilingView> {
  return {
    filingId: s.filingId!,
    enterprise: s.enterprise!,
    status: s.status as z.output<typeof FilingView>["status"],
    details: s.details!,
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
