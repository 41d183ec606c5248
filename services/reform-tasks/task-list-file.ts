/**
 * The task list as a file (CSV, RFC 4180, UTF-8; or XLSX, Office Open XML), read and written
 * with well-kept libraries: `csv-parse` / `csv-stringify` and `exceljs`. This module knows
 * columns and cells only; what a row means is task-list-import.ts's business.
 *
 * Import columns (header row required, any order; each named by its code or its Chinese header,
 * `HEADERS_ZH`; case-insensitive, full-width and half-width forms alike):
 *   year (optional; must match the import's year), ref, title_zh, title_en, field, scope, source_batch, source_item, source, core_content,
 *   lead_department, cooperating_departments, deadline, implementation_path, assumed, change_reason
 * An export adds read-only columns (task_id, status, progress, overdue ...) and, with Chinese
 * headers, a name column beside each coded column (`NAME_COLUMNS`); an import ignores both, so an
 * exported file can be edited and imported again.
 */
import { z } from "../../contracts/http/zod";
import { parse } from "csv-parse";
import { stringify } from "csv-stringify";
import ExcelJS from "exceljs";
import yauzl from "yauzl";

/** Columns an import reads. `ref`, `title_zh` ... `implementation_path` are required. */
export const IMPORT_COLUMNS = [
  "year",
  "ref",
  "title_zh",
  "title_en",
  "field",
  "scope",
  "source_batch",
  "source_item",
  "source",
  "core_content",
  "lead_department",
  "cooperating_departments",
  "deadline",
  "implementation_path",
  "assumed",
  "change_reason",
] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];

/** Columns an import may omit. */
export const OPTIONAL_COLUMNS: readonly ImportColumn[] = [
  "year",
  "title_en",
  "source_item",
  "assumed",
  "change_reason",
];

/** Columns only an export writes (status and progress figures); an import ignores them. */
export const EXPORT_ONLY_COLUMNS = [
  "task_id",
  "status",
  "started_on",
  "progress_percent",
  "progress_as_of",
  "replicated_on",
  "original_deadline",
  "reschedules",
  "overdue",
  "overdue_as_of",
  "version",
] as const;
export type ExportOnlyColumn = (typeof EXPORT_ONLY_COLUMNS)[number];

/** Columns whose cells are codes: a Chinese export writes their names in a column beside them. */
export const CODED_COLUMNS = [
  "field",
  "scope",
  "lead_department",
  "cooperating_departments",
  "assumed",
  "status",
] as const satisfies readonly (ImportColumn | ExportOnlyColumn)[];
export type CodedColumn = (typeof CODED_COLUMNS)[number];

/** The name column of each coded column (`lead_department` → `lead_department_name`). */
export const NAME_COLUMNS = CODED_COLUMNS.map((c) => `${c}_name` as const);
export type NameColumn = `${CodedColumn}_name`;

/** Every column a task-list file may have. */
export type FileColumn = ImportColumn | ExportOnlyColumn | NameColumn;

/**
 * The Chinese header of every column. A coded column is headed `<name>代码` and its name column
 * `<name>`: `lead_department` is 牵头部门代码, `lead_department_name` 牵头部门.
 */
export const HEADERS_ZH: Readonly<Record<FileColumn, string>> = {
  year: "年度",
  ref: "编号",
  title_zh: "事项名称",
  title_en: "英文名称",
  field: "领域代码",
  field_name: "领域",
  scope: "推广范围代码",
  scope_name: "推广范围",
  source_batch: "来源批次",
  source_item: "批次内序号",
  source: "来源依据",
  core_content: "核心内容",
  lead_department: "牵头部门代码",
  lead_department_name: "牵头部门",
  cooperating_departments: "配合部门代码",
  cooperating_departments_name: "配合部门",
  deadline: "时间节点",
  implementation_path: "实施路径",
  assumed: "自行拟定项代码",
  assumed_name: "自行拟定项",
  change_reason: "变更原因",
  task_id: "任务ID",
  status: "状态代码",
  status_name: "状态",
  started_on: "开始日期",
  progress_percent: "进度（%）",
  progress_as_of: "进度截至日期",
  replicated_on: "落地日期",
  original_deadline: "原定时间节点",
  reschedules: "调整次数",
  overdue: "是否逾期",
  overdue_as_of: "逾期判断日期",
  version: "版本",
};

/**
 * What a column holds, in Chinese: the header of its name column when it has one (牵头部门),
 * else its header (时间节点). The `assumed` column's names are these.
 */
export function columnNameZh(c: ImportColumn | ExportOnlyColumn): string {
  return (CODED_COLUMNS as readonly string[]).includes(c) ? HEADERS_ZH[`${c as CodedColumn}_name`] : HEADERS_ZH[c];
}

/** A header as it is compared: Unicode-compatibility folded (`（` is `(`), trimmed, lower case. */
const headerKey = (h: string) => h.normalize("NFKC").trim().toLowerCase();

