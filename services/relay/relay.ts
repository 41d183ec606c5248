/**
 * The relay (transactional outbox publisher, README, architecture): reads the global log after its
 * checkpoint, produces each event to its topic with an idempotent kafkajs producer, and advances
 * the checkpoint only after the broker acknowledged (acks = all) with base offsets past the
 * previous batch's (acknowledged-offsets.ts). Delivery is at-least-once: a
 * crash between acknowledgement and checkpoint re-sends a batch, which consumers drop by stream
 * version.
 *
 * Sizes: a produce request carries at most `requestBytes` of records (uncompressed; default
 * SIZE_LIMITS.relayRequestBytes, below every topic's `max.message.bytes`), so a backlog of large
 * events goes out in several requests, gzip-compressed. A request the broker still refuses as too
 * large is split in halves and re-sent; an event refused on its own is parked (`parked_events`,
 * projection `relay:<name>`, with the broker's reason), counted in `status.parked`, and passed
 * over, so nothing behind it waits. With the store's limit derived from the same setting, that
 * only happens to an event stored under an older, larger limit.
 *
 * Stall: while the log has events the relay has not published and its checkpoint has not moved
 * for `stallMs`, `status.stalled` says so with the last error (readiness and metrics read it).
 *
 * Exactly one relay is active: it holds a session-level PostgreSQL advisory lock on a dedicated
 * session and writes its checkpoint through that session, so a relay whose session died can no
 * longer advance it. Stand-by relays try the lock every `standbyPollMs` and take over within that
 * time after the active one's session ends (process death closes the socket; the server then
 * releases the lock).
 */
import { CompressionTypes, type Kafka, type Message, type Producer } from "kafkajs";
import { SIZE_LIMITS, TOPICS, type TopicSpec, topicFor, topicName } from "../../contracts/topics";
import { advisoryLockKey } from "../platform/db/advisory-lock";
import type { Database, Session } from "../platform/db/database";
import { checkpointOf, loadCheckpoint, saveCheckpoint } from "../platform/event-store/checkpoints";
import type { EventStore, RecordedEvent } from "../platform/event-store/types";
import { AcknowledgedOffsets } from "./acknowledged-offsets";
import { toKafkaMessage } from "../platform/messaging/cloudevent-message";
import { eventSpans, SpanKind } from "../platform/tracing";

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
  /** Largest produce request, bytes of records before compression. Default SIZE_LIMITS.relayRequestBytes. */
  requestBytes?: number;
  /** How long a backlog may go unpublished before `status.stalled` is set. Default 30,000 ms. */
  stallMs?: number;
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
  /** Produce requests sent (a batch of the log can take several). */
  requests: number;
  /** Events parked because the broker refused them even alone. */
  parked: number;
  lastGlobalPosition: number;
  /** When the checkpoint last moved, or the relay became active (ms since the epoch). */
  lastProgressAt: number;
  /** Set while a backlog has not been published for `stallMs`: why, as far as known. */
  stalled?: string;
  lastError?: string;
}

/** Bytes a record takes in a produce request before compression: key, value, headers and framing. */
export function recordBytes(m: Message): number {
  let n = 64 + (m.key ? Buffer.byteLength(m.key as string) : 0) + (m.value ? Buffer.byteLength(m.value as string) : 0);
  for (const [k, v] of Object.entries(m.headers ?? {})) n += Buffer.byteLength(k) + Buffer.byteLength(String(v)) + 8;
  return n;
}

