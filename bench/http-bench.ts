/**
 * HTTP figures: reads per second (autocannon) of the task-list page and the negative-list check
 * against a bare express handler returning the same bytes, with the API's peak RSS; and
 * freshness: an HTTP command accepted → the row visible in the Kafka-fed read model, at a fixed
 * offered rate, next to a bare kafkajs produce → consume round trip on the same broker.
 * The API runs as its own process (`node --import tsx services/api/main.ts`), so its memory is
 * its own.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import autocannon from "autocannon";
import { Kafka, logLevel } from "kafkajs";
import type { Pool } from "pg";
import { mintDevToken } from "../services/api/auth/dev-key";

/** A child process serving HTTP on `port`. */
export interface Served {
  proc: ChildProcess;
  port: number;
  stop(): Promise<void>;
}

async function waitHealthy(port: number, proc: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server on ${port} exited with ${proc.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`server on ${port} not healthy after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function serve(args: string[], env: Record<string, string>, port: number): Served {
  const proc = spawn(process.execPath, ["--import", "tsx", ...args], {
    env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: "warn" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  return {
    proc,
    port,
    stop: () =>
      new Promise((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once("exit", () => resolve());
        proc.kill("SIGTERM");
      }),
  };
}

/** Starts the API on `databaseUrl` (and Kafka when `kafkaBrokers`), waits until healthy. */
export async function startApi(
  port: number,
  databaseUrl: string,
  kafka?: { brokers: string; prefix: string },
): Promise<Served> {
  const s = serve(
    ["services/api/main.ts"],
    {
      DATABASE_URL: databaseUrl,
      SEED_DATA: "0",
      RATE_LIMIT_PER_MINUTE: "1000000000",
      ...(kafka
        ? { KAFKA_BROKERS: kafka.brokers, KAFKA_TOPIC_PREFIX: kafka.prefix, IN_PROCESS_WORKERS: "1" }
        : { KAFKA_BROKERS: "" }),
    },
    port,
  );
  await waitHealthy(port, s.proc);
  return s;
}

/** Peak resident set size of a process (VmHWM), MiB. */
export function peakRssMiB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

async function cannon(url: string, headers: Record<string, string>, seconds: number): Promise<number> {
  const r = await autocannon({ url, connections: 16, duration: seconds, headers });
  if (r.non2xx > 0) throw new Error(`${url}: ${r.non2xx} non-2xx answers under load`);
  return r.requests.average;
}

/** Reads/s of the two endpoints on the API and on a bare server returning the same bytes. */
export async function httpReads(
  api: Served,
  barePort: number,
  seconds: number,
): Promise<{ taskList: { api: number; bare: number }; check: { api: number; bare: number } }> {
  const token = await mintDevToken({ role: "analyst" });
  const headers = { Authorization: `Bearer ${token}` };
  const paths = {
    taskList: "/reform-tasks?limit=50",
    check:
      "/negative-list/check?industry=5611&foreignShare=49&largestForeignInvestor=26&legalRepresentative=CN&insideFtz=false&date=2026-06-01",
  };
  const bodies: Record<string, string> = {};
  for (const [k, p] of Object.entries(paths)) {
    // The read models catch up after start (the editions are published on start): wait for a 200.
    const deadline = Date.now() + 180_000;
    for (;;) {
      const res = await fetch(`http://127.0.0.1:${api.port}${p}`, { headers });
      if (res.ok) {
        bodies[k] = await res.text();
        break;
      }
      if (Date.now() > deadline) throw new Error(`${p}: ${res.status} ${await res.text()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  const file = `/tmp/ftz-bench-bare-${randomUUID()}.json`;
  writeFileSync(
    file,
    JSON.stringify({ [paths.taskList.split("?")[0]!]: bodies.taskList, [paths.check.split("?")[0]!]: bodies.check }),
  );
  const bare = serve(["bench/bare-server.ts"], { BARE_BODIES: file }, barePort);
  await waitHealthy(barePort, bare.proc);
  try {
    const out = { taskList: { api: 0, bare: 0 }, check: { api: 0, bare: 0 } };
    for (const k of ["taskList", "check"] as const) {
      out[k].api = await cannon(`http://127.0.0.1:${api.port}${paths[k]}`, headers, seconds);
      out[k].bare = await cannon(`http://127.0.0.1:${barePort}${paths[k]}`, headers, seconds);
    }
    return out;
  } finally {
    await bare.stop();
  }
}