/** Each column by its code and by its Chinese header (`headerKey` of each). */
const COLUMN_BY_HEADER: ReadonlyMap<string, FileColumn> = (() => {
  const map = new Map<string, FileColumn>();
  for (const c of Object.keys(HEADERS_ZH) as FileColumn[]) {
    for (const key of [headerKey(c), headerKey(HEADERS_ZH[c])]) {
      const other = map.get(key);
      if (other && other !== c) throw new Error(`task-list header ${key} names both ${other} and ${c}`);
      map.set(key, c);
    }
  }
  return map;
})();

/** The column a header names (its code or Chinese header, any case), or `undefined`. */
export function columnOfHeader(header: string): FileColumn | undefined {
  return COLUMN_BY_HEADER.get(headerKey(header));
}

/** Header rows an export can have: Chinese headers with name columns, or the codes alone. */
export type HeaderStyle = "zh" | "codes";

/** File formats and their media types. */
export const MEDIA_TYPES = {
  csv: "text/csv",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
} as const;

/** The OpenAPI content of a task-list file (import body or export answer): CSV or XLSX, binary. */
export const taskListFileContent = (description: string) => ({
  description,
  content: {
    [MEDIA_TYPES.csv]: { schema: z.string().openapi({ format: "binary" }) },
    [MEDIA_TYPES.xlsx]: { schema: z.string().openapi({ format: "binary" }) },
  },
});
export type FileFormat = keyof typeof MEDIA_TYPES;

/** Most data rows an import accepts (a year's list has tens to a few hundred items). */
export const MAX_ROWS = 5000;

/**
 * A data row: its 1-based record number in the file (the header is normally record 1; blank
 * lines count, a quoted cell spanning lines counts once; in XLSX the sheet's row number) and its
 * cells by column.
 */
export interface FileRow {
  row: number;
  cells: Partial<Record<ImportColumn, string>>;
}

/** A problem with the file as a whole or one cell; `row` and `column` are null when not about one. */
export interface FileError {
  row: number | null;
  column: string | null;
  detail: string;
}

/** What `readTaskListFile` returns: rows, or the errors that stop reading. */
export type ReadResult = { ok: true; rows: FileRow[] } | { ok: false; errors: FileError[] };

/** Reads a CSV or XLSX task list. Never throws for bad content: returns the errors instead. */
export async function readTaskListFile(bytes: Buffer, format: FileFormat): Promise<ReadResult> {
  let table: string[][];
  try {
    table = format === "csv" ? await csvTable(bytes) : await xlsxTable(bytes);
  } catch (err) {
    return { ok: false, errors: [{ row: null, column: null, detail: (err as Error).message }] };
  }
  return toRows(table);
}

const nonEmpty = (cells: string[]) => cells.some((c) => c.trim() !== "");

function toRows(table: string[][]): ReadResult {
  const headerIndex = table.findIndex(nonEmpty);
  if (headerIndex < 0) return { ok: false, errors: [{ row: null, column: null, detail: "the file has no rows" }] };
  const raw = table[headerIndex]!.map((h) => h.trim());
  const header = raw.map((h) => (h === "" ? undefined : columnOfHeader(h)));
  const errors: FileError[] = [];
  const seen = new Set<FileColumn>();
  raw.forEach((h, i) => {
    if (h === "") return;
    const column = header[i];
    if (!column) {
      const name = h.toLowerCase();
      errors.push({
        row: headerIndex + 1,
        column: name,
        detail: `unknown column ${JSON.stringify(name)} (column ${i + 1})`,
      });
    } else if (seen.has(column)) {
      const name = h.toLowerCase();
      const as = name === column ? "" : ` (${column})`;
      errors.push({ row: headerIndex + 1, column, detail: `column ${JSON.stringify(name)}${as} appears twice` });
    }
    if (column) seen.add(column);
  });
  for (const c of IMPORT_COLUMNS) {
    if (OPTIONAL_COLUMNS.includes(c) || seen.has(c)) continue;
    const nameColumn = (CODED_COLUMNS as readonly string[]).includes(c) ? (`${c}_name` as NameColumn) : undefined;
    const hint =
      nameColumn && seen.has(nameColumn)
        ? `; ${HEADERS_ZH[nameColumn]} is a name column, which an import does not read: put codes or names under ${HEADERS_ZH[c]}`
        : "";
    errors.push({
      row: headerIndex + 1,
      column: c,
      detail: `required column ${c} (${HEADERS_ZH[c]}) is missing${hint}`,
    });
  }
  const dataRows = table.length - headerIndex - 1;
  if (dataRows > MAX_ROWS) {
    errors.push({ row: null, column: null, detail: `the file has ${dataRows} rows; at most ${MAX_ROWS} are accepted` });
  }
  if (errors.length) return { ok: false, errors };
  const rows: FileRow[] = [];
  for (let r = headerIndex + 1; r < table.length; r++) {
    const values = table[r]!;
    if (!nonEmpty(values)) continue;
    const cells: FileRow["cells"] = {};
    header.forEach((c, i) => {
      if (c && (IMPORT_COLUMNS as readonly string[]).includes(c)) cells[c as ImportColumn] = (values[i] ?? "").trim();
    });
    rows.push({ row: r + 1, cells });
  }
  if (rows.length === 0)
    return { ok: false, errors: [{ row: null, column: null, detail: "the file has no data rows" }] };
  return { ok: true, rows };
}

