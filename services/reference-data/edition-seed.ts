/**
 * On every start: publishes the shipped negative-list editions (shipped-editions.ts) that are not
 * published yet, through the same publication as an admin's (events on the reference-data topic).
 * Editions are reference data the check cannot work without, so this runs in every mode.
 */
import type { Logger } from "pino";
import type { EventStore } from "../platform/event-store/types";
import { publishShippedEditions } from "./edition-publishing";
import { shippedEditions } from "./shipped-editions";

/** Publishes what is missing; returns the edition ids published now. */
export async function seedEditions(store: EventStore, logger?: Logger): Promise<string[]> {
  const published = await publishShippedEditions(store, shippedEditions(), {
    correlationId: "seed",
    causationId: "seed",
    actor: { subject: "system:seed", role: "admin" },
  });
  if (published.length) logger?.info({ editions: published }, "published the shipped negative-list editions");
  return published;
}
