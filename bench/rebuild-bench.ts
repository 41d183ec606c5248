/**
 * Projection rebuild rate: the task-list and clearance-times read models rebuilt from a store of
 * generated events (deterministic: sample declarations for seed 7, and synthetic reform tasks
 * walked through plan → start → progress → reschedule → replicated), next to a raw read of the
 * same events in global order.
 */
import { randomUUID } from "node:crypto";
import type { Pool } from "pg";
import { rebuildProjection } from "../projections/runner/rebuild";
import { clearanceTimesProjection } from "../projections/clearance-times/clearance-times-projection";
import { taskListProjection } from "../projections/task-list/task-list-projection";
import { generateDeclarations } from "../services/direct-clearance/sample-declarations";
import {
  type DeclarationEvent,
  declarationDecider,
  NO_DECLARATION,
} from "../services/direct-clearance/declaration-decider";
import type { PgDatabase } from "../services/platform/db/database";
import type { PostgresEventStore } from "../services/platform/event-store/postgres-event-store";
import type { StreamAppend } from "../services/platform/event-store/types";
import { syntheticTask } from "../test/stack/synthetic-tasks";

/** Appends about `target` events (half declarations, half tasks); returns the count stored. */
export async function seedRebuildData(store: PostgresEventStore, target: number): Promise<number> {
  let stored = 0;
  const flush = async (appends: StreamAppend[]) => {
    if (appends.length) await store.appendMany(appends);
    appends.length = 0;
  };
  // Declarations: about 5.5 events each.
  const declarations = generateDeclarations({
    seed: 7,
    count: Math.round(target / 2 / 5.5),
    now: new Date("2026-11-30T00:00:00Z"),
  });
  let pending: StreamAppend[] = [];
  for (const d of declarations) {
    let state = NO_DECLARATION;
    const events: DeclarationEvent[] = [];
    const apply = (es: DeclarationEvent[]) => {
      for (const e of es) {
        state = declarationDecider.evolve(state, e);
        events.push(e);
      }
    };
    apply(declarationDecider.decide({ kind: "lodge", lodgement: d.lodgement, now: "2026-11-30T00:00:00Z" }, state));
    const sorted = [...d.milestones].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    for (const milestone of sorted) {
      try {
        apply(declarationDecider.decide({ kind: "milestone", milestone, now: "2026-11-30T00:00:00Z" }, state));
      } catch {
        // a duplicate or retry-needing milestone in time order: skip (the figures do not need it)
      }
    }
    pending.push({
      streamId: `Declaration-${d.lodgement.declarationNumber}`,
      events: events.map((e) => ({ eventId: randomUUID(), type: e.type, data: e.data, occurredAt: e.occurredAt })),
      expected: "no_stream",
    });
    stored += events.length;
    if (pending.length >= 500) await flush(pending);
  }
  await flush(pending);
  // Reform tasks: 5 events each.
  const tasks = Math.round((target - stored) / 5);
  pending = [];
  for (let i = 0; i < tasks; i++) {
    pending.push(syntheticTask("bench-task", i));
    stored += 5;
    if (pending.length >= 500) await flush(pending);
  }
  await flush(pending);
  return stored;
}

/** Rebuild rates (events/s over the whole log) and the raw read rate of the same events. */
export async function rebuildRates(
  db: PgDatabase,
  store: PostgresEventStore,
  raw: Pool,
): Promise<{ taskList: number; clearanceTimes: number; rawRead: number; events: number }> {
  const rate = async (p: typeof taskListProjection) => {
    const r = await rebuildProjection(db, store, p, { batchSize: 2000 });
    return r.events / (r.ms / 1000);
  };
  const taskList = await rate(taskListProjection);
  const clearanceTimes = await rate(clearanceTimesProjection);
  const t0 = process.hrtime.bigint();
  let after = 0;
  let n = 0;
  for (;;) {
    const { rows } = await raw.query<{ global_position: string }>(
      `SELECT global_position, transaction_id::text, stream_id, stream_version, event_id, type, schema_version, data,
              metadata, occurred_at, recorded_at
         FROM ours.events WHERE global_position > $1 ORDER BY global_position LIMIT 2000`,
      [after],
    );
    if (rows.length === 0) break;
    n += rows.length;
    after = Number(rows[rows.length - 1]!.global_position);
  }
  return { taskList, clearanceTimes, rawRead: n / (Number(process.hrtime.bigint() - t0) / 1e9), events: n };
}