/** Decodes UTF-8 strictly (a GBK file from an older Excel fails here with a hint). */
function utf8(bytes: Buffer): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new Error('the CSV file is not valid UTF-8; save it as "CSV UTF-8" (Excel) or convert it from GBK');
  }
}

function csvTable(bytes: Buffer): Promise<string[][]> {
  const text = utf8(bytes);
  return new Promise((resolve, reject) => {
    parse(text, { bom: true, relax_column_count: true }, (err, records: string[][]) => {
      if (err) reject(new Error(`the CSV file cannot be parsed: ${err.message}`));
      else resolve(records);
    });
  });
}

/** Text of one XLSX cell: dates as `YYYY-MM-DD`, formulas by their cached result, rich text joined. */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value !== "object") return String(value);
  if ("richText" in value) return value.richText.map((t) => t.text).join("");
  if ("text" in value && typeof value.text === "string") return value.text;
  if ("result" in value) return cellText((value.result ?? null) as ExcelJS.CellValue);
  if ("error" in value) return "";
  return String(value);
}

/** Most columns a task-list sheet may use (the columns an export writes, with room to spare). */
export const MAX_COLUMNS = 64;
/** Most bytes the XLSX parts may expand to: a 5 MB upload may not unpack into gigabytes (zip bomb). */
export const MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024;

/** Sum of the zip entries' uncompressed sizes, from the central directory (nothing is inflated). */
function uncompressedSize(bytes: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(new Error(`the XLSX file cannot be read: ${err?.message ?? "not a zip archive"}`));
      let total = 0;
      zip.on("entry", (entry: yauzl.Entry) => {
        total += entry.uncompressedSize;
        if (total > MAX_UNCOMPRESSED_BYTES) {
          zip.close();
          resolve(total);
        } else zip.readEntry();
      });
      zip.on("end", () => resolve(total));
      zip.on("error", (e: Error) => reject(new Error(`the XLSX file cannot be read: ${e.message}`)));
      zip.readEntry();
    });
  });
}

async function xlsxTable(bytes: Buffer): Promise<string[][]> {
  if ((await uncompressedSize(bytes)) > MAX_UNCOMPRESSED_BYTES) {
    throw new Error(
      `the XLSX file unpacks to more than ${MAX_UNCOMPRESSED_BYTES / 1024 / 1024} MiB; a task list is far smaller`,
    );
  }
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  } catch (err) {
    throw new Error(`the XLSX file cannot be read: ${(err as Error).message}`);
  }
  const sheet = workbook.getWorksheet("tasks") ?? workbook.worksheets[0];
  if (!sheet) throw new Error("the XLSX file has no worksheet");
  if (sheet.actualRowCount > MAX_ROWS + 1) {
    throw new Error(`the sheet has ${sheet.actualRowCount} rows; at most ${MAX_ROWS} data rows are accepted`);
  }
  // Only the first MAX_COLUMNS columns are read, cell by cell: a stray cell in column XFD must not
  // turn every row into 16,384 cells.
  const width = Math.min(sheet.columnCount, MAX_COLUMNS);
  const table: string[][] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    for (let col = 1; col <= width; col++) cells.push(cellText(row.getCell(col).value));
    table[rowNumber - 1] = cells;
  });
  return Array.from(table, (r) => r ?? []);
}

/**
 * Neutralises spreadsheet formula injection (OWASP "CSV Injection"): a cell starting with
 * `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'`, so Excel shows it as text.
 * An import strips that one quote again (see `unescapeCell`).
 */
export function escapeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** Undoes `escapeCell`. */
export function unescapeCell(value: string): string {
  return /^'[=+\-@\t\r]/.test(value) ? value.slice(1) : value;
}

/** A table to write: column names and rows of cell strings in that order. */
export interface OutputTable {
  columns: readonly string[];
  rows: readonly (readonly string[])[];
}

/** CSV bytes (UTF-8 with BOM, so Excel opens Chinese text correctly; CRLF line ends per RFC 4180). */
export function writeCsv(table: OutputTable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    stringify(
      [table.columns as string[], ...table.rows.map((r) => r.map(escapeCell))],
      { bom: true, record_delimiter: "windows" },
      (err, out) => (err ? reject(err) : resolve(Buffer.from(out, "utf8"))),
    );
  });
}

/** XLSX bytes: one worksheet `tasks`, bold frozen header, every cell a string (never a formula). */
export async function writeXlsx(table: OutputTable): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet("tasks", { views: [{ state: "frozen", ySplit: 1 }] });
  sheet.addRow([...table.columns]).font = { bold: true };
  for (const r of table.rows) sheet.addRow([...r]);
  sheet.columns.forEach((c) => {
    c.width = 18;
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
