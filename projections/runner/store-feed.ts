/**
 * Feeds a projection from the event store's global log (embedded mode, and rebuilds): reads after
 * the projection's checkpoint (`projection:<name>` in `checkpoints`) and stores the new checkpoint
 * in the same transaction as the read-model changes.
 */
import type { Database } from "../../services/platform/db/database";
import { checkpointOf, loadCheckpoint, saveCheckpoint } from "../../services/platform/event-store/checkpoints";
import type { PostgresEventStore } from "../../services/platform/event-store/postgres-event-store";
import { isTransient } from "../../services/platform/db/transient";
import { applyBatch } from "./apply-batch";
import { LIVE, type Projection } from "./projection";

export const storeCheckpointName = (projection: string) => `projection:${projection}`;

/** A running feed. `stop` finishes the current batch. `caughtUp` resolves at the next empty read. */
export interface Feed {
  stop(): Promise<void>;
  /** Resolves once every event committed before the call has been applied. */
  caughtUp(): Promise<void>;
}

/** Starts feeding `projection` from the store, polling every `idlePollMs` (default 50 ms) when idle. */
export function startStoreFeed(
  db: Database,
  store: PostgresEventStore,
  projection: Projection,
  opts: { batchSize?: number; idlePollMs?: number; onError?: (err: unknown) => void } = {},
): Feed {
  let stopped = false;
  // Each waiter resolves once an empty read started when no transaction below its target could
  // still commit: the target is the next transaction id at the time of the call (snapshot xmax).
  let waiters: { target: bigint; resolve: () => void }[] = [];
  let wake: (() => void) | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((r) => {
      const t = setTimeout(r, ms);
      wake = () => {
        clearTimeout(t);
        r();
      };
    });
  const snapshotBound = async (fn: "xmin" | "xmax") =>
    BigInt((await db.query<{ x: string }>(`SELECT pg_snapshot_${fn}(pg_current_snapshot())::text AS x`)).rows[0]!.x);
  const loop = (async () => {
    await db.transaction((tx) => projection.setup(tx, LIVE));
    while (!stopped) {
      try {
        const xminBefore = waiters.length ? await snapshotBound("xmin") : 0n;
        const cp = await loadCheckpoint(db, storeCheckpointName(projection.name));
        const batch = await store.readAll(cp, { batchSize: opts.batchSize ?? 500 });
        if (batch.length === 0) {
          const done = waiters.filter((w) => w.target <= xminBefore);
          waiters = waiters.filter((w) => w.target > xminBefore);
          for (const w of done) w.resolve();
          await sleep(waiters.length ? 5 : (opts.idlePollMs ?? 50));
          continue;
        }
        await db.transaction((tx) =>
          applyBatch(tx, projection, batch, {
            tables: LIVE,
            progress: (t) =>
              saveCheckpoint(t, storeCheckpointName(projection.name), checkpointOf(batch[batch.length - 1]!)),
          }),
        );
      } catch (err) {
        opts.onError?.(err);
        await sleep(isTransient(err) ? 1000 : 5000);
      }
    }
  })();
  return {
    async stop() {
      stopped = true;
      wake?.();
      await loop;
      for (const w of waiters) w.resolve();
    },
    caughtUp: async () => {
      const target = await snapshotBound("xmax");
      await new Promise<void>((resolve) => {
        waiters.push({ target, resolve });
        wake?.();
      });
    },
  };
}
