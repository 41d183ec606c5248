/** The example partner consumer's record decoding: contract-valid events pass, anything else says why. */
import type { KafkaMessage } from "kafkajs";
import { decodeRecord } from "../../contracts/client/partner-consumer";
import { EVENT_SCHEMAS } from "../../contracts/events";

const record = (headers: Record<string, string>, value: string): KafkaMessage =>
  ({
    key: Buffer.from("Filing-x"),
    value: Buffer.from(value),
    headers,
    offset: "7",
    timestamp: "0",
    attributes: 0,
  }) as KafkaMessage;
const ce = (type: string) => ({
  ce_id: "7d1a2f7e-4d7a-4c55-8a0f-3d0c7d1a2f7e",
  ce_type: type,
  ce_source: "/ftz/Filing",
  ce_specversion: "1.0",
  ce_time: "2026-11-30T02:00:00.000Z",
  ce_subject: "Filing-7d1a2f7e-4d7a-4c55-8a0f-3d0c7d1a2f7e",
});

describe("partner consumer decoding", () => {
  it("registers a schema for every event type of every context", () => {
    for (const t of [
      "TaskPlanned",
      "DeclarationLodged",
      "HoldLifted",
      "FilingSubmitted",
      "NegativeListEditionPublished",
    ]) {
      expect(EVENT_SCHEMAS[t]).toBeDefined();
    }
  });

  it("passes a contract-valid event with its CloudEvents attributes", () => {
    const r = decodeRecord("t", 0, record(ce("ftz.FilingWithdrawn"), JSON.stringify({ reason: "project cancelled" })));
    expect(r).toMatchObject({
      ok: true,
      event: { type: "FilingWithdrawn", data: { reason: "project cancelled" }, offset: "7" },
    });
  });

  it("says why a record does not match the contract", () => {
    expect(decodeRecord("t", 0, record(ce("ftz.FilingWithdrawn"), JSON.stringify({ reason: "" })))).toEqual({
      ok: false,
      reasons: ["/reason: Too small: expected string to have >=1 characters"],
    });
    expect(decodeRecord("t", 0, record(ce("ftz.Teleported"), "{}"))).toEqual({
      ok: false,
      reasons: ["unknown event type ftz.Teleported"],
    });
    const { ce_time: _t, ...noTime } = ce("ftz.FilingWithdrawn");
    expect(decodeRecord("t", 0, record(noTime, "{}")).ok).toBe(false);
    expect(decodeRecord("t", 0, record(ce("ftz.FilingWithdrawn"), "not json"))).toEqual({
      ok: false,
      reasons: ["value is not JSON"],
    });
  });
});
