/**
 * Parked events on the PostgreSQL server: an event a projection could not apply (a bug) is
 * parked while the rest flows; after the fix, `retryParked` applies it once and in stream order;
 * a second retry changes nothing; a skip removes an item and is recorded in the operator log.
 */
import { randomUUID } from "node:crypto";
import type { Projection } from "../../projections/runner/projection";
import { RebuildInProgressError, rebuildProjection } from "../../projections/runner/rebuild";
import { startStoreFeed } from "../../projections/runner/store-feed";
import { advisoryLockKey } from "../../services/platform/db/advisory-lock";
import { OPERATIONS_STREAM } from "../../contracts/operations/events";
import {
  listParked,
  ParkedNotFoundError,
  retryParked,
  showParked,
  skipParked,
} from "../../services/operator/parked-items";
import { PostgresEventStore } from "../../services/platform/event-store/postgres-event-store";
import { counterProjection, counterRows } from "../support/counter-projection";
import { serverDatabase, type TestDatabase } from "../support/databases";

describe("parked events: list, show, retry after a fix, skip", () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await serverDatabase();
  });
  afterEach(() => t.drop());

  it("a parked event, once the bug is fixed, is applied once and in stream order", async () => {
    const store = new PostgresEventStore(t.db);
    // The bug: increments by 7 fail. Fixed by flipping `buggy`.
    let buggy = true;
    const projection: Projection = {
      ...counterProjection,
      async apply(tx, e, tables) {
        if (buggy && e.type === "CounterIncremented" && (e.data as { by: number }).by === 7) {
          throw new Error("cannot apply an increment of 7");
        }
        return counterProjection.apply!(tx, e, tables);
      },
    };
    const stream = `Counter-${randomUUID()}`;
    const ev = (type: string, data: unknown) => ({ eventId: randomUUID(), type, data, occurredAt: new Date() });
    await store.append(stream, [ev("CounterOpened", { name: "gate 3" })], "no_stream");
    await store.append(stream, [ev("CounterIncremented", { by: 7 })], 0);
    await store.append(stream, [ev("CounterIncremented", { by: 1 })], 1);
    const feed = startStoreFeed(t.db, store, projection, { idlePollMs: 20 });
    await feed.caughtUp();
    await feed.stop();

    expect((await counterRows(t.db)).map((r) => r.total)).toEqual(["1"]);
    const parked = await listParked(t.db);
    expect(parked).toEqual([
      expect.objectContaining({ kind: "event", projection: "counter_totals", streamId: stream, streamVersion: 1 }),
    ]);
    const detail = await showParked(t.db, parked[0]!.id);
    expect(detail.event?.data).toEqual({ by: 7 });
    expect(detail.reason).toContain("cannot apply an increment of 7");

    // Retrying before the fix keeps it parked and applies nothing twice.
    const [early] = await retryParked(t.db, store, parked[0]!.id, { projections: [projection] });
    expect(early).toMatchObject({ eventsBefore: 1, eventsApplied: 0, stillParked: 1 });
    expect((await counterRows(t.db))[0]).toMatchObject({ total: "1", events: "2" });

    buggy = false;
    const [fixed] = await retryParked(t.db, store, parked[0]!.id, { projections: [projection] });
    expect(fixed).toMatchObject({ projection: "counter_totals", eventsBefore: 1, eventsApplied: 1, stillParked: 0 });
    // Opened, +7, +1: each applied once.
    expect((await counterRows(t.db))[0]).toMatchObject({ total: "8", events: "3" });
    expect(await listParked(t.db)).toEqual([]);

    const again = await retryParked(t.db, store, "all", { projections: [projection] });
    expect(again).toEqual([]);
    expect((await counterRows(t.db))[0]).toMatchObject({ total: "8", events: "3" });

    const log = await store.readStream(OPERATIONS_STREAM);
    expect(log.map((e) => [e.type, e.data])).toEqual([
      ["ParkedRetried", { projection: "counter_totals", eventsApplied: 0, recordsApplied: 0, stillParked: 1 }],
      ["ParkedRetried", { projection: "counter_totals", eventsApplied: 1, recordsApplied: 0, stillParked: 0 }],
    ]);
    expect(log[0]!.metadata.actor).toMatchObject({ role: "admin", subject: expect.stringMatching(/^operator:/) });
  });

  it("skipping removes one parked item with its reason in the operator log; unknown ids are refused", async () => {
    const store = new PostgresEventStore(t.db);
    const stream = `Counter-${randomUUID()}`;
    await store.append(
      stream,
      [{ eventId: randomUUID(), type: "CounterOpened", data: { name: "gate 9" }, occurredAt: new Date() }],
      "no_stream",
    );
    await store.append(
      stream,
      [{ eventId: randomUUID(), type: "CounterIncremented", data: { by: "lots" }, occurredAt: new Date() }],
      0,
    );
    await t.db.query(
      `INSERT INTO parked_records (projection, topic, partition, record_offset, record_key, reason, payload)
       VALUES ('counter_totals', 'ftz.platform.events', 0, 41, $1, 'record lacks header ce_id', $2)`,
      [Buffer.from(stream), Buffer.from("{not json")],
    );
    const feed = startStoreFeed(t.db, store, counterProjection, { idlePollMs: 20 });
    await feed.caughtUp();
    await feed.stop();
    const items = await listParked(t.db);
    expect(items.map((i) => i.kind).sort()).toEqual(["event", "record"]);
    const record = items.find((i) => i.kind === "record")!;
    expect(record.id).toBe("ftz.platform.events/0@41");
    expect((await showParked(t.db, record.id)).payload).toBe("{not json");

    await skipParked(t.db, store, record.id, "garbage from a test producer");
    const event = items.find((i) => i.kind === "event")!;
    await skipParked(t.db, store, event.id, "the increment was entered in error");
    expect(await listParked(t.db)).toEqual([]);
    const log = await store.readStream(OPERATIONS_STREAM);
    expect(log.map((e) => e.data)).toEqual([
      expect.objectContaining({ kind: "record", id: record.id, reason: "garbage from a test producer" }),
      expect.objectContaining({
        kind: "event",
        id: event.id,
        streamId: stream,
        reason: "the increment was entered in error",
      }),
    ]);
    await expect(skipParked(t.db, store, randomUUID(), "x")).rejects.toThrow(ParkedNotFoundError);
    await expect(retryParked(t.db, store, "no-such-thing")).rejects.toThrow(ParkedNotFoundError);
  });

  it("one rebuild of a projection at a time: in this process, and against another holding its lock", async () => {
    const store = new PostgresEventStore(t.db);
    const [first, second] = await Promise.allSettled([
      rebuildProjection(t.db, store, counterProjection),
      rebuildProjection(t.db, store, counterProjection),
    ]);
    expect(first.status).toBe("fulfilled");
    expect(second).toMatchObject({ status: "rejected", reason: expect.any(RebuildInProgressError) });

    // Another process's rebuild holds the advisory lock.
    const other = await t.another().session();
    try {
      await other.query("SELECT pg_advisory_lock($1::bigint)", [
        advisoryLockKey("projection-rebuild", "counter_totals"),
      ]);
      await expect(rebuildProjection(t.db, store, counterProjection)).rejects.toThrow(RebuildInProgressError);
      await other.query("SELECT pg_advisory_unlock_all()");
      await expect(rebuildProjection(t.db, store, counterProjection)).resolves.toMatchObject({ events: 0 });
    } finally {
      other.release();
    }
  });
});
