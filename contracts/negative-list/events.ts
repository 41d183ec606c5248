/**
 * Events of the `NegativeListEdition` stream (`NegativeListEdition-<editionId>`), published on the
 * `ftz.reference-data.events` topic (the topic keeps its published name): an edition published,
 * recorded as history, corrected or superseded. These zod schemas are the contract.
 */
import { SafeString } from "../http/common";
import { z } from "../http/zod";
import { EditionFields, EXAMPLE_EDITION, editionRules, HISTORICAL_FIELDS } from "./measure-shapes";

/** An edition as published (event data of NegativeListEditionPublished; unknown members are refused). */
export const NegativeListEditionPublished = z
  .strictObject(EditionFields)
  .superRefine(editionRules)
  .openapi("NegativeListEditionPublished", { example: EXAMPLE_EDITION });
export type EditionData = z.output<typeof NegativeListEditionPublished>;

/**
 * An edition that was in force in the past, recorded as history (event data of
 * NegativeListHistoricalEditionRecorded): it has an `inForceUntil`, supersedes nothing, and may
 * only cover dates no edition in the store covers (edition-decider.ts), so no answer already given
 * changes. `replacedBy` names the edition that followed it, for readers.
 */
export const NegativeListHistoricalEditionRecorded = z
  .strictObject({
    ...HISTORICAL_FIELDS,
    inForceUntil: z.iso.date(),
    replacedBy: z.string().max(60).optional(),
  })
  .superRefine(editionRules)
  .openapi("NegativeListHistoricalEditionRecorded", {
    example: {
      ...EXAMPLE_EDITION,
      // Invented, and in the past (a historical edition must have ended): no real edition is quoted.
      editionId: "national-2001",
      title: "外商投资准入特别管理措施（负面清单）（接口示例，非真实版本）",
      inForceFrom: "2001-01-01",
      inForceUntil: "2001-12-31",
      replacedBy: "national-2002",
    },
  });
export type HistoricalEditionData = z.output<typeof NegativeListHistoricalEditionRecorded>;

/**
 * The recorded text of an edition was wrong and is replaced (event data of
 * NegativeListEditionCorrected): the law did not change, our copy of it did, so checks for every
 * date it covers answer from the corrected text. `edition` is the whole corrected edition (same
 * id, scope and dates); `reason` says what was wrong and which copy was read.
 */
export const NegativeListEditionCorrected = z
  .strictObject({
    edition: z.strictObject({ ...EditionFields, replacedBy: z.string().max(60).optional() }).superRefine(editionRules),
    reason: SafeString.min(1).max(4000),
  })
  .openapi("NegativeListEditionCorrected");

/** An edition was superseded by `supersededBy` from `from` (the newer edition's in-force date). */
export const NegativeListEditionSuperseded = z
  .object({ supersededBy: z.string(), from: z.iso.date() })
  .openapi("NegativeListEditionSuperseded");

/** Stream category of editions (contracts/topics.ts). */
export const EDITION_CATEGORY = "NegativeListEdition";
export const editionStream = (editionId: string): string => `${EDITION_CATEGORY}-${editionId}`;
