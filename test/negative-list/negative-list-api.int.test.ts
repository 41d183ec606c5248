/**
 * The negative-list check and editions over HTTP on real PostgreSQL (read model fed from the
 * store): unknown industry codes are refused by name; the answer echoes the classes asked about,
 * says `indeterminate` with candidates where a measure covers only part of a class, and says when
 * it rests on unverified text; historical editions are recorded without changing any answer
 * already given; a shipped edition whose text was corrected reaches stores seeded before.
 */
import type { Express } from "express";
import type { EditionData } from "../../contracts/negative-list/events";
import type { ReadSide } from "../../services/api/read-side";
import { editionStream } from "../../contracts/negative-list/events";
import type { PostgresEventStore } from "../../services/platform/event-store/postgres-event-store";
import { uuidV5 } from "../../services/platform/uuid-v5";
import { seedEditions } from "../../services/negative-list/edition-seed";
import { publishEdition } from "../../services/negative-list/edition-publishing";
import { shippedEditions, shippedHistoricalEditions } from "../../services/negative-list/shipped-editions";
import { eventCount } from "../support/api-app";
import { type AuthedClient, as } from "../support/auth";
import { serverDatabase, type TestDatabase } from "../support/databases";
import { productApp } from "../support/product-app";

const CHECK = "/negative-list/check?foreignShare=10&largestForeignInvestor=10&legalRepresentative=KZ&insideFtz=false";

