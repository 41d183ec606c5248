/**
 * First-start seed: when the event store holds no reform task yet, imports the shipped 2026 list
 * (`data/task-list-2026.csv`, built from State Council and MOFCOM sources; see
 * `data/task-list-2026.SOURCES.md`) through the same all-or-nothing import the task force uses.
 * Event ids derive from the file, so two processes seeding at once store it once.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Logger } from "pino";
import type { SqlExecutor } from "../platform/db/database";
import type { EventStore } from "../platform/event-store/types";
import { uuidV5 } from "../platform/uuid-v5";
import { reformCodeLists } from "./code-lists";
import { type ImportOutcome, importTaskList } from "./task-list-import";

/** The shipped list: its year and file. */
export const SEED_LIST = { year: 2026, file: path.join(__dirname, "data", "task-list-2026.csv") } as const;

/**
 * Imports the shipped list when no `ReformTask-*` stream exists. Returns the outcome, or `null`
 * when tasks already exist (the seed never overwrites the task force's own changes).
 * @throws ImportRejectedError when the shipped file is broken (a bug: tests import it too).
 */
export async function seedTaskList(db: SqlExecutor, store: EventStore, logger?: Logger): Promise<ImportOutcome | null> {
  const { rows } = await db.query<{ any: boolean }>(
    "SELECT EXISTS (SELECT 1 FROM streams WHERE stream_id LIKE 'ReformTask-%') AS any",
  );
  if (rows[0]?.any) return null;
  const bytes = readFileSync(SEED_LIST.file);
  const outcome = await importTaskList(store, reformCodeLists(), bytes, "csv", {
    year: SEED_LIST.year,
    at: new Date().toISOString(),
    metadata: { correlationId: "seed", causationId: "seed", actor: { subject: "system:seed", role: "taskforce" } },
    eventId: (streamId, i) => uuidV5(`seed:${SEED_LIST.year}:${streamId}:${i}`),
  });
  logger?.info({ year: SEED_LIST.year, created: outcome.created }, "seeded the shipped reform task list");
  return outcome;
}
