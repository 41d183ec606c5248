/**
 * The negative-list edition aggregate: one stream per edition, `NegativeListEdition-<editionId>`,
 * on the reference-data topic so partner systems learn of every publication.
 *
 * - publish: records the edition with its measures. Its `inForceFrom` must be at least two days
 *   after the publishing day (China) unless it is the first edition of its scope in this system
 *   (loading history, e.g. the shipped editions), so that no published edition ever changes the
 *   answer for a date that has passed or is under way (DOMAIN.md §3: a check must be
 *   reproducible). `supersedes`, when given, must name the scope's latest edition. It must also
 *   be later than every edition of its scope already published. Those cross-edition facts are
 *   given to `decide` in the command (`scopeEditions`).
 * - supersede: recorded on the older edition when a newer one names it in `supersedes`.
 */
import type { EditionData } from "../../contracts/reference-data/negative-list";
import { chinaDate } from "../platform/china-date";
import { type Decider, DomainError, type DomainEvent } from "../platform/decider";

export type EditionEvent =
  | DomainEvent<"NegativeListEditionPublished", EditionData>
  | DomainEvent<"NegativeListEditionSuperseded", { supersededBy: string; from: string }>;

/** Editions of the same scope already published (id and in-force date). */
export interface ScopeEdition {
  editionId: string;
  inForceFrom: string;
}

export type EditionCommand =
  | { kind: "publish"; edition: EditionData; scopeEditions: readonly ScopeEdition[]; at: string }
  | { kind: "supersede"; supersededBy: string; from: string; at: string };

export interface EditionState {
  edition: EditionData | null;
  supersededBy: string | null;
}

export const NO_EDITION: EditionState = Object.freeze({ edition: null, supersededBy: null }) as EditionState;

function decide(cmd: EditionCommand, s: EditionState): EditionEvent[] {
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
    if (cmd.scopeEditions.length > 0 && e.inForceFrom <= today) {
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
  return e.type === "NegativeListEditionPublished"
    ? { edition: e.data, supersededBy: null }
    : { ...s, supersededBy: e.data.supersededBy };
}

export const editionDecider: Decider<EditionCommand, EditionEvent, EditionState> = {
  initialState: NO_EDITION,
  decide,
  evolve,
};
