/**
 * `npm run soak -- --seconds N --rate R [--port P] [--seed S]`: starts the full stack as separate processes
 * (API, relay, projection worker) on a fresh schema of the PostgreSQL server and fresh topics of
 * the Kafka broker, offers a realistic mix (test/stack/load.ts) at R operations per second for N
 * seconds, then checks that everything converges (test/stack/convergence.ts) within 30 s.
 *
 * Prints throughput, answers by status and latency percentiles (ms) per operation, and writes
 * them as JSON to `.data/soak-latest.json`. Exits 1 on any 5xx or unanswered request, any refusal
 * the mix does not expect (every request is valid; only retryable 409s and If-Match races may be
 * refused), no acknowledged command at all, any lost or doubled event, any parked event, or read
 * models that do not converge within 30 s after the load stops.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { verifyConvergence } from "../test/stack/convergence";
import { LoadDriver } from "../test/stack/load";
import { startStack } from "../test/stack/stack";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "60" },
    rate: { type: "string", default: "20" },
    port: { type: "string" },
    seed: { type: "string", default: "8" },
  },
});
const seconds = Number(values.seconds);
const rate = Number(values.rate);
if (!(seconds > 0) || !(rate > 0)) throw new Error("--seconds and --rate must be positive numbers");

const pct = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]! : Number.NaN;

async function main(): Promise<number> {
  const brokers = process.env.KAFKA_BROKERS ?? "127.0.0.1:9092";
  const stack = await startStack({ brokers, apiPort: values.port ? Number(values.port) : undefined });
  try {
    const load = new LoadDriver(stack.baseUrl, {
      seed: Number(values.seed),
      declarations: Math.ceil(seconds * rate * 0.2) + 20,
    });
    console.log(`soak: ${seconds} s at ${rate} operations/s against ${stack.baseUrl} (schema ${stack.schema})`);
    const t0 = performance.now();
    const offered = await load.run({ seconds, rate });
    const elapsed = (performance.now() - t0) / 1000;
    const report = await verifyConvergence(stack, load.acks, { timeoutMs: 30_000 });

    const rows = [...load.figures].map(([op, f]) => {
      const sorted = [...f.latenciesMs].sort((a, b) => a - b);
      return {
        op,
        requests: sorted.length,
        statuses: f.statuses,
        p50: pct(sorted, 0.5),
        p95: pct(sorted, 0.95),
        p99: pct(sorted, 0.99),
        max: sorted.at(-1) ?? Number.NaN,
      };
    });
    console.log("\n| operation | requests | answers by status | p50 ms | p95 ms | p99 ms | max ms |");
    console.log("|---|---|---|---|---|---|---|");
    for (const r of rows) {
      const st = Object.entries(r.statuses)
        .map(([s, n]) => `${s}: ${n}`)
        .join(", ");
      console.log(
        `| ${r.op} | ${r.requests} | ${st} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.max.toFixed(1)} |`,
      );
    }
    console.log(
      `\noffered ${offered} operations in ${elapsed.toFixed(1)} s (${(offered / elapsed).toFixed(1)}/s); ` +
        `acknowledged commands ${report.acknowledged}; stored events ${report.storedEvents}; ` +
        `5xx or unanswered ${load.serverErrors}; unexpected refusals ${load.refusals.length}; lost ${report.lost.length}; missing on Kafka ${report.missingOnKafka}; ` +
        `Kafka re-sends ${report.duplicatesOnKafka}; converged after ${report.convergedAfterMs ?? "—"} ms`,
    );
    for (const p of report.projections)
      console.log(
        `  ${p.name}: applied ${p.applied} of ${p.expected} (parked ${p.parked}), equals rebuild: ${p.equalsRebuild}`,
      );
    mkdirSync(".data", { recursive: true });
    writeFileSync(
      ".data/soak-latest.json",
      `${JSON.stringify({ at: new Date().toISOString(), seconds, rate, offered, elapsed, operations: rows, failures: load.failures.slice(0, 50), refusals: load.refusals.slice(0, 50), report }, null, 2)}\n`,
    );
    const problems = [...report.problems];
    if (load.serverErrors)
      problems.push(`${load.serverErrors} answers were 5xx or missing: ${JSON.stringify(load.failures.slice(0, 5))}`);
    if (load.refusals.length)
      problems.push(`${load.refusals.length} unexpected refusals: ${JSON.stringify(load.refusals.slice(0, 5))}`);
    if (report.acknowledged < offered / 4)
      problems.push(`only ${report.acknowledged} commands acknowledged of ${offered} operations offered`);
    if (problems.length) {
      console.error(`\nSOAK FAILED:\n- ${problems.join("\n- ")}`);
      return 1;
    }
    console.log("\nsoak passed");
    return 0;
  } finally {
    await stack.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
