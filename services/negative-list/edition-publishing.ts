/**
 * Publishing a negative-list edition: one atomic append (`EventStore.appendMany`) of
 * - `NegativeListEditionIndexed` on the scope's index stream `NegativeListEdition-index-<scope>`,
 *   at the version read, so two publications for one scope are serialised and each sees the
 *   other (the decider's "later than every edition of its scope" holds under concurrency);
 * - `NegativeListEditionPublished` on the edition's own stream;
 * - `NegativeListEditionSuperseded` on the edition it replaces, if it names one.
 * All three go to the reference-data topic, so partners learn of the publication. Recording a
 * historical edition is the same append with `NegativeListHistoricalEditionRecorded` and nothing
 * superseded; a correction is one event on the edition's own stream.
 */
import {
  type EditionData,
  EDITION_CATEGORY,
  editionStream,
  type HistoricalEditionData,
} from "../../contracts/negative-list/events";
import { DomainError, type LoadedAggregate, loadAggregate } from "../platform/decider";
import type { EventMetadata, EventStore, NewEvent, StreamAppend } from "../platform/event-store/types";
import { uuidV5 } from "../platform/uuid-v5";
import { coverage, type EditionState, editionDecider, type ScopeEdition } from "./edition-decider";

/** The scope's index stream (not an edition: its id has no year). */
export const scopeIndexStream = (scope: string): string => `${EDITION_CATEGORY}-index-${scope}`;

/** Editions of `scope` already published, with the index stream's version. */
export async function scopeEditions(
  store: EventStore,
  scope: string,
): Promise<{ editions: ScopeEdition[]; version: number | null }> {
  const events = await store.readStream(scopeIndexStream(scope));
  return {
    editions: events.map((e) => e.data as ScopeEdition),
    version: events.length ? events[events.length - 1]!.streamVersion : null,
  };
}

const loadEdition = (store: EventStore, editionId: string): Promise<LoadedAggregate<EditionState>> =>
  loadAggregate(store, editionStream(editionId), editionDecider);

/**
 * The edition of `scope` in force on `date` (YYYY-MM-DD, China), from the event store: the
 * scope's index stream says which edition answers for the date (`coverage`: the latest one from
 * on or before it, unless it is history that ended before it), and the edition's own stream
 * gives its text with every correction. null when none answers for the date. This is what a
 * command decides from (a filing's automated check), so its answer never depends on how far the
 * negative-list read model has got.
 */
export async function editionInForceOn(store: EventStore, scope: string, date: string): Promise<EditionData | null> {
  const { editions } = await scopeEditions(store, scope);
  const hit = coverage(editions).find((c) => c.from <= date && (c.until === null || date <= c.until));
  if (!hit) return null;
  return (await loadEdition(store, hit.editionId)).state.edition;
}

/** What publishing did. */
export interface PublishOutcome {
  editionId: string;
  version: number;
  superseded: string | null;
}

/**
 * Publishes `edition` at `at`. `eventId(streamId, i)` gives stable ids (retries are idempotent).
 * @throws DomainError (edition exists, not newer, backdated, unknown superseded edition),
 *   WrongExpectedVersionError when another publication for the scope won the race (retry).
 */
export async function publishEdition(
  store: EventStore,
  edition: EditionData,
  opts: { at: string; metadata?: EventMetadata; eventId(streamId: string, index: number): string },
): Promise<PublishOutcome> {
  const index = await scopeEditions(store, edition.scope);
  const target = await loadEdition(store, edition.editionId);
  const published = editionDecider.decide(
    { kind: "publish", edition, scopeEditions: index.editions, at: opts.at },
    target.state,
  );
  const toNew = (streamId: string, events: { type: string; data: unknown; occurredAt: string }[]) =>
    toNewEvents(streamId, events, opts);
  const indexStream = scopeIndexStream(edition.scope);
  const appends: StreamAppend[] = [
    {
      streamId: indexStream,
      events: toNew(indexStream, [
        {
          type: "NegativeListEditionIndexed",
          data: { editionId: edition.editionId, inForceFrom: edition.inForceFrom },
          occurredAt: opts.at,
        },
      ]),
      expected: index.version ?? "no_stream",
    },
    {
      streamId: editionStream(edition.editionId),
      events: toNew(editionStream(edition.editionId), published),
      expected: "no_stream",
    },
  ];
  if (edition.supersedes) {
    const old = await loadEdition(store, edition.supersedes);
    if (old.version === null)
      throw new DomainError("unknown_edition", `no edition ${edition.supersedes}`, { field: "supersedes" }, 422);
    const superseded = editionDecider.decide(
      { kind: "supersede", supersededBy: edition.editionId, from: edition.inForceFrom, at: opts.at },
      old.state,
    );
    appends.push({
      streamId: editionStream(edition.supersedes),
      events: toNew(editionStream(edition.supersedes), superseded),
      expected: old.version,
    });
  }
  const results = await store.appendMany(appends);
  return {
    editionId: edition.editionId,
    version: results[1]!.nextExpectedVersion,
    superseded: edition.supersedes ?? null,
  };
}

