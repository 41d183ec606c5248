/**
 * Importing the task list on real PostgreSQL: the shipped 2026 list, a file with errors (all or
 * nothing), re-import (no change), changed rows (revisions, not duplicates), XLSX, and an
 * export → import round trip.
 */
import { randomUUID } from "node:crypto";
import { crc32, deflateRawSync } from "node:zlib";
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "csv-parse";
import { reformTaskStream } from "../../contracts/reform-tasks/events";
import { PostgresEventStore } from "../../services/platform/event-store/postgres-event-store";
import { reformCodeLists } from "../../services/reform-tasks/code-lists";
import { SEED_LIST } from "../../services/reform-tasks/seed";
import { loadTask, taskIdFor } from "../../services/reform-tasks/task-repository";
import { type FileFormat, writeCsv, writeXlsx } from "../../services/reform-tasks/task-list-file";
import { type ImportOptions, ImportRejectedError, importTaskList } from "../../services/reform-tasks/task-list-import";
import { eventCount } from "../support/api-app";
import { serverDatabase, type TestDatabase } from "../support/databases";

const SHIPPED = readFileSync(SEED_LIST.file);
const WITH_ERRORS = readFileSync(path.join(__dirname, "../fixtures/reform-tasks/task-list-with-errors.csv"));
const ref = reformCodeLists();
const opts = (o: Partial<ImportOptions> = {}): ImportOptions => ({
  year: 2026,
  at: "2026-11-30T10:00:00+08:00",
  eventId: () => randomUUID(),
  ...o,
});

/** Rows of a CSV as arrays of cells (test-side parse, independent of the importer's code). */
function csvRows(bytes: Buffer): Promise<string[][]> {
  const text = bytes.toString("utf8").replace(/^\uFEFF/, "");
  return new Promise((resolve, reject) => {
    parse(text, {}, (err, records: string[][]) => (err ? reject(err) : resolve(records)));
  });
}

/** A one-entry zip archive (deflated), written by hand: enough to test the size guard. */
function zipOf(name: string, content: Buffer): Buffer {
  const data = deflateRawSync(content, { level: 9 });
  const crc = crc32(content);
  const nameBytes = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(content.length, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(content.length, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  const centralOffset = local.length + nameBytes.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + nameBytes.length, 12);
  end.writeUInt32LE(centralOffset, 16);
  return Buffer.concat([local, nameBytes, data, central, nameBytes, end]);
}

async function rejection(p: Promise<unknown>): Promise<ImportRejectedError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ImportRejectedError) return err;
    throw err;
  }
  throw new Error("expected the import to be rejected");
}

