/**
 * A guard on the broker's acknowledgements. An idempotent producer's batch that the broker takes
 * for a duplicate (same producer id, epoch and sequence as a batch it already holds) is answered
 * with success and the base offset of the batch it already holds (Kafka's idempotent producer,
 * KIP-98). A client that reused a sequence number for new records would thus be told they were
 * written while the broker dropped them; kafkajs issues #353 and #1005 report such silent drops.
 * The relay would then move its checkpoint past events that never reached Kafka.
 *
 * Within one producer session the relay sends one batch at a time, so each partition's base
 * offset must move forward with every acknowledgement; one that does not is refused.
 */
import type { RecordMetadata } from "kafkajs";

/** An acknowledgement whose base offset did not move forward: its records may not be on Kafka. */
export class StaleAcknowledgementError extends Error {
  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly baseOffset: bigint,
    readonly previousBaseOffset: bigint,
  ) {
    super(
      `broker acknowledged ${topic}/${partition} at base offset ${baseOffset}, not after the previous batch's ${previousBaseOffset}: the batch may have been dropped as a duplicate; re-sending from the checkpoint with a new producer`,
    );
    this.name = "StaleAcknowledgementError";
  }
}

/** Base offsets acknowledged per partition in one producer session (a new producer: a new instance). */
export class AcknowledgedOffsets {
  private readonly last = new Map<string, bigint>();

  /**
   * Records the acknowledgements of one `sendBatch`. Throws StaleAcknowledgementError, and records
   * nothing, when a partition's base offset is not greater than the one acknowledged before it.
   * Entries without a base offset (acks = 0) are not checked.
   */
  check(acks: readonly RecordMetadata[]): void {
    const next = new Map<string, bigint>();
    for (const a of acks) {
      if (a.baseOffset === undefined) continue;
      const key = `${a.topicName}/${a.partition}`;
      const base = BigInt(a.baseOffset);
      const previous = this.last.get(key);
      if (previous !== undefined && base <= previous)
        throw new StaleAcknowledgementError(a.topicName, a.partition, base, previous);
      next.set(key, base);
    }
    for (const [key, base] of next) this.last.set(key, base);
  }
}
