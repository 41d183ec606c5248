/**
 * The customs declaration aggregate under direct clearance (属地直通, README, customs direct clearance): one stream
 * per declaration, `Declaration-<number>`. The enterprise lodges, amends and withdraws; customs
 * posts milestones with business times.
 *
 * Order: milestones may arrive late or out of order. Every check compares business times on the
 * timeline as recorded so far, never arrival order, and a milestone identical to one already
 * recorded (same type, instant and details) records nothing. A milestone whose prerequisite has
 * not been recorded yet is refused with 409 and `retryable: true` (the sender posts it again once
 * the earlier one is in): a release before its acceptance, risk assessment or required
 * inspection; an exit before the release; a recognition before the local inspection. A hold's
 * lift may arrive before the hold: they pair by business time.
 *
 * Invariants (a violation is a 409 naming the invariant and the milestone it conflicts with):
 * - no stage earlier than lodgement, none in the future (422), except the arrival for clearance
 *   (`arrived_for_clearance`), which may precede the lodgement: pre-arrival lodgement is normal;
 * - pipeline order: accepted ≤ risk assessed ≤ inspection scheduled ≤ completed ≤ recognised ≤
 *   released ≤ goods exited/arrived, and arrived for clearance ≤ released (the WCO Time Release
 *   Study measures "from the time of arrival until the physical release of cargo"), for the
 *   stages recorded;
 * - no release without acceptance and risk assessment; every inspection scheduled before the
 *   release completed as conforming at its place; under the physical channel a conforming
 *   inspection or a recognition before the release; no release after a nonconforming result
 *   not followed by a conforming one; no release inside a hold;
 * - the port recognises only a conforming local inspection of a direct-clearance declaration at
 *   its own port, and once it has, any port inspection needs an `exceptionReason` (监管互认);
 * - holds do not overlap; no rejection after release; amendments and withdrawal only before
 *   release, amendments only before any inspection; nothing after rejection or withdrawal.
 */
import stringify from "safe-stable-stringify";
import {
  type DeclarationEventData,
  type DeclarationEventType,
  MILESTONES,
  type MilestoneType,
} from "../../contracts/direct-clearance/events";
import type { DeclarationStatus as DeclarationStatusSchema } from "../../contracts/direct-clearance/http";
import type { z } from "../../contracts/http/zod";
import { parseDeclarationNumber } from "../../contracts/identifiers/declaration-number";
import { chinaDate } from "../platform/china-date";
import { type Decider, DomainError, type DomainEvent } from "../platform/decider";

/** One event of the Declaration stream. */
export type DeclarationEvent = {
  [T in DeclarationEventType]: DomainEvent<T, DeclarationEventData<T>>;
}[DeclarationEventType];

type EventOf<T extends MilestoneType> = (typeof MILESTONES)[T]["event"];

/** A milestone as customs posts it (HoldLifted's `heldSince` is derived, not posted). */
export type MilestoneInput = {
  [T in MilestoneType]: { type: T } & Omit<DeclarationEventData<EventOf<T>>, "heldSince">;
}[MilestoneType];

/** What an amendment may change. */
export type DeclarationChanges = DeclarationEventData<"DeclarationAmended">["changes"];

/** Lodgement data (the DeclarationLodged event's data). */
export type LodgementData = DeclarationEventData<"DeclarationLodged">;

/** Commands. `at` of amend and withdraw is the command's time (now). */
export type DeclarationCommand =
  | { kind: "lodge"; lodgement: LodgementData; now: string }
  | { kind: "milestone"; milestone: MilestoneInput; now: string }
  | { kind: "amend"; changes: DeclarationChanges; reason: string; at: string }
  | { kind: "withdraw"; reason: string; at: string };

/** One recorded milestone on the timeline. */
export interface TimelineEntry {
  type: DeclarationEventType;
  /** Business time, ISO 8601 UTC. */
  at: string;
  ms: number;
  data: Record<string, unknown>;
}

/** The declaration's state; `lodgement` is null before it is lodged. */
export interface DeclarationState {
  lodgement: LodgementData | null;
  /** Milestones in business-time order (ties: arrival order). */
  timeline: TimelineEntry[];
  closed: { kind: "rejected" | "withdrawn"; at: string } | null;
  amendments: number;
}

