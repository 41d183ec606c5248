/**
 * Test databases: an isolated schema on the real PostgreSQL server (TEST_DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/test) or an in-memory PGlite. Each gets the migrations.
 */
import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { migrate } from "../../infra/migrate";
import { type Database, PgDatabase, PgliteDatabase } from "../../services/platform/db/database";

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** A migrated test database and how to drop it. `schema` is set for the server kind. */
export interface TestDatabase {
  db: Database;
  schema?: string;
  /** Opens another pool on the same schema (a second process would have its own). */
  another(): Database;
  drop(): Promise<void>;
}

/** A fresh schema `t_<random>` on the PostgreSQL server, migrated. */
export async function serverDatabase(opts: { poolSize?: number } = {}): Promise<TestDatabase> {
  const schema = `t_${randomBytes(6).toString("hex")}`;
  const admin = new Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const open = () =>
    new PgDatabase({ connectionString: TEST_DATABASE_URL, searchPath: schema, max: opts.poolSize ?? 10 });
  const db = open();
  await migrate(db);
  const others: Database[] = [];
  return {
    db,
    schema,
    another: () => {
      const d = open();
      others.push(d);
      return d;
    },
    drop: async () => {
      await Promise.allSettled([db.close(), ...others.map((o) => o.close())]);
      const c = new Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    },
  };
}

/** A fresh in-memory PGlite, migrated. */
export async function pgliteDatabase(): Promise<TestDatabase> {
  const db = await PgliteDatabase.open();
  await migrate(db);
  return {
    db,
    another: () => {
      throw new Error("PGlite has one session");
    },
    drop: () => db.close(),
  };
}

/** Both engines, for contract suites: `describe.each(ENGINES)(...)`. */
export const ENGINES: [string, () => Promise<TestDatabase>][] = [
  ["PostgreSQL server", () => serverDatabase()],
  ["PGlite", pgliteDatabase],
];
