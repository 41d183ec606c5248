/**
 * Applies the SQL migrations in `infra/migrations` (files `NNN_name.sql`, in name order), each
 * once, in its own transaction, recorded in `schema_migrations` with a checksum of its
 * statements: SHA-256 of the file without its full-line `--` comments, as `statements:<hex>`.
 * Idempotent: running it again applies nothing. Concurrent runners serialise on an advisory
 * lock. A migration whose statements changed after it was applied is an error (never silently
 * re-run); its comments may be reworded.
 *
 * Databases migrated before this recorded SHA-256 of the whole file. Such a checksum is accepted
 * when it is the current file's, or the one a file in LEGACY had before its comments were
 * reworded and the current statements are the same; the row is then rewritten in the new form.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Database } from "../services/platform/db/database";

const MIGRATIONS_DIR = join(__dirname, "migrations");
const LOCK_KEY = 72_010_001; // arbitrary constant shared by every migrator of this schema

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** The statements of a migration: the file without full-line comments, lines right-trimmed. */
const statementsOf = (sql: string) =>
  sql
    .split("\n")
    .filter((line) => !/^\s*--/.test(line))
    .map((line) => line.trimEnd())
    .join("\n")
    .trim();

/** The checksum recorded for a migration (see the head of this file). */
export const migrationChecksum = (sql: string): string => `statements:${sha256(statementsOf(sql))}`;

/**
 * Whole-file checksums recorded before comments were reworded (references to documents outside
 * the repository removed), with the checksum of the unchanged statements.
 */
const LEGACY: Record<string, { raw: string; statements: string }> = {
  "001_event_store.sql": {
    raw: "96d4e0ed96cfaff7b60e1edbdbd35ba18190d103158d2ef48f439b6a2d742089",
    statements: "025991a7c796e2fa22ca5c1041899b10a813edc5458740a7b8c2d99b3a4311c5",
  },
  "002_idempotency.sql": {
    raw: "b6e2276418a0d63cadf660c660be734797d827b1159bdb3be0913f4f0709bd3c",
    statements: "758aeb91f7835816917beed25bc0d26f76657a56724c1ba7ee568880567fbc62",
  },
  "003_projections.sql": {
    raw: "fe6101d010cc2b863d48b58b64c75c4b0e1975340125ed93c72b6cfcbacbeece",
    statements: "7074dfb57e487f94cf82482530a6c1b9406e9cf052d17ec000e931f994b4211b",
  },
  "004_append_function.sql": {
    raw: "9585c0c9c068af23b9e1a383bafd800695d6131bdb527aa59a27f8960402d2f9",
    statements: "e3788cd673ce5973a7a79acf474869600f2245b8e348a04d8cc74e9a28c753aa",
  },
  "005_parked_records.sql": {
    raw: "9216a1fefba38bad4d053694807666bed8ce57b9b666fdd49a1d0341e160f483",
    statements: "7a9627b8f07f039df18e4b9c4d9dd42cc277eebb6af6596db9c797a0e8d2ea5f",
  },
};

/** Returns the names of the migrations this call applied (empty when already up to date). */
export async function migrate(db: Database, dir = MIGRATIONS_DIR): Promise<string[]> {
  const files = readdirSync(dir)
    .filter((f) => /^\d+_.+\.sql$/.test(f))
    .sort();
  const applied: string[] = [];
  for (const file of files) {
    const sql = readFileSync(join(dir, file), "utf8");
    const checksum = migrationChecksum(sql);
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
        const stored = rows[0].checksum;
        const legacy = LEGACY[file];
        const same =
          stored === checksum ||
          stored === sha256(sql) ||
          (legacy !== undefined && stored === legacy.raw && checksum === `statements:${legacy.statements}`);
        if (!same) {
          throw new Error(
            `migration ${file} changed after it was applied (checksum differs); add a new migration instead`,
          );
        }
        if (stored !== checksum) {
          await tx.query("UPDATE schema_migrations SET checksum = $2 WHERE name = $1", [file, checksum]);
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
