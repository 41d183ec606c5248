/**
 * The negative-list check ("非禁即入", Foreign Investment Law art. 4; README, negative-list checks and investment filings): which edition
 * is in force on a date, and what it says about a proposed investment. Pure functions over edition
 * data; the HTTP check runs them over the editions in the read model.
 *
 * Edition in force: inside an FTZ area the FTZ edition, elsewhere the national one (each edition's
 * 说明); of that scope, the edition with the latest `inForceFrom` on or before the date whose
 * `inForceUntil` (recorded history) is not before it. A published edition only takes effect after
 * its publishing day and a historical one only fills dates no edition covers (edition-decider.ts),
 * so the answer for a date never changes once given, except by a correction of a wrongly recorded
 * text (NegativeListEditionCorrected).
 *
 * Matching, clause by clause: a clause concerns the proposal when one of the proposed industry
 * codes and one of the clause's codes is a prefix of the other (a division reaches its groups and
 * classes). Whether it then applies:
 * - an activity of the clause that the proposal names (`activities`) → applies;
 * - a `wholeClass` activity whose class the proposal names (or a narrower code) → applies;
 * - `activities` given but none of the clause's → does not apply (the list is the whole list);
 * - otherwise → undecided: the class holds activities the measure does not cover.
 * A prohibited measure → prohibited; a restricted one → its conditions checked against the shares
 * and nationality (any unmet → restricted, naming them). The outcome is the worst applying clause;
 * when an undecided clause could make it worse, the outcome is `indeterminate`, and `candidates`
 * says what each undecided activity would give: the worst case is never shown as the answer.
 *
 * Confidence: an answer rests on measures (the deciding and candidate ones; for `permitted`, every
 * measure of the edition, since it says none applies). When any of them was not read in an official
 * or faithful copy (`textVerified: false`), `confidence` is `unverified` and the measures are named.
 */
import type { Activity, Condition, Measure } from "../../contracts/negative-list/measure-shapes";
import type { CheckInput } from "../../contracts/negative-list/http";
import type { EditionData } from "../../contracts/negative-list/events";
import { INDUSTRY_CLASSES, type IndustryClass, industryClass } from "../../contracts/identifiers/industry-class";

/** How one condition fared. */
export interface ConditionResult {
  condition: Condition;
  met: boolean;
  /** What was required and what was proposed, in words with percentages. */
  explanation: string;
}

/** An activity as answers name it. */
export interface ActivityRef {
  id: string;
  nameZh: string;
  nameEn: string;
}

/** One clause of a measure that concerns the proposal, and what it decided. */
export interface MeasureMatch {
  measure: number;
  kind: Measure["kind"];
  sector: string | null;
  text: string;
  textVerified: boolean;
  confidence: string;
  source: string;
  clause: string;
  coverage: "full" | "partial";
  /** Proposed codes that met the clause's codes. */
  industryCodes: string[];
  /** `applies`: the proposal carries on the activity; `undecided`: its class does, the activity is not stated. */
  applies: "applies" | "undecided";
  /** The clause's activities that decided `applies` (those named or implied, or all of them when undecided). */
  activities: ActivityRef[];
  status: "prohibited" | "conditions_not_met" | "conditions_met";
  conditions: ConditionResult[];
}

/** What the outcome would be if the proposal carried on one undecided activity. */
export interface Candidate {
  activity: ActivityRef;
  outcome: "permitted" | "restricted" | "prohibited";
  /** Measures that would decide it (empty for permitted). */
  measures: number[];
  conditionsNotMet: { measure: number; clause: string; explanation: string }[];
}

/** An industry code asked about, with its names in GB/T 4754-2017. */
export type IndustryEcho = IndustryClass;

