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
