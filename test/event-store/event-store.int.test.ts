/**
 * Contract suite of the event-store port, run against the PostgreSQL server and against PGlite.
 * Tests that need two sessions at once (races, late commits) run on the server only.
 */
import { randomUUID } from "node:crypto";
import { Client, types as pgTypes } from "pg";
import type { SqlExecutor } from "../../services/platform/db/database";
import {
  DuplicateEventIdError,
  EventTooLargeError,
  InvalidEventDataError,
  WrongExpectedVersionError,
} from "../../services/platform/event-store/errors";
import {
  APPENDING_MARKER_KEY,
  MARKER_CLASSID,
  MARKER_OBJID,
} from "../../services/platform/event-store/global-log-horizon";
import { PostgresEventStore } from "../../services/platform/event-store/postgres-event-store";
import { type GlobalCheckpoint, type NewEvent, START } from "../../services/platform/event-store/types";
import { UpcasterRegistry } from "../../services/platform/event-store/upcasters";
import { ENGINES, serverDatabase, TEST_DATABASE_URL, type TestDatabase } from "../support/databases";

const ev = (type: string, data: unknown, extra: Partial<NewEvent> = {}): NewEvent => ({
  eventId: randomUUID(),
  type,
  data,
  occurredAt: "2026-11-30T08:00:00+06:00",
  metadata: { correlationId: "req-1", causationId: "cmd-1", actor: { subject: "u1", role: "taskforce" } },
  ...extra,
});

/**
 * Every event after `from`, in global-log order. The reader only returns transactions below the
 * server-wide snapshot xmin, so an open transaction elsewhere on the server (another test's) can
 * hold events back for a moment: keep reading until the store's head has been reached.
 */
async function readEverything(store: PostgresEventStore, from: GlobalCheckpoint = START, batchSize = 2) {
  const head = (await store.head())?.globalPosition ?? 0;
  const out = [];
  let cp = from;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const batch = await store.readAll(cp, { batchSize });
    if (batch.length === 0) {
      const reached = Math.max(cp.globalPosition, ...out.map((e) => e.globalPosition)) >= head;
      if (reached || Date.now() > deadline) return out;
      await new Promise((r) => setTimeout(r, 20));
      continue;
    }
    out.push(...batch);
    const last = batch[batch.length - 1]!;
    cp = { transactionId: last.transactionId, globalPosition: last.globalPosition };
  }
}

/** A session of its own on the server (another process's, as far as the store can tell). */
async function session(url: string, schema?: string): Promise<Client> {
  const c = new Client({ connectionString: url, ...(schema ? { options: `-c search_path=${schema}` } : {}) });
  await c.connect();
  return c;
}

/** The session as the store's executor, for appendIn and beginAppending. */
const hereTx = (c: Client): SqlExecutor => ({
  query: async (sql, params) => {
    const r = await c.query(sql, params);
    return { rows: r.rows, rowCount: r.rowCount ?? 0 };
  },
  exec: async (sql) => void (await c.query(sql)),
});

