/**
 * Loading declarations from the event store (stream `Declaration-<number>`) and the API view of
 * one: its lodgement as amended, its status and its timeline in business-time order.
 */
import type { z } from "../../contracts/http/zod";
import { declarationStream } from "../../contracts/direct-clearance/events";
import type { DeclarationView } from "../../contracts/direct-clearance/http";
import { type LoadedAggregate, loadAggregate } from "../platform/decider";
import type { EventStore } from "../platform/event-store/types";
import { type DeclarationState, declarationDecider, statusOf } from "./declaration-decider";

/** A declaration's state and version (`null`: no such stream). */
export const loadDeclaration = (
  store: EventStore,
  declarationNumber: string,
): Promise<LoadedAggregate<DeclarationState>> =>
  loadAggregate(store, declarationStream(declarationNumber), declarationDecider);

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
    creditRating: l.creditRating ?? "unknown",
    otherAgencies: l.otherAgencies ?? null,
    status: statusOf(s) as z.output<typeof DeclarationView>["status"],
    timeline: s.timeline.map((e) => ({ ...e.data, type: e.type, at: e.at })),
    amendments: s.amendments,
    version,
  };
}
