/**
 * Importing a year's task list from a CSV or XLSX file (the task force's upload).
 *
 * All or nothing: every row is parsed and checked (columns, values, reference data, and what the
 * row would do to its task) before anything is written; any error rejects the whole file with
 * row- and column-level errors, and nothing is stored. Otherwise every task's events are appended
 * in one transaction (`EventStore.appendMany`).
 *
 * A row is matched to its task by (year, ref): a new ref plans a task; a known one is compared
 * with the task's current definition and only differences are recorded: changed text fields as
 * a revision, changed departments as a reassignment, a changed deadline as a reschedule (which
 * needs the `change_reason` column, since a reschedule keeps its reason in the history).
 * Importing the same file again therefore records nothing. Tasks of the year missing from the
 * file are left alone and listed in the outcome.
 */
import { reformTaskStream } from "../../contracts/reform-tasks/events";
import { SafeString } from "../../contracts/http/common";
import { AssumedField, TaskDefinition } from "../../contracts/reform-tasks/task-shapes";
import { DomainError } from "../platform/decider";
import type { EventMetadata, EventStore, NewEvent, StreamAppend } from "../platform/event-store/types";
import { type ReformCodeLists, SCOPE_NAMES } from "./code-lists";
import { effectiveChanges, type TaskCommand, type TaskEvent, type TaskState, taskDecider } from "./task-decider";
import {
  type FileError,
  type FileFormat,
  type FileRow,
  columnNameZh,
  IMPORT_COLUMNS,
  type ImportColumn,
  readTaskListFile,
  unescapeCell,
} from "./task-list-file";
import { loadTask, taskIdFor } from "./task-repository";
import { deadlineError, referenceErrors } from "./task-validation";

/** What an import did (or, in a dry run, would do) to one row's task. */
export interface ImportedRow {
  row: number;
  ref: string;
  taskId: string;
  action: "created" | "updated" | "unchanged";
  /** Event types recorded for it, in order. */
  events: string[];
  /** The task's stream version after the import (`null`: a dry run that would create it). */
  version: number | null;
}

/** The outcome of an accepted import. */
export interface ImportOutcome {
  year: number;
  dryRun: boolean;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Refs of tasks already in the year's list that the file does not mention (left as they are). */
  notInFile: string[];
  tasks: ImportedRow[];
}

/** Thrown when the file is rejected; `errors` name row and column. Nothing was stored. */
export class ImportRejectedError extends Error {
  constructor(readonly errors: FileError[]) {
    super(`the task list was rejected: ${errors.length} error(s)`);
  }
}

/** What an import needs besides the file. */
export interface ImportOptions {
  year: number;
  /** Check and report only; store nothing. */
  dryRun?: boolean;
  /** Business time of the events (ISO 8601 with offset). */
  at: string;
  metadata?: EventMetadata;
  /** Event id for the `index`-th event of `streamId` (derived from the idempotency key when keyed). */
  eventId(streamId: string, index: number): string;
  /** Refs of the year's tasks already known (for `notInFile`); default none. */
  knownRefs?: readonly string[];
}

/** Maps a TaskDefinition path (first one or two segments) to the file column it came from. */
const COLUMN_OF: Record<string, ImportColumn> = {
  ref: "ref",
  "title.zh": "title_zh",
  "title.en": "title_en",
  field: "field",
  scope: "scope",
  "source.batch": "source_batch",
  "source.item": "source_item",
  "source.citation": "source",
  coreContent: "core_content",
  leadDepartment: "lead_department",
  cooperatingDepartments: "cooperating_departments",
  deadline: "deadline",
  implementationPath: "implementation_path",
  assumed: "assumed",
};

const columnOfPath = (path: readonly PropertyKey[]): string | null =>
  COLUMN_OF[path.slice(0, 2).join(".")] ?? COLUMN_OF[String(path[0])] ?? null;

const SCOPES: Record<string, string> = {
  nationwide: "nationwide",
  全国: "nationwide",
  全国范围: "nationwide",
  [SCOPE_NAMES.nationwide]: "nationwide",
  "specific-areas": "specific-areas",
  特定区域: "specific-areas",
  [SCOPE_NAMES["specific-areas"]]: "specific-areas",
};

/** An `assumed` item by its code or Chinese name (牵头部门 → lead_department); others are kept (and refused later). */
const ASSUMED_BY_NAME = new Map<string, string>(AssumedField.options.map((c) => [columnNameZh(c), c]));

/** The `change_reason` cell: empty, or a reschedule reason as the HTTP command takes it. */
const ChangeReason = SafeString.max(2000);

