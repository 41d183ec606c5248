/**
 * On every start: records the shipped negative-list editions (shipped-editions.ts) through the
 * same commands as an admin's (events on the reference-data topic): publishes the in-force
 * editions not yet published, records the historical ones not yet recorded, and, where a stored
 * edition's text differs from the shipped one (the shipped data was corrected against an official
 * or faithful copy), appends a correction. Editions are reference data the check cannot work
 * without, so this runs in every mode.
 */
import { isDeepStrictEqual } from "node:util";
import type { Logger } from "pino";
import { type EditionData, editionStream } from "../../contracts/negative-list/events";
import { DomainError, loadAggregate } from "../platform/decider";
import type { EventMetadata, EventStore } from "../platform/event-store/types";
import { uuidV5 } from "../platform/uuid-v5";
import { editionDecider } from "./edition-decider";
import { correctEdition, publishShippedEditions, recordHistoricalEdition } from "./edition-publishing";
import { shippedEditions, shippedHistoricalEditions } from "./shipped-editions";

const SEED: EventMetadata = {
  correlationId: "seed",
  causationId: "seed",
  actor: { subject: "system:seed", role: "admin" },
};

/** What seeding did, by edition id. */
export interface SeedOutcome {
  published: string[];
  recorded: string[];
  corrected: string[];
}

/** JSON round trip: the stored form of an edition (undefined members dropped). */
const stored = (e: EditionData): unknown => JSON.parse(JSON.stringify(e));

/** Publishes, records and corrects what is missing or differs; returns what it did. */
export async function seedEditions(store: EventStore, logger?: Logger): Promise<SeedOutcome> {
  const out: SeedOutcome = { published: [], recorded: [], corrected: [] };
  const at = () => new Date().toISOString();
  try {
    out.published = await publishShippedEditions(store, shippedEditions(), SEED);
    for (const e of shippedHistoricalEditions()) {
      if ((await store.streamVersion(editionStream(e.editionId))) !== null) continue;
      await recordHistoricalEdition(store, e, {
        at: at(),
        metadata: SEED,
        eventId: (streamId, i) => uuidV5(`shipped-historical-edition:${e.editionId}:${streamId}:${i}`),
      });
      out.recorded.push(e.editionId);
    }
    for (const e of [...shippedEditions(), ...shippedHistoricalEditions()]) {
      const current = await loadAggregate(store, editionStream(e.editionId), editionDecider);
      const now = current.state.edition;
      if (!now || isDeepStrictEqual(stored(now), stored(e))) continue;
      const fingerprint = JSON.stringify(stored(e));
      await correctEdition(
        store,
        e,
        "the shipped text of this edition was corrected: each measure's source names the copy read, and textVerified says whether its text was read",
        {
          at: at(),
          metadata: SEED,
          eventId: (streamId, i) => uuidV5(`shipped-edition-correction:${streamId}:${i}:${fingerprint}`),
        },
      );
      out.corrected.push(e.editionId);
    }
  } catch (err) {
    // A shipped edition the rules refuse (e.g. added later with a past date) must not stop the
    // product from starting: the editions already recorded keep serving checks.
    if (!(err instanceof DomainError)) throw err;
    logger?.error({ err, code: err.code }, "a shipped negative-list edition was refused; record it as an admin");
  }
  if (out.published.length || out.recorded.length || out.corrected.length)
    logger?.info(out, "recorded the shipped negative-list editions");
  return out;
}
