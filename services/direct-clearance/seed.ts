/**
 * First-start seed: when no declaration exists yet, loads a few hundred generated declarations
 * (sample-declarations.ts; seed 2026) so the clearance-times endpoints show figures at once.
 */
import type { Logger } from "pino";
import type { SqlExecutor } from "../platform/db/database";
import type { EventStore } from "../platform/event-store/types";
import { generateDeclarations, loadSampleDeclarations, type SampleLoadOutcome } from "./sample-declarations";

/** How many declarations, and the generator seed, of the first-start sample. */
export const SEED_SAMPLE = { count: 300, seed: 2026 } as const;

/** Loads the sample when no `Declaration-*` stream exists; `null` when declarations already exist. */
export async function seedDeclarations(
  db: SqlExecutor,
  store: EventStore,
  logger?: Logger,
): Promise<SampleLoadOutcome | null> {
  const { rows } = await db.query<{ any: boolean }>(
    "SELECT EXISTS (SELECT 1 FROM streams WHERE stream_id LIKE 'Declaration-%') AS any",
  );
  if (rows[0]?.any) return null;
  const samples = generateDeclarations({ ...SEED_SAMPLE, now: new Date() });
  const outcome = await loadSampleDeclarations(store, samples, {
    seed: SEED_SAMPLE.seed,
    metadata: { correlationId: "seed", causationId: "seed", actor: { subject: "system:seed", role: "admin" } },
  });
  logger?.info(outcome, "seeded generated sample declarations");
  return outcome;
}
