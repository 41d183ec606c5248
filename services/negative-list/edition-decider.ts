/**
 * The negative-list edition aggregate: one stream per edition, `NegativeListEdition-<editionId>`,
 * on the reference-data topic so partner systems learn of every publication.
 *
 * - publish: records the edition with its measures. Its `inForceFrom` must be at least two days
 *   after the publishing day (China) unless it is the first edition of its scope in this system
 *   (loading history, e.g. the shipped editions), so that no published edition ever changes the
 *   answer for a date that has passed or is under way (README, negative-list checks and investment filings: a check must be
 *   reproducible). `supersedes`, when given, must name the scope's latest edition. It must also
 *   be later than every edition of its scope already published. Those cross-edition facts are
 *   given to `decide` in the command (`scopeEditions`).
 * - record historical: records an edition that was in force in the past (with `inForceUntil`,
 *   before today), superseding nothing. Its dates may only cover days no recorded edition of its
 *   scope covers (an edition covers from its `inForceFrom` to its `inForceUntil`, or to the day
 *   before the next edition's `inForceFrom`, or onwards), so no answer already given changes: a
 *   check for such a day answered "no edition in force" before.
 * - correct: replaces the recorded text of an edition that was transcribed wrongly (same id, scope
 *   and dates); the law did not change, our copy did.
 * - supersede: recorded on the older edition when a newer one names it in `supersedes`.
 */
import type { EditionData, HistoricalEditionData } from "../../contracts/negative-list/events";
import { chinaDate } from "../platform/china-date";
import { type Decider, DomainError, type DomainEvent } from "../platform/decider";

export type EditionEvent =
  | DomainEvent<"NegativeListEditionPublished", EditionData>
  | DomainEvent<"NegativeListHistoricalEditionRecorded", HistoricalEditionData>
  | DomainEvent<"NegativeListEditionCorrected", { edition: EditionData; reason: string }>
  | DomainEvent<"NegativeListEditionSuperseded", { supersededBy: string; from: string }>;

/** Editions of the same scope already published (id and in-force date). */
export interface ScopeEdition {
  editionId: string;
  inForceFrom: string;
  /** Set for an edition recorded as history. */
  inForceUntil?: string | undefined;
}

const DAY_MS = 86_400_000;
const dayBefore = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);

/** The days each recorded edition of a scope answers for: [from, until], until null = onwards. */
export function coverage(
  editions: readonly ScopeEdition[],
): { editionId: string; from: string; until: string | null }[] {
  const sorted = [...editions].sort((a, b) => (a.inForceFrom < b.inForceFrom ? -1 : 1));
  return sorted.map((e, i) => {
    const next = sorted[i + 1];
    const bound = next ? dayBefore(next.inForceFrom) : null;
    const until = e.inForceUntil ?? bound;
    return {
      editionId: e.editionId,
      from: e.inForceFrom,
      until: bound !== null && until !== null && bound < until ? bound : until,
    };
  });
}

export type EditionCommand =
  | { kind: "publish"; edition: EditionData; scopeEditions: readonly ScopeEdition[]; at: string }
  | { kind: "record_historical"; edition: HistoricalEditionData; scopeEditions: readonly ScopeEdition[]; at: string }
  | { kind: "correct"; edition: EditionData; reason: string; at: string }
  | { kind: "supersede"; supersededBy: string; from: string; at: string };

export interface EditionState {
  edition: EditionData | null;
  supersededBy: string | null;
}

export const NO_EDITION: EditionState = Object.freeze({ edition: null, supersededBy: null }) as EditionState;

