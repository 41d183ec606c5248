/**
 * Applies the SQL migrations in `infra/migrations` (files `NNN_name.sql`, in name order), each
 * once, in its own transaction, recorded in `schema_migrations` with a SHA-256 checksum.
 * Idempotent: running it again applies nothing. Concurrent runners serialise on an advisory
 * lock. A migration whose file changed after it was applied is an error (never silently re-run).
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Database } from "../services/platform/db/database";

const MIGRATIONS_DIR = join(__dirname, "migrations");
const LOCK_KEY = 72_010_001; // arbitrary constant shared by every migrator of this schema

/** Returns the names of the migrations this call applied (empty when already up to date). */
export async function migrate(db: Database, dir = MIGRATIONS_DIR): Promise<string[]> {
  const files = readdirSync(dir)
    .filter((f) => /^\d+_.+\.sql$/.test(f))
    .sort();
  const applied: string[] = [];
  for (const file of files) {
    const sql = readFileSync(join(dir, file), "utf8");
    const checksum = createHash("sha256").update(sql).digest("hex");
    const done = await db.transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock($1)", [LOCK_KEY]);
      await tx.query(
        `CREATE TABLE IF NOT EXISTS schema_migrations (
           name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const { rows } = await tx.query<{ checksum: string }>("SELECT checksum FROM schema_migrations WHERE name = $1", [
        file,
      ]);
      if (rows[0]) {
        if (rows[0].checksum !== checksum) {
          throw new Error(
            `migration ${file} changed after it was applied (checksum differs); add a new migration instead`,
          );
        }
        return false;
      }
      await tx.exec(sql);
      await tx.query("INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)", [file, checksum]);
      return true;
    });
    if (done) applied.push(file);
  }
  return applied;
}

if (require.main === module) {
  (async () => {
    const { openDatabase } = await import("../services/platform/db/database");
    const db = await openDatabase({
      databaseUrl: process.env.DATABASE_URL,
      dataDir: process.env.PGLITE_DIR ?? ".data/pglite",
    });
    const applied = await migrate(db);
    console.log(applied.length ? `migrated: ${applied.join(", ")}` : "migrations: up to date");
    await db.close();
  })().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
