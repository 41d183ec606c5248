/**
 * The HTTP side of the negative lists: what an admin publishes or records as history, and the
 * question a check answers (GET /negative-list/check).
 */
import { CountryCode } from "../direct-clearance/declaration-shapes";
import { z } from "../http/zod";
import { NegativeListEditionPublished, NegativeListHistoricalEditionRecorded } from "./events";
import { ActivityId, EXAMPLE_EDITION, IndustryCode, partialClausesNameActivities } from "./measure-shapes";

/**
 * What an admin publishes: an edition whose every partial clause names its activities (the event
 * schema also reads older editions recorded before activities existed).
 */
export const PublishEditionBody = NegativeListEditionPublished.superRefine(partialClausesNameActivities).openapi(
  "NegativeListEditionPublication",
  { example: EXAMPLE_EDITION },
);

/** What an admin records as history (POST /negative-list/historical-editions). */
export const RecordHistoricalEditionBody = NegativeListHistoricalEditionRecorded.superRefine(
  partialClausesNameActivities,
).openapi("NegativeListHistoricalEditionRecord");

/** A percentage in a query string: a plain decimal 0–100 with at most 4 decimals (no hex, exponents or blanks). */
const Percent = z
  .string()
  .regex(/^\d{1,3}(\.\d{1,4})?$/, "a percentage from 0 to 100 written as a decimal, e.g. 49 or 33.5")
  .transform(Number)
  .pipe(z.number().min(0).max(100, "a percentage from 0 to 100"));

/** A comma-separated query value as its distinct, trimmed, non-empty members. */
const commaList = z.string().transform((s) => [
  ...new Set(
    s
      .split(",")
      .map((c) => c.trim())
      .filter(Boolean),
  ),
]);

/** The question a check answers (GET /negative-list/check query). */
export const CheckQuery = z
  .strictObject({
    industry: commaList.pipe(z.array(IndustryCode).min(1).max(20)).openapi({
      type: "string",
      description:
        "Comma-separated GB/T 4754-2017 codes (divisions, groups or classes); a code not in the standard is refused",
      example: "0511,7242",
    }),
    activities: commaList
      .pipe(z.array(ActivityId).max(50))
      .optional()
      .openapi({
        type: "string",
        description:
          "Comma-separated ids of the activities the investment will carry on, from the edition's activities " +
          "(GET /negative-list/activities). Given, it is the whole list: activities not named are not carried on, " +
          "and an empty value means none of them. Absent, a measure that covers only part of a class gives `indeterminate`.",
        example: "wheat-seed-breeding-production",
      }),
    foreignShare: Percent.openapi({ description: "Foreign investors' total equity, percent", example: "49" }),
    largestForeignInvestor: Percent.openapi({
      description: "The largest single foreign investor's equity, percent",
      example: "30",
    }),
    legalRepresentative: CountryCode.openapi({ description: "Nationality of the legal representative (ISO 3166)" }),
    insideFtz: z.enum(["true", "false"]).transform((v) => v === "true"),
    date: z.iso.date().optional().openapi({ description: "Date asked about; default today (China)" }),
  })
  .refine((q) => q.largestForeignInvestor <= q.foreignShare, {
    message: "the largest foreign investor cannot hold more than all foreign investors together",
    path: ["largestForeignInvestor"],
  })
  .refine((q) => q.foreignShare === 0 || q.largestForeignInvestor > 0, {
    message: "with foreign equity there is a largest foreign investor holding more than 0",
    path: ["largestForeignInvestor"],
  });
export type CheckInput = Omit<z.output<typeof CheckQuery>, "date" | "activities"> & {
  date: string;
  /** Undefined: not stated. */
  activities?: string[] | undefined;
};
