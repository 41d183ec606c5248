/**
 * Every event type the backend publishes, with its data schema and its topic: the one registry
 * partner consumers validate against and the AsyncAPI document is generated from. Events travel
 * as CloudEvents 1.0 in Kafka's binary mode: `ce_type` is `ftz.<EventType>`, the record value is
 * the event data as JSON, the key is the stream id.
 */
import { DECLARATION_EVENTS } from "./direct-clearance/events";
import { z } from "./http/zod";
import { FILING_EVENTS } from "./investment-filings/events";
import {
  NegativeListEditionCorrected,
  NegativeListEditionPublished,
  NegativeListEditionSuperseded,
  NegativeListHistoricalEditionRecorded,
} from "./negative-list/events";
import { OPERATION_EVENTS, OPERATIONS_CATEGORY } from "./operations/events";
import { REFORM_TASK_EVENTS } from "./reform-tasks/events";
import { TOPICS, type TopicSpec } from "./topics";

/** Bookkeeping event of a negative-list scope's index stream (edition-publishing.ts). */
export const NegativeListEditionIndexed = z
  .object({ editionId: z.string(), inForceFrom: z.iso.date(), inForceUntil: z.iso.date().optional() })
  .openapi("NegativeListEditionIndexed");

/** Event types by stream category. */
export const EVENTS_BY_CATEGORY: Record<string, Record<string, z.ZodType>> = {
  ReformTask: REFORM_TASK_EVENTS,
  Declaration: DECLARATION_EVENTS,
  Filing: FILING_EVENTS,
  NegativeListEdition: {
    NegativeListEditionPublished,
    NegativeListHistoricalEditionRecorded,
    NegativeListEditionCorrected,
    NegativeListEditionSuperseded,
    NegativeListEditionIndexed,
  },
  [OPERATIONS_CATEGORY]: OPERATION_EVENTS,
};

/** Every event type → its data schema. */
export const EVENT_SCHEMAS: Record<string, z.ZodType> = Object.assign({}, ...Object.values(EVENTS_BY_CATEGORY));

/** The topic a category's events are published on. */
export function topicOfCategory(category: string): TopicSpec {
  const spec = TOPICS.find((t) => t.categories.includes(category));
  if (!spec) throw new Error(`no topic for category ${category}`);
  return spec;
}

/** The CloudEvents `type` of an event type. */
export const cloudEventType = (eventType: string): string => `ftz.${eventType}`;