function recordHistorical(
  cmd: Extract<EditionCommand, { kind: "record_historical" }>,
  s: EditionState,
): EditionEvent[] {
  const e = cmd.edition;
  if (s.edition) {
    throw new DomainError("edition_exists", `edition ${s.edition.editionId} is already recorded`, {
      state: s.supersededBy ? "superseded" : "published",
    });
  }
  const today = chinaDate(cmd.at);
  if (e.inForceUntil >= today) {
    throw new DomainError(
      "edition_not_past",
      `inForceUntil ${e.inForceUntil} is not before today (${today}): only an edition no longer in force is recorded as history`,
      { field: "inForceUntil" },
      422,
    );
  }
  const clash = coverage(cmd.scopeEditions).find(
    (c) => c.from <= e.inForceUntil && (c.until === null || c.until >= e.inForceFrom),
  );
  if (clash) {
    throw new DomainError(
      "edition_overlaps",
      `${clash.editionId} already answers for ${clash.from} to ${clash.until ?? "onwards"}; a historical ${e.scope} edition may only cover days no recorded edition covers`,
      { field: "inForceFrom", overlaps: clash.editionId },
      422,
    );
  }
  return [{ type: "NegativeListHistoricalEditionRecorded", data: e, occurredAt: cmd.at }];
}

function correct(cmd: Extract<EditionCommand, { kind: "correct" }>, s: EditionState): EditionEvent[] {
  const old = s.edition;
  if (!old) throw new DomainError("edition_not_found", "there is no such edition", { state: "none" });
  const e = cmd.edition;
  for (const f of ["editionId", "scope", "inForceFrom", "inForceUntil"] as const) {
    if (old[f] !== e[f]) {
      throw new DomainError(
        "correction_changes_identity",
        `a correction keeps the edition's ${f} (${old[f] ?? "none"}); record a new edition instead`,
        { field: f },
        422,
      );
    }
  }
  return [{ type: "NegativeListEditionCorrected", data: { edition: e, reason: cmd.reason }, occurredAt: cmd.at }];
}

function decide(cmd: EditionCommand, s: EditionState): EditionEvent[] {
  if (cmd.kind === "record_historical") return recordHistorical(cmd, s);
  if (cmd.kind === "correct") return correct(cmd, s);
  if (cmd.kind === "publish") {
    if (s.edition) {
      throw new DomainError("edition_exists", `edition ${s.edition.editionId} is already published`, {
        state: s.supersededBy ? "superseded" : "published",
      });
    }
    const e = cmd.edition;
    const today = chinaDate(cmd.at);
    const later = cmd.scopeEditions.find((x) => x.inForceFrom >= e.inForceFrom);
    if (later) {
      throw new DomainError(
        "edition_not_newer",
        `${later.editionId} is already in force from ${later.inForceFrom}; a new ${e.scope} edition must take effect later`,
        { field: "inForceFrom" },
        422,
      );
    }
    // History recorded before the first publication does not make the publication a backdating.
    if (cmd.scopeEditions.some((x) => x.inForceUntil === undefined) && e.inForceFrom <= today) {
      throw new DomainError(
        "edition_backdated",
        `inForceFrom ${e.inForceFrom} is not after today (${today}): answers for past dates must not change`,
        { field: "inForceFrom" },
        422,
      );
    }
    if (e.supersedes !== undefined && !cmd.scopeEditions.some((x) => x.editionId === e.supersedes)) {
      throw new DomainError(
        "unknown_edition",
        `no ${e.scope} edition ${e.supersedes} to supersede`,
        { field: "supersedes" },
        422,
      );
    }
    return [{ type: "NegativeListEditionPublished", data: e, occurredAt: cmd.at }];
  }
  if (!s.edition) throw new DomainError("edition_not_found", "there is no such edition", { state: "none" });
  if (s.supersededBy) {
    throw new DomainError("edition_superseded", `already superseded by ${s.supersededBy}`, { state: "superseded" });
  }
  return [
    {
      type: "NegativeListEditionSuperseded",
      data: { supersededBy: cmd.supersededBy, from: cmd.from },
      occurredAt: cmd.at,
    },
  ];
}

function evolve(s: EditionState, e: EditionEvent): EditionState {
  switch (e.type) {
    case "NegativeListEditionPublished":
    case "NegativeListHistoricalEditionRecorded":
      return { edition: e.data, supersededBy: null };
    case "NegativeListEditionCorrected":
      return { ...s, edition: e.data.edition };
    case "NegativeListEditionSuperseded":
      return { ...s, supersededBy: e.data.supersededBy };
  }
}

export const editionDecider: Decider<EditionCommand, EditionEvent, EditionState> = {
  initialState: NO_EDITION,
  decide,
  evolve,
};
