/**
 * The negative-list check ("非禁即入", DOMAIN.md §3): which edition is in force on a date, and
 * what it says about a proposed investment. Pure functions over edition data; the HTTP check
 * runs them over the editions in the Kafka-fed read model.
 *
 * Edition in force: inside an FTZ area the FTZ edition, elsewhere the national one
 * (Foreign Investment Law art. 4 and each edition's notes); of that scope, the edition with the
 * latest `inForceFrom` on or before the date. New editions can only take effect after the day they
 * are published (see edition-decider.ts), so the answer for a date never changes once that date
 * has passed.
 *
 * Matching: a measure's clause matches when one of the proposed industry codes and one of the
 * clause's codes is a prefix of the other (a division matches its groups and classes). A
 * prohibited measure → prohibited. A restricted measure → each condition checked against the
 * proposal; any not met → restricted (the unmet conditions named). Otherwise permitted. Codes are
 * mapped, not quoted from the list: a clause whose code is broader than its activity is
 * `partial`, and when the outcome rests on partial clauses only, `dependsOnActivity` says so.
 */
import type { CheckInput, Condition, EditionData, Measure } from "../../contracts/reference-data/negative-list";

/** How one condition fared. */
export interface ConditionResult {
  condition: Condition;
  met: boolean;
  /** What was required and what was proposed, in words with percentages. */
  explanation: string;
}

/** One matching clause of a measure and what it decided. */
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
  /** Proposed codes that matched the clause. */
  industryCodes: string[];
  status: "prohibited" | "conditions_not_met" | "conditions_met";
  conditions: ConditionResult[];
}

/** The answer. */
export interface CheckResult {
  outcome: "permitted" | "restricted" | "prohibited";
  /** True when the outcome rests only on clauses whose codes are broader than their activity. */
  dependsOnActivity: boolean;
  edition: { editionId: string; scope: string; title: string; inForceFrom: string };
  date: string;
  /** Every matching clause, worst first. */
  matches: MeasureMatch[];
  /** The unmet conditions of restricted matches, for the "restricted (conditions not met)" answer. */
  conditionsNotMet: { measure: number; clause: string; explanation: string }[];
}

/** The edition of `scope` in force on `date`: latest `inForceFrom` ≤ date; undefined when none. */
export function editionInForce<E extends Pick<EditionData, "scope" | "inForceFrom">>(
  editions: readonly E[],
  scope: "national" | "ftz",
  date: string,
): E | undefined {
  return editions
    .filter((e) => e.scope === scope && e.inForceFrom <= date)
    .sort((a, b) => (a.inForceFrom < b.inForceFrom ? 1 : -1))[0];
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
const RANK = { prohibited: 0, conditions_not_met: 1, conditions_met: 2 } as const;

/** Checks `q` against `edition` (the one in force on `q.date` for the site). */
export function checkAgainst(edition: EditionData, q: CheckInput): CheckResult {
  const matches: MeasureMatch[] = [];
  // No foreign equity: not a foreign investment, so the list does not apply (Foreign Investment Law art. 2).
  const foreignInvestment = units(q.foreignShare) > 0;
  for (const m of edition.measures) {
    for (const clause of m.clauses) {
      const codes = q.industry.filter((p) => clause.industryCodes.some((l) => overlaps(p, l)));
      if (codes.length === 0 || !foreignInvestment) continue;
      const conditions = m.kind === "prohibited" ? [] : clause.conditions.map((c) => evaluate(c, q));
      const status =
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
        status,
        conditions,
      });
    }
  }
  matches.sort((a, b) => RANK[a.status] - RANK[b.status] || a.measure - b.measure);
  const worst = matches[0]?.status;
  const outcome = worst === "prohibited" ? "prohibited" : worst === "conditions_not_met" ? "restricted" : "permitted";
  const deciding = matches.filter((m) => m.status === worst && worst !== "conditions_met");
  return {
    outcome,
    dependsOnActivity: deciding.length > 0 && deciding.every((m) => m.coverage === "partial"),
    edition: {
      editionId: edition.editionId,
      scope: edition.scope,
      title: edition.title,
      inForceFrom: edition.inForceFrom,
    },
    date: q.date,
    matches,
    conditionsNotMet: matches
      .filter((m) => m.status === "conditions_not_met")
      .flatMap((m) =>
        m.conditions
          .filter((c) => !c.met)
          .map((c) => ({ measure: m.measure, clause: m.clause, explanation: c.explanation })),
      ),
  };
}
