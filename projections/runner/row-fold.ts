/**
 * Projections whose read model is one row per stream, written as a fold: `evolve(row, event)` is
 * a pure function over the row as plain JSON (the shape `to_jsonb(row)` gives and
 * `jsonb_populate_recordset` takes). A batch costs at most three statements whatever its size:
 * one query loads the rows its streams already have, every event is folded in memory, one INSERT
 * writes the new rows and one UPDATE the changed ones. One event at a time is the same code with
 * a batch of one, so the live feed, a redelivery and a rebuild cannot disagree.
 *
 * The same effect as applying the events one by one needs every event's own row to be one the
 * table would take: the database would only see the last row of each stream. So the values an
 * event sets are checked against their column's type and nullability right after that event is
 * folded (`checkRow`), and an event that fails throws, naming the column (the runner parks it).
 * Rows absent before the batch are inserted with a plain INSERT, so a stream key the table
 * already holds is refused by the primary key rather than overwritten.
 */
import type { SqlExecutor } from "../../services/platform/db/database";
import type { Projection, ProjectionEvent, TableNames } from "./projection";

/** PostgreSQL column types a fold's rows use. */
export type ColumnType =
  | "text"
  | "uuid"
  | "date"
  | "timestamptz"
  | "integer"
  | "bigint"
  | "boolean"
  | "text[]"
  | "jsonb";

/** A column: its type and whether it takes NULL (default: NOT NULL). */
export interface Column {
  type: ColumnType;
  nullable?: boolean;
}

/** The JSON value of a column type (`to_jsonb` gives bigint as a number, date and timestamptz as strings). */
type JsonOf<T extends ColumnType> = T extends "integer" | "bigint"
  ? number
  : T extends "boolean"
    ? boolean
    : T extends "text[]"
      ? string[]
      : T extends "jsonb"
        ? Record<string, unknown> | unknown[]
        : string;

/** The row type of a column map declared `as const satisfies Record<string, Column>`. */
export type RowOf<M extends Record<string, Column>> = {
  -readonly [K in keyof M]: JsonOf<M[K]["type"]> | (M[K] extends { nullable: true } ? null : never);
};

/** How a one-row-per-stream read model folds its events. */
export interface RowFold<Row> {
  /** Logical table name (a rebuild maps it to its own table). */
  table: string;
  /** Primary-key column. */
  key: keyof Row & string;
  /** Every column of the table, in table order; rows are written with all of them. */
  columns: { readonly [K in keyof Row & string]: Column };
  /** The key of the row an event belongs to, as the table holds it (e.g. lower-case uuid). */
  keyOf(e: ProjectionEvent): string;
  /**
   * The row after `e` (`undefined` before: no row yet; `undefined` after: still none). Return
   * `row` itself when nothing changes, and new arrays and objects for values that change. Throw
   * for an event that cannot apply (it is parked).
   */
  evolve(row: Row | undefined, e: ProjectionEvent): Row | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// As zod's z.iso.datetime({ offset: true }) (the contracts' BusinessTime) and Date#toISOString.
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)$/;
const INT32 = 2 ** 31;

const isCalendarDate = (s: string) => {
  const m = DATE.exec(s);
  if (!m) return false;
  const d = new Date(0);
  d.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
};

/**
 * Why `value` does not fit a column of `type`, or undefined when it does. Stricter than
 * PostgreSQL's input functions where they are lenient (dates only as YYYY-MM-DD, instants only
 * as ISO 8601 with an offset, uuids only canonical): what passes here the table takes.
 */
function misfit(type: ColumnType, value: unknown): string | undefined {
  const text = (v: unknown) =>
    typeof v !== "string"
      ? "is not a string"
      : v.includes("\u0000")
        ? "contains NUL, which text cannot hold"
        : undefined;
  switch (type) {
    case "text":
      return text(value);
    case "uuid":
      return typeof value === "string" && UUID.test(value) ? undefined : "is not a canonical lower-case UUID";
    case "date":
      return typeof value === "string" && isCalendarDate(value) ? undefined : "is not a calendar date YYYY-MM-DD";
    case "timestamptz":
      return typeof value === "string" && INSTANT.test(value) && !Number.isNaN(Date.parse(value))
        ? undefined
        : "is not an ISO 8601 instant with an offset";
    case "integer":
      return Number.isInteger(value) && Math.abs(value as number) < INT32 ? undefined : "is not a 32-bit integer";
    case "bigint":
      return Number.isSafeInteger(value) || (typeof value === "string" && /^-?\d{1,18}$/.test(value))
        ? undefined
        : "is not a 64-bit integer";
    case "boolean":
      return typeof value === "boolean" ? undefined : "is not a boolean";
    case "text[]":
      return Array.isArray(value) ? value.map(text).find((why) => why !== undefined) : "is not an array of strings";
    case "jsonb":
      return undefined;
  }
}

