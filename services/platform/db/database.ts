/**
 * One SQL port over two engines: a PostgreSQL server through `pg` and PGlite (WASM
 * PostgreSQL in-process, the embedded default). Both speak the same dialect, so every
 * migration, event-store query and projection runs unchanged on either.
 */
import type { PGlite } from "@electric-sql/pglite";
import { type CustomTypesConfig, Pool, type PoolClient, type PoolConfig, types as pgTypes } from "pg";

/** Something that runs one parameterised statement (`$1`, `$2`, ...). */
export interface SqlExecutor {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[]; rowCount: number }>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/** A database handle: statements, transactions, and a dedicated session when one is needed. */
export interface Database extends SqlExecutor {
  /** `pg` for a PostgreSQL server, `pglite` for the embedded engine. */
  readonly kind: "pg" | "pglite";
  /**
   * Runs `fn` inside one READ COMMITTED transaction; commits when it resolves, rolls back and
   * rethrows when it rejects. On PGlite transactions are serialised (single session).
   */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * A dedicated session held until `release` (needed for session-level advisory locks).
   * Throws on PGlite, which has a single session.
   */
  session(): Promise<Session>;
  close(): Promise<void>;
}

/** A dedicated server session. `release(true)` destroys it (e.g. after a connection error). */
export interface Session extends SqlExecutor {
  release(destroy?: boolean): void;
  /** Registers a callback for a broken connection (server restart, network failure). */
  onError(cb: (err: Error) => void): void;
}

const asResult = <R>(r: { rows: unknown[]; rowCount?: number | null; affectedRows?: number }) => ({
  rows: r.rows as R[],
  rowCount: r.rowCount ?? r.affectedRows ?? r.rows.length,
});

/**
 * Result parsers the store and projections rely on, pinned per pool: pg's parsers are global and
 * any library in the process may change them (emmett's dumbo, loaded by the bench, turns int8
 * into BigInt and revives numeric strings of 16+ digits inside JSON, such as declaration numbers,
 * as BigInt). int8 stays a decimal string, json and jsonb plain JSON.parse; other types use pg's.
 */
const PINNED_PARSERS: Record<number, (text: string) => unknown> = {
  20: (text) => text,
  114: (text) => JSON.parse(text),
  3802: (text) => JSON.parse(text),
};
export const PINNED_TYPES: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    (format !== "binary" && PINNED_PARSERS[oid]) ||
    pgTypes.getTypeParser(oid, format)) as CustomTypesConfig["getTypeParser"],
};

/** `pg` pool implementation. `searchPath` pins every session to one schema (tests use it for isolation). */
export class PgDatabase implements Database {
  readonly kind = "pg" as const;
  readonly pool: Pool;

  constructor(config: PoolConfig & { searchPath?: string }) {
    const { searchPath, ...rest } = config;
    this.pool = new Pool({
      max: 10,
      connectionTimeoutMillis: 10_000,
      types: PINNED_TYPES,
      ...rest,
      options: searchPath ? `-c search_path=${searchPath}` : rest.options,
    });
    // An idle client's connection error (e.g. server restart) must not crash the process.
    this.pool.on("error", () => undefined);
  }

  async query<R>(sql: string, params?: unknown[]) {
    return asResult<R>(await this.pool.query(sql, params));
  }

  async exec(sql: string): Promise<void> {
    await this.pool.query(sql);
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query("BEGIN ISOLATION LEVEL READ COMMITTED");
      const result = await fn(clientExecutor(client));
      await client.query("COMMIT");
      return result;
    } catch (err) {
      try {
        await client.query("ROLLBACK");
      } catch {
        broken = true;
      }
      throw err;
    } finally {
      client.release(broken);
    }
  }

  async session(): Promise<Session> {
    const client = await this.pool.connect();
    const listeners: ((err: Error) => void)[] = [];
    const onClientError = (err: Error) => {
      for (const l of listeners) l(err);
    };
    client.on("error", onClientError);
    return {
      ...clientExecutor(client),
      release: (destroy = false) => {
        client.removeListener("error", onClientError);
        client.release(destroy);
      },
      onError: (cb) => listeners.push(cb),
    };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

function clientExecutor(client: PoolClient): SqlExecutor {
  return {
    query: async <R>(sql: string, params?: unknown[]) => asResult<R>(await client.query(sql, params)),
    exec: async (sql: string) => {
      await client.query(sql);
    },
  };
}

/** PGlite implementation: the embedded default, data in a local folder (or memory when `dataDir` is omitted). */
export class PgliteDatabase implements Database {
  readonly kind = "pglite" as const;
  private constructor(readonly db: PGlite) {}

  /** Opens (and creates when missing) a PGlite database at `dataDir`; `undefined` means in memory. */
  static async open(dataDir?: string): Promise<PgliteDatabase> {
    const { PGlite } = await import("@electric-sql/pglite");
    const db = await PGlite.create(dataDir);
    return new PgliteDatabase(db);
  }

  async query<R>(sql: string, params?: unknown[]) {
    return asResult<R>(await this.db.query(sql, params));
  }

  async exec(sql: string): Promise<void> {
    await this.db.exec(sql);
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) =>
      fn({
        query: async <R>(sql: string, params?: unknown[]) => asResult<R>(await tx.query(sql, params)),
        exec: async (sql: string) => {
          await tx.exec(sql);
        },
      }),
    );
  }

  session(): Promise<Session> {
    return Promise.reject(new Error("PGlite has a single session; dedicated sessions need a PostgreSQL server"));
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

/**
 * Opens the configured database: `DATABASE_URL` (a PostgreSQL server) when given, else PGlite
 * in `dataDir` (default `.data/pglite`).
 */
export async function openDatabase(opts: {
  databaseUrl?: string;
  dataDir?: string;
  searchPath?: string;
}): Promise<Database> {
  if (opts.databaseUrl) return new PgDatabase({ connectionString: opts.databaseUrl, searchPath: opts.searchPath });
  return PgliteDatabase.open(opts.dataDir);
}
