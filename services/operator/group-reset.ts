/**
 * `ftz projections reset <name>`: sends a Kafka-fed projection's consumer group
 * (`<prefix>projection.<name>`) back to the earliest offset of each of its topics, for when its
 * committed offsets are wrong or lost. The workers re-read everything; each record they already
 * applied is dropped by stream revision (projections/runner/apply-batch.ts), so the read model is
 * unchanged and nothing is applied twice. Kafka only resets a group with no running members:
 * stop that projection's workers first. Recorded in the operator log.
 */
import type { Kafka } from "kafkajs";
import { topicsOf } from "../../projections/runner/kafka-feed";
import type { Projection } from "../../projections/runner/projection";
import type { SqlExecutor } from "../platform/db/database";
import type { EventStore } from "../platform/event-store/types";
import { recordOperation } from "./operator-log";

/** Thrown when the group still has running members. */
export class GroupActiveError extends Error {}

/** What a reset did: the group and the topics it was reset on. */
export interface GroupResetOutcome {
  groupId: string;
  topics: string[];
}

/**
 * Resets `projection`'s consumer group to the earliest offsets and clears its stored offsets.
 * @throws GroupActiveError when workers of the group are running.
 */
export async function resetConsumerGroup(
  db: SqlExecutor,
  store: EventStore,
  kafka: Kafka,
  projection: Projection,
  prefix = "",
): Promise<GroupResetOutcome> {
  const groupId = `${prefix}projection.${projection.name}`;
  const topics = topicsOf(projection, prefix);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [group] = (await admin.describeGroups([groupId])).groups;
    if (group && group.members.length > 0) {
      throw new GroupActiveError(
        `${groupId} has ${group.members.length} running member(s): stop the ${projection.name} workers, then reset`,
      );
    }
    for (const topic of topics) await admin.resetOffsets({ groupId, topic, earliest: true });
  } finally {
    await admin.disconnect();
  }
  await db.query("DELETE FROM projection_offsets WHERE projection = $1", [projection.name]);
  await recordOperation(store, "ConsumerGroupReset", { projection: projection.name, groupId, topics });
  return { groupId, topics };
}