export const NO_DECLARATION: DeclarationState = Object.freeze({
  lodgement: null,
  timeline: [],
  closed: null,
  amendments: 0,
}) as DeclarationState;

/** The milestone → event type map, kept here as a value (the contract's is type-level for callers). */
/** The event each milestone type records: from the contract (MILESTONES), the one definition of it. */
const EVENT_OF = Object.fromEntries(Object.entries(MILESTONES).map(([type, m]) => [type, m.event])) as Record<
  MilestoneType,
  DeclarationEventType
>;

/** Milestones recorded at most once (per inspection place for inspections). */
const ONCE: ReadonlySet<DeclarationEventType> = new Set<DeclarationEventType>([
  "DeclarationAccepted",
  "DeclarationRejected",
  "RiskAssessed",
  "InspectionScheduled",
  "InspectionCompleted",
  "InspectionRecognised",
  "DeclarationReleased",
  "GoodsExited",
  "GoodsArrived",
  "GoodsArrivedForClearance",
]);

const ms = (iso: string) => Date.parse(iso);
/** Normalises a business time to ISO 8601 UTC with milliseconds (the same instant, one spelling). */
export const normaliseTime = (iso: string): string => new Date(ms(iso)).toISOString();

/** Latest status on the business-time timeline: one of the contract's DeclarationStatus values. */
export type DeclarationStatus = z.output<typeof DeclarationStatusSchema>;

const STATUS_OF: Partial<Record<DeclarationEventType, DeclarationStatus>> = {
  DeclarationAccepted: "accepted",
  RiskAssessed: "risk_assessed",
  InspectionScheduled: "inspection_scheduled",
  InspectionCompleted: "inspected",
  InspectionRecognised: "recognised",
  DeclarationReleased: "released",
  GoodsExited: "exited",
  GoodsArrived: "arrived",
};

/** The declaration's status: closed, else held if a hold is open, else its latest stage by business time. */
export function statusOf(s: DeclarationState): DeclarationStatus | "none" {
  if (!s.lodgement) return "none";
  if (s.closed) return s.closed.kind;
  const open = holdIntervals(s.timeline).intervals.find((h) => h.end === null);
  const releasedAfter = open && s.timeline.some((e) => e.type === "DeclarationReleased" && e.ms >= open.start.ms);
  if (open && !releasedAfter) return "held";
  let status: DeclarationStatus = "lodged";
  for (const e of s.timeline) status = STATUS_OF[e.type] ?? status;
  return status;
}

/** A hold: from its DeclarationHeld to the HoldLifted that ended it (null: not lifted, or its lift not yet posted). */
export interface HoldInterval {
  start: TimelineEntry;
  end: TimelineEntry | null;
}

/**
 * Holds paired with lifts by business time: walking the timeline, a lift ends the hold open at
 * that moment; a lift with no hold open is an early arrival waiting for its hold (`orphanLifts`).
 * `overlap` is a hold that starts while another is open (refused as `already_held`).
 */
export function holdIntervals(tl: readonly TimelineEntry[]): {
  intervals: HoldInterval[];
  orphanLifts: TimelineEntry[];
  overlap: TimelineEntry | null;
} {
  const intervals: HoldInterval[] = [];
  const orphanLifts: TimelineEntry[] = [];
  let open: HoldInterval | null = null;
  let overlap: TimelineEntry | null = null;
  for (const e of tl) {
    if (e.type === "DeclarationHeld") {
      if (open) overlap ??= e;
      else {
        open = { start: e, end: null };
        intervals.push(open);
      }
    } else if (e.type === "HoldLifted") {
      if (open) {
        open.end = e;
        open = null;
      } else orphanLifts.push(e);
    }
  }
  return { intervals, orphanLifts, overlap };
}

const conflict = (code: string, message: string, s: DeclarationState, details: Record<string, unknown> = {}) =>
  new DomainError(code, message, { state: statusOf(s), field: "at", ...details });

/** A prerequisite that has not been recorded yet: 409 with `retryable: true` (post again once it is). */
const missing = (code: string, message: string, s: DeclarationState) =>
  conflict(code, `${message}; post this milestone again once the earlier one is recorded`, s, { retryable: true });

