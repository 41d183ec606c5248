/**
 * Shapes of customs declarations under direct clearance (属地直通: one declaration, one
 * inspection, one release; README, customs direct clearance). Identifier checks (GB 32100-2015 credit codes, the
 * 18-digit declaration number, 10-digit commodity codes, ISO 4217 currencies, ISO 3166 countries)
 * live here so every boundary refuses the same things with the same words. Office and port codes
 * are checked against reference data in `services/direct-clearance/data/`.
 */
import countries from "i18n-iso-countries";
import { SafeString } from "../http/common";
import { z } from "../http/zod";
import { parseDeclarationNumber } from "../identifiers/declaration-number";
import { hsCodeProblem } from "../identifiers/hs-code";
import { unitProblem } from "../identifiers/unit-of-measure";
import { USCC_PATTERN, usccProblem } from "../identifiers/uscc";

/**
 * Unified social credit code (GB 32100-2015): authority and category codes, the GB/T 2260
 * division, and the check character verified (identifiers/uscc.ts).
 */
export const Uscc = z
  .string()
  .superRefine((s, ctx) => {
    const problem = usccProblem(s);
    if (problem) ctx.addIssue({ code: "custom", message: `not a unified social credit code: ${problem}` });
  })
  .openapi({
    description:
      "Unified social credit code (GB 32100-2015), in capital letters (lower case is refused): registration " +
      "authority and category codes of GB 32100-2015, a GB/T 2260 division code in characters 3-8, and the check character",
    pattern: USCC_PATTERN,
    example: "91350200776049653A",
  });

/** 18-digit declaration number: office (4) + year (4) + flag (1 import, 0 export) + sequence (9). */
export const DeclarationNumber = z
  .string()
  .superRefine((s, ctx) => {
    if (!parseDeclarationNumber(s)) {
      ctx.addIssue({
        code: "custom",
        message: "must be 18 digits: customs office (4), year (4), 1 import / 0 export, sequence (9)",
      });
    }
  })
  .openapi({
    pattern: "^\\d{4}\\d{4}[01]\\d{9}$",
    description:
      "18 digits: customs office (4), year (4), 1 import / 0 export, sequence (9); office, year and flag must agree with the lodgement",
    example: "949920260000012345",
  });

/** Import or export. */
export const Direction = z.enum(["import", "export"]).openapi("Direction");
export type Direction = z.infer<typeof Direction>;

/** Direct clearance (属地直通: inspected at the inland site, recognised at the port) or conventional. */
export const ClearanceModel = z.enum(["direct", "conventional"]).openapi("ClearanceModel");
export type ClearanceModel = z.infer<typeof ClearanceModel>;

/** Mode of transport across the border (WCO TRS segments by it). */
export const TransportMode = z.enum(["rail", "road", "air", "sea", "multimodal"]).openapi("TransportMode");

/**
 * The enterprise's customs credit standing as the declaration states it: `aeo`, an Authorised
 * Economic Operator (in China 高级认证企业, the advanced-certified enterprise that AEO mutual
 * recognition covers); `non_aeo`, any other; `unknown`, not stated. Finer Chinese categories are
 * not distinguished: no code list of ours lists them. The WCO TRS segments release times by such
 * facilitation programmes.
 */
export const CreditRating = z.enum(["aeo", "non_aeo", "unknown"]).openapi("CreditRating", {
  description:
    "aeo: Authorised Economic Operator (高级认证企业); non_aeo: any other rating; unknown: not stated (the default)",
});
export type CreditRating = z.infer<typeof CreditRating>;

/** Risk assessment outcome (inspection channel): no inspection, documentary check, physical inspection. */
export const InspectionChannel = z.enum(["none", "documentary", "physical"]).openapi("InspectionChannel");
export type InspectionChannel = z.infer<typeof InspectionChannel>;

/** Where goods are inspected: the inland (local) site or the border port. */
export const InspectionPlace = z.enum(["local", "port"]).openapi("InspectionPlace");

