/**
 * Synthetic declarations and customs milestones for the prefecture's flows (no real declaration
 * data is public). Deterministic: the same seed, count and window give the same declarations,
 * numbers, times and delivery order. The assumptions (products, routes, channel mix, lognormal
 * stage times, late and duplicate deliveries; for the Time Release Study the arrival for
 * clearance, pre-arrival lodgements, credit ratings and other agencies' involvement) are data in
 * `data/sample-flows.json`, each block marked as assumed (not measured).
 *
 * `loadSampleDeclarations` feeds them through the declaration decider as customs systems would
 * deliver them: in arrival order, some late (out of business-time order) and some twice; a
 * milestone refused because its prerequisite has not arrived yet is retried after the others,
 * as a customs system retries. Each declaration's events are appended in one append.
 */
import path from "node:path";
import prand from "pure-rand";
import { z } from "../../contracts/http/zod";
import { formatDeclarationNumber } from "../../contracts/identifiers/declaration-number";
import { USCC_ALPHABET, usccCheckCharacter } from "../../contracts/identifiers/uscc";
import { CreditRating } from "../../contracts/direct-clearance/declaration-shapes";
import { declarationStream } from "../../contracts/direct-clearance/events";
import { DomainError } from "../platform/decider";
import type { EventMetadata, EventStore } from "../platform/event-store/types";
import { readDataFile } from "../platform/code-list";
import { uuidV5 } from "../platform/uuid-v5";
import {
  type DeclarationEvent,
  type DeclarationState,
  declarationDecider,
  type LodgementData,
  type MilestoneInput,
  NO_DECLARATION,
} from "./declaration-decider";
import { clearanceCodeLists } from "./code-lists";

const Lognormal = z.object({ median: z.number().positive(), sigma: z.number().min(0) });
const Flows = z.object({
  window: z.object({ from: z.iso.date(), daysBeforeNow: z.number().int().min(0) }),
  directShare: z.number().min(0).max(1),
  importShare: z.number().min(0).max(1),
  enterprisePrefix: z.string().length(8),
  enterprises: z.number().int().min(1),
  products: z.array(
    z.object({
      name: z.string(),
      hsCode: z.string(),
      direction: z.enum(["import", "export"]),
      unit: z.string(),
      quantity: z.tuple([z.number(), z.number()]),
      unitValueUsd: z.tuple([z.number(), z.number()]),
      countries: z.array(z.string()).min(1),
      weight: z.number().positive(),
    }),
  ),
  routes: z.array(
    z.object({ port: z.string(), mode: z.enum(["rail", "road"]), weight: z.number().positive(), transit: Lognormal }),
  ),
  channels: z.record(
    z.enum(["direct", "conventional"]),
    z.record(z.enum(["none", "documentary", "physical"]), z.number()),
  ),
  stages: z.object({
    lodgementToAcceptance: Lognormal,
    acceptanceToRisk: Lognormal,
    riskToInspectionScheduled: Lognormal,
    localInspection: Lognormal,
    portQueueBeforeInspection: Lognormal,
    portInspection: Lognormal,
    documentaryCheckAtPort: Lognormal,
    recognitionAfterArrival: Lognormal,
    releaseAfterControl: Lognormal,
    exitAfterRelease: Lognormal,
    deliveryAfterImportRelease: Lognormal,
    hold: Lognormal.extend({ probability: z.number().min(0).max(1) }),
    outlier: z.object({ probability: z.number().min(0).max(1), factor: z.number().min(1) }),
  }),
  delivery: z.object({ lateProbability: z.number().min(0).max(1), duplicateProbability: z.number().min(0).max(1) }),
  timeReleaseStudy: z.object({
    confidence: z.literal("assumed"),
    creditRatings: z.record(CreditRating, z.number().min(0)),
    aeoPhysicalInspectionFactor: z.number().min(0),
    otherAgencies: z.object({ probability: z.number().min(0).max(1), waitBeforeRelease: Lognormal }),
    importPreArrival: z.object({ probability: z.number().min(0).max(1), leadBeforeArrival: Lognormal }),
    importLodgementAfterArrival: Lognormal,
  }),
});
type Flows = z.infer<typeof Flows>;

let flows: Flows | undefined;
/** The generator's assumptions from `data/sample-flows.json`. */
export const sampleFlows = (): Flows =>
  (flows ??= Flows.parse(readDataFile(path.join(__dirname, "data", "sample-flows.json"))));

