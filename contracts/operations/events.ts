/**
 * Events of the operator log (stream `Operations-log`, on the `ftz.platform.events` topic): what an
 * operator did to the pipeline, with who did it in the event metadata, so the audit trail
 * (`GET /audit/streams/Operations-log`, admins) shows every rebuild, retry, skip and re-publication.
 */
import { SafeString } from "../http/common";
import { z } from "../http/zod";

/** Stream category and id of the operator log. */
export const OPERATIONS_CATEGORY = "Operations";
export const OPERATIONS_STREAM = `${OPERATIONS_CATEGORY}-log`;

/**
 * A data subject was erased (个人信息保护法 Art. 47): its data key deleted, so every sealed copy of
 * its personal fields (events, Kafka records, read models) can no longer be opened. Holds no
 * personal data: the subject id, the legal basis and the admin's note.
 */
export const PersonalDataErased = z
  .strictObject({
    subjectId: z.uuid(),
    legalBasis: SafeString.min(1).max(300),
    note: SafeString.max(2000),
  })
  .openapi("PersonalDataErased");

/** A read model was rebuilt from the event store and swapped in. */
export const ProjectionRebuilt = z
  .strictObject({ projection: z.string(), events: z.number().int().min(0), ms: z.number().int().min(0) })
  .openapi("ProjectionRebuilt");

/** Parked events and records of a projection were retried: how many applied, how many stay parked. */
export const ParkedRetried = z
  .strictObject({
    projection: z.string(),
    eventsApplied: z.number().int().min(0),
    recordsApplied: z.number().int().min(0),
    stillParked: z.number().int().min(0),
  })
  .openapi("ParkedRetried");

/** A parked event or Kafka record was skipped on purpose: it will never be in the read model. */
export const ParkedSkipped = z
  .strictObject({
    projection: z.string(),
    kind: z.enum(["event", "record"]),
    /** The event id, or `<topic>/<partition>@<offset>` of a record. */
    id: z.string(),
    streamId: z.string().nullable(),
    reason: SafeString.min(1).max(2000),
  })
  .openapi("ParkedSkipped");

/** Stored events were published to Kafka again (consumers drop what they already applied). */
export const EventsRepublished = z
  .strictObject({
    fromPosition: z.number().int().min(1),
    toPosition: z.number().int().min(0),
    events: z.number().int().min(0),
  })
  .openapi("EventsRepublished");

/** A Kafka-fed projection's consumer group was sent back to the earliest offsets (its workers re-read; duplicates are dropped). */
export const ConsumerGroupReset = z
  .strictObject({ projection: z.string(), groupId: z.string(), topics: z.array(z.string()) })
  .openapi("ConsumerGroupReset");

/** The operator log's event types. */
export const OPERATION_EVENTS = {
  ProjectionRebuilt,
  ParkedRetried,
  ParkedSkipped,
  EventsRepublished,
  ConsumerGroupReset,
  PersonalDataErased,
};
