/**
 * Projection worker process (Kafka mode): consumes the topics of every registered projection in
 * its consumer group and writes the read models to `DATABASE_URL`. Scale out by running more
 * workers: partitions are shared within each group. Stops cleanly on SIGINT/SIGTERM.
 */
import pino from "pino";
import { migrate } from "../infra/migrate";
import { openDatabase } from "../services/platform/db/database";
import { createKafka } from "../services/platform/kafka-client";
import { ensureTopics } from "../services/relay/topic-admin";
import { PROJECTIONS } from "./registry";
import { startKafkaFeed } from "./runner/kafka-feed";

async function main(): Promise<void> {
  const log = pino({ name: "projection-worker" });
  const { DATABASE_URL, KAFKA_BROKERS } = process.env;
  if (!DATABASE_URL || !KAFKA_BROKERS) throw new Error("the projection worker needs DATABASE_URL and KAFKA_BROKERS");
  const prefix = process.env.KAFKA_TOPIC_PREFIX ?? "";
  const db = await openDatabase({ databaseUrl: DATABASE_URL });
  await migrate(db);
  const kafka = createKafka(KAFKA_BROKERS, "projection-worker");
  await ensureTopics(kafka, prefix);
  const feeds = await Promise.all(
    PROJECTIONS.map((p) =>
      startKafkaFeed(db, kafka, p, {
        topicPrefix: prefix,
        onError: (err) => log.error({ err, projection: p.name }, "projection error"),
      }),
    ),
  );
  log.info({ projections: PROJECTIONS.map((p) => p.name) }, "projection worker running");
  const stop = async () => {
    await Promise.all(feeds.map((f) => f.stop()));
    await db.close();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
