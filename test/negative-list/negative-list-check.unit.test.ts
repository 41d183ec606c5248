/**
 * Known answers of the negative-list check, each row written from the text of the measure it
 * names (national 2024, FTZ 2021, national 2021 as recorded in data/): every prohibition, every
 * kind of restriction with its threshold just under, at and over, activity-level answers and
 * `indeterminate` where a measure covers only part of a class, the FTZ-versus-national choice,
 * the dates either side of 2022-01-01 and 2024-11-01, unknown codes, and confidence.
 */
import type { CheckInput } from "../../contracts/negative-list/http";
import { CheckQuery } from "../../contracts/negative-list/http";
import { IndustryCode } from "../../contracts/negative-list/measure-shapes";
import {
  CheckQuestionError,
  type CheckResult,
  checkAgainst,
  editionInForce,
} from "../../services/negative-list/negative-list-check";
import { allShippedEditions } from "../../services/negative-list/shipped-editions";

const editions = allShippedEditions();

type Question = Partial<CheckInput> & { industry: string[] };

function check(q: Question): CheckResult | null {
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

/** [what the measure says and what is asked, question, outcome, deciding measures, edition]. */
type Row = [string, Question, CheckResult["outcome"], number[], string?];

const TABLE: Row[] = [
  // National 2024: prohibitions (禁止投资…)
  [
    "#2 rare and endemic fine varieties, stated",
    { industry: ["0511"], activities: ["rare-endemic-variety-breeding"] },
    "prohibited",
    [2],
  ],
  [
    "#3 GM breeding of livestock, stated",
    { industry: ["0531"], activities: ["gm-variety-breeding-seed-production"] },
    "prohibited",
    [3],
  ],
  ["#4 fishing in China's inland waters (内陆捕捞 is all inland)", { industry: ["0422"] }, "prohibited", [4]],
  [
    "#4 sea fishing stated as in China's sea areas",
    { industry: ["0421"], activities: ["fishing-china-sea-areas"] },
    "prohibited",
    [4],
  ],
  [
    "#4 sea fishing stated as distant-water only (none of the activities)",
    { industry: ["0421"], activities: [] },
    "permitted",
    [],
  ],
  ["#5 rare-earth mining (稀土金属矿采选)", { industry: ["0932"] }, "prohibited", [5]],
  ["#5 radioactive mineral mining", { industry: ["0933"] }, "prohibited", [5]],
  ["#5 tungsten, stated", { industry: ["0931"], activities: ["tungsten-mining-beneficiation"] }, "prohibited", [5]],
  ["#5 molybdenum only (钨钼矿采选 without tungsten)", { industry: ["0931"], activities: [] }, "permitted", []],
  ["#7 tobacco wholesale", { industry: ["5128"], foreignShare: 10 }, "prohibited", [7]],
  ["#7 tobacco retail", { industry: ["5227"] }, "prohibited", [7]],
  ["#11 postal company (邮政基本服务)", { industry: ["6010"] }, "prohibited", [11]],
  [
    "#11 domestic letter express, stated",
    { industry: ["6020"], activities: ["domestic-letter-express"] },
    "prohibited",
    [11],
  ],
  ["#11 parcel express only", { industry: ["6020"], activities: [] }, "permitted", []],
  [
    "#13 internet news information services, stated",
    { industry: ["6429"], activities: ["internet-news-publishing-av-culture"] },
    "prohibited",
    [13],
  ],
  [
    "#14 Chinese legal affairs, stated",
    { industry: ["7231"], activities: ["china-legal-affairs"] },
    "prohibited",
    [14],
  ],
  ["#16 social surveys, stated", { industry: ["7249"], activities: ["social-survey"] }, "prohibited", [16]],
  [
    "#17 human stem cells, stated",
    { industry: ["7340"], activities: ["human-stem-cell-gene-diagnosis-therapy"] },
    "prohibited",
    [17],
  ],
  ["#18 humanities and social science research institutions", { industry: ["7350"] }, "prohibited", [18]],
  [
    "#19 geodetic surveying, stated",
    { industry: ["7441"], activities: ["geodetic-marine-aerial-surveying-mapping"] },
    "prohibited",
    [19],
  ],
  ["#21 compulsory education (primary)", { industry: ["8321"] }, "prohibited", [21]],
  ["#21 religious education, stated", { industry: ["8399"], activities: ["religious-education"] }, "prohibited", [21]],
  ["#23 news organisations", { industry: ["8610"] }, "prohibited", [23]],
  ["#24 book publishing", { industry: ["8621"] }, "prohibited", [24]],
  ["#25 radio stations", { industry: ["8710"] }, "prohibited", [25]],
  ["#25 cable broadcast transmission networks", { industry: ["6321"] }, "prohibited", [25]],
  [
    "#26 TV programme production, stated",
    { industry: ["8730"], activities: ["radio-tv-programme-production"] },
    "prohibited",
    [26],
  ],
  [
    "#27 film distribution, stated",
    { industry: ["8750"], activities: ["film-production-distribution-cinema-import"] },
    "prohibited",
    [27],
  ],
  [
    "#28 cultural-relic auctions, stated",
    { industry: ["5183"], activities: ["cultural-relic-auction"] },
    "prohibited",
    [28],
  ],
  [
    "#29 performing-arts troupes, stated",
    { industry: ["8810"], activities: ["performing-arts-troupe"] },
    "prohibited",
    [29],
  ],
  ["division 86: every class is news or publishing, all prohibited", { industry: ["86"] }, "prohibited", [23, 24]],
  [
    "division 87: sound recording (8770) is open, so it depends on the class",
    { industry: ["87"] },
    "indeterminate",
    [25, 26, 27],
  ],
  ["one listed code among unlisted ones decides", { industry: ["1711", "5128"] }, "prohibited", [7]],

  // National 2024: restrictions by equity, management and form
  [
    "#1 wheat seeds, Chinese share 34% (不低于34%: at the floor)",
    {
      industry: ["0511"],
      activities: ["wheat-seed-breeding-production"],
      foreignShare: 66,
      largestForeignInvestor: 66,
    },
    "permitted",
    [],
  ],
  [
    "#1 wheat seeds, Chinese share 33.99%",
    {
      industry: ["0511"],
      activities: ["wheat-seed-breeding-production"],
      foreignShare: 66.01,
      largestForeignInvestor: 66.01,
    },
    "restricted",
    [1],
  ],
  [
    "#1 corn seeds, foreign 49.99% (中方控股 met)",
    { industry: ["0511"], activities: ["corn-seed-breeding-production"], foreignShare: 49.99 },
    "permitted",
    [],
  ],
  [
    "#1 corn seeds, foreign 50% (Chinese share not above 50%)",
    { industry: ["0511"], activities: ["corn-seed-breeding-production"], foreignShare: 50 },
    "restricted",
    [1],
  ],
  ["#6 nuclear power, foreign 49.99%", { industry: ["4414"], foreignShare: 49.99 }, "permitted", []],
  ["#6 nuclear power, foreign 50%", { industry: ["4414"], foreignShare: 50 }, "restricted", [6]],
  ["#6 nuclear power, foreign 50.01%", { industry: ["4414"], foreignShare: 50.01 }, "restricted", [6]],
  ["#8 inland passenger water transport, foreign 51%", { industry: ["5512"], foreignShare: 51 }, "restricted", [8]],
  [
    "#9 public air transport, one investor 24.99%",
    { industry: ["5611"], largestForeignInvestor: 24.99 },
    "permitted",
    [],
  ],
  ["#9 public air transport, one investor 25%", { industry: ["5611"], largestForeignInvestor: 25 }, "permitted", []],
  [
    "#9 public air transport, one investor 25.01%",
    { industry: ["5611"], largestForeignInvestor: 25.01 },
    "restricted",
    [9],
  ],
  [
    "#9 public air transport, foreign legal representative",
    { industry: ["5612"], legalRepresentative: "US" },
    "restricted",
    [9],
  ],
  [
    "#9 sightseeing general aviation, Kazakh legal representative",
    { industry: ["5622"], legalRepresentative: "KZ" },
    "restricted",
    [9],
  ],
  [
    "#10 civil airport, Chinese 40% above the largest foreign 30% (中方相对控股)",
    { industry: ["5631"], foreignShare: 60, largestForeignInvestor: 30 },
    "permitted",
    [],
  ],
  [
    "#10 civil airport, Chinese 29.7% equal to the largest foreign 29.7% (no float rounding)",
    { industry: ["5631"], foreignShare: 70.3, largestForeignInvestor: 29.7 },
    "restricted",
    [10],
  ],
  [
    "#10 civil airport, Chinese 40% below the largest foreign 45%",
    { industry: ["5631"], foreignShare: 60, largestForeignInvestor: 45 },
    "restricted",
    [10],
  ],
  ["#12 basic telecoms, foreign 49%", { industry: ["6311"], foreignShare: 49 }, "permitted", []],
  ["#12 basic telecoms, foreign 50%", { industry: ["6312"], foreignShare: 50 }, "restricted", [12]],
  [
    "#12 value-added telecoms, foreign 50% (不超过50%: at the cap)",
    { industry: ["6319"], activities: ["value-added-telecoms"], foreignShare: 50 },
    "permitted",
    [],
  ],
  [
    "#12 value-added telecoms, foreign 50.01%",
    { industry: ["6319"], activities: ["value-added-telecoms"], foreignShare: 50.01 },
    "restricted",
    [12],
  ],
  [
    "#12 e-commerce only (excepted from the cap), foreign 80%",
    { industry: ["6319"], activities: [], foreignShare: 80, largestForeignInvestor: 80 },
    "permitted",
    [],
  ],
  [
    "#15 market survey, wholly foreign-owned (限于合资)",
    { industry: ["7242"], foreignShare: 100, largestForeignInvestor: 100 },
    "restricted",
    [15],
  ],
  [
    "#15 market survey, foreign 40% (a joint venture, ratings would be Chinese-controlled too)",
    { industry: ["7242"], foreignShare: 40 },
    "permitted",
    [],
  ],
  [
    "#15 ratings survey stated, foreign 50%",
    { industry: ["7242"], activities: ["broadcast-ratings-survey"], foreignShare: 50 },
    "restricted",
    [15],
  ],
  ["#20 higher education, foreign principal", { industry: ["8341"], legalRepresentative: "GB" }, "restricted", [20]],
  [
    "#20 higher education, foreign 60% with a Chinese principal (中方主导 is leadership, not equity)",
    { industry: ["8341"], foreignShare: 60, largestForeignInvestor: 30 },
    "permitted",
    [],
  ],
  [
    "#22 hospital, foreign 99.99% (a joint venture)",
    { industry: ["8411"], foreignShare: 99.99, largestForeignInvestor: 70 },
    "permitted",
    [],
  ],
  [
    "#22 hospital, wholly foreign-owned",
    { industry: ["8411"], foreignShare: 100, largestForeignInvestor: 100 },
    "restricted",
    [22],
  ],
  [
    "cotton spinning (no measure), wholly foreign",
    { industry: ["1711"], foreignShare: 100, largestForeignInvestor: 100, legalRepresentative: "DE" },
    "permitted",
    [],
  ],
  [
    "no foreign equity: the list does not apply",
    { industry: ["5128"], foreignShare: 0, largestForeignInvestor: 0 },
    "permitted",
    [],
  ],

  // National 2024: a class only partly covered, activity not stated
  [
    "0511 at 66% foreign, activity not stated: wheat, corn, rare and GM measures share the class",
    { industry: ["0511"], foreignShare: 66, largestForeignInvestor: 66 },
    "indeterminate",
    [1, 2, 3],
  ],
  ["0931 tungsten or molybdenum", { industry: ["0931"] }, "indeterminate", [5]],
  ["6020 letters or parcels", { industry: ["6020"] }, "indeterminate", [11]],
  ["8810 troupes or literary creation", { industry: ["8810"] }, "indeterminate", [29]],
  [
    "5511 sea passenger transport, domestic or international, foreign 51%",
    { industry: ["5511"], foreignShare: 51 },
    "indeterminate",
    [8],
  ],
  [
    "7242 at 60% foreign: market survey JV met, ratings surveys would need Chinese control",
    { industry: ["7242"], foreignShare: 60, largestForeignInvestor: 30 },
    "indeterminate",
    [15],
  ],
  [
    "a certain prohibition is not made indeterminate by an undecided one",
    { industry: ["5128", "0511"] },
    "prohibited",
    [7],
  ],

  // FTZ 2021 (inside an FTZ area)
  [
    "FTZ #14 social survey, Chinese 67% (不低于67%: at the floor)",
    { industry: ["7249"], activities: ["social-survey"], insideFtz: true, foreignShare: 33 },
    "permitted",
    [],
    "ftz-2021",
  ],
  [
    "FTZ #14 social survey, Chinese 66.99%",
    { industry: ["7249"], activities: ["social-survey"], insideFtz: true, foreignShare: 33.01 },
    "restricted",
    [14],
    "ftz-2021",
  ],
  [
    "FTZ #14 social survey, foreign legal representative",
    { industry: ["7249"], activities: ["social-survey"], insideFtz: true, foreignShare: 20, legalRepresentative: "KZ" },
    "restricted",
    [14],
    "ftz-2021",
  ],
  [
    "FTZ #1 corn seeds, Chinese 34% (FTZ: 不低于34%; national: 中方控股)",
    {
      industry: ["0511"],
      activities: ["corn-seed-breeding-production"],
      insideFtz: true,
      foreignShare: 66,
      largestForeignInvestor: 66,
    },
    "permitted",
    [],
    "ftz-2021",
  ],
  [
    "the same corn question outside an FTZ",
    { industry: ["0511"], activities: ["corn-seed-breeding-production"], foreignShare: 66, largestForeignInvestor: 66 },
    "restricted",
    [1],
  ],
  [
    "FTZ #27 performing-arts troupe at 30% foreign (须由中方控股)",
    { industry: ["8810"], activities: ["performing-arts-troupe"], insideFtz: true, foreignShare: 30 },
    "permitted",
    [],
    "ftz-2021",
  ],
  [
    "FTZ #27 performing-arts troupe at 51% foreign",
    { industry: ["8810"], activities: ["performing-arts-troupe"], insideFtz: true, foreignShare: 51 },
    "restricted",
    [27],
    "ftz-2021",
  ],
  ["FTZ #6 tobacco wholesale", { industry: ["5128"], insideFtz: true }, "prohibited", [6], "ftz-2021"],
  ["the FTZ list has no fishing measure", { industry: ["0422"], insideFtz: true }, "permitted", [], "ftz-2021"],

  // National 2021, recorded as history (2022-01-01 to 2024-10-31)
  [
    "2021 #6 publication printing at 51% foreign on 2024-10-31 (出版物印刷须由中方控股)",
    { industry: ["2311"], activities: ["publication-printing"], foreignShare: 51, date: "2024-10-31" },
    "restricted",
    [6],
    "national-2021",
  ],
  [
    "publication printing at 51% foreign on 2024-11-01 (deleted from the 2024 edition)",
    { industry: ["2311"], activities: ["publication-printing"], foreignShare: 51, date: "2024-11-01" },
    "permitted",
    [],
  ],
  [
    "2021 #7 TCM decoction-piece processing on 2022-01-01",
    { industry: ["2730"], activities: ["tcm-decoction-piece-processing-techniques"], date: "2022-01-01" },
    "prohibited",
    [7],
    "national-2021",
  ],
  ["TCM decoction-piece processing on 2024-11-01", { industry: ["2730"], date: "2024-11-01" }, "permitted", []],
  [
    "2021 #9 tobacco retail on 2023-05-01 (2024 #7 renumbered)",
    { industry: ["5227"], date: "2023-05-01" },
    "prohibited",
    [9],
    "national-2021",
  ],
];

describe("negative-list check: known answers", () => {
  it("has at least 80 rows", () => expect(TABLE.length).toBeGreaterThanOrEqual(80));

  it.each(TABLE)("%s", (_what, q, outcome, measures, editionId = "national-2024") => {
    const r = check(q)!;
    expect(r.edition.editionId).toBe(editionId);
    expect(r.outcome).toBe(outcome);
    const deciding =
      outcome === "indeterminate" || r.alternatives
        ? r.candidates.flatMap((c) => c.measures)
        : r.matches
            .filter((m) => m.applies === "applies")
            .filter((m) => (outcome === "prohibited" ? m.status === "prohibited" : m.status === "conditions_not_met"))
            .map((m) => m.measure);
    expect([...new Set(deciding)].sort((a, b) => a - b)).toEqual(measures);
    if (outcome === "restricted") expect(r.conditionsNotMet.length).toBeGreaterThan(0);
    if (outcome !== "indeterminate" && !r.alternatives) expect(r.candidates).toEqual([]);
  });
});

describe("negative-list check: indeterminate answers", () => {
  it("lists, for a class only partly covered, the outcome of each candidate activity and what decides it", () => {
    const r = check({ industry: ["0511"], foreignShare: 66, largestForeignInvestor: 66 })!;
    expect(r.outcome).toBe("indeterminate");
    expect(r.otherwise).toBe("permitted");
    expect(Object.fromEntries(r.candidates.map((c) => [c.activity.id, c.outcome]))).toEqual({
      "wheat-seed-breeding-production": "permitted",
      "corn-seed-breeding-production": "restricted",
      "rare-endemic-variety-breeding": "prohibited",
      "gm-variety-breeding-seed-production": "prohibited",
    });
    expect(r.decidedBy).toContain("activities=");
    expect(r.matches.every((m) => m.applies === "undecided")).toBe(true);
  });

  it("answers the ordinary wheat seed joint venture at 66% foreign as permitted once the activity is stated", () => {
    const r = check({
      industry: ["0511"],
      activities: ["wheat-seed-breeding-production"],
      foreignShare: 66,
      largestForeignInvestor: 66,
    })!;
    expect(r.outcome).toBe("permitted");
    expect(r.activities).toEqual([expect.objectContaining({ id: "wheat-seed-breeding-production" })]);
    expect(r.matches.map((m) => [m.measure, m.applies, m.status])).toEqual([[1, "applies", "conditions_met"]]);
  });

  it("refuses an activity the edition does not name, or one outside the industries given", () => {
    expect(() => check({ industry: ["0511"], activities: ["nosuch"] })).toThrow(CheckQuestionError);
    expect(() => check({ industry: ["0511"], activities: ["tobacco-wholesale"] })).toThrow(
      /falls in 5128, none of which is among the industry codes given/,
    );
  });
});

describe("negative-list check: confidence", () => {
  it("says verified when the deciding measure's text was read, and names the class asked about", () => {
    const r = check({ industry: ["8610"] })!;
    expect(r.outcome).toBe("prohibited");
    expect(r.confidence).toBe("verified");
    expect(r.unverifiedMeasures).toEqual([]);
    expect(r.industries).toEqual([{ code: "8610", level: "class", nameZh: "新闻业", nameEn: null, section: "R" }]);
  });

  it("says unverified, naming the measures, when the answer rests on text that was not read", () => {
    const r = check({ industry: ["5128"] })!;
    expect(r.confidence).toBe("unverified");
    expect(r.unverifiedMeasures).toEqual([7]);
    expect(r.confidenceNote).toContain("measure(s) 7");
  });

  it("rests a permitted answer on every measure of the edition", () => {
    const r = check({ industry: ["1711"] })!;
    const unread = editions
      .find((e) => e.editionId === "national-2024")!
      .measures.filter((m) => !m.textVerified)
      .map((m) => m.number);
    expect(r.unverifiedMeasures).toEqual(unread);
  });
});

describe("negative-list check: editions and dates", () => {
  it("uses the edition in force on the date, national and FTZ, either side of 2022-01-01 and 2024-11-01", () => {
    expect(check({ industry: ["5128"], date: "2021-12-31" })).toBeNull();
    expect(check({ industry: ["5128"], date: "2022-01-01" })!.edition.editionId).toBe("national-2021");
    expect(check({ industry: ["5128"], date: "2024-10-31" })!.edition).toMatchObject({
      editionId: "national-2021",
      inForceUntil: "2024-10-31",
    });
    expect(check({ industry: ["5128"], date: "2024-11-01" })!.edition.editionId).toBe("national-2024");
    expect(check({ industry: ["5128"], insideFtz: true, date: "2021-12-31" })).toBeNull();
    expect(check({ industry: ["5128"], insideFtz: true, date: "2022-01-01" })!.edition.editionId).toBe("ftz-2021");
    expect(check({ industry: ["5128"], insideFtz: true, date: "2024-11-01" })!.edition.editionId).toBe("ftz-2021");
  });

  it("answers none for a date after a historical edition ended and before the next began", () => {
    const gap = [
      { scope: "national" as const, inForceFrom: "2020-01-01", inForceUntil: "2020-06-30" },
      { scope: "national" as const, inForceFrom: "2021-01-01" },
    ];
    expect(editionInForce(gap, "national", "2020-06-30")).toBe(gap[0]);
    expect(editionInForce(gap, "national", "2020-07-01")).toBeUndefined();
    expect(editionInForce(gap, "national", "2021-01-01")).toBe(gap[1]);
  });
});

describe("industry codes", () => {
  it("refuses codes that are not in GB/T 4754-2017 and accepts divisions, groups and classes that are", () => {
    for (const bad of ["9999", "0000", "00", "98", "0412x", "1"])
      expect(IndustryCode.safeParse(bad).success).toBe(false);
    // 27 is a division (医药制造业), not a typo: no measure of 2024 covers it, so it is permitted there.
    for (const good of ["05", "051", "0511", "27", "9700"]) expect(IndustryCode.safeParse(good).success).toBe(true);
    const parsed = CheckQuery.safeParse({
      industry: "0511,9999",
      foreignShare: "10",
      largestForeignInvestor: "10",
      legalRepresentative: "KZ",
      insideFtz: "false",
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => [i.path.join("/"), i.message])).toEqual([
      ["industry/1", '"9999" is not a code of GB/T 4754-2017 (国民经济行业分类)'],
    ]);
  });
});
