/**
 * The read side inside the API process (README, architecture):
 * - embedded mode (no KAFKA_BROKERS): every registered projection is fed straight from the event
 *   store's global log, in-process;
 * - Kafka mode: the application's topics are ensured, `/ready` probes the broker, and unless
 *   `IN_PROCESS_WORKERS=0` the relay and the Kafka-fed projections run in this process too (for a
 *   single-process deployment); otherwise `npm run relay` and `npm run worker` run them.
 */
import type { Logger } from "pino";
import { PROJECTIONS } from "../../projections/registry";
import { startKafkaFeed } from "../../projections/runner/kafka-feed";
import type { Projection } from "../../projections/runner/projection";
import { type Feed, startStoreFeed } from "../../projections/runner/store-feed";
import type { Database } from "../platform/db/database";
import type { PostgresEventStore } from "../platform/event-store/postgres-event-store";
import { createKafka, kafkaReachable } from "../platform/messaging/kafka-client";
import { Relay } from "../relay/relay";
import { ensureTopics } from "../platform/messaging/topic-admin";

/** What the read side is started with. */
export interface ReadSideContext {
  db: Database;
  store: PostgresEventStore;
  logger: Logger;
  /** Comma-separated Kafka brokers (`KAFKA_BROKERS`); absent in embedded mode. */
  kafkaBrokers?: string;
  /** Projections to run; default the registry's. */
  projections?: Projection[];
  /** Run relay and Kafka feeds here (default: `IN_PROCESS_WORKERS` ≠ "0"). */
  inProcessWorkers?: boolean;
  topicPrefix?: string;
}

/** A running read side. */
export interface ReadSide {
  /** Stops feeding projections and waits for in-flight work; safe to call once during shutdown. */
  stop(): Promise<void>;
  /** Kafka readiness for `/ready`, when the read side uses Kafka. */
  kafkaReady?: () => Promise<boolean>;
  /** Resolves when every store-fed projection has applied what was committed before the call. */
  caughtUp(): Promise<void>;
}

/** Starts the projections (and in Kafka mode possibly the relay) for this process. */
export async function startReadSide(ctx: ReadSideContext): Promise<ReadSide> {
  const projections = ctx.projections ?? PROJECTIONS;
  const onError = (name: string) => (err: unknown) => ctx.logger.error({ err, projection: name }, "projection error");
  if (!ctx.kafkaBrokers) {
    const feeds = projections.map((p) => startStoreFeed(ctx.db, ctx.store, p, { onError: onError(p.name) }));
    ctx.logger.info({ projections: projections.map((p) => p.name) }, "projections fed from the event store (embedded)");
    return {
      stop: async () => void (await Promise.all(feeds.map((f) => f.stop()))),
      caughtUp: async () => void (await Promise.all(feeds.map((f) => f.caughtUp()))),
    };
  }
  if (ctx.db.kind === "pglite") {
    throw new Error("KAFKA_BROKERS needs DATABASE_URL too: the relay's advisory lock needs a PostgreSQL server");
  }
  const kafka = createKafka(ctx.kafkaBrokers, "api");
  const prefix = ctx.topicPrefix ?? process.env.KAFKA_TOPIC_PREFIX ?? "";
  await ensureTopics(kafka, prefix);
  const inProcess = ctx.inProcessWorkers ?? process.env.IN_PROCESS_WORKERS !== "0";
  const feeds: Feed[] = [];
  let relay: Relay | undefined;
  if (inProcess) {
    relay = new Relay({
      db: ctx.db,
      store: ctx.store,
      kafka,
      topicPrefix: prefix,
      log: (m, f) => ctx.logger.info(f ?? {}, m),
    });
    relay.start();
    for (const p of projections)
      feeds.push(await startKafkaFeed(ctx.db, kafka, p, { topicPrefix: prefix, onError: onError(p.name) }));
  }
  ctx.logger.info({ inProcess, projections: projections.map((p) => p.name) }, "read side on Kafka");
  return {
    kafkaReady: () => kafkaReachable(kafka),
    stop: async () => {
      await Promise.all(feeds.map((f) => f.stop()));
      await relay?.stop();
    },
    caughtUp: async () => void (await Promise.all(feeds.map((f) => f.caughtUp()))),
  };
}
