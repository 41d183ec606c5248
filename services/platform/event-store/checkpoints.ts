/** Named global-log checkpoints (table `checkpoints`): the relay's and store-fed projections'. */
import type { SqlExecutor } from "../db/database";
import { type GlobalCheckpoint, START } from "./types";

/** The stored checkpoint `name`, or START when none is stored. */
export async function loadCheckpoint(db: SqlExecutor, name: string): Promise<GlobalCheckpoint> {
  const { rows } = await db.query<{ transaction_id: string; global_position: string }>(
    "SELECT transaction_id::text AS transaction_id, global_position FROM checkpoints WHERE name = $1",
    [name],
  );
  return rows[0] ? { transactionId: rows[0].transaction_id, globalPosition: Number(rows[0].global_position) } : START;
}

/** Stores checkpoint `name` (insert or update). */
export async function saveCheckpoint(db: SqlExecutor, name: string, cp: GlobalCheckpoint): Promise<void> {
  await db.query(
    `INSERT INTO checkpoints (name, transaction_id, global_position, updated_at) VALUES ($1, $2::xid8, $3, now())
     ON CONFLICT (name) DO UPDATE SET transaction_id = EXCLUDED.transaction_id,
       global_position = EXCLUDED.global_position, updated_at = now()`,
    [name, cp.transactionId, cp.globalPosition],
  );
}

/** The checkpoint just after `e`. */
export const checkpointOf = (e: { transactionId: string; globalPosition: number }): GlobalCheckpoint => ({
  transactionId: e.transactionId,
  globalPosition: e.globalPosition,
});
