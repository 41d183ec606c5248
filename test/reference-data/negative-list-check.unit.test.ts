/**
 * Known-answer table of negative-list checks, written from the measures' text (national 2024,
 * FTZ 2021): each kind of prohibited measure, equity thresholds just under and just over, the
 * single-investor cap, management nationality, relative control, joint-venture-only, FTZ versus
 * national, dates before and after an edition took effect, unlisted industries.
 */
import type { CheckInput } from "../../contracts/reference-data/negative-list";
import { checkAgainst, editionInForce } from "../../services/reference-data/negative-list-check";
import { shippedEditions } from "../../services/reference-data/shipped-editions";

const editions = shippedEditions();

function check(q: Partial<CheckInput> & { industry: string[] }) {
  const input: CheckInput = {
    foreignShare: 49,
    largestForeignInvestor: 20,
    legalRepresentative: "CN",
    insideFtz: false,
    date: "2026-06-01",
    ...q,
  };
  const edition = editionInForce(editions, input.insideFtz ? "ftz" : "national", input.date);
  return edition ? checkAgainst(edition, input) : null;
}

type Row = [string, Partial<CheckInput> & { industry: string[] }, string, number[], boolean?];

/** [what, question, outcome, measures that decided it, dependsOnActivity]. */
const TABLE: Row[] = [
  ["tobacco wholesale (national #7)", { industry: ["5128"], foreignShare: 10 }, "prohibited", [7]],
  ["tobacco retail (national #7)", { industry: ["5227"] }, "prohibited", [7]],
  ["fishing in China's waters (national #4)", { industry: ["0411"] }, "prohibited", [4]],
  ["humanities and social science research (national #18)", { industry: ["7350"] }, "prohibited", [18]],
  ["compulsory education (national #21)", { industry: ["8321"] }, "prohibited", [21]],
  ["news agencies (national #23)", { industry: ["8610"] }, "prohibited", [23]],
  ["book and periodical publishing (national #24)", { industry: ["8621"] }, "prohibited", [24]],
  ["radio and TV stations (national #25)", { industry: ["8710"] }, "prohibited", [25]],
  ["TV programme production (national #26)", { industry: ["8730"] }, "prohibited", [26]],
  ["film distribution (national #27)", { industry: ["8760"] }, "prohibited", [27]],
  ["performing-arts troupes (national #29)", { industry: ["8810"] }, "prohibited", [29]],
  ["rare earth mining: the class also holds other metals", { industry: ["0931"] }, "prohibited", [5], true],
  ["a whole division (87) reaches the prohibited classes in it", { industry: ["87"] }, "prohibited", [25, 26, 27]],
  ["nuclear power, foreign 49.99% (Chinese control met)", { industry: ["4414"], foreignShare: 49.99 }, "permitted", []],
  [
    "nuclear power, foreign 50% (Chinese share not above 50%)",
    { industry: ["4414"], foreignShare: 50 },
    "restricted",
    [6],
  ],
  ["domestic water transport, foreign 51%", { industry: ["5511"], foreignShare: 51 }, "restricted", [8]],
  ["public air transport, one investor 25%", { industry: ["5611"], largestForeignInvestor: 25 }, "permitted", []],
  [
    "public air transport, one investor 25.01%",
    { industry: ["5611"], largestForeignInvestor: 25.01 },
    "restricted",
    [9],
  ],
  [
    "public air transport, foreign legal representative",
    { industry: ["5612"], legalRepresentative: "US" },
    "restricted",
    [9],
  ],
  [
    "other general aviation, Kazakh legal representative",
    { industry: ["5622"], legalRepresentative: "KZ" },
    "restricted",
    [9],
  ],
  [
    "civil airport, Chinese 40% above the largest foreign 30% (relative control)",
    { industry: ["5631"], foreignShare: 60, largestForeignInvestor: 30 },
    "permitted",
    [],
  ],
  [
    "civil airport, Chinese 40% below the largest foreign 45%",
    { industry: ["5631"], foreignShare: 60, largestForeignInvestor: 45 },
    "restricted",
    [10],
  ],
  ["basic telecoms, foreign 49%", { industry: ["6311"], foreignShare: 49 }, "permitted", []],
  ["basic telecoms, foreign 50%", { industry: ["6312"], foreignShare: 50 }, "restricted", [12]],
  ["value-added telecoms, foreign 50% (cap met)", { industry: ["6319"], foreignShare: 50 }, "permitted", []],
  ["value-added telecoms, foreign 50.01%", { industry: ["6319"], foreignShare: 50.01 }, "restricted", [12], true],
  [
    "market survey, wholly foreign-owned (joint ventures only)",
    { industry: ["7242"], foreignShare: 100, largestForeignInvestor: 100 },
    "restricted",
    [15],
  ],
  ["market survey, foreign 40% (JV, Chinese control)", { industry: ["7242"], foreignShare: 40 }, "permitted", []],
  ["higher education, foreign principal", { industry: ["8341"], legalRepresentative: "GB" }, "restricted", [20]],
  ["higher education, Chinese-led, Chinese principal", { industry: ["8341"], foreignShare: 40 }, "permitted", []],
  [
    "higher education, foreign 60% with a Chinese principal (中方主导 is about leadership, not equity)",
    { industry: ["8341"], foreignShare: 60, largestForeignInvestor: 30 },
    "permitted",
    [],
  ],
  [
    "civil airport, Chinese 29.7% equal to the largest foreign 29.7% (no float rounding)",
    { industry: ["5631"], foreignShare: 70.3, largestForeignInvestor: 29.7 },
    "restricted",
    [10],
  ],
  [
    "no foreign equity: the list does not apply",
    { industry: ["5128"], foreignShare: 0, largestForeignInvestor: 0 },
    "permitted",
    [],
  ],
  [
    "hospital, foreign 70% (a joint venture)",
    { industry: ["8411"], foreignShare: 70, largestForeignInvestor: 70 },
    "permitted",
    [],
  ],
  [
    "hospital, wholly foreign-owned",
    { industry: ["8411"], foreignShare: 100, largestForeignInvestor: 100 },
    "restricted",
    [22],
  ],
  ["social survey outside an FTZ (national #16)", { industry: ["7243"] }, "prohibited", [16], true],
  [
    "social survey inside an FTZ, Chinese 67%",
    { industry: ["7243"], insideFtz: true, foreignShare: 33 },
    "permitted",
    [],
  ],
  [
    "social survey inside an FTZ, Chinese 66%",
    { industry: ["7243"], insideFtz: true, foreignShare: 34 },
    "restricted",
    [14],
    true,
  ],
  [
    "cotton spinning (unlisted), wholly foreign",
    { industry: ["1711"], foreignShare: 100, largestForeignInvestor: 100, legalRepresentative: "DE" },
    "permitted",
    [],
  ],
  [
    "grain wholesale and tomato processing (unlisted)",
    { industry: ["5111", "1371"], foreignShare: 100, largestForeignInvestor: 60 },
    "permitted",
    [],
  ],
  ["one listed code among unlisted ones decides", { industry: ["1711", "5128"] }, "prohibited", [7]],
];