describe("negative-list check and editions (PostgreSQL)", () => {
  let t: TestDatabase;
  let app: Express;
  let store: PostgresEventStore;
  let readSide: ReadSide;
  let admin: AuthedClient;
  let partner: AuthedClient;
  beforeEach(async () => {
    t = await serverDatabase();
    ({ app, store, readSide } = await productApp(t));
    await seedEditions(store);
    admin = await as(app, "admin");
    partner = await as(app, "partner");
    await readSide.caughtUp();
  });
  afterEach(async () => {
    await readSide.stop();
    await t.drop();
  });

  it.each(["9999", "0000", "00"])(
    "refuses the unknown industry code %s by name (never a green light)",
    async (code) => {
      const res = await partner.get(`${CHECK}&industry=${code}`);
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([
        { pointer: "/query/industry/0", detail: `"${code}" is not a code of GB/T 4754-2017 (国民经济行业分类)` },
      ]);
    },
  );

  it("echoes the classes asked about and answers indeterminate, with candidates, where the class is only partly covered", async () => {
    const res = await partner.get(
      "/negative-list/check?industry=0511&foreignShare=66&largestForeignInvestor=66&legalRepresentative=KZ&insideFtz=false",
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      outcome: "indeterminate",
      otherwise: "permitted",
      industries: [{ code: "0511", level: "class", nameZh: "种子种苗培育活动", nameEn: null, section: "A" }],
      activities: null,
      edition: { editionId: "national-2024", inForceUntil: null },
    });
    expect(
      res.body.candidates.map((c: { activity: { id: string }; outcome: string }) => [c.activity.id, c.outcome]),
    ).toEqual([
      ["rare-endemic-variety-breeding", "prohibited"],
      ["gm-variety-breeding-seed-production", "prohibited"],
      ["corn-seed-breeding-production", "restricted"],
      ["wheat-seed-breeding-production", "permitted"],
    ]);
    const stated = await partner.get(
      "/negative-list/check?industry=0511&activities=wheat-seed-breeding-production&foreignShare=66&largestForeignInvestor=66&legalRepresentative=KZ&insideFtz=false",
    );
    expect(stated.body).toMatchObject({ outcome: "permitted", candidates: [], decidedBy: null });
    const bad = await partner.get(`${CHECK}&industry=0511&activities=tobacco-wholesale`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ pointer: "/query/activities", detail: expect.stringContaining("5128") }]);
  });

  it("says when the answer rests on text that was not read, and when it was", async () => {
    const tobacco = await partner.get(`${CHECK}&industry=5128`);
    expect(tobacco.body).toMatchObject({ outcome: "prohibited", confidence: "unverified", unverifiedMeasures: [7] });
    const news = await partner.get(`${CHECK}&industry=8610`);
    expect(news.body).toMatchObject({ outcome: "prohibited", confidence: "verified", unverifiedMeasures: [] });
    const troupe = await partner.get(
      "/negative-list/check?industry=8810&activities=performing-arts-troupe&foreignShare=30&largestForeignInvestor=30&legalRepresentative=CN&insideFtz=true&date=2026-06-01",
    );
    expect(troupe.body).toMatchObject({
      outcome: "permitted",
      confidence: "unverified",
      edition: { editionId: "ftz-2021" },
    });
  });

  it("answers national checks of 2022-01-01 … 2024-10-31 from the national 2021 edition recorded as history", async () => {
    const printing = (date: string) =>
      partner.get(
        `/negative-list/check?industry=2311&activities=publication-printing&foreignShare=51&largestForeignInvestor=51&legalRepresentative=KZ&insideFtz=false&date=${date}`,
      );
    expect((await printing("2024-10-31")).body).toMatchObject({
      outcome: "restricted",
      edition: { editionId: "national-2021", inForceFrom: "2022-01-01", inForceUntil: "2024-10-31" },
    });
    expect((await printing("2024-11-01")).body).toMatchObject({
      outcome: "permitted",
      edition: { editionId: "national-2024" },
    });
    expect((await printing("2021-12-31")).status).toBe(422);
    const editions = await partner.get("/negative-list/editions");
    expect(editions.body.editions.find((e: { editionId: string }) => e.editionId === "national-2021")).toMatchObject({
      inForceFrom: "2022-01-01",
      inForceUntil: "2024-10-31",
      measureCount: 31,
      revision: 0,
    });
    const activities = await partner.get("/negative-list/activities?insideFtz=false&date=2023-01-01");
    expect(activities.body.editionId).toBe("national-2021");
    expect(activities.body.activities.map((a: { id: string }) => a.id)).toContain("publication-printing");
  });

  it("records a historical edition only for days no edition covers, and refuses one that is not past", async () => {
    const history = shippedHistoricalEditions()[0]!;
    const base = {
      ...history,
      editionId: "national-2020",
      title: "外商投资准入特别管理措施（负面清单）（2020年版） (test copy)",
      replacedBy: "national-2021",
    };
    const post = (body: object, key: string) =>
      admin.post("/negative-list/historical-editions").set("Idempotency-Key", key).send(body);
    const before = await eventCount(t);
    const overlapping = await post({ ...base, inForceFrom: "2020-07-23", inForceUntil: "2022-01-01" }, "h-1");
    expect(overlapping.status).toBe(422);
    expect(overlapping.body).toMatchObject({ code: "edition_overlaps", overlaps: "national-2021" });
    const current = await post({ ...base, inForceFrom: "2025-01-01", inForceUntil: "2099-12-31" }, "h-2");
    expect(current.status).toBe(422);
    expect(current.body.code).toBe("edition_not_past");
    const superseding = await post(
      { ...base, inForceFrom: "2020-07-23", inForceUntil: "2021-12-31", supersedes: "x" },
      "h-3",
    );
    expect(superseding.status).toBe(400);
    expect(superseding.body.errors).toEqual([{ pointer: "/body/supersedes", detail: "unknown field" }]);
    expect(await eventCount(t)).toBe(before);

    const ok = await post({ ...base, inForceFrom: "2020-07-23", inForceUntil: "2021-12-31" }, "h-4");
    expect(ok.status).toBe(201);
    await readSide.caughtUp();
    const tobacco = await partner.get(`${CHECK}&industry=5128&date=2021-12-31`);
    expect(tobacco.body.edition.editionId).toBe("national-2020");
    expect((await partner.get(`${CHECK}&industry=5128&date=2022-01-01`)).body.edition.editionId).toBe("national-2021");
    expect((await partner.get(`${CHECK}&industry=5128&date=2020-07-22`)).status).toBe(422);
  });

  it("corrects a stored edition whose shipped text changed, once, and answers from the corrected text", async () => {
    // A store seeded with the old FTZ text: performing-arts troupes prohibited.
    const t2 = await serverDatabase();
    const second = await productApp(t2);
    try {
      const ftz = shippedEditions().find((e) => e.editionId === "ftz-2021")!;
      const old: EditionData = JSON.parse(JSON.stringify(ftz));
      const troupe = old.measures.find((m) => m.number === 27)!;
      troupe.kind = "prohibited";
      troupe.text = "禁止投资文艺表演团体。";
      troupe.clauses[0]!.conditions = [];
      await publishEdition(second.store, old, {
        at: new Date().toISOString(),
        eventId: (s, i) => uuidV5(`old:${s}:${i}`),
      });
      const outcome = await seedEditions(second.store);
      expect(outcome.corrected).toEqual(["ftz-2021"]);
      expect((await seedEditions(second.store)).corrected).toEqual([]);
      const events = await second.store.readStream(editionStream("ftz-2021"));
      expect(events.map((e) => e.type)).toEqual(["NegativeListEditionPublished", "NegativeListEditionCorrected"]);
      await second.readSide.caughtUp();
      const partner2 = await as(second.app, "partner");
      const res = await partner2.get(
        "/negative-list/check?industry=8810&activities=performing-arts-troupe&foreignShare=30&largestForeignInvestor=30&legalRepresentative=CN&insideFtz=true",
      );
      expect(res.body.outcome).toBe("permitted");
      const listed = await partner2.get("/negative-list/editions");
      expect(listed.body.editions.find((e: { editionId: string }) => e.editionId === "ftz-2021").revision).toBe(1);
    } finally {
      await second.readSide.stop();
      await t2.drop();
    }
  });
});
