/**
 * End to end on real PostgreSQL and Kafka: editions published and recorded as history → Kafka →
 * negative-list read model;
 * a filing submitted over HTTP (its automated check reading that model) → Kafka → the bureau's
 * queue; the partner-visible topics carry the edition and the filing events.
 */
import pino from "pino";
import { filingsProjection } from "../../projections/filings/filings-projection";
import { negativeListProjection } from "../../projections/negative-list/negative-list-projection";
import { createApp } from "../../services/api/app";
import { seedEditions } from "../../services/negative-list/edition-seed";
import { TOPICS, topicName } from "../../contracts/topics";
import { as, ENTERPRISE_A } from "../support/auth";
import { describeWithKafka } from "../support/kafka";
import { type Pipeline, pipeline } from "../support/pipeline";
import { waitFor } from "../support/wait";

describeWithKafka("investment filings on real PostgreSQL and Kafka", () => {
  let p: Pipeline;
  beforeEach(async () => {
    p = await pipeline();
  });
  afterEach(() => p.close());

  it("a filing reaches the Kafka-fed queue with its check against the Kafka-fed edition", async () => {
    p.relay().start();
    await p.feed(negativeListProjection);
    await p.feed(filingsProjection);
    await seedEditions(p.store);
    const app = createApp({ db: p.t.db, store: p.store, logger: pino({ level: "silent" }) });
    const [admin, enterprise] = await Promise.all([as(app, "admin"), as(app, "enterprise", ENTERPRISE_A)]);
    await waitFor("editions in the Kafka-fed read model", async () => {
      const res = await admin.get("/negative-list/editions");
      return res.body.editions?.length === 3;
    });
    const check = await enterprise.get(
      "/negative-list/check?industry=5611&foreignShare=49&largestForeignInvestor=26&legalRepresentative=CN&insideFtz=false",
    );
    expect(check.body).toMatchObject({ outcome: "restricted", edition: { editionId: "national-2024" } });

    const filed = await enterprise
      .post("/filings")
      .set("Idempotency-Key", "e2e-filing")
      .send({
        enterprise: "91350200776049653A",
        details: {
          kind: "inbound_report",
          industryCodes: ["5611"],
          foreignSharePercent: 49,
          largestForeignInvestorPercent: 26,
          legalRepresentativeNationality: "CN",
          insideFtz: false,
          investorCountries: ["SG"],
          investment: { value: 20_000_000, currency: "USD", usd: 20_000_000 },
        },
      });
    expect(filed.status).toBe(201);
    expect(filed.body.check.recommendation).toBe("refer_for_approval");
    const queued = await waitFor("the filing in the Kafka-fed queue", async () => {
      const res = await admin.get("/filings/queue");
      return res.body.items?.find((f: { filingId: string }) => f.filingId === filed.body.filingId);
    });
    expect(queued).toMatchObject({
      status: "submitted",
      route: "mofcom_information_report",
      dueDate: filed.body.check.dueDate,
    });

    const referenceTopic = topicName(TOPICS.find((x) => x.categories.includes("NegativeListEdition"))!, p.prefix);
    const records = await p.readTopic(referenceTopic, 6);
    const types = records.map((r) => String(r.headers?.ce_type));
    expect(types.filter((x) => x === "ftz.NegativeListEditionPublished")).toHaveLength(2);
    expect(types.filter((x) => x === "ftz.NegativeListHistoricalEditionRecorded")).toHaveLength(1);
    const history = await enterprise.get(
      "/negative-list/check?industry=2311&activities=publication-printing&foreignShare=51&largestForeignInvestor=51&legalRepresentative=CN&insideFtz=false&date=2023-06-01",
    );
    expect(history.body).toMatchObject({ outcome: "restricted", edition: { editionId: "national-2021" } });
  });
});
