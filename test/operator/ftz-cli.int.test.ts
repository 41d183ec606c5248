/**
 * The `ftz` command line as an operator runs it: a separate process on the PostgreSQL server
 * (DATABASE_URL pinned to a test schema). `status` says what needs attention and exits 1 until
 * the read side has run; `projections rebuild all` swaps every read model while the API keeps
 * answering; `verify` passes on a converged embedded-mode pipeline; refusals exit 2.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { OPERATIONS_STREAM } from "../../contracts/operations/events";
import { as } from "../support/auth";
import { serverDatabase, TEST_DATABASE_URL, type TestDatabase } from "../support/databases";
import { productApp } from "../support/product-app";

const MAIN = join(__dirname, "../../services/operator/main.ts");

describe("ftz (the operator command line)", () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await serverDatabase();
  });
  afterEach(() => t.drop());

  const ftz = (...args: string[]) => {
    const url = new URL(TEST_DATABASE_URL);
    url.searchParams.set("options", `-c search_path=${t.schema}`);
    return promisify(execFile)(process.execPath, ["--import", "tsx", MAIN, ...args], {
      env: { ...process.env, NODE_OPTIONS: "", DATABASE_URL: url.toString(), KAFKA_BROKERS: "", FTZ_OPERATOR: "ops-7" },
      maxBuffer: 16 * 1024 * 1024,
    }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );
  };

  it("seeds, reports status, rebuilds every read model while the API answers, and verifies", async () => {
    const seeded = await ftz("seed");
    expect(seeded).toMatchObject({ code: 0 });
    expect(seeded.stdout).toContain("seeded the 2026 task list (30 tasks)");

    // Nothing has applied the seed yet: status says so and exits 1.
    const before = await ftz("--json", "status");
    expect(before.code).toBe(1);
    const report = JSON.parse(before.stdout);
    expect(report).toMatchObject({ healthy: false, database: "up", kafka: "not configured" });
    expect(report.attention).toEqual(
      expect.arrayContaining([expect.stringMatching(/^task_list: 30 events behind, nothing applied yet/)]),
    );

    const { app, readSide } = await productApp(t);
    try {
      await readSide.caughtUp();
      const after = await ftz("--json", "status");
      expect(after.code).toBe(0);
      expect(JSON.parse(after.stdout).projections.find((p: { name: string }) => p.name === "task_list")).toMatchObject({
        eventsApplied: 30,
        eventsBehind: 0,
        parkedEvents: 0,
      });

      // Rebuild every read model in another process while the API serves the list.
      const analyst = await as(app, "analyst");
      const rebuilding = ftz("--json", "projections", "rebuild", "all");
      let done = false;
      void rebuilding.then(() => {
        done = true;
      });
      let answered = 0;
      while (!done) {
        const res = await analyst.get("/reform-tasks?limit=100");
        expect(res.status).toBe(200);
        expect(res.body.items).toHaveLength(30);
        answered++;
      }
      const rebuilt = await rebuilding;
      expect(rebuilt.code).toBe(0);
      expect(answered).toBeGreaterThan(0);
      expect(JSON.parse(rebuilt.stdout).rebuilt.map((r: { projection: string }) => r.projection)).toEqual([
        "task_list",
        "clearance_times",
        "negative_list",
        "filings",
      ]);
      const { rows } = await t.db.query<{ type: string; actor: string }>(
        "SELECT type, metadata->'actor'->>'subject' AS actor FROM events WHERE stream_id = $1 ORDER BY global_position",
        [OPERATIONS_STREAM],
      );
      expect(rows).toEqual(Array(4).fill({ type: "ProjectionRebuilt", actor: "operator:ops-7" }));
      await readSide.caughtUp();

      const verified = await ftz("verify", "--timeout", "60");
      expect(verified.stdout).toMatch(/^OK: \d+ stored events, Kafka not checked/);
      expect(verified.code).toBe(0);
    } finally {
      await readSide.stop();
    }
  }, 180_000);

  it("refuses what it cannot do with exit 2 and a reason", async () => {
    const unknown = await ftz("projections", "rebuild", "nope");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("no projection nope: task_list, clearance_times, negative_list, filings or all");
    expect((await ftz("frobnicate")).code).toBe(2);
    const noKafka = await ftz("relay", "republish", "--from", "1");
    expect(noKafka.code).toBe(2);
    expect(noKafka.stderr).toContain("needs the Kafka cluster");
    const badFrom = await ftz("relay", "republish", "--from", "yesterday");
    expect(badFrom.code).toBe(2);
    expect(badFrom.stderr).toContain("a global position, or an instant with its offset");
    const skip = await ftz("parked", "skip", "00000000-0000-4000-8000-000000000000", "--reason", "x");
    expect(skip.code).toBe(2);
    expect(skip.stderr).toContain("nothing parked has id");
    const migrated = await ftz("migrate");
    expect(migrated).toMatchObject({ code: 0, stdout: "up to date\n" });
    const token = await ftz("token", "--role", "analyst");
    expect(token.code).toBe(0);
    expect(token.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect((await ftz("token", "--role", "enterprise")).stderr).toContain("an enterprise token needs --uscc");
    const listed = await ftz("--json", "parked", "list");
    expect(JSON.parse(listed.stdout)).toEqual({ items: [] });
    const help = await ftz("--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("projections");
  }, 120_000);
});
