/**
 * On every start: publishes the shipped negative-list editions (shipped-editions.ts) that are not
 * published yet, through the same publication as an admin's (events on the reference-data topic).
 * Editions are reference data the check cannot work without, so this runs in every mode.
 */
import type { Logger } from "pino";
import { DomainError } from "../platform/decider";
import type { EventStore } from "../platform/event-store/types";
import { publishShippedEditions } from "./edition-publishing";
import { shippedEditions } from "./shipped-editions";

/** Publishes what is missing; returns the edition ids published now. */
export async function seedEditions(store: EventStore, logger?: Logger): Promise<string[]> {
  let published: string[] = [];
  try {
    published = await publishShippedEditions(store, shippedEditions(), {
      correlationId: "seed",
      causationId: "seed",
      actor: { subject: "system:seed", role: "admin" },
    });
  } catch (err) {
    // A shipped edition the rules refuse (e.g. added later with a past date) must not stop the
    // product from starting: the editions already published keep serving checks.
    if (!(err instanceof DomainError)) throw err;
    logger?.error({ err, code: err.code }, "a shipped negative-list edition was refused; publish it as an admin");
  }
  if (published.length) logger?.info({ editions: published }, "published the shipped negative-list editions");
  return published;
}
