/**
 * Identifier checks and the declaration decider: every invariant and refusal, out-of-order and
 * duplicate milestones.
 */
import { GoodsLine } from "../../contracts/direct-clearance/declaration-shapes";
import { formatDeclarationNumber, parseDeclarationNumber } from "../../contracts/identifiers/declaration-number";
import { hsCodeProblem } from "../../contracts/identifiers/hs-code";
import { usccCheckCharacter, usccProblem } from "../../contracts/identifiers/uscc";
import {
  type DeclarationCommand,
  type DeclarationEvent,
  type DeclarationState,
  declarationDecider,
  type LodgementData,
  type MilestoneInput,
  NO_DECLARATION,
  statusOf,
} from "../../services/direct-clearance/declaration-decider";
import { DomainError } from "../../services/platform/decider";

describe("identifiers", () => {
  it("checks unified social credit codes (GB 32100-2015) and names the expected check character", () => {
    expect(usccProblem("91350200776049653A")).toBeNull();
    expect(usccProblem("91350213678251743X")).toBeNull();
    expect(usccProblem("91350200776049653B")).toBe("check character is B, expected A (GB 32100-2015)");
    expect(usccProblem("9135020077604965")).toBe("must be 18 characters, got 16");
    expect(usccProblem("91350200776O49653A")).toContain("character 12");
    expect(usccCheckCharacter("91350213678251743")).toBe("X");
  });

  it("parses 18-digit declaration numbers into office, year, direction and sequence", () => {
    expect(parseDeclarationNumber("940320260000012345")).toEqual({
      office: "9403",
      year: 2026,
      direction: "export",
      sequence: "000012345",
    });
    expect(parseDeclarationNumber("940320261000012345")?.direction).toBe("import");
    expect(parseDeclarationNumber("940320262000012345")).toBeNull(); // flag must be 0 or 1
    expect(parseDeclarationNumber("94032026000001234")).toBeNull(); // 17 digits
    expect(formatDeclarationNumber({ office: "9499", year: 2026, direction: "import", sequence: 7 })).toBe(
      "949920261000000007",
    );
  });

  it("takes values with at most 2 decimals, large ones too", () => {
    const line = (value: number) =>
      GoodsLine.safeParse({
        lineNo: 1,
        hsCode: "5205120000",
        description: "d",
        quantity: 1,
        unit: "KGM",
        value,
        currency: "USD",
        country: "KZ",
      }).success;
    expect([line(1234567890.12), line(0.1), line(27000.5)]).toEqual([true, true, true]);
    expect([line(0.30000000000000004), line(1.005), line(-1)]).toEqual([false, false, false]);
  });

  it("checks 10-digit commodity codes and their HS chapter", () => {
    expect(hsCodeProblem("5205120000")).toBeNull();
    expect(hsCodeProblem("520512000")).toContain("must be 10 digits");
    expect(hsCodeProblem("9805120000")).toContain("chapter 98 does not exist");
    expect(hsCodeProblem("7705120000")).toContain("reserved");
  });
});

const NOW = "2026-11-30T10:00:00Z";
const T = (h: number) => new Date(Date.parse("2026-03-02T00:00:00Z") + h * 3_600_000).toISOString();

const lodgement = (over: Partial<LodgementData> = {}): LodgementData => ({
  declarationNumber: "949920260000000001",
  enterprise: "91350200776049653A",
  direction: "export",
  clearanceModel: "direct",
  declaringOffice: "9499",
  port: "horgos",
  transportMode: "rail",
  goods: [
    {
      lineNo: 1,
      hsCode: "5205120000",
      description: "cotton yarn",
      quantity: 20000,
      unit: "KGM",
      value: 60000,
      currency: "USD",
      country: "KZ",
    },
  ],
  lodgedAt: T(0),
  ...over,
});

function decide(s: DeclarationState, cmd: DeclarationCommand): { events: DeclarationEvent[]; state: DeclarationState } {
  const events = declarationDecider.decide(cmd, s);
  return { events, state: events.reduce(declarationDecider.evolve, s) };
}
const post = (s: DeclarationState, ...ms: MilestoneInput[]) =>
  ms.reduce((st, milestone) => decide(st, { kind: "milestone", milestone, now: NOW }).state, s);
