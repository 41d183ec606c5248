/**
 * `npm run bench`: sets up its own data in a fresh database `ftz_bench` on the PostgreSQL server
 * (DATABASE_URL's server; default 127.0.0.1:5432) and uses the Kafka broker at KAFKA_BROKERS
 * (scripts/with-kafka.sh starts the local one). Each figure is measured next to its baseline in the same
 * run; ratios are what matter on a shared 2-core machine. Rounds: BENCH_ROUNDS (default 3),
 * median with min and max; rebuilds BENCH_REBUILD_ROUNDS (default 1) over BENCH_REBUILD_EVENTS
 * (default 200,000) events. Writes bench/results/latest.json (with core count and versions) and
 * prints a table.
 */
import { execSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client, Pool } from "pg";
import { migrate } from "../infra/migrate";
import { filingsProjection } from "../projections/filings/filings-projection";
import { negativeListProjection } from "../projections/negative-list/negative-list-projection";
import { rebuildProjection } from "../projections/runner/rebuild";
import { seedEditions } from "../services/negative-list";
import { PgDatabase, PINNED_TYPES } from "../services/platform/db/database";
import { PostgresEventStore } from "../services/platform/event-store/postgres-event-store";
import { type Stat, stat } from "./stat";
import { freshness, httpReads, kafkaRoundTrip, peakRssMiB, startApi } from "./http-bench";
import { rebuildRates, seedRebuildData } from "./rebuild-bench";
import { batchAppends, createRawTable, globalReads, openPeer, singleAppends } from "./store-bench";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const REBUILD_EVENTS = Number(process.env.BENCH_REBUILD_EVENTS ?? 200_000);
/** Rebuild rounds (each replays the whole log twice): BENCH_REBUILD_ROUNDS, default 1. */
const REBUILD_ROUNDS = Number(process.env.BENCH_REBUILD_ROUNDS ?? 1);
const HTTP_SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 5);
const BROKERS = process.env.KAFKA_BROKERS ?? "127.0.0.1:9092";
const server = new URL(process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres");
const dbUrl = (name: string, searchPath?: string) => {
  const u = new URL(server.toString());
  u.pathname = `/${name}`;
  if (searchPath) u.searchParams.set("options", `-c search_path=${searchPath}`);
  return u.toString();
};

async function rounds<T extends Record<string, number | null>>(n: number, run: (round: number) => Promise<T>) {
  const all: T[] = [];
  for (let r = 0; r < n; r++) all.push(await run(r));
  const keys = Object.keys(all[0]!) as (keyof T)[];
  return Object.fromEntries(
    keys.map((k) => [k, all[0]![k] === null ? null : stat(all.map((a) => a[k] as number))]),
  ) as { [K in keyof T]: T[K] extends null ? null : Stat | null };
}

const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString("en-US") : n.toFixed(1));
const cell = (s: Stat | null) => (s ? `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})` : "n/a");
const ratio = (a: Stat | null, b: Stat | null) => (a && b ? a.median / b.median : null);

