/**
 * The relay (transactional outbox publisher, DESIGN.md §5): reads the global log after its
 * checkpoint, produces each event to its topic with an idempotent kafkajs producer, and advances
 * the checkpoint only after the broker acknowledged (acks = all) with base offsets past the
 * previous batch's (acknowledged-offsets.ts). Delivery is at-least-once: a
 * crash between acknowledgement and checkpoint re-sends a batch, which consumers drop by stream
 * version.
 *
 * Exactly one relay is active: it holds a session-level PostgreSQL advisory lock on a dedicated
 * session and writes its checkpoint through that session, so a relay whose session died can no
 * longer advance it. Stand-by relays try the lock every `standbyPollMs` and take over within that
 * time after the active one's session ends (process death closes the socket; the server then
 * releases the lock).
 */
import type { Kafka, Producer } from "kafkajs";
import { TOPICS, type TopicSpec, topicFor, topicName } from "../../contracts/topics";
import { advisoryLockKey } from "../platform/db/advisory-lock";
import type { Database, Session } from "../platform/db/database";
import { checkpointOf, loadCheckpoint, saveCheckpoint } from "../platform/event-store/checkpoints";
import type { EventStore, RecordedEvent } from "../platform/event-store/types";
import { AcknowledgedOffsets } from "./acknowledged-offsets";
import { toKafkaMessage } from "./cloudevent-message";

/** Relay settings. Times in ms. */
export interface RelayOptions {
  db: Database;
  store: EventStore;
  kafka: Kafka;
  /** Checkpoint and lock name; default `relay`. */
  name?: string;
  topicPrefix?: string;
  topics?: readonly TopicSpec[];
  batchSize?: number;
  /** Wait when the log has nothing new; an append through `store` in this process ends it early. Default 100 ms. */
  idlePollMs?: number;
  /** How often a stand-by tries the lock. Default 1000 ms. */
  standbyPollMs?: number;
  /** Back-off after a failure (broker or database down). Default 1000 ms. */
  retryMs?: number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  /** Test hook: called after the broker acknowledged a batch, before the checkpoint moves. */
  afterAck?: (batch: RecordedEvent[]) => Promise<void> | void;
}

/** Figures the relay exposes (also for /metrics later). */
export interface RelayStatus {
  active: boolean;
  published: number;
  batches: number;
  lastGlobalPosition: number;
  lastError?: string;
}

/** 64-bit advisory-lock key derived from the relay name (stable across processes). */
export const lockKeyFor = (name: string): string => advisoryLockKey("relay", name);

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener("abort", done);
  });

export class Relay {
  readonly status: RelayStatus = { active: false, published: 0, batches: 0, lastGlobalPosition: 0 };
  private readonly o: Required<Omit<RelayOptions, "afterAck" | "log">> & Pick<RelayOptions, "afterAck" | "log">;
  private readonly abort = new AbortController();
  private running?: Promise<void>;
  /** Ends the current idle wait (set while waiting). */
  private wake?: () => void;
  /** When an in-process append last committed (`Date.now()`, ms; 0: never). */
  private appendedAt = 0;

  constructor(opts: RelayOptions) {
    this.o = {
      name: "relay",
      topicPrefix: "",
      topics: TOPICS,
      batchSize: 500,
      idlePollMs: 100,
      standbyPollMs: 1000,
      retryMs: 1000,
      ...opts,
    };
  }

  /** Starts the loop in the background; resolves at once. */
  start(): void {
    if (this.running) return;
    const unsubscribe = this.o.store.onAppended?.(() => {
      this.appendedAt = Date.now();
      this.wake?.();
    });
    this.running = this.loop().finally(() => unsubscribe?.());
  }

  /** Stops after the current batch and releases the lock. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  private async loop(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      let session: Session | undefined;
      let broken = false;
      try {
        session = await this.o.db.session();
        session.onError(() => {
          broken = true;
        });
        const { rows } = await session.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1::bigint) AS locked", [
          lockKeyFor(this.o.name),
        ]);
        if (!rows[0]?.locked) {
          session.release();
          session = undefined;
          await sleep(this.o.standbyPollMs, signal);
          continue;
        }
        this.status.active = true;
        this.o.log?.("relay active", { name: this.o.name });
        await this.publishWhileActive(session, () => broken);
      } catch (err) {
        this.status.lastError = String(err);
        this.o.log?.("relay error; retrying", { error: String(err) });
        broken = true;
        await sleep(this.o.retryMs, signal);
      } finally {
        this.status.active = false;
        if (session) {
          if (!broken)
            await session.query("SELECT pg_advisory_unlock($1::bigint)", [lockKeyFor(this.o.name)]).catch(() => {});
          session.release(broken);
        }
      }
    }
  }

  private async publishWhileActive(session: Session, isBroken: () => boolean): Promise<void> {
    const signal = this.abort.signal;
    const producer: Producer = this.o.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
    await producer.connect();
    const acknowledged = new AcknowledgedOffsets();
    try {
      let cp = await loadCheckpoint(session, this.o.name);
      while (!signal.aborted && !isBroken()) {
        const batch = await this.o.store.readAll(cp, { batchSize: this.o.batchSize });
        if (batch.length === 0) {
          // A fresh append can sit behind a transaction that was still open when it committed
          // (the read's xmin bound): for a second after an append, poll every 5 ms.
          await this.idle(signal, Date.now() - this.appendedAt < 1000 ? 5 : this.o.idlePollMs);
          continue;
        }
        acknowledged.check(await producer.sendBatch({ acks: -1, topicMessages: this.group(batch) }));
        await this.o.afterAck?.(batch);
        const last = batch[batch.length - 1]!;
        cp = checkpointOf(last);
        await saveCheckpoint(session, this.o.name, cp);
        this.status.published += batch.length;
        this.status.batches += 1;
        this.status.lastGlobalPosition = last.globalPosition;
      }
    } finally {
      await producer.disconnect().catch(() => {});
    }
  }

  /** Waits `ms`, or less when an in-process append or `stop` ends the wait. */
  private idle(signal: AbortSignal, ms: number): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    const wait = new AbortController();
    const onStop = () => wait.abort();
    signal.addEventListener("abort", onStop);
    this.wake = onStop;
    return sleep(ms, wait.signal).finally(() => {
      this.wake = undefined;
      signal.removeEventListener("abort", onStop);
    });
  }

  /** Groups a batch by topic, keeping global-log order within each topic (hence per stream). */
  private group(batch: RecordedEvent[]) {
    const byTopic = new Map<string, ReturnType<typeof toKafkaMessage>[]>();
    for (const e of batch) {
      const topic = topicName(topicFor(e.streamId, this.o.topics), this.o.topicPrefix);
      const list = byTopic.get(topic) ?? [];
      list.push(toKafkaMessage(e));
      byTopic.set(topic, list);
    }
    return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
  }
}