const lodged = (over: Partial<LodgementData> = {}) =>
  decide(NO_DECLARATION, { kind: "lodge", lodgement: lodgement(over), now: NOW }).state;
function refusal(s: DeclarationState, cmd: DeclarationCommand): DomainError {
  try {
    declarationDecider.decide(cmd, s);
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error("expected a refusal");
}
const refusedMilestone = (s: DeclarationState, milestone: MilestoneInput) =>
  refusal(s, { kind: "milestone", milestone, now: NOW });

const accepted: MilestoneInput = { type: "accepted", at: T(0.5) };
const physical: MilestoneInput = { type: "risk_assessed", at: T(1), channel: "physical" };
const localDone: MilestoneInput = {
  type: "inspection_completed",
  at: T(4),
  place: "local",
  result: "conforming",
  remarks: "",
};
const recognised: MilestoneInput = { type: "inspection_recognised", at: T(30), port: "horgos" };
const released: MilestoneInput = { type: "released", at: T(31) };

describe("declaration decider: lodgement", () => {
  it("lodges once, with the business time normalised to UTC", () => {
    const { events, state } = decide(NO_DECLARATION, {
      kind: "lodge",
      lodgement: lodgement({ lodgedAt: "2026-03-02T08:00:00+08:00" }),
      now: NOW,
    });
    expect(events[0]).toMatchObject({ type: "DeclarationLodged", occurredAt: "2026-03-02T00:00:00.000Z" });
    expect(statusOf(state)).toBe("lodged");
    expect(refusal(state, { kind: "lodge", lodgement: lodgement(), now: NOW }).code).toBe("declaration_exists");
  });

  it("refuses a number whose office, year or flag disagree with the declaration, naming each", () => {
    const err = refusal(NO_DECLARATION, {
      kind: "lodge",
      lodgement: lodgement({ declarationNumber: "940320251000000001" }),
      now: NOW,
    });
    expect(err).toMatchObject({
      code: "declaration_number_mismatch",
      status: 422,
      details: { field: "declarationNumber" },
    });
    expect(err.message).toContain("office 9403 is not the declaring office 9499");
    expect(err.message).toContain("year 2025 is not the lodgement year 2026");
    expect(err.message).toContain("flag says import");
    // The year is China's: 2026-12-31T20:00Z is already 2027 in China.
    const newYear = refusal(NO_DECLARATION, {
      kind: "lodge",
      lodgement: lodgement({ lodgedAt: "2026-12-31T20:00:00Z" }),
      now: "2027-01-01T00:00:00Z",
    });
    expect(newYear.message).toContain("lodgement year 2027");
  });

  it("refuses a lodgement time in the future", () => {
    expect(
      refusal(NO_DECLARATION, { kind: "lodge", lodgement: lodgement({ lodgedAt: "2026-11-30T11:00:00Z" }), now: NOW }),
    ).toMatchObject({ code: "date_in_future", status: 422 });
  });
});

describe("declaration decider: invariants", () => {
  it("refuses any stage earlier than lodgement", () => {
    const err = refusedMilestone(lodged(), { type: "accepted", at: T(-1) });
    expect(err).toMatchObject({ code: "stage_before_lodgement", status: 422, details: { field: "at" } });
  });

  it("no release before acceptance", () => {
    expect(refusedMilestone(lodged(), released)).toMatchObject({
      code: "release_before_acceptance",
      details: { retryable: true },
    });
    // Accepted after the release time: the business time decides.
    const late = post(lodged(), { type: "accepted", at: T(40) });
    expect(refusedMilestone(late, released)).toMatchObject({
      code: "out_of_sequence",
      details: { conflictsWith: { type: "DeclarationAccepted" } },
    });
  });

  it("no release before a required inspection is completed as conforming or recognised", () => {
    const s = post(lodged(), accepted, physical);
    expect(refusedMilestone(s, released).code).toBe("release_before_inspection");
    const nonconforming = post(s, { ...localDone, result: "nonconforming" } as MilestoneInput);
    expect(refusedMilestone(nonconforming, released).code).toBe("release_after_nonconforming_inspection");
    const inspected = post(s, localDone);
    expect(decide(inspected, { kind: "milestone", milestone: released, now: NOW }).events).toHaveLength(1);
    // A scheduled inspection is required even under the documentary channel.
    const documentary = post(
      lodged(),
      accepted,
      { type: "risk_assessed", at: T(1), channel: "documentary" },
      {
        type: "inspection_scheduled",
        at: T(2),
        place: "port",
      },
    );
    expect(refusedMilestone(documentary, released).code).toBe("release_before_inspection");
  });

  it("no release inside a hold; holds do not overlap; a lift may arrive before its hold", () => {
    const ready = post(lodged(), accepted, physical, localDone);
    const held = post(ready, { type: "held", at: T(10), reason: "documents requested" });
    expect(statusOf(held)).toBe("held");
    expect(refusedMilestone(held, released)).toMatchObject({
      code: "release_while_held",
      details: { retryable: true },
    });
    expect(refusedMilestone(held, { type: "held", at: T(11), reason: "again" }).code).toBe("already_held");
    expect(refusedMilestone(held, { type: "held", at: T(9), reason: "earlier" }).code).toBe("already_held");
    const lifted = post(held, { type: "hold_lifted", at: T(20) });
    expect(lifted.timeline.at(-1)!.data.heldSince).toBe(T(10));
    expect(statusOf(post(lifted, released))).toBe("released");
    // A hold posted late, dated before a recorded release, contradicts it unless its lift (≤ release) is in.
    const releasedState = post(ready, released);
    const late = refusedMilestone(releasedState, { type: "held", at: T(10), reason: "late" });
    expect(late.code).toBe("release_while_held");
    // Said from the hold's side: the declaration is not held, it was released.
    expect(late.message).toMatch(/^the declaration was released at .*; a hold from .* would span that release/);
    expect(refusedMilestone(held, released).message).toMatch(
      /^the declaration is held from .* which spans the release/,
    );
    const liftFirst = post(releasedState, { type: "hold_lifted", at: T(20) });
    expect(liftFirst.timeline.at(-1)!.data.heldSince).toBeUndefined();
    const paired = post(liftFirst, { type: "held", at: T(10), reason: "late" });
    expect(paired.timeline.find((e) => e.type === "DeclarationHeld")!.data.liftedAt).toBe(T(20));
    expect(statusOf(paired)).toBe("released");
    // A lift after the release, for a hold that began before it, means the release was inside the hold.
    const lateLift = post(post(ready, released), { type: "hold_lifted", at: T(40) });
    expect(refusedMilestone(lateLift, { type: "held", at: T(10), reason: "late" }).code).toBe("release_while_held");
  });

  it("closes the bypasses: nonconforming recognised, scheduled port re-inspection skipped, early port inspection, rejection after release", () => {
    const base = post(lodged(), accepted, physical);
    const bad = post(base, { ...localDone, result: "nonconforming" } as MilestoneInput);
    expect(refusedMilestone(bad, recognised).code).toBe("recognition_of_nonconforming_inspection");
    const recognisedState = post(base, localDone, recognised);
    const rescheduled = post(recognisedState, {
      type: "inspection_scheduled",
      at: T(30.5),
      place: "port",
      exceptionReason: "seal broken",
    });
    expect(refusedMilestone(rescheduled, released)).toMatchObject({
      code: "release_before_inspection",
      details: { retryable: true },
    });
    const earlyPort: MilestoneInput = {
      type: "inspection_completed",
      at: T(29),
      place: "port",
      result: "conforming",
      remarks: "",
    };
    expect(refusedMilestone(recognisedState, earlyPort).code).toBe("reinspection_after_recognition");
    const out = post(recognisedState, released);
    expect(refusedMilestone(out, { type: "rejected", at: T(32), reason: "x" }).code).toBe("rejection_after_release");
    expect(refusedMilestone(post(lodged(), accepted), released).code).toBe("release_before_risk_assessment");
    expect(refusedMilestone(lodged(), { type: "accepted", at: "2026-11-30T11:00:00Z" })).toMatchObject({
      code: "date_in_future",
      status: 422,
    });
  });

  it("a recognised inspection is not repeated at the port unless the milestone says why", () => {
    const s = post(lodged(), accepted, physical, localDone, recognised);
    const again: MilestoneInput = { type: "inspection_scheduled", at: T(30.5), place: "port" };
    expect(refusedMilestone(s, again)).toMatchObject({
      code: "reinspection_after_recognition",
      details: { field: "exceptionReason" },
    });
    const withReason = { ...again, exceptionReason: "seal broken on arrival" } as MilestoneInput;
    expect(decide(s, { kind: "milestone", milestone: withReason, now: NOW }).events).toHaveLength(1);
  });

  it("recognition needs direct clearance, the declaration's port, and a completed local inspection", () => {
    const conventional = post(lodged({ clearanceModel: "conventional" }), accepted, physical);
    expect(refusedMilestone(conventional, recognised)).toMatchObject({
      code: "recognition_needs_direct_clearance",
      status: 422,
    });
    const direct = post(lodged(), accepted, physical);
    expect(refusedMilestone(direct, { ...recognised, port: "alashankou" } as MilestoneInput).code).toBe(
      "recognised_at_other_port",
    );
    expect(refusedMilestone(direct, recognised).code).toBe("recognition_without_local_inspection");
  });

  it("goods exit only after release, and only for exports (imports arrive)", () => {
    const s = post(lodged(), accepted, physical, localDone);
    expect(refusedMilestone(s, { type: "goods_exited", at: T(32) }).code).toBe("exit_before_release");
    expect(refusedMilestone(s, { type: "goods_arrived", at: T(32) })).toMatchObject({
      code: "wrong_direction",
      status: 422,
    });
    const out = post(s, recognised, released, { type: "goods_exited", at: T(33) });
    expect(statusOf(out)).toBe("exited");
    expect(refusedMilestone(post(s, recognised, released), { type: "goods_exited", at: T(30.9) }).code).toBe(
      "out_of_sequence",
    );
  });

  it("records the arrival for clearance before or after the lodgement, never after the release", () => {
    // Pre-arrival lodgement: the goods arrive 2 h after it (and after the acceptance).
    const after = post(lodged(), accepted, { type: "arrived_for_clearance", at: T(2) });
    expect(after.timeline.map((e) => e.type)).toEqual(["DeclarationAccepted", "GoodsArrivedForClearance"]);
    expect(statusOf(after)).toBe("accepted"); // the arrival is not a status
    // Arrival before the lodgement: the one milestone that may precede it.
    const before = decide(lodged(), {
      kind: "milestone",
      milestone: { type: "arrived_for_clearance", at: T(-5) },
      now: NOW,
    });
    expect(before.events).toEqual([{ type: "GoodsArrivedForClearance", data: { at: T(-5) }, occurredAt: T(-5) }]);
    expect(refusedMilestone(lodged(), { type: "accepted", at: T(-1) }).code).toBe("stage_before_lodgement");
    // Once; the same arrival again records nothing; another instant is a conflict.
    expect(
      decide(before.state, { kind: "milestone", milestone: { type: "arrived_for_clearance", at: T(-5) }, now: NOW })
        .events,
    ).toEqual([]);
    expect(refusedMilestone(before.state, { type: "arrived_for_clearance", at: T(-4) }).code).toBe(
      "milestone_already_recorded",
    );
    // Not after the release, whichever is posted first.
    const s = post(lodged(), accepted, physical, localDone, recognised, released);
    expect(refusedMilestone(s, { type: "arrived_for_clearance", at: T(32) })).toMatchObject({
      code: "out_of_sequence",
      message: `DeclarationReleased at ${T(31)} cannot precede GoodsArrivedForClearance at ${T(32)}`,
    });
    const early = post(lodged(), accepted, physical, localDone, { type: "arrived_for_clearance", at: T(31.5) });
    expect(refusedMilestone(post(early, recognised), released).code).toBe("out_of_sequence");
    // Imports too (an import's arrival at its destination after release is goods_arrived, another milestone).
    const imp = lodged({ declarationNumber: "949920261000000001", direction: "import" });
    expect(post(imp, { type: "arrived_for_clearance", at: T(-1) }).timeline).toHaveLength(1);
  });

  it("keeps a lodgement's credit rating and other agencies' involvement; both optional", () => {
    const s = lodged({ creditRating: "aeo", otherAgencies: true });
    expect(s.lodgement).toMatchObject({ creditRating: "aeo", otherAgencies: true });
    expect(lodged().lodgement).not.toHaveProperty("creditRating");
  });

  it("amends and withdraws only before release; nothing after rejection or withdrawal", () => {
    const s = post(lodged(), accepted);
    const amended = decide(s, { kind: "amend", changes: { port: "alashankou" }, reason: "route changed", at: NOW });
    expect(amended.events[0]!.data).toEqual({ changes: { port: "alashankou" }, reason: "route changed" });
    expect(amended.state.lodgement!.port).toBe("alashankou");
    expect(
      decide(amended.state, { kind: "amend", changes: { port: "alashankou" }, reason: "x", at: NOW }).events,
    ).toEqual([]);
    const inspectedState = post(lodged(), accepted, physical, localDone);
    expect(refusal(inspectedState, { kind: "amend", changes: { port: "alashankou" }, reason: "x", at: NOW }).code).toBe(
      "amend_after_inspection",
    );
    const releasedState = post(lodged(), accepted, { type: "risk_assessed", at: T(1), channel: "none" }, released);
    const err = refusal(releasedState, { kind: "amend", changes: { transportMode: "road" }, reason: "x", at: NOW });
    expect(err).toMatchObject({ code: "illegal_transition", details: { state: "released" } });
    expect(refusal(releasedState, { kind: "withdraw", reason: "x", at: NOW }).code).toBe("illegal_transition");
    const withdrawn = decide(s, { kind: "withdraw", reason: "order cancelled", at: NOW }).state;
    expect(statusOf(withdrawn)).toBe("withdrawn");
    expect(refusedMilestone(withdrawn, { type: "risk_assessed", at: T(1), channel: "none" })).toMatchObject({
      code: "declaration_closed",
      details: { state: "withdrawn" },
    });
    const rejected = post(lodged(), { type: "rejected", at: T(1), reason: "HS code does not match goods" });
    expect(statusOf(rejected)).toBe("rejected");
    expect(refusedMilestone(rejected, accepted).code).toBe("declaration_closed");
  });
});

describe("declaration decider: late, out-of-order and duplicate milestones", () => {
  it("accepts milestones in any arrival order; the timeline and stage order follow the business time", () => {
    const s = post(lodged(), localDone, physical, accepted, recognised, released);
    expect(s.timeline.map((e) => e.type)).toEqual([
      "DeclarationAccepted",
      "RiskAssessed",
      "InspectionCompleted",
      "InspectionRecognised",
      "DeclarationReleased",
    ]);
    expect(statusOf(s)).toBe("released");
    // Local inspection arriving after the recognition is refused only if it contradicts it in time.
    const early = post(lodged(), accepted, physical);
    expect(refusedMilestone(post(early, localDone), { ...recognised, at: T(3) } as MilestoneInput).code).toBe(
      "out_of_sequence",
    );
  });

  it("the same milestone posted twice is one milestone, whatever the offset it is spelled in", () => {
    const s = post(lodged(), accepted);
    expect(decide(s, { kind: "milestone", milestone: accepted, now: NOW }).events).toEqual([]);
    const sameInstant: MilestoneInput = { type: "accepted", at: "2026-03-02T08:30:00+08:00" };
    expect(decide(s, { kind: "milestone", milestone: sameInstant, now: NOW }).events).toEqual([]);
    // Same type, other details: a conflict, not a second milestone.
    expect(refusedMilestone(s, { type: "accepted", at: T(0.75) })).toMatchObject({
      code: "milestone_already_recorded",
      details: { conflictsWith: { type: "DeclarationAccepted" } },
    });
    const lifted = post(s, physical, { type: "held", at: T(2), reason: "r" }, { type: "hold_lifted", at: T(3) });
    expect(
      decide(lifted, { kind: "milestone", milestone: { type: "hold_lifted", at: T(3) }, now: NOW }).events,
    ).toEqual([]);
  });
});
