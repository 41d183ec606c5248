/**
 * The AsyncAPI 3.0 document of the event feed (`contracts/asyncapi.yaml`), generated from the
 * event registry (`contracts/events.ts`): one channel per topic, one message per event type with
 * its payload schema converted from the same zod schema (`z.toJSONSchema`), the CloudEvents
 * binary-mode headers, and the Kafka key (the stream id). `npm run contracts:check` regenerates it,
 * validates it with `@asyncapi/parser`, and fails on drift, like the OpenAPI file.
 */
import { stringify } from "yaml";
import { EVENTS_BY_CATEGORY, cloudEventType } from "./events";
import { z } from "./http/zod";
import { API_INFO } from "./openapi";
import { ROLES } from "./roles";
import { TOPICS } from "./topics";

/**
 * The Kafka record headers of every event (CloudEvents 1.0, Kafka protocol binding §3.2, binary
 * mode): every header the relay writes, no other (test/contracts/asyncapi.unit.test.ts holds the
 * two together). Header values are UTF-8 strings.
 */
export const CLOUD_EVENT_HEADERS = {
  type: "object",
  required: ["ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "ce_subject", "content-type"],
  properties: {
    ce_specversion: { type: "string", const: "1.0" },
    ce_id: { type: "string", format: "uuid", description: "Event id: unique, stable across redeliveries" },
    ce_source: { type: "string", description: "/ftz/<stream category>, e.g. /ftz/Declaration" },
    ce_type: { type: "string", description: "ftz.<EventType>" },
    ce_time: { type: "string", format: "date-time", description: "Business time of the event" },
    ce_subject: { type: "string", description: "The stream id, e.g. Declaration-949920260000000001" },
    ce_streamversion: {
      type: "string",
      description: "Revision in its stream, from 0 (consumers drop what they already applied)",
    },
    ce_globalposition: { type: "string", description: "Position in the global log" },
    ce_recordedtime: { type: "string", format: "date-time", description: "When the store recorded it" },
    ce_schemaversion: {
      type: "string",
      description: "Version of the payload's schema for its type, from 1 (absent: 1); a consumer upcasts older ones",
    },
    ce_correlationid: { type: "string", description: "Id of the request that caused it (the HTTP X-Request-Id)" },
    ce_causationid: { type: "string", description: "Id of the command or event that caused it" },
    ce_actorrole: {
      type: "string",
      enum: [...ROLES],
      description: "Role of who caused it. The actor's subject (a person's account) is not published",
    },
    ce_actorenterprise: {
      type: "string",
      description: "Unified social credit code (GB 32100-2015) of the enterprise that caused it, when one did",
    },
    "content-type": { type: "string", const: "application/json" },
  },
} as const;

/** A JSON Schema for a zod schema (refinements are described in words, not in the schema). */
function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const s = z.toJSONSchema(schema, { target: "draft-7", io: "output", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  delete s.$schema;
  return s;
}

/** Channel ids: the topic name in camel case (`ftz.reform-tasks.events` → `reformTasksEvents`). */
const channelId = (topic: string) =>
  topic
    .replace(/^ftz\./, "")
    .split(/[.-]/)
    .map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1)))
    .join("");

/** The AsyncAPI 3.0 document as an object. */
export function buildAsyncApiDocument(): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = { CloudEventHeaders: CLOUD_EVENT_HEADERS };
  for (const topic of TOPICS) {
    const categories = topic.categories.filter((c) => c !== "*" && EVENTS_BY_CATEGORY[c]);
    if (categories.length === 0) continue;
    const id = channelId(topic.name);
    const channelMessages: Record<string, unknown> = {};
    for (const category of categories) {
      for (const [type, schema] of Object.entries(EVENTS_BY_CATEGORY[category]!)) {
        schemas[type] = jsonSchemaOf(schema);
        messages[type] = {
          name: cloudEventType(type),
          title: type,
          contentType: "application/json",
          headers: { $ref: "#/components/schemas/CloudEventHeaders" },
          payload: { $ref: `#/components/schemas/${type}` },
          bindings: {
            kafka: {
              key: { type: "string", description: `Stream id, ${category}-<id>: one stream's events stay in order` },
            },
          },
        };
        channelMessages[type] = { $ref: `#/components/messages/${type}` };
      }
    }
    channels[id] = {
      address: topic.name,
      title: topic.name,
      description: `Events of ${categories.join(", ")} streams (key = stream id). Topic prefix KAFKA_TOPIC_PREFIX applies. Readers: ${topic.audience}.`,
      messages: channelMessages,
    };
    operations[`publish${id.charAt(0).toUpperCase()}${id.slice(1)}`] = {
      action: "send",
      channel: { $ref: `#/channels/${id}` },
      summary: `The backend's relay publishes every committed ${categories.join(", ")} event, at least once, in stream order`,
      messages: Object.keys(channelMessages).map((m) => ({ $ref: `#/channels/${id}/messages/${m}` })),
    };
  }
  return {
    asyncapi: "3.0.0",
    info: {
      title: `${API_INFO.title}: event feed`,
      version: API_INFO.version,
      description:
        "Every event the backend records, published to Kafka as CloudEvents 1.0 (binary mode). Delivery is at " +
        "least once: consumers drop an event whose stream version they already applied. The same events, with the " +
        "same CloudEvents attributes in JSON structured mode, are served over HTTP for partners without a Kafka " +
        "client: GET /feed/{topic} (the OpenAPI document; pages, long polling, Server-Sent Events), under the same " +
        "data-sharing policy.",
    },
    defaultContentType: "application/json",
    servers: {
      local: { host: "127.0.0.1:9092", protocol: "kafka", description: "npm run stack:up (KAFKA_BROKERS)" },
    },
    channels,
    operations,
    components: { messages, schemas },
  };
}

/** `contracts/asyncapi.yaml`'s content. */
export function renderAsyncApiYaml(): string {
  return `# Generated by npm run contracts:generate from contracts/events.ts. Do not edit by hand.\n${stringify(
    buildAsyncApiDocument(),
    { lineWidth: 0, aliasDuplicateObjects: false },
  )}`;
}

/**
 * Validates an AsyncAPI document with @asyncapi/parser; returns the error diagnostics (empty when
 * valid). The parser is loaded lazily: it is a dev dependency used by the contract check.
 */
export async function validateAsyncApi(yamlText: string): Promise<string[]> {
  const { Parser } = await import("@asyncapi/parser");
  const { diagnostics } = await new Parser().parse(yamlText);
  return diagnostics.filter((d) => d.severity === 0).map((d) => `${d.path.join(".")}: ${d.message}`);
}