/** A 4-digit customs office code (关区代码). */
export const CustomsOfficeCode = z.string().regex(/^\d{4}$/, "a 4-digit customs office code");

/** A port code from the reference data, e.g. `horgos`. */
export const PortCode = z
  .string()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "a port code such as horgos")
  .max(40);

/** A 10-digit commodity code (HS 6 + national digits). */
export const HsCode = z
  .string()
  .superRefine((s, ctx) => {
    const problem = hsCodeProblem(s);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .openapi({
    pattern: "^(0[1-9]|[1-6]\\d|7[0-689]|8\\d|9[0-7])\\d{8}$",
    description: "10 digits: HS chapter 01–97 (77 is reserved), heading and subheading, 4 national digits",
    example: "5205120000",
  });

const CURRENCIES = new Set(Intl.supportedValuesOf("currency"));

/** An ISO 4217 currency code in circulation (Node's ICU list). */
export const Currency = z
  .string()
  .refine((c) => CURRENCIES.has(c), { message: "not an ISO 4217 currency code in circulation (e.g. CNY, USD)" })
  .openapi({
    enum: [...CURRENCIES].sort(),
    description: "An ISO 4217 currency code in circulation (the list of Node's ICU)",
    example: "USD",
  });

/** An ISO 3166-1 alpha-2 country code. */
export const CountryCode = z
  .string()
  .refine((c) => /^[A-Z]{2}$/.test(c) && countries.isValid(c), {
    message: "not an ISO 3166-1 alpha-2 country code (e.g. KZ, UZ, RU)",
  })
  .openapi({
    enum: Object.keys(countries.getAlpha2Codes()).sort(),
    description: "An ISO 3166-1 alpha-2 country code",
    example: "KZ",
  });

/** A unit of quantity: a code of UN/ECE Recommendation 20 Rev. 17 (unit-of-measure.ts), e.g. KGM, TNE, H87. */
export const QuantityUnit = z
  .string()
  .regex(/^[A-Z0-9]{2,3}$/, "a UN/ECE Recommendation 20 unit code such as KGM, TNE or H87")
  .superRefine((s, ctx) => {
    const problem = unitProblem(s);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .openapi({
    description: "A unit code of UN/ECE Recommendation 20 (Rev. 17); codes marked deleted are refused",
    example: "KGM",
  });

/** One goods line. `value` is the line's customs value in `currency` (at most 2 decimals). */
export const GoodsLine = z
  .strictObject({
    lineNo: z.number().int().min(1).max(999),
    hsCode: HsCode,
    description: SafeString.max(500).trim().min(1),
    quantity: z.number().positive().max(1e12),
    unit: QuantityUnit,
    value: z
      .number()
      .positive()
      .max(1e13)
      .refine((v) => Number(v.toFixed(2)) === v, { message: "at most 2 decimals" })
      .openapi({ description: "The line's customs value in `currency`: positive, at most 2 decimals" }),
    currency: Currency,
    /** Origin country for imports, destination country for exports. */
    country: CountryCode,
  })
  .openapi("GoodsLine");
export type GoodsLine = z.output<typeof GoodsLine>;

/** Goods lines: 1–50 with distinct line numbers. */
export const GoodsLines = z
  .array(GoodsLine)
  .min(1)
  .max(50)
  .superRefine((lines, ctx) => {
    const seen = new Set<number>();
    lines.forEach((l, i) => {
      if (seen.has(l.lineNo)) ctx.addIssue({ code: "custom", path: [i, "lineNo"], message: `line ${l.lineNo} twice` });
      seen.add(l.lineNo);
    });
  });

/** A business time: ISO 8601 instant with an explicit offset, in the years 2000–2099. */
export const BusinessTime = z.iso
  .datetime({ offset: true })
  .refine(
    (t) => {
      const ms = Date.parse(t);
      return ms >= Date.parse("2000-01-01T00:00:00Z") && ms < Date.parse("2100-01-01T00:00:00Z");
    },
    { message: "a time in the years 2000–2099" },
  )
  .openapi({ example: "2026-03-01T09:30:00+08:00" });
