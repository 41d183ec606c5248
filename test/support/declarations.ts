/** Declaration test data shared by suites. */
import type { GoodsLine } from "../../contracts/direct-clearance/declaration-shapes";

/** One goods line: 1,000 kg of cotton yarn (HS 5205.12) worth USD 3,000, to Kazakhstan. */
export const cottonYarnLine: GoodsLine = {
  lineNo: 1,
  hsCode: "5205120000",
  description: "cotton yarn",
  quantity: 1000,
  unit: "KGM",
  value: 3000,
  currency: "USD",
  country: "KZ",
};

/**
 * The body of `POST /declarations`: a direct-clearance export of `cottonYarnLine` by
 * `enterprise`, declared at Korla (placeholder office 9499) and leaving by rail at Horgos.
 */
export const directExportLodgement = (declarationNumber: string, enterprise: string) => ({
  declarationNumber,
  enterprise,
  direction: "export",
  clearanceModel: "direct",
  declaringOffice: "9499",
  port: "horgos",
  transportMode: "rail",
  goods: [cottonYarnLine],
  lodgedAt: "2026-09-10T09:00:00+08:00",
});
