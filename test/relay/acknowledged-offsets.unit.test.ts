/** The relay's guard on acknowledgements: a partition's base offset must move forward with every batch. */
import type { RecordMetadata } from "kafkajs";
import { AcknowledgedOffsets, StaleAcknowledgementError } from "../../services/relay/acknowledged-offsets";

const ack = (topicName: string, partition: number, baseOffset?: string): RecordMetadata => ({
  topicName,
  partition,
  errorCode: 0,
  baseOffset,
});

describe("AcknowledgedOffsets", () => {
  it("accepts base offsets that move forward, per partition", () => {
    const offsets = new AcknowledgedOffsets();
    offsets.check([ack("t", 0, "0"), ack("t", 1, "0"), ack("u", 0, "7")]);
    offsets.check([ack("t", 0, "500"), ack("u", 0, "8")]);
    // A partition not in the previous batch keeps its last offset.
    expect(() => offsets.check([ack("t", 1, "1")])).not.toThrow();
  });

  it("refuses an acknowledgement at the previous batch's offset (a batch taken for a duplicate), naming the partition", () => {
    const offsets = new AcknowledgedOffsets();
    offsets.check([ack("t", 0, "100"), ack("t", 1, "40")]);
    let err: unknown;
    try {
      offsets.check([ack("t", 1, "41"), ack("t", 0, "100")]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StaleAcknowledgementError);
    expect(err).toMatchObject({ topic: "t", partition: 0, baseOffset: 100n, previousBaseOffset: 100n });
    // Nothing of the refused batch was recorded: partition 1 still stands at 40.
    expect(() => offsets.check([ack("t", 1, "41")])).not.toThrow();
    expect(() => offsets.check([ack("t", 0, "99")])).toThrow(StaleAcknowledgementError);
  });

  it("compares offsets as 64-bit integers, not strings or doubles", () => {
    const offsets = new AcknowledgedOffsets();
    offsets.check([ack("t", 0, "9")]);
    offsets.check([ack("t", 0, "10")]); // "10" < "9" as strings
    offsets.check([ack("t", 0, "9007199254740993")]);
    expect(() => offsets.check([ack("t", 0, "9007199254740992")])).toThrow(StaleAcknowledgementError);
  });

  it("does not check entries without a base offset (acks = 0)", () => {
    const offsets = new AcknowledgedOffsets();
    offsets.check([ack("t", 0, "5")]);
    expect(() => offsets.check([ack("t", 0)])).not.toThrow();
  });
});
