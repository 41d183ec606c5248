/**
 * The negative-list editions shipped as data (`data/negative-list-*.json`): the national 2024
 * edition (NDRC/MOFCOM Order No. 23, in force 2024-11-01) and the FTZ 2021 edition (in force
 * 2022-01-01). Each measure carries its `source` and `confidence`; the research behind them, and
 * what is still unconfirmed, is in `data/REFERENCE-SOURCES.md`. They are published as events on
 * first start (edition-seed.ts), like any edition an admin publishes.
 */
import path from "node:path";
import { type EditionData, NegativeListEditionPublished } from "../../contracts/reference-data/negative-list";
import { readDataFile } from "../platform/reference-data/code-list";

/** Files of the shipped editions, oldest first. */
export const SHIPPED_EDITION_FILES = ["negative-list-ftz-2021.json", "negative-list-national-2024.json"] as const;

let cached: EditionData[] | undefined;

/** The shipped editions, validated. @throws ZodError when a file is malformed. */
export function shippedEditions(): EditionData[] {
  cached ??= SHIPPED_EDITION_FILES.map((f) =>
    NegativeListEditionPublished.parse(readDataFile(path.join(__dirname, "data", f))),
  );
  return cached;
}