const first = (tl: readonly TimelineEntry[], type: DeclarationEventType, where?: (e: TimelineEntry) => boolean) =>
  tl.find((e) => e.type === type && (!where || where(e)));

/** The stages a timeline holds, each its first entry (business-time order). */
interface Stages {
  accepted?: TimelineEntry;
  risk?: TimelineEntry;
  released?: TimelineEntry;
  recognised?: TimelineEntry;
  exit?: TimelineEntry;
  /** Arrival at the place of clearance (may precede the lodgement). */
  arrival?: TimelineEntry;
  rejected?: TimelineEntry;
  scheduled(place: string): TimelineEntry | undefined;
  completed(place: string): TimelineEntry | undefined;
}

const stagesOf = (tl: readonly TimelineEntry[]): Stages => ({
  accepted: first(tl, "DeclarationAccepted"),
  risk: first(tl, "RiskAssessed"),
  released: first(tl, "DeclarationReleased"),
  recognised: first(tl, "InspectionRecognised"),
  exit: first(tl, "GoodsExited") ?? first(tl, "GoodsArrived"),
  arrival: first(tl, "GoodsArrivedForClearance"),
  rejected: first(tl, "DeclarationRejected"),
  scheduled: (place) => first(tl, "InspectionScheduled", (e) => e.data.place === place),
  completed: (place) => first(tl, "InspectionCompleted", (e) => e.data.place === place),
});

/**
 * The first invariant the timeline breaks, as a DomainError; null when it holds. `added` is the
 * milestone being posted, so a refusal can say what that milestone would contradict. The checks
 * run in this order: nothing before lodgement, the pipeline order, no overlapping holds, what a
 * release needs, exit after release, what a recognition needs, no rejection after release.
 */
function violation(s: DeclarationState, tl: readonly TimelineEntry[], added?: TimelineEntry): DomainError | null {
  const st = stagesOf(tl);
  const holds = holdIntervals(tl);
  return (
    beforeLodgement(s, tl) ??
    outOfSequence(s, st) ??
    overlappingHolds(s, holds) ??
    releaseViolation(s, tl, st, holds, added) ??
    (st.exit && !st.released ? missing("exit_before_release", `${st.exit.type} needs the release first`, s) : null) ??
    recognitionViolation(s, tl, st) ??
    (st.rejected && st.released
      ? conflict("rejection_after_release", `the declaration was released at ${st.released.at}`, s, {
          conflictsWith: { type: st.released.type, at: st.released.at },
        })
      : null)
  );
}

/** A milestone whose business time is before the lodgement (the arrival for clearance may be). */
function beforeLodgement(s: DeclarationState, tl: readonly TimelineEntry[]): DomainError | null {
  const lodged = ms(s.lodgement!.lodgedAt);
  const early = tl.find((e) => e.ms < lodged && e.type !== "GoodsArrivedForClearance");
  if (!early) return null;
  return new DomainError(
    "stage_before_lodgement",
    `${early.type} at ${early.at} is before lodgement at ${normaliseTime(s.lodgement!.lodgedAt)}`,
    { state: statusOf(s), field: "at" },
    422,
  );
}

/** Pipeline order by business time, for the stages that are known. */
function outOfSequence(s: DeclarationState, st: Stages): DomainError | null {
  const { accepted, risk, recognised, released, exit, arrival, scheduled, completed } = st;
  const chain: [TimelineEntry | undefined, TimelineEntry | undefined][] = [
    [accepted, risk],
    [risk, scheduled("local")],
    [risk, scheduled("port")],
    [scheduled("local"), completed("local")],
    [scheduled("port"), completed("port")],
    [risk, completed("local")],
    [risk, completed("port")],
    [completed("local"), recognised],
    [accepted, released],
    [risk, released],
    [completed("local"), released],
    [completed("port"), released],
    [recognised, released],
    [released, exit],
    [arrival, released],
    [arrival, exit],
  ];
  for (const [before, after] of chain) {
    if (before && after && after.ms < before.ms) {
      return conflict(
        "out_of_sequence",
        `${after.type} at ${after.at} cannot precede ${before.type} at ${before.at}`,
        s,
        { conflictsWith: { type: before.type, at: before.at } },
      );
    }
  }
  return null;
}