const percentile = (sorted: number[], p: number) => {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  return sorted[lo]! + (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!) * (h - lo);
};
const summary = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  return { p50: percentile(s, 0.5), p95: percentile(s, 0.95), p99: percentile(s, 0.99), n: s.length };
};

/**
 * Freshness: `count` task plans posted at `perSecond` through the API (Kafka mode); each one's
 * latency from the 201 to its row in the Kafka-fed `reform_task_list` (polled every 5 ms).
 */
export async function freshness(
  api: Served,
  pool: Pool,
  count: number,
  perSecond: number,
): Promise<{ p50: number; p95: number; p99: number; n: number }> {
  const token = await mintDevToken({ role: "taskforce" });
  const acceptedAt = new Map<string, number>();
  const seenAt = new Map<string, number>();
  const tag = randomUUID().slice(0, 6);
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const { rows } = await pool.query<{ ref: string }>(
        "SELECT ref FROM ours.reform_task_list WHERE year = 2030 AND ref LIKE $1",
        [`F${tag}-%`],
      );
      const now = performance.now();
      for (const r of rows) if (!seenAt.has(r.ref)) seenAt.set(r.ref, now);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  const posts: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const ref = `F${tag}-${i}`;
    posts.push(
      (async () => {
        const res = await fetch(`http://127.0.0.1:${api.port}/reform-tasks`, {
          method: "POST",
          headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", "Idempotency-Key": ref },
          body: JSON.stringify({
            year: 2030,
            ref,
            title: { zh: "新鲜度测试" },
            field: "trade-facilitation",
            scope: "nationwide",
            source: { batch: "BENCH", citation: "bench" },
            coreContent: "c",
            leadDepartment: "commerce",
            cooperatingDepartments: [],
            deadline: "2030-12-31",
            implementationPath: "p",
          }),
        });
        if (res.status !== 201) throw new Error(`plan ${ref}: ${res.status} ${await res.text()}`);
        acceptedAt.set(ref, performance.now());
      })(),
    );
    await new Promise((r) => setTimeout(r, 1000 / perSecond));
  }
  await Promise.all(posts);
  const deadline = Date.now() + 60_000;
  while (seenAt.size < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  polling = false;
  await poller;
  const latencies = [...acceptedAt]
    .map(([ref, t]) => (seenAt.get(ref) ?? Number.NaN) - t)
    .filter((x) => !Number.isNaN(x));
  if (latencies.length < count) throw new Error(`only ${latencies.length} of ${count} commands became visible`);
  return summary(latencies.map((x) => Math.max(0, x)));
}

/** A bare kafkajs produce → consume round trip, `count` messages at `perSecond`, ms. */
export async function kafkaRoundTrip(
  brokers: string,
  count: number,
  perSecond: number,
): Promise<{ p50: number; p95: number; p99: number; n: number }> {
  const kafka = new Kafka({ clientId: "bench", brokers: brokers.split(","), logLevel: logLevel.NOTHING });
  const topic = `bench.roundtrip.${randomUUID().slice(0, 8)}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const consumer = kafka.consumer({ groupId: `${topic}.g`, maxWaitTimeInMs: 50 });
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const sent = new Map<string, number>();
  const latencies: number[] = [];
  await consumer.run({
    eachMessage: async ({ message }) => {
      const id = message.key?.toString() ?? "";
      const t = sent.get(id);
      if (t !== undefined) latencies.push(performance.now() - t);
    },
  });
  await new Promise((r) => setTimeout(r, 3000)); // group join
  for (let i = 0; i < count; i++) {
    const id = `m${i}`;
    sent.set(id, performance.now());
    await producer.send({ topic, acks: -1, messages: [{ key: id, value: JSON.stringify({ i }) }] });
    await new Promise((r) => setTimeout(r, 1000 / perSecond));
  }
  const deadline = Date.now() + 30_000;
  while (latencies.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await consumer.disconnect();
  await producer.disconnect();
  return summary(latencies);
}