/** One generated declaration: its lodgement and its milestones in the order customs delivers them. */
export interface SampleDeclaration {
  lodgement: LodgementData;
  milestones: MilestoneInput[];
}

/** A seeded random source: uniform doubles in [0, 1), choices, lognormal draws. */
class Random {
  private readonly rng: prand.RandomGenerator;
  constructor(seed: number) {
    this.rng = prand.xoroshiro128plus(seed);
  }
  next(): number {
    return prand.unsafeUniformIntDistribution(0, 2 ** 30 - 1, this.rng) / 2 ** 30;
  }
  between(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }
  int(lo: number, hi: number): number {
    return prand.unsafeUniformIntDistribution(lo, hi, this.rng);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  weighted<T>(items: readonly T[], weight: (t: T) => number): T {
    const total = items.reduce((s, i) => s + weight(i), 0);
    let r = this.next() * total;
    for (const i of items) {
      r -= weight(i);
      if (r < 0) return i;
    }
    return items[items.length - 1]!;
  }
  /** A lognormal draw with the given median and log-sigma (Box–Muller). */
  lognormal(l: { median: number; sigma: number }): number {
    const u = Math.max(this.next(), 1e-12);
    const v = this.next();
    return l.median * Math.exp(l.sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
  }
}

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(Math.round(ms / 1000) * 1000).toISOString();

/** `count` enterprise credit codes under the prefix (valid check characters). */
function enterprises(r: Random, prefix: string, count: number): string[] {
  return Array.from({ length: count }, () => {
    const body = `${prefix}${Array.from({ length: 9 }, () => USCC_ALPHABET[r.int(0, 9)]).join("")}`;
    return body + usccCheckCharacter(body);
  });
}

/** Draws of the Time Release Study assumptions, from their own stream (the others' draws are unchanged). */
interface TrsDraws {
  r: Random;
  /** Each enterprise's credit rating, by credit code. */
  ratings: Map<string, CreditRating>;
}

/**
 * Generates `count` declarations lodged between the window's start and `daysBeforeNow` before
 * `now`, deterministically for `seed`.
 */
export function generateDeclarations(opts: { seed: number; count: number; now: Date }): SampleDeclaration[] {
  const f = sampleFlows();
  const r = new Random(opts.seed);
  const ref = clearanceCodeLists();
  const firms = enterprises(r, f.enterprisePrefix, f.enterprises);
  const tr = new Random(opts.seed + 0x5452); // "TR": the Time Release Study's own stream
  const ratingWeights = Object.entries(f.timeReleaseStudy.creditRatings) as [CreditRating, number][];
  const trs: TrsDraws = {
    r: tr,
    ratings: new Map(firms.map((firm) => [firm, tr.weighted(ratingWeights, ([, w]) => w)[0]])),
  };
  const from = Date.parse(`${f.window.from}T00:00:00+08:00`);
  const to = opts.now.getTime() - f.window.daysBeforeNow * 24 * HOUR;
  const sequences = new Map<string, number>();
  const out: SampleDeclaration[] = [];
  for (let n = 0; n < opts.count; n++) {
    const wantImport = r.chance(f.importShare);
    const candidates = f.products.filter((p) => (p.direction === "import") === wantImport);
    const product = r.weighted(candidates.length ? candidates : f.products, (p) => p.weight);
    const direction = product.direction;
    const model = r.chance(f.directShare) ? "direct" : "conventional";
    const route = r.weighted(f.routes, (x) => x.weight);
    const portOffice = ref.ports.get(route.port)!.customsOffice;
    const office = model === "direct" ? ref.ports.get("korla")!.customsOffice : portOffice;
    const t0 = r.between(from, to);
    const lodgedAt = iso(t0);
    const year = Number(new Date(t0 + 8 * HOUR).toISOString().slice(0, 4));
    const seqKey = `${office}${year}`;
    const sequence = (sequences.get(seqKey) ?? r.int(1, 50_000) * 1000) + 1;
    sequences.set(seqKey, sequence);
    const quantity = Math.round(r.between(product.quantity[0], product.quantity[1]));
    const value = Math.round(quantity * r.between(product.unitValueUsd[0], product.unitValueUsd[1]) * 100) / 100;
    const lodgement: LodgementData = {
      declarationNumber: formatDeclarationNumber({ office, year, direction, sequence }),
      enterprise: firms[r.int(0, firms.length - 1)]!,
      direction,
      clearanceModel: model,
      declaringOffice: office,
      port: route.port,
      transportMode: route.mode,
      goods: [
        {
          lineNo: 1,
          hsCode: product.hsCode,
          description: product.name,
          quantity,
          unit: product.unit,
          value,
          currency: "USD",
          country: product.countries[r.int(0, product.countries.length - 1)]!,
        },
      ],
      lodgedAt,
    };
    lodgement.creditRating = trs.ratings.get(lodgement.enterprise)!;
    lodgement.otherAgencies = tr.chance(f.timeReleaseStudy.otherAgencies.probability);
    out.push({ lodgement, milestones: deliveryOrder(r, f, milestonesFor(r, trs, f, lodgement, t0, route.transit)) });
  }
  return out;
}

/**
 * The milestones of one declaration in business-time order, with its arrival for clearance: an
 * export's at the border port after transit, an import's where it is lodged, before or after the
 * lodgement (an import's controls start once both the risk assessment and the arrival are in).
 */
function milestonesFor(
  r: Random,
  trs: TrsDraws,
  f: Flows,
  l: LodgementData,
  t0: number,
  transit: { median: number; sigma: number },
): MilestoneInput[] {
  const s = f.stages;
  const after = (t: number, stage: { median: number; sigma: number }) => t + r.lognormal(stage) * HOUR;
  const outlier = r.chance(s.outlier.probability) ? s.outlier.factor : 1;
  const m: MilestoneInput[] = [];
  const accepted = after(t0, s.lodgementToAcceptance);
  const risk = after(accepted, s.acceptanceToRisk);
  const t = f.timeReleaseStudy;
  // AEO enterprises are sent to physical inspection less often (assumed factor); one draw either way.
  const aeo = l.creditRating === "aeo";
  const channel = r.weighted(Object.entries(f.channels[l.clearanceModel]!), ([c, p]) =>
    aeo && c === "physical" ? p * t.aeoPhysicalInspectionFactor : p,
  )[0] as "none" | "documentary" | "physical";
  m.push({ type: "accepted", at: iso(accepted) }, { type: "risk_assessed", at: iso(risk), channel });
  let control: number;
  const local = l.clearanceModel === "direct";
  const transitHours = r.lognormal(transit) * HOUR * outlier;
  if (l.direction === "export") {
    let depart = risk + 0.5 * HOUR;
    if (local && channel === "physical") {
      const scheduled = after(risk, s.riskToInspectionScheduled);
      const done = after(scheduled, s.localInspection);
      m.push(
        { type: "inspection_scheduled", at: iso(scheduled), place: "local" },
        { type: "inspection_completed", at: iso(done), place: "local", result: "conforming", remarks: "" },
      );
      depart = done;
    }
    const arrival = depart + transitHours;
    m.push({ type: "arrived_for_clearance", at: iso(arrival) });
    if (local && channel === "physical") {
      control = after(arrival, s.recognitionAfterArrival);
      m.push({ type: "inspection_recognised", at: iso(control), port: l.port });
    } else if (!local && channel === "physical") {
      const scheduled = after(arrival, s.portQueueBeforeInspection);
      control = after(scheduled, s.portInspection);
      m.push(
        { type: "inspection_scheduled", at: iso(scheduled), place: "port" },
        { type: "inspection_completed", at: iso(control), place: "port", result: "conforming", remarks: "" },
      );
    } else {
      control = after(
        arrival,
        channel === "documentary" && !local ? s.documentaryCheckAtPort : s.recognitionAfterArrival,
      );
    }
  } else {
    // Imports are lodged where the goods are: direct ones at Korla after travelling there under
    // seal (inspected at the local site), conventional ones at the port on arrival (inspected
    // there, then carried to Korla after release). Some are lodged before the goods arrive.
    const arrival = trs.r.chance(t.importPreArrival.probability)
      ? t0 + trs.r.lognormal(t.importPreArrival.leadBeforeArrival) * HOUR
      : t0 - trs.r.lognormal(t.importLodgementAfterArrival) * HOUR;
    m.push({ type: "arrived_for_clearance", at: iso(arrival) });
    const atSite = Math.max(risk, arrival);
    if (channel === "physical") {
      const scheduled = after(atSite, local ? s.riskToInspectionScheduled : s.portQueueBeforeInspection);
      control = after(scheduled, local ? s.localInspection : s.portInspection);
      const place = local ? "local" : "port";
      m.push(
        { type: "inspection_scheduled", at: iso(scheduled), place },
        { type: "inspection_completed", at: iso(control), place, result: "conforming", remarks: "" },
      );
    } else {
      control = after(atSite, channel === "documentary" ? s.documentaryCheckAtPort : s.recognitionAfterArrival);
    }
  }
  let release = after(control, s.releaseAfterControl);
  if (l.otherAgencies) release += trs.r.lognormal(t.otherAgencies.waitBeforeRelease) * HOUR;
  if (r.chance(s.hold.probability)) {
    const heldAt = risk + (control - risk) * r.next();
    const lifted = heldAt + r.lognormal(s.hold) * HOUR;
    m.push({ type: "held", at: iso(heldAt), reason: "documents requested" }, { type: "hold_lifted", at: iso(lifted) });
    release = Math.max(release, lifted + r.lognormal(s.releaseAfterControl) * HOUR);
  }
  m.push({ type: "released", at: iso(release) });
  if (l.direction === "export") m.push({ type: "goods_exited", at: iso(after(release, s.exitAfterRelease)) });
  else {
    const delivered = local ? after(release, s.deliveryAfterImportRelease) : release + transitHours;
    m.push({ type: "goods_arrived", at: iso(delivered) });
  }
  return m.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

/** Arrival order: some milestones arrive late (moved 1–3 places back), some twice. */
function deliveryOrder(r: Random, f: Flows, inTimeOrder: MilestoneInput[]): MilestoneInput[] {
  const order = [...inTimeOrder];
  for (let i = order.length - 2; i >= 0; i--) {
    if (r.chance(f.delivery.lateProbability)) {
      const [late] = order.splice(i, 1);
      order.splice(Math.min(order.length, i + r.int(1, 3)), 0, late!);
    }
  }
  const out: MilestoneInput[] = [];
  for (const m of order) {
    out.push(m);
    if (r.chance(f.delivery.duplicateProbability)) out.push({ ...m });
  }
  return out;
}

/** What loading did. */
export interface SampleLoadOutcome {
  declarations: number;
  events: number;
  /** Milestones that were delivered twice and recorded once. */
  duplicatesIgnored: number;
  /** Milestones refused on first delivery (prerequisite not yet arrived) and accepted on retry. */
  retried: number;
  /** Milestones still refused after every retry (should be 0 for generated data). */
  refused: number;
}

/** Feeds `samples` through the decider (see module doc) and appends each declaration's events. */
export async function loadSampleDeclarations(
  store: EventStore,
  samples: readonly SampleDeclaration[],
  opts: { seed: number; metadata?: EventMetadata; now?: string },
): Promise<SampleLoadOutcome> {
  const outcome: SampleLoadOutcome = { declarations: 0, events: 0, duplicatesIgnored: 0, retried: 0, refused: 0 };
  const now = opts.now ?? new Date().toISOString();
  for (const sample of samples) {
    let state: DeclarationState = NO_DECLARATION;
    const events: DeclarationEvent[] = [];
    const apply = (decided: DeclarationEvent[]) => {
      for (const e of decided) {
        state = declarationDecider.evolve(state, e);
        events.push(e);
      }
    };
    apply(declarationDecider.decide({ kind: "lodge", lodgement: sample.lodgement, now }, state));
    let pending = [...sample.milestones];
    const firstTry = new Set<MilestoneInput>();
    while (pending.length) {
      const refusedNow: MilestoneInput[] = [];
      for (const milestone of pending) {
        try {
          const decided = declarationDecider.decide({ kind: "milestone", milestone, now }, state);
          if (decided.length === 0) outcome.duplicatesIgnored++;
          else if (firstTry.has(milestone)) outcome.retried++;
          apply(decided);
        } catch (err) {
          if (!(err instanceof DomainError)) throw err;
          firstTry.add(milestone);
          refusedNow.push(milestone);
        }
      }
      if (refusedNow.length === pending.length) {
        outcome.refused += refusedNow.length;
        break;
      }
      pending = refusedNow;
    }
    const stream = declarationStream(sample.lodgement.declarationNumber);
    await store.append(
      stream,
      events.map((e, i) => ({
        eventId: uuidV5(`sample-declaration:${opts.seed}:${stream}:${i}`),
        type: e.type,
        data: e.data,
        occurredAt: e.occurredAt,
        metadata: opts.metadata,
      })),
      "any",
    );
    outcome.declarations++;
    outcome.events += events.length;
  }
  return outcome;
}
