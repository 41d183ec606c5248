/**
 * The negative-list editions shipped as data (`data/negative-list-*.json`):
 * - the FTZ 2021 edition (in force 2022-01-01) and the national 2024 edition (NDRC/MOFCOM Order
 *   No. 23, in force 2024-11-01), published;
 * - the national 2021 edition (NDRC/MOFCOM Order No. 47, in force 2022-01-01 to 2024-10-31),
 *   recorded as history.
 * Each measure carries its `source` (the copy its text was read in), `textVerified` and
 * `confidence`; `data/REFERENCE-SOURCES.md` says what could not be read. The activities each
 * edition's clauses name come from `data/negative-list-activities.json`. They are recorded as
 * events on start (edition-seed.ts), like any edition an admin publishes or records.
 */
import path from "node:path";
import {
  type EditionData,
  type HistoricalEditionData,
  NegativeListEditionPublished,
  NegativeListHistoricalEditionRecorded,
} from "../../contracts/negative-list/events";
import { readDataFile } from "../platform/code-list";

/** Files of the editions published as in force from their date, oldest first. */
export const SHIPPED_EDITION_FILES = ["negative-list-ftz-2021.json", "negative-list-national-2024.json"] as const;
/** Files of editions recorded as history (they ended before today). */
export const SHIPPED_HISTORICAL_FILES = ["negative-list-national-2021.json"] as const;

let cached: { published: EditionData[]; historical: HistoricalEditionData[] } | undefined;

function load() {
  cached ??= {
    published: SHIPPED_EDITION_FILES.map((f) =>
      NegativeListEditionPublished.parse(readDataFile(path.join(__dirname, "data", f))),
    ),
    historical: SHIPPED_HISTORICAL_FILES.map((f) =>
      NegativeListHistoricalEditionRecorded.parse(readDataFile(path.join(__dirname, "data", f))),
    ),
  };
  return cached;
}

/** The shipped editions published as in force, validated. @throws ZodError when a file is malformed. */
export const shippedEditions = (): EditionData[] => load().published;

/** The shipped editions recorded as history, validated. @throws ZodError when a file is malformed. */
export const shippedHistoricalEditions = (): HistoricalEditionData[] => load().historical;

/** Every shipped edition, published and historical. */
export const allShippedEditions = (): EditionData[] => [...load().published, ...load().historical];