/** The answer. */
export interface CheckResult {
  outcome: "permitted" | "restricted" | "prohibited" | "indeterminate";
  /** `unverified` when the answer rests on a measure whose text was not read in an official or faithful copy. */
  confidence: "verified" | "unverified";
  /** The measures the answer rests on that are not verified, by number. */
  unverifiedMeasures: number[];
  /** Why `confidence` is what it is, in words. */
  confidenceNote: string;
  edition: { editionId: string; scope: string; title: string; inForceFrom: string; inForceUntil: string | null };
  date: string;
  industries: IndustryEcho[];
  /** The activities stated, or null when not stated. */
  activities: ActivityRef[] | null;
  /** Every clause that concerns the proposal (applying and undecided), worst first. */
  matches: MeasureMatch[];
  /** For `indeterminate`: each undecided activity that could change the outcome, and what it would give. */
  candidates: Candidate[];
  /** For `indeterminate`: the outcome when none of the candidate activities is carried on. */
  otherwise: "permitted" | "restricted" | null;
  /**
   * True when a broad code's every class is one of the candidate activities and they all give the
   * outcome: it holds whichever is carried on, and `candidates` names the measures that give it.
   */
  alternatives: boolean;
  /** For `indeterminate`: what would decide it. */
  decidedBy: string | null;
  /** The unmet conditions of applying restricted clauses. */
  conditionsNotMet: { measure: number; clause: string; explanation: string }[];
}

/** A question the edition cannot answer as asked: `pointer` names the query member (e.g. `activities`). */
export class CheckQuestionError extends Error {
  constructor(
    readonly member: string,
    message: string,
  ) {
    super(message);
    this.name = "CheckQuestionError";
  }
}

/** An edition's dates, as the in-force rule needs them. */
type Dated = Pick<EditionData, "scope" | "inForceFrom"> & { inForceUntil?: string | undefined };

/**
 * The edition of `scope` in force on `date`: latest `inForceFrom` ≤ date, unless that edition's
 * `inForceUntil` is before the date (a gap in the recorded history: undefined, not the older one).
 */
export function editionInForce<E extends Dated>(
  editions: readonly E[],
  scope: "national" | "ftz",
  date: string,
): E | undefined {
  const latest = editions
    .filter((e) => e.scope === scope && e.inForceFrom <= date)
    .sort((a, b) => (a.inForceFrom < b.inForceFrom ? 1 : -1))[0];
  return latest && (latest.inForceUntil === undefined || latest.inForceUntil >= date) ? latest : undefined;
}

const pct = (n: number) => `${Number(n.toFixed(4))}%`;

/** Percent → ten-thousandths of a percent, so comparisons are exact (100 − 70.3 is not 29.7 in floats). */
const units = (percent: number) => Math.round(percent * 10_000);

function evaluate(c: Condition, q: CheckInput): ConditionResult {
  const foreign = units(q.foreignShare);
  const largest = units(q.largestForeignInvestor);
  const chineseUnits = 1_000_000 - foreign;
  const chinese = chineseUnits / 10_000;
  switch (c.type) {
    case "chinese_share_min":
      return {
        condition: c,
        met: chineseUnits >= units(c.percent),
        explanation: `Chinese share at least ${pct(c.percent)}; proposed ${pct(chinese)}`,
      };
    case "chinese_control":
      return {
        condition: c,
        met: chineseUnits > units(50),
        explanation: `Chinese control (Chinese share above 50%); proposed ${pct(chinese)}`,
      };
    case "chinese_relative_control":
      return {
        condition: c,
        met: chineseUnits > largest,
        explanation: `Chinese relative control (Chinese share above the largest foreign investor's); proposed ${pct(chinese)} against ${pct(q.largestForeignInvestor)}`,
      };
    case "foreign_share_max":
      return {
        condition: c,
        met: foreign <= units(c.percent),
        explanation: `foreign share at most ${pct(c.percent)}; proposed ${pct(q.foreignShare)}`,
      };
    case "single_foreign_investor_max":
      return {
        condition: c,
        met: largest <= units(c.percent),
        explanation: `one foreign investor with affiliates at most ${pct(c.percent)}; proposed ${pct(q.largestForeignInvestor)}`,
      };
    case "joint_venture_only":
      return {
        condition: c,
        met: foreign > 0 && foreign < units(100),
        explanation: `joint venture with a Chinese partner only; proposed foreign share ${pct(q.foreignShare)}`,
      };
    case "chinese_legal_representative":
      return {
        condition: c,
        met: q.legalRepresentative === "CN",
        explanation: `legal representative of Chinese nationality; proposed ${q.legalRepresentative}`,
      };
  }
}