describe("task list import (PostgreSQL)", () => {
  let t: TestDatabase;
  let store: PostgresEventStore;
  const importFile = (bytes: Buffer, format: FileFormat = "csv", o: Partial<ImportOptions> = {}) =>
    importTaskList(store, ref, bytes, format, opts(o));

  beforeEach(async () => {
    t = await serverDatabase();
    store = new PostgresEventStore(t.db);
  });
  afterEach(() => t.drop());

  it("imports the shipped 2026 list: at least 30 items, each with a source", async () => {
    const rows = await csvRows(SHIPPED);
    const header = rows[0]!;
    const sourceCol = header.indexOf("source");
    expect(rows.length - 1).toBeGreaterThanOrEqual(30);
    for (const r of rows.slice(1)) expect(r[sourceCol]!.length).toBeGreaterThan(10);

    const outcome = await importFile(SHIPPED);
    expect(outcome).toMatchObject({ rows: rows.length - 1, created: rows.length - 1, updated: 0, unchanged: 0 });
    expect(await eventCount(t)).toBe(rows.length - 1);
    const first = await loadTask(store, taskIdFor(2026, rows[1]![0]!));
    expect(first.state.status).toBe("planned");
    expect(first.state.definition!.title.zh).toBe(rows[1]![header.indexOf("title_zh")]);
  });

  it("re-importing the same file changes nothing", async () => {
    await importFile(SHIPPED);
    const before = await eventCount(t);
    const again = await importFile(SHIPPED);
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: again.rows });
    expect(again.tasks.every((x) => x.events.length === 0)).toBe(true);
    expect(await eventCount(t)).toBe(before);
  });

  it("a changed row becomes a revision, a reassignment or a reschedule of the same task, not a duplicate", async () => {
    await importFile(SHIPPED);
    const rows = await csvRows(SHIPPED);
    const h = rows[0]!;
    const col = (name: string) => h.indexOf(name);
    const edited = rows.map((r) => [...r]);
    edited[0]!.push("change_reason");
    for (const r of edited.slice(1)) r.push("");
    edited[1]![col("title_en")] = "A revised English title";
    edited[2]![col("lead_department")] = "巴音郭楞蒙古自治州商务局"; // by Chinese name → code commerce
    edited[2]![col("cooperating_departments")] = "";
    edited[3]![col("deadline")] = "2027/3/31"; // Excel-style date
    edited[3]![h.length] = "自治区系统升级延期";
    const file = await writeCsv({ columns: edited[0]!, rows: edited.slice(1) });
    const streamsBefore = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM streams");

    const outcome = await importFile(file);
    expect(outcome).toMatchObject({ created: 0, updated: 3, unchanged: outcome.rows - 3 });
    expect(outcome.tasks.filter((x) => x.action === "updated").map((x) => x.events)).toEqual([
      ["TaskRevised"],
      ["DepartmentsAssigned"],
      ["TaskRescheduled"],
    ]);
    const streamsAfter = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM streams");
    expect(streamsAfter.rows[0]!.n).toBe(streamsBefore.rows[0]!.n);

    const revised = await loadTask(store, taskIdFor(2026, rows[1]![0]!));
    expect(revised.state.definition!.title.en).toBe("A revised English title");
    expect(revised.version).toBe(1);
    const moved = await loadTask(store, taskIdFor(2026, rows[2]![0]!));
    expect(moved.state.definition!.leadDepartment).toBe("commerce");
    expect(moved.state.definition!.cooperatingDepartments).toEqual([]);
    const rescheduled = await loadTask(store, taskIdFor(2026, rows[3]![0]!));
    expect(rescheduled.state.definition!.deadline).toBe("2027-03-31");
    expect(rescheduled.events[1]!.data).toMatchObject({ to: "2027-03-31", reason: "自治区系统升级延期" });

    // The edited file again: nothing more.
    const again = await importFile(file);
    expect(again.updated).toBe(0);
  });

  it("a changed deadline without change_reason rejects the whole file, and nothing is stored", async () => {
    await importFile(SHIPPED);
    const before = await eventCount(t);
    const rows = await csvRows(SHIPPED);
    const edited = rows.map((r) => [...r]);
    edited[1]![rows[0]!.indexOf("title_en")] = "changed too";
    edited[5]![rows[0]!.indexOf("deadline")] = "2027-12-31";
    const err = await rejection(importFile(await writeCsv({ columns: edited[0]!, rows: edited.slice(1) })));
    expect(err.errors).toEqual([
      { row: 6, column: "change_reason", detail: expect.stringContaining("a reschedule needs its reason") },
    ]);
    expect(await eventCount(t)).toBe(before); // row 2's valid revision was not applied either
  });

  it("rejects the fixture with errors by row and column, and stores nothing", async () => {
    const err = await rejection(importFile(WITH_ERRORS));
    const found = err.errors.map((e) => `${e.row}:${e.column}`);
    expect(found).toEqual([
      "3:lead_department",
      "4:deadline",
      "5:title_zh",
      "6:ref",
      "7:field",
      "7:scope",
      "7:cooperating_departments",
      "7:deadline",
      "7:assumed",
    ]);
    expect(err.errors.find((e) => e.row === 3)!.detail).toContain('unknown department "州招商局"');
    expect(err.errors.find((e) => e.row === 6)!.detail).toBe("ref 2026-101 is already on row 2");
    expect(err.errors.find((e) => e.column === "cooperating_departments")!.detail).toBe(
      "department health is listed twice",
    );
    expect(err.errors.find((e) => e.row === 7 && e.column === "deadline")!.detail).toContain("before the 2026 list");
    expect(await eventCount(t)).toBe(0); // row 2 is valid, and was not imported either
  });

  it("refuses whole-file problems: missing and unknown columns, empty file, non-UTF-8 CSV, a broken XLSX", async () => {
    const missing = await rejection(importFile(Buffer.from("ref,title_zh\n2026-1,x\n")));
    expect(missing.errors.map((e) => e.column)).toEqual(
      expect.arrayContaining(["field", "deadline", "lead_department", "core_content"]),
    );
    const header = (await csvRows(SHIPPED))[0]!.join(",");
    const unknown = await rejection(importFile(Buffer.from(`${header},priority\n`)));
    expect(unknown.errors).toEqual([{ row: 1, column: "priority", detail: 'unknown column "priority" (column 15)' }]);
    expect((await rejection(importFile(Buffer.from(`${header}\n`)))).errors[0]!.detail).toBe(
      "the file has no data rows",
    );
    const gbk = Buffer.from([...Buffer.from(`${header}\n2026-1,`), 0xd6, 0xd0, 0xb9, 0xfa, 0x0a]);
    expect((await rejection(importFile(gbk))).errors[0]!.detail).toContain("not valid UTF-8");
    expect((await rejection(importFile(Buffer.from("not a zip"), "xlsx"))).errors[0]!.detail).toContain(
      "cannot be read",
    );
    expect(await eventCount(t)).toBe(0);
  });

  it("imports XLSX like CSV, and a dry run stores nothing", async () => {
    const rows = await csvRows(SHIPPED);
    const xlsx = await writeXlsx({ columns: rows[0]!, rows: rows.slice(1) });
    const dry = await importFile(xlsx, "xlsx", { dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, created: rows.length - 1 });
    expect(await eventCount(t)).toBe(0);
    const real = await importFile(xlsx, "xlsx");
    expect(real.created).toBe(rows.length - 1);
    expect((await importFile(SHIPPED)).unchanged).toBe(rows.length - 1); // the CSV agrees with the XLSX
  });

  it("an unchanged row imports again whatever its task's state (replicated, not applicable)", async () => {
    await importFile(SHIPPED);
    const rows = await csvRows(SHIPPED);
    const append = (ref: string, version: number, type: string, data: unknown) =>
      store.append(
        reformTaskStream(taskIdFor(2026, ref)),
        [{ eventId: randomUUID(), type, data, occurredAt: "2026-11-30T10:00:00+08:00" }],
        version,
      );
    await append(rows[1]![0]!, 0, "TaskStarted", { on: "2026-03-01" });
    await append(rows[1]![0]!, 1, "TaskReplicated", { on: "2026-06-01", summary: "", evidence: [] });
    await append(rows[2]![0]!, 0, "TaskJudgedNotApplicable", { reason: "无海港" });
    const again = await importFile(SHIPPED);
    expect(again).toMatchObject({ updated: 0, unchanged: again.rows });
  });

  it("numbers rows as records in the file (blank lines count) and checks change_reason and year cells", async () => {
    const rows = await csvRows(SHIPPED);
    const header = [...rows[0]!, "change_reason", "year"];
    const good = [...rows[1]!, "", "2026"];
    const badReason = [...rows[2]!, "x\u0000y", "2026"];
    const otherYear = [...rows[3]!, "", "2027"];
    const line = async (cells: string[]) =>
      (await writeCsv({ columns: cells, rows: [] })).toString("utf8").replace(/^\uFEFF/, "");
    const text = `${await line(header)}${await line(good)}\r\n\r\n${await line(badReason)}${await line(otherYear)}`;
    const err = await rejection(importFile(Buffer.from(text, "utf8")));
    expect(err.errors.map((e) => `${e.row}:${e.column}`)).toEqual(["5:change_reason", "6:year"]);
    expect(err.errors[1]!.detail).toBe("the row is for 2027, but this import is for the 2026 list");
  });

  it("reads only the sheet's first columns and refuses an XLSX that unpacks into too much (zip bomb)", async () => {
    const rows = await csvRows(SHIPPED);
    const ExcelJS = (await import("exceljs")).default;
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet("tasks");
    sheet.addRow(rows[0]!);
    for (const r of rows.slice(1)) {
      const row = sheet.addRow(r);
      row.getCell(16_384).value = "stray cell in column XFD";
    }
    const wide = Buffer.from(await wb.xlsx.writeBuffer());
    expect((await importFile(wide, "xlsx", { dryRun: true })).created).toBe(rows.length - 1);

    const bomb = zipOf("xl/worksheets/sheet1.xml", Buffer.alloc(80 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(200_000);
    const err = await rejection(importFile(bomb, "xlsx"));
    expect(err.errors[0]!.detail).toContain("unpacks to more than 64 MiB");
  });

  it("reads Chinese headers as well as codes (any case), ignores name columns, and takes assumed fields by name", async () => {
    await importFile(SHIPPED);
    const rows = await csvRows(SHIPPED);
    const zh: Record<string, string> = {
      ref: "编号",
      title_zh: "事项名称",
      field: "领域代码",
      lead_department: "牵头部门代码",
      deadline: "时间节点",
      assumed: "自行拟定项代码",
    };
    // Some columns by Chinese header, one by its code in upper case, plus name columns with stale names.
    const header = rows[0]!.map((h) => zh[h] ?? (h === "scope" ? "SCOPE" : h));
    const file = await writeCsv({
      columns: [...header, "牵头部门", "领域", "进度(%)"],
      rows: rows.slice(1).map((r) => {
        const named = [...r];
        expect(named[rows[0]!.indexOf("assumed")]).toBe(
          "lead_department;cooperating_departments;deadline;implementation_path",
        );
        named[rows[0]!.indexOf("assumed")] = "牵头部门；配合部门；时间节点；实施路径";
        return [...named, "某个旧名称", "", ""];
      }),
    });
    const outcome = await importFile(file, "csv", { dryRun: true });
    // The same list: the assumed names are the shipped codes, the stale department names are not read.
    expect(outcome).toMatchObject({ created: 0, updated: 0, unchanged: rows.length - 1 });

    const noCodes = header.map((h) => (h === "牵头部门代码" ? "牵头部门" : h));
    const missing = await rejection(importFile(await writeCsv({ columns: noCodes, rows: rows.slice(1) })));
    expect(missing.errors).toEqual([
      {
        row: 1,
        column: "lead_department",
        detail:
          "required column lead_department (牵头部门代码) is missing; 牵头部门 is a name column, which an import does not read: put codes or names under 牵头部门代码",
      },
    ]);
    const twice = await rejection(importFile(await writeCsv({ columns: [...header, "ref"], rows: rows.slice(1) })));
    expect(twice.errors).toEqual([{ row: 1, column: "ref", detail: 'column "ref" appears twice' }]);
    const twiceZh = await rejection(
      importFile(await writeCsv({ columns: [...rows[0]!, "编号"], rows: rows.slice(1) })),
    );
    expect(twiceZh.errors).toEqual([{ row: 1, column: "ref", detail: 'column "编号" (ref) appears twice' }]);
  });

  it("a row for an archived task is refused by name of its state", async () => {
    await importFile(SHIPPED);
    const rows = await csvRows(SHIPPED);
    const taskId = taskIdFor(2026, rows[1]![0]!);
    await store.append(
      reformTaskStream(taskId),
      [
        {
          eventId: randomUUID(),
          type: "TaskArchived",
          data: { reason: "merged", statusBefore: "planned" },
          occurredAt: "2026-11-30T10:00:00+08:00",
        },
      ],
      0,
    );
    const edited = rows.map((r) => [...r]);
    edited[1]![rows[0]!.indexOf("core_content")] = "改写";
    const err = await rejection(importFile(await writeCsv({ columns: edited[0]!, rows: edited.slice(1) })));
    expect(err.errors).toEqual([{ row: 2, column: null, detail: expect.stringContaining("that is archived") }]);
  });
});
