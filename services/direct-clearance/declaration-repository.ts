/**
 * Loading declarations from the event store (stream `Declaration-<number>`) and the API view of
 * one: its lodgement as amended, its status and its timeline in business-time order.
 */
import type { z } from "../../contracts/http/zod";
import { declarationStream } from "../../contracts/direct-clearance/events";
import type { DeclarationView } from "../../contracts/direct-clearance/http";
import type { EventStore, RecordedEvent } from "../platform/event-store/types";
import {
  type DeclarationEvent,
  type DeclarationState,
  declarationDecider,
  NO_DECLARATION,
  statusOf,
} from "./declaration-decider";

/** Folds recorded events of one declaration. */
export function foldDeclaration(events: readonly RecordedEvent[]): DeclarationState {
  let s = NO_DECLARATION;
  for (const e of events) {
    s = declarationDecider.evolve(s, {
      type: e.type,
      data: e.data,
      occurredAt: e.occurredAt.toISOString(),
    } as DeclarationEvent);
  }
  return s;
}

/** A declaration's state and version (`null`: no such stream). */
export async function loadDeclaration(
  store: EventStore,
  declarationNumber: string,
): Promise<{ state: DeclarationState; version: number | null }> {
  const events = await store.readStream(declarationStream(declarationNumber));
  const last = events[events.length - 1];
  return { state: foldDeclaration(events), version: last ? last.streamVersion : null };
}

/** The API view of a lodged declaration at `version`. */
export function declarationView(s: DeclarationState, version: number): z.output<typeof DeclarationView> {
  const l = s.lodgement!;
  return {
    declarationNumber: l.declarationNumber,
    enterprise: l.enterprise,
    direction: l.direction,
    clearanceModel: l.clearanceModel,
    declaringOffice: l.declaringOffice,
    port: l.port,
    transportMode: l.transportMode,
    goods: l.goods,
    lodgedAt: l.lodgedAt,
    status: statusOf(s) as z.output<typeof DeclarationView>["status"],
    timeline: s.timeline.map((e) => ({ ...e.data, type: e.type, at: e.at })),
    amendments: s.amendments,
    version,
  };
}
