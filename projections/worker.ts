/**
 * Projection worker process (Kafka mode): consumes the topics of every registered projection in
 * its consumer group and writes the read models to `DATABASE_URL`. Scale out by running more
 * workers: partitions are shared within each group.
 */
import { runWorkerProcess } from "../infra/worker-process";
import { PROJECTIONS } from "./registry";
import { startKafkaFeed } from "./runner/kafka-feed";

runWorkerProcess("projection-worker", async ({ db, kafka, prefix, log }) => {
  const feeds = await Promise.all(
    PROJECTIONS.map((p) =>
      startKafkaFeed(db, kafka, p, {
        topicPrefix: prefix,
        onError: (err) => log.error({ err, projection: p.name }, "projection error"),
        testPauseMs: Number(process.env.WORKER_TEST_PAUSE_MS ?? 0),
      }),
    ),
  );
  log.info({ projections: PROJECTIONS.map((p) => p.name) }, "projection worker running");
  return async () => void (await Promise.all(feeds.map((f) => f.stop())));
});