describe("negative-list check: known answers", () => {
  it("has at least 30 rows", () => expect(TABLE.length).toBeGreaterThanOrEqual(30));

  it.each(TABLE)("%s", (_what, q, outcome, measures, depends = false) => {
    const r = check(q)!;
    expect(r.outcome).toBe(outcome);
    const deciding = r.matches.filter((m) =>
      outcome === "prohibited" ? m.status === "prohibited" : m.status === "conditions_not_met",
    );
    expect([...new Set(deciding.map((m) => m.measure))].sort((a, b) => a - b)).toEqual(measures);
    expect(r.dependsOnActivity).toBe(depends);
    expect(r.edition.editionId).toBe(q.insideFtz ? "ftz-2021" : "national-2024");
    if (outcome === "restricted") expect(r.conditionsNotMet.length).toBeGreaterThan(0);
  });

  it("names every matched measure, also those whose conditions are met", () => {
    const r = check({ industry: ["7242"], foreignShare: 40 })!;
    expect(r.matches.map((m) => [m.measure, m.status])).toEqual([
      [15, "conditions_met"],
      [15, "conditions_met"],
    ]);
    expect(r.matches[0]!.conditions.map((c) => c.met)).toEqual([true]);
  });

  it("explains unmet conditions with the required and proposed percentages", () => {
    const r = check({ industry: ["5611"], largestForeignInvestor: 25.01, legalRepresentative: "US" })!;
    expect(r.conditionsNotMet.map((c) => c.explanation)).toEqual([
      "one foreign investor with affiliates at most 25%; proposed 25.01%",
      "legal representative of Chinese nationality; proposed US",
    ]);
  });

  it("uses the edition in force on the date: none before it took effect", () => {
    expect(check({ industry: ["5128"], date: "2024-10-31" })).toBeNull();
    expect(check({ industry: ["5128"], date: "2024-11-01" })!.edition.editionId).toBe("national-2024");
    expect(check({ industry: ["7243"], insideFtz: true, date: "2021-12-31" })).toBeNull();
    expect(check({ industry: ["7243"], insideFtz: true, date: "2022-01-01" })!.edition.inForceFrom).toBe("2022-01-01");
  });
});
