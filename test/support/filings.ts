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
