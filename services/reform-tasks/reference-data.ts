/**
 * Reference data of the reform-tasks context, kept as data files with a `source` per entry
 * (`data/departments.json`, `data/reform-fields.json`): departments (责任部门) and the reform
 * fields (领域) by which State Council batches group their items. A task names both by code; an
 * unknown code is refused by name. The files are validated when loaded; a broken file stops
 * start-up rather than letting tasks point at nothing.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { RefCode } from "../../contracts/reform-tasks/task-shapes";
import { z } from "../../contracts/http/zod";

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

/** A code list with lookup by code or by exact Chinese or English name. */
export class CodeList<T extends { code: string; nameZh: string; nameEn: string }> {
  private readonly byKey = new Map<string, T>();

  constructor(
    readonly what: string,
    readonly entries: readonly T[],
  ) {
    for (const e of entries) {
      if (this.byKey.has(e.code)) throw new Error(`${what}: code ${e.code} is listed twice`);
      this.byKey.set(e.code, e);
    }
    for (const e of entries) {
      for (const name of [e.nameZh, e.nameEn.toLowerCase()]) if (!this.byKey.has(name)) this.byKey.set(name, e);
    }
  }

  /** The entry with this code, or `undefined`. */
  get(code: string): T | undefined {
    const e = this.byKey.get(code);
    return e && e.code === code ? e : undefined;
  }

  /** The entry whose code, Chinese name or English name (any case) is `value` (trimmed), or `undefined`. */
  resolve(value: string): T | undefined {
    const v = value.trim();
    return this.byKey.get(v) ?? this.byKey.get(v.toLowerCase());
  }

  /** The message for an unknown value, naming it and the known codes. */
  unknown(value: string): string {
    const codes = this.entries.map((e) => e.code);
    return `unknown ${this.what} ${JSON.stringify(value)}; known codes: ${codes.join(", ")}`;
  }
}

/** The context's reference data. */
export interface ReformReferenceData {
  departments: CodeList<Department>;
  fields: CodeList<ReformField>;
}

const DATA_DIR = path.join(__dirname, "data");

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(path.join(DATA_DIR, file), "utf8"));
}

let cached: ReformReferenceData | undefined;

/**
 * The reference data from `data/` (loaded and validated once).
 * @throws ZodError or Error when a file is malformed or lists a code twice.
 */
export function reformReferenceData(): ReformReferenceData {
  cached ??= {
    departments: new CodeList("department", DepartmentsFile.parse(readJson("departments.json")).departments),
    fields: new CodeList("reform field", FieldsFile.parse(readJson("reform-fields.json")).fields),
  };
  return cached;
}