/** `s` with lone surrogates replaced by U+FFFD (String#toWellFormed, Node 20; not in lib ES2022). */
const wellFormed = (s: string): string => (s as unknown as { toWellFormed(): string }).toWellFormed();

/**
 * Checks the values of `after` that differ from `before` (all of them for a new row) against
 * their columns; text with lone surrogates is made well-formed (U+FFFD), as the driver's UTF-8
 * encoding of a text parameter does. Throws Error naming the first column that does not fit.
 */
function checkRow<Row>(fold: RowFold<Row>, before: Row | undefined, after: Row): void {
  const row = after as Record<string, unknown>;
  const old = before as Record<string, unknown> | undefined;
  for (const [name, column] of Object.entries(fold.columns) as [string, Column][]) {
    const value = row[name];
    if (old && value === old[name]) continue;
    if (value === null || value === undefined) {
      if (!column.nullable) throw new Error(`${fold.table}.${name} would be null, and the column is NOT NULL`);
      row[name] = null;
      continue;
    }
    const why = misfit(column.type, value);
    if (why) throw new Error(`${fold.table}.${name} ${why}: ${JSON.stringify(value)?.slice(0, 80)}`);
    if (column.type === "text") row[name] = wellFormed(value as string);
    if (column.type === "text[]") row[name] = (value as string[]).map(wellFormed);
  }
}

/** `apply` and `applyBatch` of a Projection, from a fold. */
export function foldRows<Row>(fold: RowFold<Row>): Pick<Projection, "apply" | "applyBatch"> {
  const names = Object.keys(fold.columns);
  const updated = names.filter((c) => c !== fold.key);
  const keyType = (fold.columns as Record<string, Column>)[fold.key]!.type;

  const applyBatch = async (tx: SqlExecutor, events: ProjectionEvent[], t: TableNames): Promise<void> => {
    const table = t(fold.table);
    const keys = events.map((e) => {
      const key = fold.keyOf(e);
      const why = misfit(keyType, key);
      if (why) throw new Error(`stream ${e.streamId}: the row key ${JSON.stringify(key)} ${why}`);
      return key;
    });
    const { rows: found } = await tx.query<{ r: Row }>(
      `SELECT to_jsonb(t) AS r FROM ${table} t WHERE ${fold.key} = ANY($1::${keyType}[])`,
      [[...new Set(keys)]],
    );
    const rows = new Map(found.map(({ r }) => [String(r[fold.key]), r]));
    const existed = new Set(rows.keys());
    const changed = new Map<string, Row>();
    events.forEach((e, i) => {
      const key = keys[i]!;
      const before = rows.get(key);
      const after = fold.evolve(before, e);
      if (after === undefined || after === before) return;
      checkRow(fold, before, after);
      rows.set(key, after);
      changed.set(key, after);
    });
    const inserted = [...changed].filter(([key]) => !existed.has(key)).map(([, row]) => row);
    const replaced = [...changed].filter(([key]) => existed.has(key)).map(([, row]) => row);
    if (inserted.length)
      await tx.query(`INSERT INTO ${table} SELECT * FROM jsonb_populate_recordset(NULL::${table}, $1::jsonb)`, [
        JSON.stringify(inserted),
      ]);
    if (replaced.length)
      await tx.query(
        `UPDATE ${table} t SET (${updated.join(", ")}) = (${updated.map((c) => `s.${c}`).join(", ")})
           FROM jsonb_populate_recordset(NULL::${table}, $1::jsonb) s WHERE t.${fold.key} = s.${fold.key}`,
        [JSON.stringify(replaced)],
      );
  };
  return { apply: (tx, e, t) => applyBatch(tx, [e], t), applyBatch };
}

/**
 * `CREATE TABLE` for a fold's table: its columns with their types and NOT NULL, the key as the
 * primary key, then `constraints` (e.g. "UNIQUE (year, ref)"). Constraints and indexes stay
 * unnamed (see Projection.setup).
 */
export function createTableSql<Row>(fold: RowFold<Row>, table: string, constraints: string[] = []): string {
  const columns = Object.entries(fold.columns as Record<string, Column>).map(
    ([name, c]) => `${name} ${c.type}${name === fold.key ? " PRIMARY KEY" : c.nullable ? "" : " NOT NULL"}`,
  );
  return `CREATE TABLE ${table} (${[...columns, ...constraints].join(", ")})`;
}