/** A hold that starts while another is open. */
function overlappingHolds(s: DeclarationState, holds: ReturnType<typeof holdIntervals>): DomainError | null {
  if (!holds.overlap) return null;
  return conflict("already_held", `a hold at ${holds.overlap.at} would start while another hold is open`, s, {
    conflictsWith: { type: holds.overlap.type, at: holds.overlap.at },
  });
}

/**
 * What a release needs: acceptance and risk assessment recorded (missing: retryable once they
 * are), every inspection scheduled before it completed as conforming, the physical channel
 * inspected or recognised, and no hold spanning it.
 */
function releaseViolation(
  s: DeclarationState,
  tl: readonly TimelineEntry[],
  st: Stages,
  holds: ReturnType<typeof holdIntervals>,
  added?: TimelineEntry,
): DomainError | null {
  const { accepted, risk, released, recognised } = st;
  if (!released) return null;
  // Prerequisites not yet recorded: the sender posts the release again once they are (retryable).
  if (!accepted) return missing("release_before_acceptance", "no release before the declaration is accepted", s);
  if (!risk) return missing("release_before_risk_assessment", "no release before the risk assessment", s);
  const before = (e: TimelineEntry) => e.ms <= released.ms;
  const conforming = (place: unknown) =>
    tl.some(
      (e) => e.type === "InspectionCompleted" && e.data.place === place && e.data.result === "conforming" && before(e),
    );
  // Every inspection scheduled before the release needs a conforming completion at its place.
  const unfinished = tl.find((e) => e.type === "InspectionScheduled" && before(e) && !conforming(e.data.place));
  if (unfinished) {
    return missing(
      "release_before_inspection",
      `the ${unfinished.data.place} inspection scheduled at ${unfinished.at} is not completed as conforming before the release`,
      s,
    );
  }
  const failed = tl.find(
    (e) =>
      e.type === "InspectionCompleted" && e.data.result === "nonconforming" && before(e) && !conforming(e.data.place),
  );
  if (failed) {
    return conflict(
      "release_after_nonconforming_inspection",
      `the ${failed.data.place} inspection at ${failed.at} found the goods nonconforming`,
      s,
      { conflictsWith: { type: failed.type, at: failed.at } },
    );
  }
  const physical = risk.data.channel === "physical";
  const recognisedBefore = recognised !== undefined && before(recognised);
  if (physical && !conforming("local") && !conforming("port") && !recognisedBefore) {
    return missing(
      "release_before_inspection",
      "the physical channel needs an inspection completed as conforming, or recognised, before the release",
      s,
    );
  }
  const held = holds.intervals.find((h) => h.start.ms <= released.ms && (h.end === null || h.end.ms > released.ms));
  if (!held) return null;
  const span = `from ${held.start.at}${held.end ? ` to ${held.end.at}` : " with no lift recorded"}`;
  const addsHold = added !== undefined && (added === held.start || added === held.end);
  return conflict(
    "release_while_held",
    addsHold
      ? `the declaration was released at ${released.at}; a hold ${span} would span that release (a hold after the release must start after it)`
      : `the declaration is held ${span}, which spans the release at ${released.at}`,
    s,
    { conflictsWith: { type: held.start.type, at: held.start.at }, retryable: held.end === null },
  );
}

/**
 * What a recognition (监管互认) needs: a local inspection completed as conforming, and no port
 * inspection without a stated exception, whatever the order the messages arrived in.
 */
function recognitionViolation(s: DeclarationState, tl: readonly TimelineEntry[], st: Stages): DomainError | null {
  const { recognised } = st;
  if (!recognised) return null;
  const local = st.completed("local");
  if (!local) {
    return missing(
      "recognition_without_local_inspection",
      "the port can only recognise a completed local inspection",
      s,
    );
  }
  if (local.data.result !== "conforming") {
    return conflict(
      "recognition_of_nonconforming_inspection",
      `the local inspection at ${local.at} found the goods nonconforming`,
      s,
      { conflictsWith: { type: local.type, at: local.at } },
    );
  }
  const again = tl.find(
    (e) =>
      (e.type === "InspectionScheduled" || e.type === "InspectionCompleted") &&
      e.data.place === "port" &&
      !e.data.exceptionReason,
  );
  if (!again) return null;
  return conflict(
    "reinspection_after_recognition",
    `the port recognised the local inspection at ${recognised.at}; a port inspection needs an exceptionReason`,
    s,
    { field: "exceptionReason", conflictsWith: { type: recognised.type, at: recognised.at } },
  );
}