async function main() {
  const admin = new Client({ connectionString: dbUrl("postgres") });
  await admin.connect();
  await admin.query("DROP DATABASE IF EXISTS ftz_bench WITH (FORCE)");
  await admin.query("CREATE DATABASE ftz_bench");
  await admin.end();
  const setup = new Client({ connectionString: dbUrl("ftz_bench") });
  await setup.connect();
  await setup.query("CREATE SCHEMA ours");
  await setup.end();
  const db = new PgDatabase({ connectionString: dbUrl("ftz_bench"), searchPath: "ours", max: 16 });
  await migrate(db);
  const store = new PostgresEventStore(db);
  // pg with its default parsers, as our pools have them (the peer changes the global ones).
  const raw = new Pool({ connectionString: dbUrl("ftz_bench"), max: 16, types: PINNED_TYPES });
  await createRawTable(raw);
  const peer = await openPeer(dbUrl("ftz_bench"));
  const peerNote = peer.ok ? "@event-driven-io/emmett-postgresql 0.42.0" : peer.reason;
  console.log(`bench: ${os.cpus().length} cores, ${ROUNDS} rounds, peer: ${peerNote}`);

  const single = await rounds(ROUNDS, (r) => singleAppends(store, raw, peer, r));
  console.log("  single appends done");
  const batch = await rounds(ROUNDS, (r) => batchAppends(store, raw, peer, r));
  console.log("  batch appends done");
  const reads = await rounds(ROUNDS, () => globalReads(store, raw));
  console.log("  global reads done");

  const seeded = await seedRebuildData(store, REBUILD_EVENTS);
  console.log(`  seeded ${seeded} events for rebuilds`);
  // Statistics for the new events before both the rebuilds and the raw read walk them.
  await db.exec("VACUUM ANALYZE");
  const rebuild = await rounds(REBUILD_ROUNDS, () => rebuildRates(db, store, raw));
  console.log("  rebuilds done");

  // Let autovacuum's work on the freshly written 200,000 events and rebuilt tables happen now,
  // not on the two cores while latency and throughput are measured.
  await db.exec("VACUUM ANALYZE");

  // Publish the editions and bring every other read model up to the log's end before the API
  // starts, so its store feeds start caught up (not walking 200,000 events while being measured).
  await seedEditions(store);
  for (const p of [negativeListProjection, filingsProjection])
    await rebuildProjection(db, store, p, { batchSize: 5000 });
  const api = await startApi(4711, dbUrl("ftz_bench", "ours"));
  let http: Awaited<ReturnType<typeof httpReads>>[] = [];
  let rss = Number.NaN;
  try {
    for (let r = 0; r < ROUNDS; r++) http.push(await httpReads(api, 4712, HTTP_SECONDS));
    rss = peakRssMiB(api.proc.pid!);
  } finally {
    await api.stop();
  }
  console.log("  HTTP reads done");
  const httpStat = {
    taskListApi: stat(http.map((h) => h.taskList.api)),
    taskListBare: stat(http.map((h) => h.taskList.bare)),
    checkApi: stat(http.map((h) => h.check.api)),
    checkBare: stat(http.map((h) => h.check.bare)),
  };
  http = [];

  // Freshness is the steady state, not the drain of a backlog: the relay starts at the log's end
  // (new topics under a fresh prefix; the 200,000 rebuild events are not published).
  await db.query(
    `INSERT INTO checkpoints (name, transaction_id, global_position)
     SELECT 'relay', transaction_id, global_position FROM events ORDER BY transaction_id DESC, global_position DESC LIMIT 1
     ON CONFLICT (name) DO UPDATE SET transaction_id = EXCLUDED.transaction_id, global_position = EXCLUDED.global_position`,
  );
  const prefix = `bench${Date.now()}.`;
  const kafkaApi = await startApi(4713, dbUrl("ftz_bench", "ours"), { brokers: BROKERS, prefix });
  const fresh: { p50: number; p95: number; p99: number }[] = [];
  try {
    // Warm-up, not measured: on a fresh broker the consumer groups and __consumer_offsets take
    // seconds to come up; measure only once commands already flow end to end.
    await freshness(kafkaApi, raw, 5, 10);
    for (let r = 0; r < ROUNDS; r++) fresh.push(await freshness(kafkaApi, raw, 50, 10));
  } finally {
    await kafkaApi.stop();
  }
  const trips = [];
  for (let r = 0; r < ROUNDS; r++) trips.push(await kafkaRoundTrip(BROKERS, 50, 10));
  console.log("  freshness done");
  await raw.end();
  await db.close();

  const freshStat = {
    p50: stat(fresh.map((f) => f.p50)),
    p95: stat(fresh.map((f) => f.p95)),
    p99: stat(fresh.map((f) => f.p99)),
  };
  const tripStat = {
    p50: stat(trips.map((f) => f.p50)),
    p95: stat(trips.map((f) => f.p95)),
    p99: stat(trips.map((f) => f.p99)),
  };

  const rows: [string, string, string, string, string, string][] = [
    [
      "single-event appends/s (8 writers)",
      cell(single.ours),
      `raw ${cell(single.raw)}; peer ${cell(single.peer)}`,
      `${fmt2(ratio(single.ours, single.raw))}× raw; ${fmt2(ratio(single.ours, single.peer))}× peer`,
      "≥ 0.7× raw; ≥ 1.5× peer",
      both(goal(ratio(single.ours, single.raw), 0.7), goal(ratio(single.ours, single.peer), 1.5)),
    ],
    [
      "100-event batch appends, events/s",
      cell(batch.ours),
      `raw ${cell(batch.raw)}; peer ${cell(batch.peer)}`,
      `${fmt2(ratio(batch.ours, batch.raw))}× raw; ${fmt2(ratio(batch.ours, batch.peer))}× peer`,
      "≥ 0.8× raw; ≥ 1.5× peer",
      both(goal(ratio(batch.ours, batch.raw), 0.8), goal(ratio(batch.ours, batch.peer), 1.5)),
    ],
    [
      "global-log read, events/s",
      cell(reads.ours),
      `raw ${cell(reads.raw)}`,
      `${fmt2(ratio(reads.ours, reads.raw))}× raw`,
      "≥ 0.7× raw",
      goal(ratio(reads.ours, reads.raw), 0.7),
    ],
    [
      "freshness p50/p95/p99, ms (10 commands/s)",
      `${fmt(freshStat.p50.median)} / ${fmt(freshStat.p95.median)} / ${fmt(freshStat.p99.median)}`,
      `kafkajs round trip ${fmt(tripStat.p50.median)} / ${fmt(tripStat.p95.median)} / ${fmt(tripStat.p99.median)}`,
      `p99 ${fmt2(freshStat.p99.median / tripStat.p99.median)}× raw`,
      "p99 ≤ 3× raw",
      freshStat.p99.median / tripStat.p99.median <= 3 ? "met" : "missed",
    ],
    [
      `rebuild task list, events/s (${fmt(seeded)} events)`,
      cell(rebuild.taskList),
      `raw read ${cell(rebuild.rawRead)}`,
      `${fmt2(ratio(rebuild.taskList, rebuild.rawRead))}× raw`,
      "≥ 0.3× raw",
      goal(ratio(rebuild.taskList, rebuild.rawRead), 0.3),
    ],
    [
      "rebuild clearance times, events/s",
      cell(rebuild.clearanceTimes),
      `raw read ${cell(rebuild.rawRead)}`,
      `${fmt2(ratio(rebuild.clearanceTimes, rebuild.rawRead))}× raw`,
      "≥ 0.3× raw",
      goal(ratio(rebuild.clearanceTimes, rebuild.rawRead), 0.3),
    ],
    [
      "HTTP task-list page, req/s",
      cell(httpStat.taskListApi),
      `bare ${cell(httpStat.taskListBare)}`,
      `${fmt2(ratio(httpStat.taskListApi, httpStat.taskListBare))}× bare`,
      "≥ 0.5× bare",
      goal(ratio(httpStat.taskListApi, httpStat.taskListBare), 0.5),
    ],
    [
      "HTTP negative-list check, req/s",
      cell(httpStat.checkApi),
      `bare ${cell(httpStat.checkBare)}`,
      `${fmt2(ratio(httpStat.checkApi, httpStat.checkBare))}× bare`,
      "≥ 0.5× bare",
      goal(ratio(httpStat.checkApi, httpStat.checkBare), 0.5),
    ],
    ["API peak RSS under that load, MiB", fmt(rss), "-", "-", "report", "-"],
  ];
  const table = [
    "| figure | ours (median, min–max) | baseline, same run | ratio | goal | |",
    "|---|---|---|---|---|---|",
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");
  console.log(`\n${table}\n`);
  const versions = JSON.parse(readFileSync(path.join(__dirname, "..", "package.json"), "utf8"));
  const pgVersion = execSync(`psql "${dbUrl("postgres")}" -Atc "show server_version"`)
    .toString()
    .trim();
  mkdirSync(path.join(__dirname, "results"), { recursive: true });
  writeFileSync(
    path.join(__dirname, "results", "latest.json"),
    `${JSON.stringify(
      {
        at: new Date().toISOString(),
        machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30) },
        versions: {
          node: process.version,
          postgres: pgVersion,
          kafka: "3.9.1",
          pg: versions.dependencies.pg,
          kafkajs: versions.dependencies.kafkajs,
          peer: peerNote,
        },
        rounds: ROUNDS,
        figures: {
          single,
          batch,
          reads,
          rebuild,
          http: httpStat,
          apiPeakRssMiB: rss,
          freshness: freshStat,
          kafkaRoundTrip: tripStat,
        },
        table,
      },
      null,
      2,
    )}\n`,
  );
}

function fmt2(x: number | null): string {
  return x === null ? "n/a" : x.toFixed(2);
}
function both(a: string, b: string): string {
  return a === "missed" || b === "missed" ? "missed" : a === "n/a" || b === "n/a" ? "n/a" : "met";
}
function goal(x: number | null, min: number): string {
  return x === null ? "n/a" : x >= min ? "met" : "missed";
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