const overlaps = (proposed: string, listed: string) => proposed.startsWith(listed) || listed.startsWith(proposed);
/** `proposed` is the listed class itself or narrower: naming it names the whole class. */
const within = (proposed: string, listed: string) => proposed.startsWith(listed);
const RANK = { prohibited: 0, conditions_not_met: 1, conditions_met: 2 } as const;
type Status = keyof typeof RANK;
const OUTCOME_OF = { prohibited: "prohibited", conditions_not_met: "restricted", conditions_met: "permitted" } as const;
const ref = (a: Activity): ActivityRef => ({ id: a.id, nameZh: a.nameZh, nameEn: a.nameEn });

/** A clause without named activities stands for one implicit activity: the clause's own scope. */
function clauseActivities(m: Measure, j: number, byId: ReadonlyMap<string, Activity>): Activity[] {
  const c = m.clauses[j]!;
  if (c.activities?.length) return c.activities.map((id) => byId.get(id)!).filter(Boolean);
  return [
    {
      id: `measure-${m.number}-clause-${j + 1}`,
      nameZh: c.scope,
      nameEn: c.scope,
      industryCodes: c.industryCodes,
      wholeClass: c.coverage === "full",
    },
  ];
}

/** The classes a code asks about: itself for a class, every class under it for a division or group. */
function classesUnder(code: string): string[] {
  if (code.length === 4) return [code];
  return [...INDUSTRY_CLASSES.values()]
    .filter((c) => c.level === "class" && c.code.startsWith(code))
    .map((c) => c.code);
}

const worstOf = (statuses: Status[]): Status | undefined =>
  statuses.sort((a, b) => RANK[a] - RANK[b])[0] as Status | undefined;

/** The question resolved against the edition: the industries asked about and the activities stated. */
interface Question {
  byId: Map<string, Activity>;
  industries: IndustryClass[];
  stated: Activity[] | undefined;
  statedIds: Set<string> | undefined;
}

/**
 * Resolves `q`'s industry codes in GB/T 4754-2017 and its stated activities in `edition`.
 * @throws CheckQuestionError when a code is not in the standard, or a stated activity is not in
 *   the edition or not in the stated industries.
 */
function resolveQuestion(edition: EditionData, q: CheckInput): Question {
  const byId = new Map((edition.activities ?? []).map((a) => [a.id, a]));
  const industries = q.industry.map((code) => {
    const known = industryClass(code);
    if (!known) throw new CheckQuestionError("industry", `${code} is not a code of GB/T 4754-2017`);
    return known;
  });
  const stated = q.activities?.map((id) => {
    const a = byId.get(id);
    if (!a) {
      const known = [...byId.keys()];
      throw new CheckQuestionError(
        "activities",
        `unknown activity ${JSON.stringify(id)} in ${edition.editionId}; known: ${known.length ? known.join(", ") : "none"}`,
      );
    }
    if (!q.industry.some((p) => a.industryCodes.some((l) => overlaps(p, l)))) {
      throw new CheckQuestionError(
        "activities",
        `activity ${id} falls in ${a.industryCodes.join(", ")}, none of which is among the industry codes given`,
      );
    }
    return a;
  });
  return { byId, industries, stated, statedIds: stated ? new Set(stated.map((a) => a.id)) : undefined };
}

/**
 * Every clause of the edition the question falls in, as a match: it `applies` when a stated
 * activity (or a whole class asked about) is one it covers, else it is `undecided`; clauses the
 * stated activities rule out are left out. No foreign equity: not a foreign investment, so the
 * list does not apply (Foreign Investment Law art. 2) and there are no matches. Sorted worst
 * first, applying before undecided, then by measure number.
 */