describe.each(ENGINES)("event store contract on %s", (_name, open) => {
  let t: TestDatabase;
  let store: PostgresEventStore;
  beforeEach(async () => {
    t = await open();
    store = new PostgresEventStore(t.db, { maxEventBytes: 4096 });
  });
  afterEach(() => t.drop());

  it("appends and reads a stream with revisions from 0, metadata and both times", async () => {
    const r = await store.append(
      "Counter-a",
      [ev("Incremented", { by: 1 }), ev("Incremented", { by: 2 })],
      "no_stream",
    );
    expect(r.nextExpectedVersion).toBe(1);
    expect(r.idempotentReplay).toBe(false);
    expect(r.globalPositions).toHaveLength(2);
    const events = await store.readStream("Counter-a");
    expect(events.map((e) => [e.streamVersion, e.data])).toEqual([
      [0, { by: 1 }],
      [1, { by: 2 }],
    ]);
    expect(events[0]!.metadata).toEqual({
      correlationId: "req-1",
      causationId: "cmd-1",
      actor: { subject: "u1", role: "taskforce" },
    });
    expect(events[0]!.occurredAt.toISOString()).toBe("2026-11-30T02:00:00.000Z");
    expect(events[0]!.recordedAt).toBeInstanceOf(Date);
    expect(await store.readStream("Counter-a", { fromVersion: 1 })).toHaveLength(1);
    expect(await store.streamVersion("Counter-a")).toBe(1);
    expect(await store.streamVersion("Counter-none")).toBeNull();
  });

  it("enforces every kind of expected version with a typed error carrying the actual version", async () => {
    await expect(store.append("S-1", [ev("A", {})], "stream_exists")).rejects.toMatchObject({
      code: "wrong_expected_version",
      actual: "no_stream",
    });
    await expect(store.append("S-1", [ev("A", {})], 0)).rejects.toBeInstanceOf(WrongExpectedVersionError);
    await store.append("S-1", [ev("A", {})], "no_stream");
    await expect(store.append("S-1", [ev("A", {})], "no_stream")).rejects.toMatchObject({ actual: 0 });
    await store.append("S-1", [ev("A", {})], "stream_exists");
    await expect(store.append("S-1", [ev("A", {})], 0)).rejects.toMatchObject({ expected: 0, actual: 1 });
    const r = await store.append("S-1", [ev("A", {}), ev("A", {})], 1);
    expect(r.nextExpectedVersion).toBe(3);
    expect((await store.append("S-1", [ev("A", {})], "any")).nextExpectedVersion).toBe(4);
    expect((await store.append("S-2", [ev("A", {})], "any")).nextExpectedVersion).toBe(0);
    // A rejected append leaves nothing behind.
    expect(await store.readStream("S-1")).toHaveLength(5);
  });

  it("returns the original result when the same event ids are appended again", async () => {
    const batch = [ev("A", { n: 1 }), ev("A", { n: 2 })];
    const first = await store.append("S-idem", batch, "no_stream");
    const again = await store.append("S-idem", batch, "no_stream");
    expect(again).toEqual({ ...first, idempotentReplay: true });
    await store.append("S-idem", [ev("A", { n: 3 })], 1);
    // A retry after the stream moved on still answers with the original figures.
    expect(await store.append("S-idem", batch, 0)).toEqual({ ...first, idempotentReplay: true });
    expect(await store.readStream("S-idem")).toHaveLength(3);
    // The same id in another stream, or half a batch already stored, is an error, not a silent loss.
    await expect(store.append("S-other", [batch[0]!], "any")).rejects.toBeInstanceOf(DuplicateEventIdError);
    await expect(store.append("S-idem", [batch[0]!, ev("A", {})], "any")).rejects.toBeInstanceOf(DuplicateEventIdError);
    // The same id with other data is not a retry: refused rather than silently dropped.
    await expect(store.append("S-idem", [{ ...batch[0]!, data: { n: 99 } }], "any")).rejects.toMatchObject({
      code: "duplicate_event_id",
      detail: "already stored with other data",
    });
  });

  it("refuses an oversized event with a typed error", async () => {
    const err = await store.append("S-big", [ev("A", { s: "x".repeat(5000) })], "any").catch((e) => e);
    expect(err).toBeInstanceOf(EventTooLargeError);
    expect(err).toMatchObject({ limitBytes: 4096 });
    expect(err.sizeBytes).toBeGreaterThan(5000);
    expect(await store.streamVersion("S-big")).toBeNull();
  });

  it.each([
    ["NUL in a value", { s: "a\u0000b" }, "/data/s"],
    ["NUL in a key", { "k\u0000": 1 }, "/data/k\u0000"],
    ["lone high surrogate", { s: ["ok", "\uD800x"] }, "/data/s/1"],
    ["lone low surrogate", { s: "\uDC00" }, "/data/s"],
  ])("refuses %s before it reaches jsonb, naming the field", async (_what, data, path) => {
    const err = await store.append("S-bad", [ev("A", data)], "any").catch((e) => e);
    expect(err).toBeInstanceOf(InvalidEventDataError);
    expect(err.path).toBe(path);
    expect(await store.streamVersion("S-bad")).toBeNull();
  });

  it("keeps a valid surrogate pair (emoji) and Chinese text intact", async () => {
    await store.append("S-text", [ev("A", { s: "属地直通 🚚" })], "any");
    expect((await store.readStream("S-text"))[0]!.data).toEqual({ s: "属地直通 🚚" });
  });

  it("stores the same instant whatever the server's TimeZone", async () => {
    await t.db.query("SET TimeZone = 'America/New_York'");
    await store.append("S-tz", [ev("A", {}, { occurredAt: "2026-03-08T07:30:00Z" })], "any");
    await t.db.query("SET TimeZone = 'Asia/Urumqi'");
    await store.append("S-tz", [ev("A", {}, { occurredAt: new Date("2026-03-08T07:30:00Z") })], "any");
    const { rows } = await t.db.query<{ e: string }>(
      "SELECT extract(epoch FROM occurred_at)::text AS e FROM events WHERE stream_id = 'S-tz'",
    );
    expect(rows.map((r) => Number(r.e))).toEqual([1772955000, 1772955000]);
    const read = await store.readStream("S-tz");
    expect(read.map((e) => e.occurredAt.toISOString())).toEqual([
      "2026-03-08T07:30:00.000Z",
      "2026-03-08T07:30:00.000Z",
    ]);
    await t.db.query("RESET TimeZone");
    // A time without an offset is ambiguous and refused.
    await expect(
      store.append("S-tz", [ev("A", {}, { occurredAt: "2026-03-08T07:30:00" })], "any"),
    ).rejects.toMatchObject({
      code: "invalid_append",
    });
  });

  it("reads the global log after a checkpoint in batches, each event once, in order", async () => {
    for (let i = 0; i < 5; i++) await store.append(`S-${i % 2}`, [ev("A", { i })], "any");
    const all = await readEverything(store);
    expect(all.map((e) => (e.data as { i: number }).i)).toEqual([0, 1, 2, 3, 4]);
    const mid = all[2]!;
    const rest = await readEverything(store, { transactionId: mid.transactionId, globalPosition: mid.globalPosition });
    expect(rest.map((e) => (e.data as { i: number }).i)).toEqual([3, 4]);
    expect((await store.head())?.globalPosition).toBe(all[4]!.globalPosition);
  });

  it("reads the global log in transaction-id order across a change in the ids' digit count (9 → 10)", async () => {
    // The ids are compared as numbers, never as their decimal text ("10" < "9"): an order by text
    // had the reader return 10 and 11 first and, its checkpoint at 11, never return to 8 and 9 (the
    // likely cause of a fault-suite run in which 1,110 stored events never reached Kafka). Rows are
    // written as transactions 8 … 11 would have written them: ids below any open transaction, so
    // all of them are readable.
    for (const [i, xid] of [11, 9, 10, 8].entries()) {
      await t.db.query(
        `INSERT INTO events (stream_id, stream_version, event_id, type, data, occurred_at, transaction_id)
         VALUES ($1, 0, $2, 'Opened', '{}', now(), $3::xid8)`,
        [`Counter-x${i}`, randomUUID(), String(xid)],
      );
    }
    const read = await readEverything(store, START, 2);
    expect(read.map((e) => e.transactionId)).toEqual(["8", "9", "10", "11"]);
  });

  it("upcasts a stored v1 event to the v2 shape on read", async () => {
    // v1 TaskPlanned had `department` (free text); v2 has `departments: { lead, cooperating[] }`.
    await store.append(
      "Task-1",
      [ev("TaskPlanned", { title: "t", department: "商务局" }, { schemaVersion: 1 })],
      "any",
    );
    const upcasters = new UpcasterRegistry().register({
      type: "TaskPlanned",
      fromVersion: 1,
      upcast: (d) => {
        const { department, ...rest } = d as { department: string };
        return { ...rest, departments: { lead: department, cooperating: [] } };
      },
    });
    const v2store = new PostgresEventStore(t.db, { upcasters });
    await v2store.append(
      "Task-1",
      [ev("TaskPlanned", { title: "u", departments: { lead: "海关", cooperating: [] } })],
      0,
    );
    const events = await v2store.readStream("Task-1");
    expect(events.map((e) => [e.schemaVersion, e.data])).toEqual([
      [2, { title: "t", departments: { lead: "商务局", cooperating: [] } }],
      [2, { title: "u", departments: { lead: "海关", cooperating: [] } }],
    ]);
    const { rows } = await t.db.query<{ schema_version: number }>(
      "SELECT schema_version FROM events WHERE stream_id = 'Task-1' ORDER BY stream_version",
    );
    expect(rows.map((r) => r.schema_version)).toEqual([1, 2]); // stored rows are never rewritten
    expect((await readEverything(v2store)).map((e) => e.schemaVersion)).toEqual([2, 2]);
  });
});

