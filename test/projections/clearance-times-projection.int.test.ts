/**
 * The clearance-times projection on both engines: a batch folded in memory and written once
 * (applyBatch) leaves exactly the rows that applying its events one by one leaves, for generated
 * declarations and a hand-made one with an amendment, a hold whose lift arrived first, a port
 * re-inspection exception and a withdrawal; and those fields come out as the events say.
 */
import { randomUUID } from "node:crypto";
import {
  CLEARANCE_TABLE,
  clearanceTimesProjection,
} from "../../projections/clearance-times/clearance-times-projection";
import { LIVE, REBUILD, type TableNames } from "../../projections/runner/projection";
import { generateDeclarations, loadSampleDeclarations } from "../../services/direct-clearance/sample-declarations";
import { PostgresEventStore } from "../../services/platform/event-store/postgres-event-store";
import { ENGINES, type TestDatabase } from "../support/databases";
import { wholeLog } from "../support/global-log";

const NUMBER = "672920261000009999";

describe.each(ENGINES)("clearance-times projection on %s", (_name, open) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await open();
    await t.db.transaction(async (tx) => {
      await clearanceTimesProjection.setup(tx, LIVE);
      await clearanceTimesProjection.setup(tx, REBUILD);
    });
  });
  afterEach(() => t.drop());

  const rows = async (tables: TableNames) =>
    (await t.db.query(`SELECT * FROM ${tables(CLEARANCE_TABLE)} ORDER BY declaration_number`)).rows;

  it("folds a batch to the rows that one-by-one application gives", async () => {
    const store = new PostgresEventStore(t.db);
    const now = "2026-11-30T00:00:00Z";
    await loadSampleDeclarations(store, generateDeclarations({ seed: 7, count: 40, now: new Date(now) }), {
      seed: 7,
      now,
    });
    const lodged = (await wholeLog(store, t.db))[0]!;
    const ev = (type: string, data: unknown) => ({
      eventId: randomUUID(),
      type,
      data,
      occurredAt: "2026-11-20T12:00:00+08:00",
    });
    const line = (lodged.data as { goods: unknown[] }).goods[0];
    await store.append(
      `Declaration-${NUMBER}`,
      [
        ev("DeclarationLodged", lodged.data),
        ev("DeclarationAmended", { changes: { goods: [line] }, reason: "一行" }),
        ev("HoldLifted", { at: "2026-11-20T15:00:00+08:00" }),
        ev("DeclarationHeld", {
          at: "2026-11-20T13:30:00+08:00",
          reason: "单证",
          liftedAt: "2026-11-20T15:00:00+08:00",
        }),
        ev("InspectionCompleted", {
          at: "2026-11-20T16:00:00+08:00",
          place: "port",
          result: "conforming",
          remarks: "",
          exceptionReason: "口岸复查",
        }),
        ev("InspectionScheduled", { at: "2026-11-20T16:30:00+08:00", place: "local" }),
        ev("DeclarationWithdrawn", { reason: "撤回" }),
      ],
      "no_stream",
    );
    const events = await wholeLog(store, t.db);
    expect(events.length).toBeGreaterThan(200);

    for (const e of events) await t.db.transaction((tx) => clearanceTimesProjection.apply(tx, e, LIVE));
    for (let i = 0; i < events.length; i += 37)
      await t.db.transaction((tx) => clearanceTimesProjection.applyBatch!(tx, events.slice(i, i + 37), REBUILD));
    const oneByOne = await rows(LIVE);
    expect(oneByOne).toHaveLength(41);
    expect(await rows(REBUILD)).toEqual(oneByOne);

    const made = oneByOne.find((r) => r.declaration_number === NUMBER)!;
    expect(made).toMatchObject({
      goods_lines: 1,
      amendments: 1,
      holds: 1,
      // 1 h 30 min, counted once although the lift arrived first (bigint: a string from pg)
      port_reinspection_exception: true,
      inspection_result: "conforming",
      version: 6,
    });
    expect(Number(made.held_ms)).toBe(5_400_000);
    expect(new Date(made.port_inspection_at as Date).toISOString()).toBe("2026-11-20T08:00:00.000Z");
    expect(new Date(made.withdrawn_at as Date).toISOString()).toBe("2026-11-20T04:00:00.000Z");
    expect(oneByOne.filter((r) => r.released_at !== null).length).toBeGreaterThan(20);
  });

  it("adds the Time Release Study columns to a table created before them, with the fold's defaults", async () => {
    // As an older version left it: no arrival, rating or agencies columns, one row in it.
    await t.db.exec(`ALTER TABLE ${CLEARANCE_TABLE} DROP COLUMN arrived_at, DROP COLUMN credit_rating,
      DROP COLUMN other_agencies`);
    await t.db.exec(`INSERT INTO ${CLEARANCE_TABLE} (declaration_number, enterprise, direction, clearance_model,
      declaring_office, port, transport_mode, lodged_at, lodged_month, port_reinspection_exception, holds, held_ms,
      goods_lines, hs_chapters, amendments, version) VALUES ('949920260000000001', '91350200776049653A', 'export',
      'direct', '9499', 'horgos', 'rail', '2026-03-02T00:00:00Z', '2026-03', false, 0, 0, 1, '{52}', 0, 1)`);
    await t.db.transaction((tx) => clearanceTimesProjection.setup(tx, LIVE));
    expect((await rows(LIVE))[0]).toMatchObject({ arrived_at: null, credit_rating: "unknown", other_agencies: null });
  });
});