const LIST_SEPARATORS = /[;；,，、\n]+/;
const splitList = (cell: string | undefined) =>
  (cell ?? "")
    .split(LIST_SEPARATORS)
    .map((s) => s.trim())
    .filter(Boolean);

/** `2026/6/30`, `2026.6.30` and `2026-6-30` → `2026-06-30`; anything else unchanged (and refused later). */
function normaliseDate(cell: string): string {
  const m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(cell);
  return m ? `${m[1]}-${m[2]!.padStart(2, "0")}-${m[3]!.padStart(2, "0")}` : cell;
}

interface ParsedRow {
  row: number;
  definition: TaskDefinition;
  changeReason: string;
}

/**
 * One row → a TaskDefinition, or its cell errors. Names of departments, fields, scopes and
 * assumed fields resolve to codes.
 */
function parseRow(fileRow: FileRow, year: number, ref: ReformCodeLists): ParsedRow | FileError[] {
  const { row } = fileRow;
  const cell = (c: ImportColumn) => unescapeCell(fileRow.cells[c] ?? "").trim();
  const errors: FileError[] = [];
  const resolveCode = (column: ImportColumn, value: string, list: ReformCodeLists["departments" | "fields"]) => {
    if (value === "") return value;
    const found = list.resolve(value);
    if (!found) errors.push({ row, column, detail: list.unknown(value) });
    return found?.code ?? value;
  };
  const optional = (v: string) => (v === "" ? undefined : v);
  const input = {
    year,
    ref: cell("ref"),
    title: { zh: cell("title_zh"), en: optional(cell("title_en")) },
    field: resolveCode("field", cell("field"), ref.fields),
    scope: SCOPES[cell("scope")] ?? cell("scope"),
    source: { batch: cell("source_batch"), item: optional(cell("source_item")), citation: cell("source") },
    coreContent: cell("core_content"),
    leadDepartment: resolveCode("lead_department", cell("lead_department"), ref.departments),
    cooperatingDepartments: splitList(cell("cooperating_departments")).map((d) =>
      resolveCode("cooperating_departments", d, ref.departments),
    ),
    deadline: normaliseDate(cell("deadline")),
    implementationPath: cell("implementation_path"),
    assumed: splitList(cell("assumed")).map((a) => ASSUMED_BY_NAME.get(a) ?? a),
  };
  const parsed = TaskDefinition.safeParse(input);
  const add = (column: string | null, detail: string) => {
    // One error per cell: a cell already reported (e.g. an unknown code by name) is not repeated.
    if (!errors.some((e) => e.column === column)) errors.push({ row, column, detail });
  };
  if (!parsed.success) for (const issue of parsed.error.issues) add(columnOfPath(issue.path), issue.message);
  for (const e of referenceErrors(input, ref)) add(columnOfPath(e.pointer.split("/").slice(1)), e.detail);
  const late = /^\d{4}-\d{2}-\d{2}$/.test(input.deadline) ? deadlineError(year, input.deadline) : null;
  if (late) add("deadline", late.detail);
  const reason = ChangeReason.safeParse(cell("change_reason"));
  if (!reason.success) add("change_reason", reason.error.issues[0]!.message);
  const yearCell = cell("year");
  if (yearCell !== "" && yearCell !== String(year)) {
    add("year", `the row is for ${yearCell}, but this import is for the ${year} list`);
  }
  if (errors.length || !parsed.success || !reason.success) return errors;
  return { row, definition: parsed.data, changeReason: reason.data };
}

/** The commands that bring `state` to `definition` (none when they already agree). */
function commandsFor(state: TaskState, taskId: string, p: ParsedRow, at: string): TaskCommand[] | FileError {
  const d = p.definition;
  if (state.status === "none") return [{ kind: "plan", taskId, definition: d, at }];
  const current = state.definition!;
  // Only what differs becomes a command: an unchanged row records nothing and is valid whatever
  // the task's state (a replicated task's row imports again without complaint).
  const commands: TaskCommand[] = [];
  const changes = effectiveChanges(current, {
    title: d.title,
    field: d.field,
    scope: d.scope,
    source: d.source,
    coreContent: d.coreContent,
    implementationPath: d.implementationPath,
    assumed: d.assumed,
  });
  if (Object.keys(changes).length) commands.push({ kind: "revise", changes, at });
  const sameCooperating =
    [...d.cooperatingDepartments].sort().join() === [...current.cooperatingDepartments].sort().join();
  if (d.leadDepartment !== current.leadDepartment || !sameCooperating) {
    commands.push({
      kind: "assignDepartments",
      leadDepartment: d.leadDepartment,
      cooperatingDepartments: d.cooperatingDepartments,
      at,
    });
  }
  if (d.deadline !== current.deadline) {
    if (p.changeReason === "") {
      return {
        row: p.row,
        column: "change_reason",
        detail: `the deadline changes from ${current.deadline} to ${d.deadline}: a reschedule needs its reason in change_reason`,
      };
    }
    commands.push({ kind: "reschedule", to: d.deadline, reason: p.changeReason, at });
  }
  return commands;
}

