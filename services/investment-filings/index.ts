/**
 * What the investment-filings context offers the processes: the filing routes (file, amend,
 * decide, read from the stream). Code outside the context imports this file only
 * (.dependency-cruiser.cjs).
 */
export { filingRoutes } from "./filing-routes";