/**
 * Records `edition` as history: it was in force from `inForceFrom` to `inForceUntil`, supersedes
 * nothing, and covers only days no recorded edition of its scope covers.
 * @throws DomainError (exists, not past, overlaps), WrongExpectedVersionError on a race (retry).
 */
export async function recordHistoricalEdition(
  store: EventStore,
  edition: HistoricalEditionData,
  opts: { at: string; metadata?: EventMetadata; eventId(streamId: string, index: number): string },
): Promise<PublishOutcome> {
  const index = await scopeEditions(store, edition.scope);
  const target = await loadEdition(store, edition.editionId);
  const recorded = editionDecider.decide(
    { kind: "record_historical", edition, scopeEditions: index.editions, at: opts.at },
    target.state,
  );
  const indexStream = scopeIndexStream(edition.scope);
  const stream = editionStream(edition.editionId);
  const indexed = {
    type: "NegativeListEditionIndexed",
    data: { editionId: edition.editionId, inForceFrom: edition.inForceFrom, inForceUntil: edition.inForceUntil },
    occurredAt: opts.at,
  };
  const results = await store.appendMany([
    {
      streamId: indexStream,
      events: toNewEvents(indexStream, [indexed], opts),
      expected: index.version ?? "no_stream",
    },
    { streamId: stream, events: toNewEvents(stream, recorded, opts), expected: "no_stream" },
  ]);
  return { editionId: edition.editionId, version: results[1]!.nextExpectedVersion, superseded: null };
}

/**
 * Replaces the recorded text of `edition` (same id, scope and dates) with `reason`, at the
 * stream version read. @throws DomainError (no such edition, identity changed).
 */
export async function correctEdition(
  store: EventStore,
  edition: EditionData,
  reason: string,
  opts: { at: string; metadata?: EventMetadata; eventId(streamId: string, index: number): string },
): Promise<number> {
  const target = await loadEdition(store, edition.editionId);
  const events = editionDecider.decide({ kind: "correct", edition, reason, at: opts.at }, target.state);
  const stream = editionStream(edition.editionId);
  const result = await store.append(stream, toNewEvents(stream, events, opts), target.version ?? "no_stream");
  return result.nextExpectedVersion;
}

function toNewEvents(
  streamId: string,
  events: readonly { type: string; data: unknown; occurredAt: string }[],
  opts: { metadata?: EventMetadata; eventId(streamId: string, index: number): string },
): NewEvent[] {
  return events.map((e, i) => ({
    eventId: opts.eventId(streamId, i),
    type: e.type,
    data: e.data,
    occurredAt: e.occurredAt,
    metadata: opts.metadata,
  }));
}

/** Publishes each shipped edition not yet published (first start); returns the ids published. */
export async function publishShippedEditions(
  store: EventStore,
  editions: readonly EditionData[],
  metadata?: EventMetadata,
): Promise<string[]> {
  const done: string[] = [];
  for (const e of editions) {
    if ((await store.streamVersion(editionStream(e.editionId))) !== null) continue;
    await publishEdition(store, e, {
      at: new Date().toISOString(),
      metadata,
      eventId: (streamId, i) => uuidV5(`shipped-edition:${e.editionId}:${streamId}:${i}`),
    });
    done.push(e.editionId);
  }
  return done;
}
