/**
 * GB/T 4754-2017 国民经济行业分类 (Industrial classification for national economic activities):
 * every section (门类, A–T), division (大类, 2 digits), group (中类, 3 digits) and class (小类,
 * 4 digits), shipped as data in `data/gbt4754-2017.json` with the copy it was read from. Industry
 * codes anywhere in the API must be codes of this list: a typo is refused, never read as an
 * industry no measure covers.
 */
import classification from "./data/gbt4754-2017.json";

/** One code of the classification. `nameEn` is null where no English rendering was read. */
export interface IndustryClass {
  code: string;
  level: "division" | "group" | "class";
  nameZh: string;
  nameEn: string | null;
  /** The section letter (门类) the code belongs to. */
  section: string;
}

interface ClassificationFile {
  standard: string;
  codes: { code: string; level: IndustryClass["level"]; zh: string; en: string | null }[];
  sections: { code: string; zh: string; en: string | null; divisions: string[] }[];
}

const file = classification as ClassificationFile;
const sectionOf = new Map<string, string>();
for (const s of file.sections) for (const d of s.divisions) sectionOf.set(d, s.code);

/** Every code by code. */
export const INDUSTRY_CLASSES: ReadonlyMap<string, IndustryClass> = new Map(
  file.codes.map((c) => [
    c.code,
    { code: c.code, level: c.level, nameZh: c.zh, nameEn: c.en, section: sectionOf.get(c.code.slice(0, 2)) ?? "" },
  ]),
);

/** The classification's title and edition, as the data file names it. */
export const INDUSTRY_STANDARD = file.standard;

/** The entry for `code`, or undefined when the code is not in GB/T 4754-2017. */
export const industryClass = (code: string): IndustryClass | undefined => INDUSTRY_CLASSES.get(code);