function insert(tl: readonly TimelineEntry[], entry: TimelineEntry): TimelineEntry[] {
  const i = tl.findIndex((e) => e.ms > entry.ms);
  return i < 0 ? [...tl, entry] : [...tl.slice(0, i), entry, ...tl.slice(i)];
}

const sameData = (a: unknown, b: unknown) => stringify(a) === stringify(b);

function decideMilestone(m: MilestoneInput, now: string, s: DeclarationState): DeclarationEvent[] {
  const { type, ...fields } = m;
  const eventType = EVENT_OF[type];
  const at = normaliseTime(m.at);
  const data: Record<string, unknown> = { ...fields, at };
  const lodgement = s.lodgement!;
  // The same milestone posted twice is one milestone (derived pairing fields aside).
  const duplicate = s.timeline.some((e) => {
    if (e.type !== eventType) return false;
    const { heldSince: _h, liftedAt: _l, ...recorded } = e.data;
    return sameData(recorded, data);
  });
  if (duplicate) return [];
  if (ms(at) > ms(now) + MAX_CLOCK_SKEW_MS) {
    throw new DomainError("date_in_future", `${type} at ${at} is in the future`, { field: "at" }, 422);
  }
  if (s.closed) {
    throw new DomainError("declaration_closed", `the declaration was ${s.closed.kind} at ${s.closed.at}`, {
      state: s.closed.kind,
    });
  }
  if (type === "goods_exited" && lodgement.direction !== "export") {
    throw new DomainError(
      "wrong_direction",
      "goods_exited is for exports; imports post goods_arrived",
      { field: "type" },
      422,
    );
  }
  if (type === "goods_arrived" && lodgement.direction !== "import") {
    throw new DomainError(
      "wrong_direction",
      "goods_arrived is for imports; exports post goods_exited",
      { field: "type" },
      422,
    );
  }
  if (type === "inspection_recognised" && lodgement.clearanceModel !== "direct") {
    throw new DomainError(
      "recognition_needs_direct_clearance",
      "only a direct-clearance declaration has a local inspection for the port to recognise",
      { field: "type" },
      422,
    );
  }
  if (type === "inspection_recognised" && m.port !== lodgement.port) {
    throw new DomainError(
      "recognised_at_other_port",
      `the declaration's port is ${lodgement.port}; ${m.port} cannot recognise its inspection`,
      { field: "port" },
      422,
    );
  }
  if (ONCE.has(eventType)) {
    const samePlace = (e: TimelineEntry) => !("place" in data) || e.data.place === data.place;
    const earlier = s.timeline.find((e) => e.type === eventType && samePlace(e));
    if (earlier) {
      throw conflict(
        "milestone_already_recorded",
        `${type} was already recorded at ${earlier.at} with other details`,
        s,
        {
          conflictsWith: { type: earlier.type, at: earlier.at },
        },
      );
    }
  }
  if (type === "hold_lifted") {
    const paired = holdIntervals(insert(s.timeline, { type: eventType, at, ms: ms(at), data })).intervals.find(
      (h) => h.end?.at === at,
    );
    if (paired) data.heldSince = paired.start.at;
  }
  if (type === "held") {
    const paired = holdIntervals(insert(s.timeline, { type: eventType, at, ms: ms(at), data })).intervals.find(
      (h) => h.start.at === at && h.end !== null,
    );
    if (paired) data.liftedAt = paired.end!.at;
  }
  const entry: TimelineEntry = { type: eventType, at, ms: ms(at), data };
  const broken = violation(s, insert(s.timeline, entry), entry);
  if (broken) throw broken;
  return [{ type: eventType, data, occurredAt: at } as DeclarationEvent];
}

