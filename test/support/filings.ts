/** Filing test data shared by suites. */

/**
 * The body of `POST /filings`: an outbound investment by `enterprise` of USD 1,000,000 in a
 * textile mill (GB/T 4754 class 1711) in Kazakhstan, not a sensitive industry.
 */
export const outboundMillFiling = (enterprise: string) => ({
  enterprise,
  details: {
    kind: "outbound_investment",
    destinationCountry: "KZ",
    industryCodes: ["1711"],
    investment: { value: 1_000_000, currency: "USD", usd: 1_000_000 },
    sensitiveIndustry: false,
    description: "mill",
  },
});

/**
 * The details of an inbound report: a German investor holding 60 % of a textile mill (class
 * 1711) outside the FTZ, EUR 5,000,000; `over` replaces members.
 */
export const inboundReport = (over: Record<string, unknown> = {}) => ({
  kind: "inbound_report",
  industryCodes: ["1711"],
  foreignSharePercent: 60,
  largestForeignInvestorPercent: 60,
  legalRepresentativeNationality: "DE",
  insideFtz: false,
  investorCountries: ["DE"],
  investment: { value: 5_000_000, currency: "EUR", usd: 5_400_000 },
  ...over,
});
