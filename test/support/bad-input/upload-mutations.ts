/**
 * Mutations of a file upload (a CSV the API would import): a wrong media type, no body, a body
 * over the upload limit, bytes that are not UTF-8, `\u0000` or a huge value in a cell, CSV that
 * does not parse, and bytes that are no spreadsheet sent as XLSX.
 */
import fc from "fast-check";
import type { Mutation } from "./body-mutations";
import { type BadInput, type BaseRequest, badInput, toWire } from "./wire";

/** What upload mutations know about the operation. */
export interface UploadContext {
  /** Largest upload the API takes, in bytes. */
  limitBytes: number;
  /** The spreadsheet media type the operation also takes. */
  xlsxType: string;
}

/** The CSV text of the base with one data cell (row `row`, column `col`) replaced by `cell` (quoted). */
function withCell(base: BaseRequest, row: number, col: number, cell: string): Buffer {
  const lines = base.upload!.bytes.toString("utf8").split(/\r?\n/);
  const r = 1 + (row % Math.max(1, lines.length - 2));
  const cells = lines[r]!.split(",");
  cells[col % cells.length] = `"${cell.replace(/"/g, '""')}"`;
  lines[r] = cells.join(",");
  return Buffer.from(lines.join("\n"), "utf8");
}

const upload = (kind: string, what: string, request: BadInput["request"], statuses?: number[]) =>
  badInput({ kind, what, request, statuses });

/** The upload mutations of an operation whose base carries a valid CSV in `upload`. */
export function uploadMutations(ctx: UploadContext): Mutation[] {
  return [
    {
      kind: "upload: wrong Content-Type",
      apply: (base) =>
        fc
          .constantFrom(
            "application/json",
            "text/plain",
            "application/octet-stream",
            "multipart/form-data; boundary=x",
            "application/vnd.ms-excel",
            "application/x-www-form-urlencoded",
          )
          .map((type) =>
            upload(
              "upload: wrong Content-Type",
              `Content-Type: ${type}`,
              toWire(base, { headers: { "Content-Type": type } }),
              [415],
            ),
          ),
    },
    {
      kind: "upload: no body",
      apply: (base) =>
        fc
          .constantFrom(0)
          .map(() => upload("upload: no body", "empty body", toWire(base, { body: Buffer.alloc(0) }), [400])),
    },
    {
      kind: "upload: over the size limit",
      apply: (base) =>
        fc.integer({ min: ctx.limitBytes + 1, max: ctx.limitBytes + 1024 * 1024 }).map((size) => {
          const bytes = base.upload!.bytes;
          const body = Buffer.concat([bytes, Buffer.alloc(Math.max(0, size - bytes.length), "\n")]);
          return upload("upload: over the size limit", `${body.length} bytes`, toWire(base, { body }), [413]);
        }),
    },
    {
      kind: "upload: invalid UTF-8",
      apply: (base) =>
        fc
          .tuple(fc.nat(), fc.constantFrom([0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0x80]))
          .map(([at, bytes]) => {
            const csv = base.upload!.bytes;
            const i = csv.indexOf(0x0a) + 1 + (at % Math.max(1, csv.length - csv.indexOf(0x0a) - 1));
            // Inserted at a character boundary (before an ASCII byte or a lead byte).
            let j = i;
            while (j < csv.length && (csv[j]! & 0xc0) === 0x80) j++;
            const body = Buffer.concat([csv.subarray(0, j), Buffer.from(bytes), csv.subarray(j)]);
            return upload(
              "upload: invalid UTF-8",
              `bytes ${Buffer.from(bytes).toString("hex")} at ${j}`,
              toWire(base, { body }),
            );
          }),
    },
    {
      kind: "upload: \\u0000 or huge value in a cell",
      apply: (base) =>
        fc
          .tuple(
            fc.nat(),
            fc.nat(),
            fc.oneof(
              fc.constantFrom("\u0000", "a\u0000b"),
              fc.integer({ min: 100_000, max: 1_000_000 }).map((n) => "x".repeat(n)),
            ),
          )
          .map(([row, col, cell]) =>
            upload(
              "upload: \\u0000 or huge value in a cell",
              `row ${row}, column ${col} ← ${cell.length > 10 ? `${cell.length} chars` : JSON.stringify(cell)}`,
              toWire(base, { body: withCell(base, row, col, cell) }),
            ),
          ),
    },
    {
      kind: "upload: malformed CSV",
      apply: (base) =>
        fc
          .constantFrom(
            (csv: string) => `${csv}\n"unterminated,quote`,
            (csv: string) => csv.replace(/\n/, '\n"a"b"c",'),
            (csv: string) => csv.split("\n")[0]!,
            () => "not,a,task,list\n1,2,3,4",
            () => "\ufeff",
            () => ",,,,\n,,,,",
          )
          .map((f) => {
            const text = f(base.upload!.bytes.toString("utf8"));
            return upload(
              "upload: malformed CSV",
              JSON.stringify(text.slice(0, 60)),
              toWire(base, { body: Buffer.from(text, "utf8") }),
            );
          }),
    },
    {
      kind: "upload: not a spreadsheet",
      apply: (base) =>
        fc
          .oneof(
            fc.uint8Array({ minLength: 1, maxLength: 2048 }).map((b) => Buffer.from(b)),
            fc.constant(Buffer.from("PK\u0003\u0004 truncated zip", "latin1")),
            fc.constant(base.upload!.bytes),
          )
          .map((body) =>
            upload(
              "upload: not a spreadsheet",
              `${body.length} bytes as XLSX`,
              toWire(base, { body, headers: { "Content-Type": ctx.xlsxType } }),
            ),
          ),
    },
  ];
}