/** 422 errors for a number whose office, year or flag disagree with the lodgement (README, customs direct clearance). */
function numberMismatch(l: LodgementData): DomainError | null {
  const n = parseDeclarationNumber(l.declarationNumber)!;
  const year = Number(chinaDate(l.lodgedAt).slice(0, 4));
  const problems: string[] = [];
  if (n.office !== l.declaringOffice)
    problems.push(`its office ${n.office} is not the declaring office ${l.declaringOffice}`);
  if (n.year !== year) problems.push(`its year ${n.year} is not the lodgement year ${year}`);
  if (n.direction !== l.direction) problems.push(`its flag says ${n.direction}, the declaration says ${l.direction}`);
  return problems.length
    ? new DomainError(
        "declaration_number_mismatch",
        `declaration number ${l.declarationNumber}: ${problems.join("; ")}`,
        { field: "declarationNumber" },
        422,
      )
    : null;
}

/** Lodgement may be stamped at most this far ahead of the server clock (clock skew), ms. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;

function decide(cmd: DeclarationCommand, s: DeclarationState): DeclarationEvent[] {
  if (cmd.kind === "lodge") {
    if (s.lodgement) {
      throw new DomainError("declaration_exists", `declaration ${s.lodgement.declarationNumber} is already lodged`, {
        state: statusOf(s),
      });
    }
    const mismatch = numberMismatch(cmd.lodgement);
    if (mismatch) throw mismatch;
    if (ms(cmd.lodgement.lodgedAt) > ms(cmd.now) + MAX_CLOCK_SKEW_MS) {
      throw new DomainError(
        "date_in_future",
        `lodgedAt ${cmd.lodgement.lodgedAt} is in the future`,
        { field: "lodgedAt" },
        422,
      );
    }
    const lodgement = { ...cmd.lodgement, lodgedAt: normaliseTime(cmd.lodgement.lodgedAt) };
    return [{ type: "DeclarationLodged", data: lodgement, occurredAt: lodgement.lodgedAt }];
  }
  if (!s.lodgement) throw new DomainError("declaration_not_found", "there is no such declaration", { state: "none" });
  if (cmd.kind === "milestone") return decideMilestone(cmd.milestone, cmd.now, s);

  const status = statusOf(s);
  const verb = cmd.kind === "amend" ? "amend" : "withdraw";
  if (s.closed || first(s.timeline, "DeclarationReleased")) {
    throw new DomainError("illegal_transition", `cannot ${verb} a declaration that is ${status}`, {
      state: status,
      command: cmd.kind,
    });
  }
  if (
    cmd.kind === "amend" &&
    s.timeline.some((e) => e.type === "InspectionCompleted" || e.type === "InspectionRecognised")
  ) {
    throw new DomainError(
      "amend_after_inspection",
      "the goods were inspected as declared; amending port, transport or goods now would leave the inspection behind",
      { state: status, command: cmd.kind },
    );
  }
  if (cmd.kind === "withdraw") {
    return [{ type: "DeclarationWithdrawn", data: { reason: cmd.reason }, occurredAt: cmd.at }];
  }
  const current = { port: s.lodgement.port, transportMode: s.lodgement.transportMode, goods: s.lodgement.goods };
  const changes = Object.fromEntries(
    Object.entries(cmd.changes).filter(([k, v]) => v !== undefined && !sameData(v, current[k as keyof typeof current])),
  ) as DeclarationChanges;
  if (Object.keys(changes).length === 0) return [];
  return [{ type: "DeclarationAmended", data: { changes, reason: cmd.reason }, occurredAt: cmd.at }];
}

function evolve(s: DeclarationState, e: DeclarationEvent): DeclarationState {
  switch (e.type) {
    case "DeclarationLodged":
      return { ...NO_DECLARATION, lodgement: e.data };
    case "DeclarationAmended":
      return { ...s, lodgement: { ...s.lodgement!, ...e.data.changes }, amendments: s.amendments + 1 };
    case "DeclarationWithdrawn":
      return { ...s, closed: { kind: "withdrawn", at: e.occurredAt } };
    default: {
      const data = e.data as Record<string, unknown> & { at: string };
      const next = { ...s, timeline: insert(s.timeline, { type: e.type, at: data.at, ms: ms(data.at), data }) };
      return e.type === "DeclarationRejected" ? { ...next, closed: { kind: "rejected", at: data.at } } : next;
    }
  }
}

/** The declaration decider. */
export const declarationDecider: Decider<DeclarationCommand, DeclarationEvent, DeclarationState> = {
  initialState: NO_DECLARATION,
  decide,
  evolve,
};
