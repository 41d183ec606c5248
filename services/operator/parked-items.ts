/**
 * Parked events and records, for `ftz parked …` and `/operations/parked`.
 *
 * - An **event** is parked when its projection could not apply it (a bug, or data the fold does
 *   not expect); its stream revision counts as applied, so later events of the stream went on.
 *   **Retry** rebuilds the projection from the event store (projections/runner/rebuild.ts): every
 *   event is applied again in global-log order, so a parked event lands once and in stream order,
 *   with the events after it folded on top; what still fails stays parked. The live tables serve
 *   queries until the swap.
 * - A **record** is parked when a Kafka record was not a readable event of ours (its raw bytes are
 *   kept). Every event the relay publishes is also in the store, so the rebuild that a retry runs
 *   applies the event a broken record carried, if it is ours; the record itself stays listed until
 *   an operator skips it (it cannot be re-read: its headers were not kept).
 * - **Skip** deletes one parked item on purpose, with a reason, recorded in the operator log.
 */
import type { ParkedDetailView, ParkedItemView, RetryView } from "../../contracts/http/operations";
import type { z } from "../../contracts/http/zod";
import type { Database } from "../platform/db/database";
import type { Actor } from "../platform/event-store/types";
import type { PostgresEventStore } from "../platform/event-store/postgres-event-store";
import { PROJECTIONS } from "../../projections/registry";
import type { Projection } from "../../projections/runner/projection";
import { rebuildProjection } from "../../projections/runner/rebuild";
import { recordOperation } from "./operator-log";

/** One parked item (the contract's ParkedItem). `id` is the event id, or `<topic>/<partition>@<offset>` for a record. */
export type ParkedItem = z.output<typeof ParkedItemView>;

/** A parked item with what it held: the stored event, or the record's raw bytes as text (ParkedItemDetail). */
export type ParkedDetail = z.output<typeof ParkedDetailView>;

/** Thrown when no parked item has the id, or the projection is unknown. */
export class ParkedNotFoundError extends Error {}

const RECORD_ID = /^(.+)\/(\d+)@(\d+)$/;

/** Every parked item, oldest first (`projection` narrows it). */
export async function listParked(db: Database, projection?: string): Promise<ParkedItem[]> {
  const { rows } = await db.query<{
    kind: "event" | "record";
    id: string;
    projection: string;
    stream_id: string | null;
    stream_version: string | null;
    type: string | null;
    reason: string;
    parked_at: Date;
  }>(
    `SELECT 'event' AS kind, event_id::text AS id, projection, stream_id, stream_version::text, type, reason, parked_at
       FROM parked_events WHERE projection NOT LIKE '%\\_\\_rebuild' AND ($1::text IS NULL OR projection = $1)
     UNION ALL
     SELECT 'record', topic || '/' || partition || '@' || record_offset, projection,
            convert_from(record_key, 'UTF8'), NULL, NULL, reason, parked_at
       FROM parked_records WHERE $1::text IS NULL OR projection = $1
     ORDER BY parked_at, id`,
    [projection ?? null],
  );
  return rows.map((r) => ({
    kind: r.kind,
    id: r.id,
    projection: r.projection,
    streamId: r.stream_id,
    streamVersion: r.stream_version === null ? null : Number(r.stream_version),
    type: r.type,
    reason: r.reason,
    parkedAt: new Date(r.parked_at).toISOString(),
  }));
}

/**
 * One parked item by id, with the stored event (for an event) or the raw payload (for a record).
 * @throws ParkedNotFoundError when nothing parked has that id.
 */
export async function showParked(db: Database, id: string): Promise<ParkedDetail> {
  const item = (await listParked(db)).find((p) => p.id === id);
  if (!item) throw new ParkedNotFoundError(`nothing parked has id ${id}`);
  if (item.kind === "event") {
    const { rows } = await db.query<{ p: string; data: unknown; metadata: unknown }>(
      "SELECT global_position::text AS p, data, metadata FROM events WHERE event_id = $1::uuid",
      [id],
    );
    const e = rows[0];
    return {
      ...item,
      event: e ? { globalPosition: Number(e.p), data: e.data, metadata: e.metadata } : null,
      payload: null,
    };
  }
  const [, topic, partition, offset] = RECORD_ID.exec(id)!;
  const { rows } = await db.query<{ payload: Buffer | null }>(
    "SELECT payload FROM parked_records WHERE projection = $1 AND topic = $2 AND partition = $3 AND record_offset = $4",
    [item.projection, topic, Number(partition), Number(offset)],
  );
  return { ...item, event: null, payload: rows[0]?.payload ? rows[0].payload.toString("utf8") : null };
}

