/**
 * The projection runner fed from the event store, on the PostgreSQL server and on PGlite:
 * exactly-once effect under redelivery, poison events parked, rebuild-and-swap, lag figures.
 */
import { wholeLog } from "../support/global-log";
import { randomUUID } from "node:crypto";
import { applyBatch } from "../../projections/runner/apply-batch";
import { projectionLag } from "../../projections/runner/lag";
import { LIVE } from "../../projections/runner/projection";
import { rebuildProjection } from "../../projections/runner/rebuild";
import { startStoreFeed } from "../../projections/runner/store-feed";
import { PostgresEventStore } from "../../services/platform/event-store/postgres-event-store";
import { counterProjection, counterRows } from "../support/counter-projection";
import { ENGINES, type TestDatabase } from "../support/databases";

const at = "2026-11-30T10:00:00Z";
const ev = (type: string, data: unknown) => ({ eventId: randomUUID(), type, data, occurredAt: at });

async function seed(store: PostgresEventStore, counters: number, increments: number) {
  for (let c = 0; c < counters; c++) {
    await store.append(`Counter-${c}`, [ev("CounterOpened", { name: `c${c}` })], "no_stream");
    for (let i = 0; i < increments; i++)
      await store.append(`Counter-${c}`, [ev("CounterIncremented", { by: i + 1 })], "any");
  }
}

describe.each(ENGINES)("projection runner on %s", (_name, open) => {
  let t: TestDatabase;
  let store: PostgresEventStore;
  beforeEach(async () => {
    t = await open();
    store = new PostgresEventStore(t.db);
  });
  afterEach(() => t.drop());

  it("applies the log once, and a redelivered batch has no effect", async () => {
    await seed(store, 3, 4);
    const feed = startStoreFeed(t.db, store, counterProjection, { batchSize: 5 });
    await feed.caughtUp();
    await feed.stop();
    const rows = await counterRows(t.db);
    expect(rows).toEqual(
      [0, 1, 2].map((c) => ({ counter_id: `Counter-${c}`, total: "10", status: "open", events: "5" })),
    );
    // Redeliver everything (as Kafka would after a crash before its commit): nothing changes.
    const all = await wholeLog(store, t.db);
    const outcome = await t.db.transaction((tx) => applyBatch(tx, counterProjection, all, { tables: LIVE }));
    expect(outcome).toEqual({ applied: 0, skipped: 15, parked: 0, gaps: 0 });
    expect(await counterRows(t.db)).toEqual(rows);
    expect(await projectionLag(t.db, counterProjection.name)).toMatchObject({
      eventsApplied: 15,
      eventsBehind: 0,
      secondsBehind: 0,
    });
  });

  it("parks a poison event with its reason and keeps the rest flowing", async () => {
    await seed(store, 1, 1);
    await store.append("Counter-0", [ev("CounterIncremented", { by: "lots" })], "any");
    await store.append("Counter-0", [ev("CounterIncremented", { by: 5 })], "any");
    const feed = startStoreFeed(t.db, store, counterProjection);
    await feed.caughtUp();
    await feed.stop();
    expect((await counterRows(t.db))[0]).toMatchObject({ total: "6" });
    const { rows } = await t.db.query<{ stream_version: string; reason: string }>(
      "SELECT stream_version::text AS stream_version, reason FROM parked_events WHERE projection = 'counter_totals'",
    );
    expect(rows).toEqual([{ stream_version: "2", reason: expect.stringContaining("not a number") }]);
  });

  it("rebuilds into fresh tables and swaps them in; the result equals the live model", async () => {
    await seed(store, 4, 3);
    const feed = startStoreFeed(t.db, store, counterProjection, { batchSize: 7 });
    await feed.caughtUp();
    const live = await counterRows(t.db);
    await t.db.query("UPDATE counter_totals SET total = -1"); // damage the live model
    const out = await rebuildProjection(t.db, store, counterProjection, { batchSize: 5 });
    expect(out.events).toBe(16);
    expect(await counterRows(t.db)).toEqual(live);
    // The live feed goes on after the swap without doubling anything.
    await store.append("Counter-0", [ev("CounterIncremented", { by: 100 })], "any");
    await feed.caughtUp();
    await feed.stop();
    expect((await counterRows(t.db))[0]).toMatchObject({ counter_id: "Counter-0", total: "106", events: "5" });
    const { rows } = await t.db.query<{ n: string }>(
      "SELECT count(*)::text AS n FROM projection_streams WHERE projection LIKE '%__rebuild'",
    );
    expect(rows[0]!.n).toBe("0");
  });

  it("reports lag in events and seconds", async () => {
    await seed(store, 1, 2);
    expect(await projectionLag(t.db, counterProjection.name)).toMatchObject({ eventsApplied: 0, eventsBehind: 3 });
    const feed = startStoreFeed(t.db, store, counterProjection);
    await feed.caughtUp();
    await feed.stop();
    expect(await projectionLag(t.db, counterProjection.name)).toMatchObject({ eventsApplied: 3, eventsBehind: 0 });
    // Events of categories the projection does not read do not count against it.
    await store.append("Other-1", [ev("Something", {})], "any");
    expect(await projectionLag(t.db, counterProjection.name, ["Counter"])).toMatchObject({ eventsBehind: 0 });
    expect(await projectionLag(t.db, counterProjection.name)).toMatchObject({ eventsBehind: 1 });
  });
});

describe("rebuild on the PostgreSQL server while queries run", () => {
  it("keeps serving the old tables until the swap", async () => {
    const t = await ENGINES[0]![1]();
    try {
      const store = new PostgresEventStore(t.db);
      await seed(store, 20, 20);
      const feed = startStoreFeed(t.db, store, counterProjection);
      await feed.caughtUp();
      const expected = await counterRows(t.db);
      let reads = 0;
      let failures = 0;
      let done = false;
      const reader = (async () => {
        while (!done) {
          try {
            const rows = await counterRows(t.db);
            if (rows.length === 20) reads++;
            else failures++;
          } catch {
            failures++;
          }
        }
      })();
      await rebuildProjection(t.db, store, counterProjection, { batchSize: 10 });
      done = true;
      await reader;
      await feed.stop();
      expect(failures).toBe(0);
      expect(reads).toBeGreaterThan(0);
      expect(await counterRows(t.db)).toEqual(expected);
    } finally {
      await t.drop();
    }
  });
});