function matchMeasures(edition: EditionData, q: CheckInput, { byId, statedIds }: Question): MeasureMatch[] {
  const matches: MeasureMatch[] = [];
  const foreignInvestment = units(q.foreignShare) > 0;
  for (const m of foreignInvestment ? edition.measures : []) {
    m.clauses.forEach((clause, j) => {
      const codes = q.industry.filter((p) => clause.industryCodes.some((l) => overlaps(p, l)));
      if (codes.length === 0) return;
      const acts = clauseActivities(m, j, byId).filter((a) =>
        q.industry.some((p) => a.industryCodes.some((l) => overlaps(p, l))),
      );
      if (acts.length === 0) return;
      const applying = acts.filter(
        (a) =>
          statedIds?.has(a.id) || (a.wholeClass && q.industry.some((p) => a.industryCodes.some((l) => within(p, l)))),
      );
      // Stated activities are the whole list; a clause with no named activities cannot be ruled out by them.
      const ruledOut = applying.length === 0 && statedIds !== undefined && Boolean(clause.activities?.length);
      if (ruledOut) return;
      const conditions = m.kind === "prohibited" ? [] : clause.conditions.map((c) => evaluate(c, q));
      const status: Status =
        m.kind === "prohibited"
          ? "prohibited"
          : conditions.every((c) => c.met)
            ? "conditions_met"
            : "conditions_not_met";
      matches.push({
        measure: m.number,
        kind: m.kind,
        sector: m.sector,
        text: m.text,
        textVerified: m.textVerified,
        confidence: m.confidence,
        source: m.source,
        clause: clause.scope,
        coverage: clause.coverage,
        industryCodes: codes,
        applies: applying.length ? "applies" : "undecided",
        activities: (applying.length ? applying : acts).map(ref),
        status,
        conditions,
      });
    });
  }
  return matches.sort(
    (a, b) =>
      RANK[a.status] - RANK[b.status] ||
      (a.applies === b.applies ? 0 : a.applies === "applies" ? -1 : 1) ||
      a.measure - b.measure,
  );
}

/** The unmet conditions of `ms`, one per condition, naming measure and clause. */
const unmetConditions = (ms: MeasureMatch[]) =>
  ms
    .filter((m) => m.status === "conditions_not_met")
    .flatMap((m) =>
      m.conditions
        .filter((c) => !c.met)
        .map((c) => ({ measure: m.measure, clause: m.clause, explanation: c.explanation })),
    );

/**
 * When undecided clauses would make the answer worse than what certainly applies: every
 * undecided activity as a candidate with the outcome it would give. A broad code whose every
 * class is wholly one of the candidates leaves no "none of them": when the candidates then all
 * agree, that is the answer (`alternatives`; e.g. division 86, news and publishing, is
 * prohibited whichever of its classes is carried on).
 */
function candidatesFor(
  q: CheckInput,
  { byId }: Question,
  matches: MeasureMatch[],
  applying: MeasureMatch[],
): { candidates: Candidate[]; agreed: CheckResult["outcome"] | null } {
  const undecided = matches.filter((m) => m.applies === "undecided");
  const activityIds = [...new Set(undecided.flatMap((m) => m.activities.map((a) => a.id)))];
  const candidates = activityIds.map((id) => {
    const activity = undecided.flatMap((m) => m.activities).find((a) => a.id === id)!;
    const involved = [...applying, ...undecided.filter((m) => m.activities.some((a) => a.id === id))];
    const worst = worstOf(involved.map((m) => m.status)) ?? "conditions_met";
    const deciding = involved.filter((m) => m.status === worst && worst !== "conditions_met");
    return {
      activity,
      outcome: OUTCOME_OF[worst],
      measures: [...new Set(deciding.map((m) => m.measure))],
      conditionsNotMet: unmetConditions(deciding),
    };
  });
  const wholly = new Set(
    undecided
      .flatMap((m) => m.activities)
      .flatMap((a) => {
        const act = byId.get(a.id);
        return act?.wholeClass ? act.industryCodes : [];
      }),
  );
  const noneOfThem = q.industry.some((p) => classesUnder(p).some((c) => !wholly.has(c)));
  const outcomes = new Set(candidates.map((c) => c.outcome));
  return { candidates, agreed: !noneOfThem && outcomes.size === 1 ? [...outcomes][0]! : null };
}