/** Runs `commands` through the decider from `state`; the events, or the first refusal as a row error. */
function decideAll(state: TaskState, commands: TaskCommand[], row: number): TaskEvent[] | FileError {
  const events: TaskEvent[] = [];
  let s = state;
  for (const c of commands) {
    let decided: TaskEvent[];
    try {
      decided = taskDecider.decide(c, s);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      const column = typeof err.details.field === "string" ? (COLUMN_OF[err.details.field] ?? null) : null;
      return { row, column, detail: err.message };
    }
    for (const e of decided) {
      s = taskDecider.evolve(s, e);
      events.push(e);
    }
  }
  return events;
}

/**
 * Imports `bytes` as `year`'s task list. Returns the outcome (also for a dry run).
 * @throws ImportRejectedError with every row/column error (nothing stored);
 *   WrongExpectedVersionError when a task changed between reading and writing (nothing stored; retry).
 */
export async function importTaskList(
  store: EventStore,
  ref: ReformCodeLists,
  bytes: Buffer,
  format: FileFormat,
  opts: ImportOptions,
): Promise<ImportOutcome> {
  const read = await readTaskListFile(bytes, format);
  if (!read.ok) throw new ImportRejectedError(read.errors);
  const errors: FileError[] = [];
  const parsed: ParsedRow[] = [];
  const firstRowOfRef = new Map<string, number>();
  for (const fileRow of read.rows) {
    const result = parseRow(fileRow, opts.year, ref);
    if (Array.isArray(result)) {
      errors.push(...result);
      continue;
    }
    const first = firstRowOfRef.get(result.definition.ref);
    if (first !== undefined) {
      errors.push({
        row: result.row,
        column: "ref",
        detail: `ref ${result.definition.ref} is already on row ${first}`,
      });
      continue;
    }
    firstRowOfRef.set(result.definition.ref, result.row);
    parsed.push(result);
  }

  const appends: StreamAppend[] = [];
  const tasks: ImportedRow[] = [];
  for (const p of parsed) {
    const taskId = taskIdFor(opts.year, p.definition.ref);
    const streamId = reformTaskStream(taskId);
    const loaded = await loadTask(store, taskId);
    const commands = commandsFor(loaded.state, taskId, p, opts.at);
    const events = Array.isArray(commands) ? decideAll(loaded.state, commands, p.row) : commands;
    if (!Array.isArray(events)) {
      errors.push(events);
      continue;
    }
    tasks.push({
      row: p.row,
      ref: p.definition.ref,
      taskId,
      action: loaded.version === null ? "created" : events.length ? "updated" : "unchanged",
      events: events.map((e) => e.type),
      version: loaded.version === null ? null : loaded.version + events.length,
    });
    if (events.length === 0) continue;
    const newEvents: NewEvent[] = events.map((e, i) => ({
      eventId: opts.eventId(streamId, i),
      type: e.type,
      data: e.data,
      occurredAt: e.occurredAt,
      metadata: opts.metadata,
    }));
    appends.push({ streamId, events: newEvents, expected: loaded.version ?? "no_stream" });
  }
  if (errors.length) {
    const columnIndex = (c: string | null) => (IMPORT_COLUMNS as readonly (string | null)[]).indexOf(c);
    errors.sort((a, b) => (a.row ?? 0) - (b.row ?? 0) || columnIndex(a.column) - columnIndex(b.column));
    throw new ImportRejectedError(errors);
  }

  if (!opts.dryRun && appends.length) {
    const results = await store.appendMany(appends);
    const versionOf = new Map(results.map((r) => [r.streamId, r.nextExpectedVersion]));
    for (const t of tasks) t.version = versionOf.get(reformTaskStream(t.taskId)) ?? t.version;
  }
  const inFile = new Set(parsed.map((p) => p.definition.ref));
  const count = (a: ImportedRow["action"]) => tasks.filter((t) => t.action === a).length;
  return {
    year: opts.year,
    dryRun: opts.dryRun ?? false,
    rows: read.rows.length,
    created: count("created"),
    updated: count("updated"),
    unchanged: count("unchanged"),
    notInFile: (opts.knownRefs ?? []).filter((r) => !inFile.has(r)).sort(),
    tasks,
  };
}