describe("event store on the PostgreSQL server: concurrent sessions", () => {
  let t: TestDatabase;
  let store: PostgresEventStore;
  beforeEach(async () => {
    t = await serverDatabase({ poolSize: 20 });
    store = new PostgresEventStore(t.db);
  });
  afterEach(() => t.drop());

  it("lets exactly one of two writers with the same expected version win", async () => {
    await store.append("Race-1", [ev("A", {})], "no_stream");
    for (let round = 0; round < 10; round++) {
      const results = await Promise.allSettled([
        store.append("Race-1", [ev("A", { w: 1 })], round),
        store.append("Race-1", [ev("A", { w: 2 })], round),
      ]);
      const won = results.filter((r) => r.status === "fulfilled");
      const lost = results.filter((r) => r.status === "rejected") as PromiseRejectedResult[];
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]!.reason).toBeInstanceOf(WrongExpectedVersionError);
      expect(lost[0]!.reason.actual).toBe(round + 1);
    }
    expect(await store.readStream("Race-1")).toHaveLength(11);
  });

  it("lets exactly one of two no_stream creators win", async () => {
    const results = await Promise.allSettled([
      store.append("Race-new", [ev("A", {})], "no_stream"),
      store.append("Race-new", [ev("A", {})], "no_stream"),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect((await store.readStream("Race-new")).length).toBe(1);
  });

  it("refuses, with a retryable 40001, an appendIn whose transaction wrote before the stream's last writer", async () => {
    await store.append("Order-1", [ev("A", {})], "no_stream");
    const attempt = t.db.transaction(async (tx) => {
      await store.beginAppending(tx);
      // This transaction gets its id now, by writing, before the other writer appends below.
      await tx.query("INSERT INTO checkpoints (name, transaction_id, global_position) VALUES ('early', '0', 0)");
      await store.append("Order-1", [ev("A", { later: true })], 0);
      await store.appendIn(tx, "Order-1", [ev("A", { early: true })], 1);
    });
    await expect(attempt).rejects.toMatchObject({ code: "40001" });
    const stored = await store.readStream("Order-1");
    expect(stored.map((e) => e.data)).toEqual([{}, { later: true }]);
    const { rows } = await t.db.query("SELECT 1 FROM checkpoints WHERE name = 'early'");
    expect(rows).toHaveLength(0);
  });

  it("refuses an appendIn whose transaction wrote before it began appending (55000), and stores nothing", async () => {
    const attempt = t.db.transaction(async (tx) => {
      await tx.query("INSERT INTO checkpoints (name, transaction_id, global_position) VALUES ('unmarked', '0', 0)");
      await store.appendIn(tx, "Unmarked-1", [ev("A", {})], "no_stream");
    });
    await expect(attempt).rejects.toMatchObject({ code: "55000" });
    await expect(
      t.db.transaction(async (tx) => {
        await tx.query("INSERT INTO checkpoints (name, transaction_id, global_position) VALUES ('unmarked', '0', 0)");
        await store.beginAppending(tx);
      }),
    ).rejects.toThrow(/wrote before it began appending/);
    expect(await store.streamVersion("Unmarked-1")).toBeNull();
    const { rows } = await t.db.query("SELECT 1 FROM checkpoints WHERE name = 'unmarked'");
    expect(rows).toHaveLength(0);
  });

  it("does not wait for an open transaction in another database, nor for one here that has not appended", async () => {
    const patient = new PostgresEventStore(t.db, { horizon: { patienceMs: 0 } });
    const elsewhere = await session(TEST_DATABASE_URL.replace(/\/[^/]*$/, "/postgres"));
    const here = await session(TEST_DATABASE_URL, t.schema);
    try {
      await elsewhere.query("BEGIN");
      await elsewhere.query("SELECT pg_current_xact_id()");
      await here.query("BEGIN");
      await here.query("INSERT INTO checkpoints (name, transaction_id, global_position) VALUES ('report', '0', 0)");
      const { globalPositions } = await patient.append("Open-1", [ev("A", { n: 1 })], "no_stream");
      // The server-wide bound would hold the event back while either transaction is open.
      const { rows } = await t.db.query<{ n: string }>(
        "SELECT count(*) AS n FROM events WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())",
      );
      expect(Number(rows[0]!.n)).toBe(0);
      const deadline = Date.now() + 5_000;
      let read: Awaited<ReturnType<typeof patient.readAll>> = [];
      while (read.length === 0 && Date.now() < deadline) read = await patient.readAll(START);
      expect(read.map((e) => e.globalPosition)).toEqual(globalPositions);
      // The transaction here, once it has written, can no longer append: nothing can appear below what was read.
      await expect(patient.appendIn(hereTx(here), "Open-2", [ev("A", {})], "no_stream")).rejects.toMatchObject({
        code: "55000",
      });
    } finally {
      for (const c of [elsewhere, here]) {
        await c.query("ROLLBACK").catch(() => undefined);
        await c.end();
      }
    }
  });

  it("keeps waiting, past the patience, for a transaction that began appending and wrote other rows first", async () => {
    const patient = new PostgresEventStore(t.db, { horizon: { patienceMs: 0 } });
    const a = await session(TEST_DATABASE_URL, t.schema);
    try {
      await patient.append("Marked-0", [ev("A", { n: "before" })], "any");
      const [before] = await readEverything(patient);
      const cp0 = { transactionId: before!.transactionId, globalPosition: before!.globalPosition };
      await a.query("BEGIN");
      await patient.beginAppending(hereTx(a));
      await a.query("INSERT INTO checkpoints (name, transaction_id, global_position) VALUES ('marked', '0', 0)");
      await patient.append("Marked-B", [ev("A", { n: "later" })], "any");
      for (let i = 0; i < 3; i++) expect(await patient.readAll(cp0)).toHaveLength(0);
      await patient.appendIn(hereTx(a), "Marked-A", [ev("A", { n: "early" })], "any");
      await a.query("COMMIT");
      const after = await readEverything(patient, cp0, 1);
      expect(after.map((e) => (e.data as { n: string }).n)).toEqual(["early", "later"]);
    } finally {
      await a.query("ROLLBACK").catch(() => undefined);
      await a.end();
    }
  });

  it("takes the marker from the lock table, not from a setting: a preset ftz_event_store.appending does not admit an unmarked writer", async () => {
    const c = new Client({
      connectionString: TEST_DATABASE_URL,
      options: `-c search_path=${t.schema} -c ftz_event_store.appending=on`,
    });
    await c.connect();
    try {
      await c.query("BEGIN");
      await c.query("INSERT INTO checkpoints (name, transaction_id, global_position) VALUES ('preset', '0', 0)");
      await expect(store.appendIn(hereTx(c), "Preset-1", [ev("A", {})], "no_stream")).rejects.toMatchObject({
        code: "55000",
      });
    } finally {
      await c.query("ROLLBACK").catch(() => undefined);
      await c.end();
    }
    expect(await store.streamVersion("Preset-1")).toBeNull();
  });

  it("a reader in a REPEATABLE READ transaction stops at its snapshot's xmin, even after an appender it saw has ended", async () => {
    const patient = new PostgresEventStore(t.db, { horizon: { patienceMs: 0 } });
    const a = await session(TEST_DATABASE_URL, t.schema);
    const rr = await session(TEST_DATABASE_URL, t.schema);
    try {
      await a.query("BEGIN");
      await patient.appendIn(hereTx(a), "Rr-A", [ev("A", { n: "early" })], "any");
      await patient.append("Rr-B", [ev("A", { n: "later" })], "any");
      await rr.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
      expect(await patient.readAll(START, { tx: hereTx(rr) })).toHaveLength(0);
      await a.query("COMMIT");
      // A has ended: a READ COMMITTED reader classifies it; the old snapshot must still not pass it.
      for (let i = 0; i < 3; i++) expect(await patient.readAll(START, { tx: hereTx(rr) })).toHaveLength(0);
      await rr.query("COMMIT");
      const after = await readEverything(patient, START, 1);
      expect(after.map((e) => (e.data as { n: string }).n)).toEqual(["early", "later"]);
    } finally {
      for (const c of [a, rr]) {
        await c.query("ROLLBACK").catch(() => undefined);
        await c.end();
      }
    }
  });

  it("a reader never reads its own transaction's uncommitted events", async () => {
    await store.append("Own-0", [ev("A", {})], "any");
    const seen = await t.db.transaction(async (tx) => {
      await store.appendIn(tx, "Own-1", [ev("A", {})], "any");
      // A later transaction commits meanwhile, so the snapshot's xmax passes this one's id.
      await store.append("Own-2", [ev("A", {})], "any");
      return store.readAll(START, { tx });
    });
    expect(seen.map((e) => e.streamId)).toEqual(["Own-0"]);
  });

  it("stores one copy when the same batch is retried concurrently", async () => {
    const batch = [ev("A", { n: 1 })];
    const results = await Promise.all([1, 2, 3, 4].map(() => store.append("Retry-1", batch, "any")));
    expect(new Set(results.map((r) => r.globalPositions[0])).size).toBe(1);
    expect(results.filter((r) => !r.idempotentReplay)).toHaveLength(1);
    expect(await store.readStream("Retry-1")).toHaveLength(1);
  });

  it("keeps every stream's revisions in order in the global log under concurrent writers", async () => {
    const streams = Array.from({ length: 10 }, (_, i) => `Order-${i}`);
    await Promise.all(streams.map((s) => store.append(s, [ev("A", {})], "no_stream")));
    await Promise.all(
      streams.flatMap((s) =>
        Array.from({ length: 8 }, (_, w) => store.append(s, [ev("A", { w })], w % 2 ? "stream_exists" : "any")),
      ),
    );
    const all = await readEverything(store, START, 25);
    expect(all).toHaveLength(90);
    for (const s of streams) {
      const versions = all.filter((e) => e.streamId === s).map((e) => e.streamVersion);
      expect(versions).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    }
  });

  it("answers a concurrent retry with an exact expected version with the original result", async () => {
    await store.append("Retry-exact", [ev("A", {})], "no_stream");
    for (let round = 1; round <= 10; round++) {
      const batch = [ev("A", { round })];
      const results = await Promise.all([
        store.append("Retry-exact", batch, round - 1),
        store.append("Retry-exact", batch, round - 1),
      ]);
      expect(results.map((r) => r.idempotentReplay).sort()).toEqual([false, true]);
      expect(results[0]!.globalPositions).toEqual(results[1]!.globalPositions);
    }
    expect(await store.readStream("Retry-exact")).toHaveLength(11);
  });

  it("never passes an event whose transaction commits after later positions were committed", async () => {
    // Transaction A takes position N and stays open.
    const a = new Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${t.schema}` });
    await a.connect();
    const aTx: SqlExecutor = {
      query: async (sql, params) => {
        const r = await a.query(sql, params);
        return { rows: r.rows, rowCount: r.rowCount ?? 0 };
      },
      exec: async (sql) => void (await a.query(sql)),
    };
    try {
      await store.append("Late-0", [ev("A", { n: "before" })], "any");
      const before = await readEverything(store);
      const cp0 = { transactionId: before[0]!.transactionId, globalPosition: before[0]!.globalPosition };

      await a.query("BEGIN");
      const late = await store.appendIn(aTx, "Late-A", [ev("A", { n: "N" })], "any");
      // N+1 and N+2 commit while A is open.
      const b = await store.append("Late-B", [ev("A", { n: "N+1" })], "any");
      const c = await store.append("Late-C", [ev("A", { n: "N+2" })], "any");
      expect(b.globalPositions[0]!).toBeGreaterThan(late.globalPositions[0]!);
      expect(c.globalPositions[0]!).toBeGreaterThan(b.globalPositions[0]!);

      const whileOpen = await readEverything(store, cp0);
      // The reader does not pass N: nothing at or after A's transaction is visible yet, not even
      // once a reader without patience has looked at A's transaction and found it appending.
      expect(whileOpen).toHaveLength(0);
      const patient = new PostgresEventStore(t.db, { horizon: { patienceMs: 0 } });
      for (let i = 0; i < 3; i++) expect(await patient.readAll(cp0)).toHaveLength(0);

      await a.query("COMMIT");
      const after = await readEverything(store, cp0, 1);
      expect(after.map((e) => (e.data as { n: string }).n)).toEqual(["N", "N+1", "N+2"]);
      expect(new Set(after.map((e) => e.eventId)).size).toBe(3);
    } finally {
      await a.query("ROLLBACK").catch(() => undefined);
      await a.end();
    }
  });
});

describe("event store on the PostgreSQL server: pg's global parsers changed by another library", () => {
  it("reads data, counts and positions as stored (int8 as text, JSON with long numeric strings as strings)", async () => {
    const t = await serverDatabase();
    // What emmett's dumbo does when it opens a pool (the bench loads it next to ours).
    const before = { int8: pgTypes.getTypeParser(20, "text"), jsonb: pgTypes.getTypeParser(3802, "text") };
    pgTypes.setTypeParser(20, (v: string) => BigInt(v));
    pgTypes.setTypeParser(3802, (v: string) =>
      JSON.parse(v, (_k, value) => (typeof value === "string" && /^\d{16,}$/.test(value) ? BigInt(value) : value)),
    );
    try {
      const store = new PostgresEventStore(t.db);
      await store.append(
        "Declaration-672920261000009999",
        [ev("Lodged", { number: "672920261000009999", lines: 2 })],
        "no_stream",
      );
      const [e] = await store.readStream("Declaration-672920261000009999");
      expect(e!.data).toEqual({ number: "672920261000009999", lines: 2 });
      expect(JSON.stringify(e!.data)).toContain('"672920261000009999"');
      const { rows } = await t.db.query<{ n: unknown }>("SELECT count(*) AS n FROM events");
      expect(rows[0]!.n).toBe("1");
    } finally {
      pgTypes.setTypeParser(20, before.int8);
      pgTypes.setTypeParser(3802, before.jsonb);
      await t.drop();
    }
  });
});

describe("the appending marker", () => {
  it("has the key the migration takes", async () => {
    const { readFileSync } = await import("node:fs");
    const sql = readFileSync("infra/migrations/008_appending_marker.sql", "utf8");
    expect(sql).toContain(`pg_advisory_xact_lock_shared(${APPENDING_MARKER_KEY})`);
    expect(sql).toContain(`l.classid = ${MARKER_CLASSID}::oid AND l.objid = ${MARKER_OBJID}::oid`);
  });
});
