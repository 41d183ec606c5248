/**
 * The whole global log of a test database, once every committed event is readable. The reader
 * stops below transactions still in progress, and on a shared server another suite's append can
 * be in progress at any moment (for up to the horizon's patience), so a test that has just
 * appended reads until it has every stored event, instead of taking the first answer.
 */
import type { Database } from "../../services/platform/db/database";
import type { PostgresEventStore } from "../../services/platform/event-store/postgres-event-store";
import { type RecordedEvent, START } from "../../services/platform/event-store/types";
import { waitFor } from "./wait";

/** Every event of `store`, in global-log order, once the count matches the events table. */
export async function wholeLog(store: PostgresEventStore, db: Database): Promise<RecordedEvent[]> {
  const { rows } = await db.query<{ n: string }>("SELECT count(*)::text AS n FROM events");
  const stored = Number(rows[0]!.n);
  const events = await waitFor(`all ${stored} stored events readable`, async () => {
    const events = await store.readAll(START, { batchSize: 1_000_000 });
    return events.length === stored ? events : undefined;
  });
  return events!;
}
