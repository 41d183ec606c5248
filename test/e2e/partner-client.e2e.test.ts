/**
 * The partner contracts against the running stack (real PostgreSQL, Kafka, HTTP server): the
 * typed client (openapi-fetch over the generated OpenAPI types) lodges, posts milestones and
 * reads figures; the example partner consumer reads the direct-clearance topic and every event
 * validates against the published contract.
 */
import type { components } from "../../contracts/generated/openapi";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import pino from "pino";
import { createPartnerClient } from "../../contracts/client/partner-client";
import { type PartnerEvent, startPartnerConsumer } from "../../contracts/client/partner-consumer";
import { TOPICS, topicName } from "../../contracts/topics";
import { clearanceTimesProjection } from "../../projections/clearance-times/clearance-times-projection";
import { createApp } from "../../services/api/app";
import { generateDeclarations } from "../../services/direct-clearance/sample-declarations";
import { tokenFor } from "../support/auth";
import { describeWithKafka } from "../support/kafka";
import { type Pipeline, pipeline } from "../support/pipeline";
import { waitFor } from "../support/wait";

describeWithKafka("partner client and consumer against the running stack", () => {
  let p: Pipeline;
  let server: Server;
  beforeEach(async () => {
    p = await pipeline();
  });
  afterEach(async () => {
    await new Promise<void>((r) => server?.close(() => r()));
    await p.close();
  });

  it("the typed client drives the API and the consumer validates every published event", async () => {
    p.relay().start();
    await p.feed(clearanceTimesProjection);
    const app = createApp({ db: p.t.db, store: p.store, logger: pino({ level: "silent" }) });
    server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const [sample] = generateDeclarations({ seed: 5, count: 1, now: new Date("2026-11-30T00:00:00Z") });
    const l = sample!.lodgement;
    const enterprise = createPartnerClient({ baseUrl, token: await tokenFor("enterprise", l.enterprise) });
    const customs = createPartnerClient({ baseUrl, token: await tokenFor("customs") });
    const analyst = createPartnerClient({ baseUrl, token: await tokenFor("analyst") });

    const lodged = await enterprise.POST("/declarations", {
      params: { header: { "idempotency-key": "partner-1" } },
      // The generated sample's currency and country are plain strings; the document lists them.
      body: l as components["schemas"]["LodgeDeclarationBody"],
    });
    expect(lodged.response.status).toBe(201);
    expect(lodged.data?.declarationNumber).toBe(l.declarationNumber);
    let pending = sample!.milestones;
    for (let round = 0; pending.length && round < 5; round++) {
      const refused = [];
      for (const m of pending) {
        const res = await customs.POST("/declarations/{declarationNumber}/milestones", {
          params: { path: { declarationNumber: l.declarationNumber } },
          body: m as never,
        });
        if (res.error) refused.push(m);
      }
      pending = refused;
    }
    expect(pending).toEqual([]);
    const refusedByRole = await analyst.POST("/declarations/{declarationNumber}/milestones", {
      params: { path: { declarationNumber: l.declarationNumber } },
      body: { type: "accepted", at: l.lodgedAt } as never,
    });
    expect(refusedByRole.response.status).toBe(403);

    const figures = await waitFor("the release in the Kafka-fed figures", async () => {
      const res = await analyst.GET("/clearance-times", { params: { query: { groupBy: "port" } } });
      return res.data?.groups[0]?.stages.total?.count === 1 ? res.data : undefined;
    });
    expect(figures?.unit).toBe("hours");

    const stored = await p.store.readStream(`Declaration-${l.declarationNumber}`);
    const received: PartnerEvent[] = [];
    const invalid: string[][] = [];
    const topic = topicName(TOPICS.find((x) => x.categories.includes("Declaration"))!, p.prefix);
    const consumer = await startPartnerConsumer({
      kafka: p.kafka,
      groupId: `${p.prefix}partner`,
      topics: [topic],
      onEvent: (e) => void received.push(e),
      onInvalid: (_r, reasons) => void invalid.push(reasons),
    });
    try {
      await waitFor("every stored event at the partner", () => received.length >= stored.length);
      expect(invalid).toEqual([]);
      expect(received.map((e) => e.id).sort()).toEqual(stored.map((e) => e.eventId).sort());
      expect(received.every((e) => e.subject === `Declaration-${l.declarationNumber}`)).toBe(true);
    } finally {
      await consumer.disconnect();
    }
  });
});