/**
 * How far the answer can be trusted: `unverified` when it rests on a measure whose text was not
 * read in an official or faithful copy (a permitted answer rests on every measure of the edition,
 * since it says none applies), with the note a reader sees.
 */
function confidenceOf(
  edition: EditionData,
  outcome: CheckResult["outcome"],
  deciding: MeasureMatch[],
): Pick<CheckResult, "confidence" | "unverifiedMeasures" | "confidenceNote"> {
  const restsOn =
    outcome === "permitted"
      ? edition.measures
      : edition.measures.filter((m) => deciding.some((d) => d.measure === m.number));
  const unverifiedMeasures = [...new Set(restsOn.filter((m) => !m.textVerified).map((m) => m.number))].sort(
    (a, b) => a - b,
  );
  const confidence = unverifiedMeasures.length ? "unverified" : "verified";
  const confidenceNote =
    confidence === "verified"
      ? outcome === "permitted"
        ? `every measure of ${edition.editionId} was read in an official or faithful copy; industry codes are this product's mapping of each measure`
        : `the deciding measures were read in an official or faithful copy; industry codes are this product's mapping of each measure`
      : `rests on measure(s) ${unverifiedMeasures.join(", ")} of ${edition.editionId}, whose text was not read in an official or faithful copy: confirm against the published list before acting on it`;
  return { confidence, unverifiedMeasures, confidenceNote };
}

/**
 * Checks `q` against `edition` (the one in force on `q.date` for the site): the worst of the
 * clauses that certainly apply, or `indeterminate` with the candidate activities when undecided
 * clauses could make it worse (and `decidedBy` says what to state).
 * @throws CheckQuestionError when a stated activity is not in the edition or not in the stated industries.
 */
export function checkAgainst(edition: EditionData, q: CheckInput): CheckResult {
  const question = resolveQuestion(edition, q);
  const matches = matchMeasures(edition, q, question);
  const applying = matches.filter((m) => m.applies === "applies");
  const certain = worstOf(applying.map((m) => m.status)) ?? "conditions_met";
  // Undecided clauses that would make the answer worse than what certainly applies.
  const open = matches.filter((m) => m.applies === "undecided" && RANK[m.status] < RANK[certain]);

  let candidates: Candidate[] = [];
  let outcome: CheckResult["outcome"] = OUTCOME_OF[certain];
  let noOtherwise = false;
  if (open.length) {
    // Indeterminate: every undecided activity is a candidate, also those that would not change it.
    const found = candidatesFor(q, question, matches, applying);
    candidates = found.candidates;
    outcome = found.agreed ?? "indeterminate";
    noOtherwise = found.agreed !== null;
  }

  const certainlyDeciding = applying.filter((m) => m.status === certain && certain !== "conditions_met");
  const deciding = outcome === "indeterminate" || noOtherwise ? [...certainlyDeciding, ...open] : certainlyDeciding;
  return {
    outcome,
    ...confidenceOf(edition, outcome, deciding),
    edition: {
      editionId: edition.editionId,
      scope: edition.scope,
      title: edition.title,
      inForceFrom: edition.inForceFrom,
      inForceUntil: edition.inForceUntil ?? null,
    },
    date: q.date,
    industries: question.industries,
    activities: question.stated?.map(ref) ?? null,
    matches,
    candidates,
    otherwise: outcome === "indeterminate" ? (OUTCOME_OF[certain] as "permitted" | "restricted") : null,
    alternatives: noOtherwise,
    decidedBy:
      outcome === "indeterminate"
        ? `state the activities the investment will carry on (activities=${candidates.map((c) => c.activity.id).join(",")} or the ones that apply; an empty activities= means none of them)`
        : null,
    conditionsNotMet: unmetConditions(applying),
  };
}
