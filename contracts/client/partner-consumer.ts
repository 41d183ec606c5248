/**
 * An example partner consumer (kafkajs): joins a consumer group on the backend's topics, reads
 * each record's CloudEvents headers, and validates the event data against the published contract
 * (`contracts/events.ts`, the same zod schemas the AsyncAPI document is generated from). Valid
 * events go to `onEvent`; a record that does not match the contract goes to `onInvalid` with the
 * reasons, and is committed past (a partner decides what to do with it; nothing is lost upstream,
 * since the backend's store keeps every event).
 */
import type { Consumer, Kafka, KafkaMessage } from "kafkajs";
import { EVENT_SCHEMAS } from "../events";

/** A validated event as a partner sees it. */
export interface PartnerEvent {
  id: string;
  type: string;
  source: string;
  subject: string;
  time: string;
  data: unknown;
  topic: string;
  partition: number;
  offset: string;
}

const header = (m: KafkaMessage, name: string) => {
  const v = m.headers?.[name];
  return v === undefined ? undefined : String(v);
};

/** Decodes and validates one record; the event, or why it does not match the contract. */
export function decodeRecord(
  topic: string,
  partition: number,
  m: KafkaMessage,
): { ok: true; event: PartnerEvent } | { ok: false; reasons: string[] } {
  const type = header(m, "ce_type");
  const reasons: string[] = [];
  for (const h of ["ce_id", "ce_type", "ce_source", "ce_specversion", "ce_time", "ce_subject"]) {
    if (header(m, h) === undefined) reasons.push(`missing CloudEvents header ${h}`);
  }
  if (header(m, "ce_specversion") !== undefined && header(m, "ce_specversion") !== "1.0")
    reasons.push("specversion is not 1.0");
  const eventType = type?.startsWith("ftz.") ? type.slice(4) : undefined;
  const schema = eventType ? EVENT_SCHEMAS[eventType] : undefined;
  if (type && !schema) reasons.push(`unknown event type ${type}`);
  let data: unknown;
  try {
    data = JSON.parse(m.value?.toString("utf8") ?? "null");
  } catch {
    reasons.push("value is not JSON");
  }
  if (schema && reasons.length === 0) {
    const parsed = schema.safeParse(data);
    if (!parsed.success) reasons.push(...parsed.error.issues.map((i) => `/${i.path.join("/")}: ${i.message}`));
  }
  if (reasons.length) return { ok: false, reasons };
  return {
    ok: true,
    event: {
      id: header(m, "ce_id")!,
      type: eventType!,
      source: header(m, "ce_source")!,
      subject: header(m, "ce_subject")!,
      time: header(m, "ce_time")!,
      data,
      topic,
      partition,
      offset: m.offset,
    },
  };
}

/** Starts consuming `topics` as `groupId`; returns the consumer (call `disconnect()` to stop). */
export async function startPartnerConsumer(opts: {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  fromBeginning?: boolean;
  onEvent(event: PartnerEvent): Promise<void> | void;
  onInvalid(record: { topic: string; partition: number; offset: string }, reasons: string[]): Promise<void> | void;
}): Promise<Consumer> {
  const consumer = opts.kafka.consumer({ groupId: opts.groupId });
  await consumer.connect();
  await consumer.subscribe({ topics: opts.topics, fromBeginning: opts.fromBeginning ?? true });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const r = decodeRecord(topic, partition, message);
      if (r.ok) await opts.onEvent(r.event);
      else await opts.onInvalid({ topic, partition, offset: message.offset }, r.reasons);
    },
  });
  return consumer;
}