/** True when the broker refused a request because a record or batch is larger than it accepts. */
export function isTooLarge(err: unknown): boolean {
  const seen = new Set<unknown>();
  const walk = (e: unknown): boolean => {
    if (!e || typeof e !== "object" || seen.has(e)) return false;
    seen.add(e);
    const x = e as { type?: string; message?: string; cause?: unknown; originalError?: unknown; errors?: unknown[] };
    if (x.type === "MESSAGE_TOO_LARGE" || x.type === "RECORD_LIST_TOO_LARGE") return true;
    if (typeof x.message === "string" && /larger than the max message size|MESSAGE_TOO_LARGE/i.test(x.message))
      return true;
    return walk(x.cause) || walk(x.originalError) || (Array.isArray(x.errors) && x.errors.some(walk));
  };
  return walk(err);
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
  readonly status: RelayStatus = {
    active: false,
    published: 0,
    batches: 0,
    requests: 0,
    parked: 0,
    lastGlobalPosition: 0,
    lastProgressAt: Date.now(),
  };
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
      requestBytes: SIZE_LIMITS.relayRequestBytes,
      stallMs: 30_000,
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
        this.status.lastProgressAt = Date.now();
        this.o.log?.("relay active", { name: this.o.name });
        await this.publishWhileActive(session, () => broken);
      } catch (err) {
        this.status.lastError = String(err);
        this.noteStall();
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
          this.status.lastProgressAt = Date.now();
          this.status.stalled = undefined;
          // A fresh append can sit behind a transaction that was still open when it committed
          // (the read's xmin bound): for a second after an append, poll every 5 ms.
          await this.idle(signal, Date.now() - this.appendedAt < 1000 ? 5 : this.o.idlePollMs);
          continue;
        }
        for (const chunk of this.chunks(batch)) await this.send(producer, acknowledged, session, chunk);
        await this.o.afterAck?.(batch);
        const last = batch[batch.length - 1]!;
        cp = checkpointOf(last);
        await saveCheckpoint(session, this.o.name, cp);
        this.status.published += batch.length;
        this.status.batches += 1;
        this.status.lastGlobalPosition = last.globalPosition;
        this.status.lastProgressAt = Date.now();
        this.status.stalled = undefined;
      }
    } finally {
      await producer.disconnect().catch(() => {});
    }
  }

  /** Sets `status.stalled` when the backlog has waited `stallMs` since the last progress. */
  private noteStall(): void {
    if (Date.now() - this.status.lastProgressAt >= this.o.stallMs)
      this.status.stalled = `no progress for ${Math.round((Date.now() - this.status.lastProgressAt) / 1000)} s: ${this.status.lastError ?? "unknown"}`;
  }

  /** Splits a batch of the log into runs of at most `requestBytes` of records, in log order. */
  private chunks(batch: RecordedEvent[]): RecordedEvent[][] {
    const out: RecordedEvent[][] = [];
    let run: RecordedEvent[] = [];
    let bytes = 0;
    for (const e of batch) {
      const n = recordBytes(toKafkaMessage(e));
      if (run.length && bytes + n > this.o.requestBytes) {
        out.push(run);
        run = [];
        bytes = 0;
      }
      run.push(e);
      bytes += n;
    }
    if (run.length) out.push(run);
    return out;
  }

  /**
   * Sends `events` in one request; when the broker refuses it as too large, sends each half, and
   * parks an event refused on its own.
   */
  private async send(
    producer: Producer,
    acknowledged: AcknowledgedOffsets,
    session: Session,
    events: RecordedEvent[],
  ): Promise<void> {
    // One "publish" span per traced event, in the trace of the command that appended it (tracing.ts).
    const endSpans = eventSpans("publish", SpanKind.PRODUCER, events, { "messaging.system": "kafka" });
    try {
      this.status.requests += 1;
      acknowledged.check(
        await producer.sendBatch({ acks: -1, compression: CompressionTypes.GZIP, topicMessages: this.group(events) }),
      );
      endSpans();
    } catch (err) {
      endSpans(err);
      if (!isTooLarge(err)) throw err;
      if (events.length > 1) {
        const half = Math.ceil(events.length / 2);
        await this.send(producer, acknowledged, session, events.slice(0, half));
        await this.send(producer, acknowledged, session, events.slice(half));
        return;
      }
      const e = events[0]!;
      const reason = `the broker refused the record as too large (${recordBytes(toKafkaMessage(e))} bytes before compression): ${String(err)}`;
      await session.query(
        `INSERT INTO parked_events (projection, event_id, stream_id, stream_version, type, reason)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [`relay:${this.o.name}`, e.eventId, e.streamId, e.streamVersion, e.type, reason.slice(0, 4000)],
      );
      this.status.parked += 1;
      this.o.log?.("relay parked an event the broker refuses", { eventId: e.eventId, streamId: e.streamId, reason });
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
