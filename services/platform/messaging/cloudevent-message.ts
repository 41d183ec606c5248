/**
 * Maps a stored event to a Kafka record in CloudEvents 1.0 binary content mode (Kafka protocol
 * binding §3.2) with the `cloudevents` package, and back. Record key = stream id (per-aggregate
 * order). Extension attributes (headers `ce_<name>`): `streamversion`, `globalposition`,
 * `schemaversion`, `correlationid`, `causationid`, `recordedtime`, the actor's `actorrole` and
 * `actorenterprise` (a credit code: a legal person's public registration number), and, when the
 * append was traced, `traceparent`/`tracestate` (CloudEvents distributed-tracing extension).
 *
 * The actor's subject is not on Kafka. It names a natural person's account (an official, an
 * enterprise's clerk): personal information (PIPL Art. 4) that a topic's consumers, partner
 * systems among them, do not need to process events, and that Kafka's retention would keep out of
 * reach of deletion. Who did what stays in the event store and its audit trail, for the roles that
 * may read it (README, access).
 */
import { CloudEvent, Kafka as CeKafka } from "cloudevents";
import type { IHeaders, KafkaMessage, Message } from "kafkajs";
import { streamCategory } from "../../../contracts/topics";
import type { RecordedEvent } from "../event-store/types";

/** `ce_source` of every event: a URI reference naming the bounded context's stream category. */
export const sourceFor = (streamId: string): string => `/ftz/${streamCategory(streamId)}`;
/** `ce_type`: reverse-DNS-style prefix + the event type. */
export const ceType = (eventType: string): string => `ftz.${eventType}`;

/**
 * The CloudEvent of `e` (CloudEvents 1.0): id, source, type, time, subject = stream id, the data,
 * and the extension attributes every consumer gets (stream version, global position, schema
 * version, recorded time, correlation and causation ids, the actor's role and enterprise; never
 * the actor's subject, a person's account).
 */
export function cloudEventOf(e: RecordedEvent): CloudEvent<unknown> {
  const actor = e.metadata.actor;
  const ext: Record<string, string> = {
    streamversion: String(e.streamVersion),
    globalposition: String(e.globalPosition),
    schemaversion: String(e.schemaVersion),
    recordedtime: e.recordedAt.toISOString(),
  };
  if (e.metadata.correlationId) ext.correlationid = String(e.metadata.correlationId);
  if (e.metadata.causationId) ext.causationid = String(e.metadata.causationId);
  if (actor?.role) ext.actorrole = actor.role;
  if (actor?.enterprise) ext.actorenterprise = actor.enterprise;
  // CloudEvents distributed-tracing extension: the trace of the command that appended it.
  if (typeof e.metadata.traceparent === "string") ext.traceparent = e.metadata.traceparent;
  if (typeof e.metadata.tracestate === "string" && e.metadata.tracestate) ext.tracestate = e.metadata.tracestate;
  return new CloudEvent<unknown>({
    id: e.eventId,
    source: sourceFor(e.streamId),
    type: ceType(e.type),
    specversion: "1.0",
    time: e.occurredAt.toISOString(),
    subject: e.streamId,
    datacontenttype: "application/json",
    data: e.data,
    partitionkey: e.streamId,
    ...ext,
  });
}

/** The Kafka record for `e` (binary mode, key = stream id). Header values are strings (Kafka headers are bytes). */
export function toKafkaMessage(e: RecordedEvent): Message {
  const ce = cloudEventOf(e);
  const m = CeKafka.binary(ce);
  const headers: IHeaders = {};
  for (const [k, v] of Object.entries(m.headers)) {
    if (v !== undefined && k !== "ce_partitionkey" && k !== "ce_datacontenttype") headers[k] = String(v);
  }
  return { key: e.streamId, value: JSON.stringify(e.data), headers, timestamp: String(e.recordedAt.getTime()) };
}

/**
 * What a consumer gets from a record: a stored event without its transaction id (the global-log
 * checkpoint is the relay's business; consumers order by partition offset and stream version) and
 * with the actor's role and enterprise only (no subject: see above).
 */
export type ConsumedEvent = Omit<RecordedEvent, "transactionId" | "metadata"> & {
  metadata: {
    correlationId?: string;
    causationId?: string;
    actor?: { role: string; enterprise?: string };
    /** W3C trace context of the append (CloudEvents distributed-tracing extension), when traced. */
    traceparent?: string;
    tracestate?: string;
  };
};

const header = (h: IHeaders | undefined, name: string): string | undefined => {
  const v = h?.[name];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? String(v[0]) : String(v);
};

/**
 * Parses a record written by `toKafkaMessage`.
 * @throws Error naming the missing header or the unparsable value (a poison record): counts must
 *   be decimal safe integers, times valid instants.
 */
export function fromKafkaMessage(m: KafkaMessage): ConsumedEvent {
  const need = (name: string) => {
    const v = header(m.headers, name);
    if (v === undefined) throw new Error(`record lacks header ${name}`);
    return v;
  };
  const count = (name: string) => {
    const v = need(name);
    const n = Number(v);
    if (!/^\d{1,15}$/.test(v) || !Number.isSafeInteger(n))
      throw new Error(`header ${name} is not a count: ${v.slice(0, 40)}`);
    return n;
  };
  const instant = (name: string, v: string | number) => {
    const d = new Date(v);
    if (Number.isNaN(d.getTime())) throw new Error(`header ${name} is not a time: ${String(v).slice(0, 40)}`);
    return d;
  };
  const type = need("ce_type");
  const subject = need("ce_subject");
  const enterprise = header(m.headers, "ce_actorenterprise");
  const role = header(m.headers, "ce_actorrole");
  return {
    eventId: need("ce_id"),
    type: type.startsWith("ftz.") ? type.slice(4) : type,
    streamId: subject,
    streamVersion: count("ce_streamversion"),
    globalPosition: count("ce_globalposition"),
    schemaVersion: header(m.headers, "ce_schemaversion") === undefined ? 1 : count("ce_schemaversion"),
    data: JSON.parse(m.value?.toString("utf8") ?? "null"),
    occurredAt: instant("ce_time", need("ce_time")),
    recordedAt: instant("ce_recordedtime", header(m.headers, "ce_recordedtime") ?? Number(m.timestamp)),
    metadata: {
      correlationId: header(m.headers, "ce_correlationid"),
      causationId: header(m.headers, "ce_causationid"),
      actor: role ? { role, ...(enterprise ? { enterprise } : {}) } : undefined,
      ...(header(m.headers, "ce_traceparent") ? { traceparent: header(m.headers, "ce_traceparent") } : {}),
      ...(header(m.headers, "ce_tracestate") ? { tracestate: header(m.headers, "ce_tracestate") } : {}),
    },
  };
}