/** What a retry did for one projection (the contract's ParkedRetryOutcome). */
export type RetryOutcome = z.output<typeof RetryView>;

/**
 * Retries the parked items of `projection` (or of every projection with parked items, for
 * `all`) by rebuilding it from the store; records the outcome in the operator log.
 * @throws ParkedNotFoundError for an unknown projection.
 */
export async function retryParked(
  db: Database,
  store: PostgresEventStore,
  target: string,
  opts: {
    onProgress?: (projection: string, events: number) => void;
    /** The projections a target may name (default the registry's). */
    projections?: readonly Projection[];
    /** Who retries, for the operator log (default the operator running this process). */
    actor?: Actor;
  } = {},
): Promise<RetryOutcome[]> {
  const known = opts.projections ?? PROJECTIONS;
  const parked = await listParked(db);
  const names =
    target === "all" ? [...new Set(parked.map((p) => p.projection))] : [projectionOfItem(parked, target, known)];
  const outcomes: RetryOutcome[] = [];
  for (const name of names) {
    const projection = known.find((p) => p.name === name);
    if (!projection) throw new ParkedNotFoundError(`no projection ${name}`);
    const before = parked.filter((p) => p.projection === name);
    const eventsBefore = before.filter((p) => p.kind === "event").length;
    const rebuild = await rebuildProjection(db, store, projection, {
      onProgress: (n) => opts.onProgress?.(name, n),
    });
    const after = (await listParked(db, name)).filter((p) => p.kind === "event").length;
    const records = before.filter((p) => p.kind === "record").length;
    await recordOperation(
      store,
      "ParkedRetried",
      {
        projection: name,
        eventsApplied: Math.max(0, eventsBefore - after),
        recordsApplied: 0,
        stillParked: after + records,
      },
      opts.actor,
    );
    outcomes.push({
      projection: name,
      eventsBefore,
      eventsApplied: Math.max(0, eventsBefore - after),
      stillParked: after,
      records,
      rebuild,
    });
  }
  return outcomes;
}

/** The projection a retry target names: a projection, or the projection of a parked item's id. */
function projectionOfItem(parked: ParkedItem[], target: string, known: readonly Projection[]): string {
  if (known.some((p) => p.name === target)) return target;
  const item = parked.find((p) => p.id === target);
  if (!item) throw new ParkedNotFoundError(`nothing parked has id ${target}, and no projection is called that`);
  return item.projection;
}

/**
 * Skips one parked item: deletes it and records `ParkedSkipped` with `reason` in the operator log,
 * in one go (the log entry first: a skip is never unrecorded).
 * @throws ParkedNotFoundError when nothing parked has that id.
 */
export async function skipParked(
  db: Database,
  store: PostgresEventStore,
  id: string,
  reason: string,
  actor?: Actor,
): Promise<ParkedItem> {
  const item = (await listParked(db)).find((p) => p.id === id);
  if (!item) throw new ParkedNotFoundError(`nothing parked has id ${id}`);
  await recordOperation(
    store,
    "ParkedSkipped",
    {
      projection: item.projection,
      kind: item.kind,
      id,
      streamId: item.streamId,
      reason,
    },
    actor,
  );
  if (item.kind === "event") {
    await db.query("DELETE FROM parked_events WHERE projection = $1 AND event_id = $2::uuid", [item.projection, id]);
  } else {
    const [, topic, partition, offset] = RECORD_ID.exec(id)!;
    await db.query(
      "DELETE FROM parked_records WHERE projection = $1 AND topic = $2 AND partition = $3 AND record_offset = $4",
      [item.projection, topic, Number(partition), Number(offset)],
    );
  }
  return item;
}
