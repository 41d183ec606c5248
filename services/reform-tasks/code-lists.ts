/**
 * Reference data of the reform-tasks context, kept as data files with a `source` per entry
 * (`data/departments.json`, `data/reform-fields.json`): departments (责任部门) and the reform
 * fields (领域) by which State Council batches group their items. A task names both by code; an
 * unknown code is refused by name. The files are validated when loaded; a broken file stops
 * start-up rather than letting tasks point at nothing.
 */
import path from "node:path";
import { RefCode, type TaskScope } from "../../contracts/reform-tasks/task-shapes";
import { z } from "../../contracts/http/zod";
import { CodeList, readDataFile } from "../platform/code-list";

/** One department: its code, names and where the name comes from. */
export const Department = z
  .strictObject({
    code: RefCode,
    nameZh: z.string().min(1),
    nameEn: z.string().min(1),
    source: z.string().min(1),
    confidence: z.enum(["confirmed", "assumed"]),
  })
  .openapi("Department");
export type Department = z.infer<typeof Department>;

/** One reform field. */
export const ReformField = z
  .strictObject({ code: RefCode, nameZh: z.string().min(1), nameEn: z.string().min(1), source: z.string().min(1) })
  .openapi("ReformField");
export type ReformField = z.infer<typeof ReformField>;

const DepartmentsFile = z.strictObject({
  description: z.string(),
  source: z.string().min(1),
  departments: z.array(Department).min(1),
});
const FieldsFile = z.strictObject({
  description: z.string(),
  source: z.string().min(1),
  fields: z.array(ReformField).min(1),
});

/** The context's reference data. */
export interface ReformCodeLists {
  departments: CodeList<Department>;
  fields: CodeList<ReformField>;
}

const DATA_DIR = path.join(__dirname, "data");
const readJson = (file: string) => readDataFile(path.join(DATA_DIR, file));

let cached: ReformCodeLists | undefined;

/**
 * The reference data from `data/` (loaded and validated once).
 * @throws ZodError or Error when a file is malformed or lists a code twice.
 */
export function reformCodeLists(): ReformCodeLists {
  cached ??= {
    departments: new CodeList("department", DepartmentsFile.parse(readJson("departments.json")).departments),
    fields: new CodeList("reform field", FieldsFile.parse(readJson("reform-fields.json")).fields),
  };
  return cached;
}

/**
 * The Chinese name of each replication scope, as State Council batches word it (an import also
 * takes these names, and their short forms, for the codes).
 */
export const SCOPE_NAMES: Readonly<Record<z.infer<typeof TaskScope>, string>> = {
  nationwide: "全国范围内复制推广",
  "specific-areas": "特定区域复制推广",
};
