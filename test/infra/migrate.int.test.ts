/**
 * The migrator on the PostgreSQL server: a migration whose comments were reworded is still the
 * same migration (a database that recorded the old whole-file checksum is accepted and its row
 * rewritten), one whose statements changed is refused, and a run on an up-to-date schema applies
 * nothing.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrate, migrationChecksum } from "../../infra/migrate";
import { serverDatabase, type TestDatabase } from "../support/databases";

const DIR = join(__dirname, "../../infra/migrations");

describe("migrate (PostgreSQL)", () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await serverDatabase();
  });
  afterEach(() => t.drop());

  const checksumOf = async (name: string) =>
    (await t.db.query<{ checksum: string }>("SELECT checksum FROM schema_migrations WHERE name = $1", [name])).rows[0]!
      .checksum;

  it("applies nothing twice, and records the checksum of each migration's statements", async () => {
    expect(await migrate(t.db)).toEqual([]);
    expect(await checksumOf("004_append_function.sql")).toBe(
      migrationChecksum(readFileSync(join(DIR, "004_append_function.sql"), "utf8")),
    );
  });

  it("accepts the whole-file checksum recorded before the comments were reworded, and rewrites it", async () => {
    // What a database migrated before recorded for 004 (its first comment line then named an issue).
    const before = "9585c0c9c068af23b9e1a383bafd800695d6131bdb527aa59a27f8960402d2f9";
    await t.db.query("UPDATE schema_migrations SET checksum = $1 WHERE name = '004_append_function.sql'", [before]);
    expect(await migrate(t.db)).toEqual([]);
    expect(await checksumOf("004_append_function.sql")).toMatch(/^statements:/);
  });

  it("accepts reworded comments, and refuses changed statements", async () => {
    const dir = mkdtempSync(join(tmpdir(), "migrations-"));
    try {
      for (const f of readdirSync(DIR)) copyFileSync(join(DIR, f), join(dir, f));
      const file = join(dir, "003_projections.sql");
      const sql = readFileSync(file, "utf8");
      writeFileSync(file, `-- a comment added later\n${sql}`);
      expect(await migrate(t.db, dir)).toEqual([]);
      writeFileSync(file, `${sql}\nCREATE TABLE IF NOT EXISTS sneaked_in (id int);\n`);
      await expect(migrate(t.db, dir)).rejects.toThrow(/003_projections.sql changed after it was applied/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
