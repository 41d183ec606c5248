/**
 * The full stack as separate processes, for fault tests and the soak: the API (Kafka mode, no
 * in-process workers), one or more relays and a projection worker, each `node --import tsx` on
 * the real PostgreSQL server (a fresh schema) and a real Kafka broker (a fresh topic prefix).
 * Any process can be killed (`SIGKILL` included) and started again.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { type AddressInfo, createServer } from "node:net";
import { join } from "node:path";
import { Client } from "pg";
import { migrate } from "../../infra/migrate";
import { PgDatabase } from "../../services/platform/db/database";
import { PostgresEventStore } from "../../services/platform/event-store/postgres-event-store";

const ROOT = join(__dirname, "../..");
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** One product process: started on demand, killable with any signal, restartable. */
export class StackProcess {
  private child?: ChildProcess;
  private exited?: Promise<void>;
  /** The last lines it wrote (stdout and stderr), for failure messages. */
  readonly tail: string[] = [];
  /** Lines written since the latest start. */
  private current: string[] = [];
  /** How many times it was started. */
  starts = 0;

  constructor(
    readonly name: string,
    private readonly script: string,
    private readonly env: Record<string, string>,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Spawns it (no-op when running). */
  start(): void {
    if (this.running) return;
    const child = spawn(process.execPath, ["--import", "tsx", this.script], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: "info", ...this.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString("utf8").split("\n")) {
        if (!line) continue;
        this.tail.push(line.slice(0, 500));
        if (this.tail.length > 200) this.tail.shift();
        if (child === this.child && this.current.length < 1000) this.current.push(line.slice(0, 500));
      }
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    this.exited = new Promise((resolve) => child.once("exit", () => resolve()));
    this.child = child;
    this.current = [];
    this.starts++;
  }

  /** Resolves once the current run wrote a line containing `text`; throws when it exits first or after `timeoutMs`. */
  async ready(text: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.current.some((l) => l.includes(text))) {
      if (!this.running) throw new Error(`${this.name} exited before "${text}":\n${this.tail.slice(-20).join("\n")}`);
      if (Date.now() > deadline) throw new Error(`${this.name}: no "${text}" after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Sends `signal` and waits until the process is gone. */
  async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    if (!this.running) return;
    this.child!.kill(signal);
    await this.exited;
  }

  /** SIGTERM (clean stop), SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    const timer = setTimeout(() => this.child?.kill("SIGKILL"), graceMs);
    await this.kill("SIGTERM");
    clearTimeout(timer);
  }

  /** Lines of the current run's output containing `text`. */
  lines(text: string): string[] {
    return this.current.filter((l) => l.includes(text));
  }
}

/** A running stack: its database schema, topic prefix, processes and an in-test store. */
export interface Stack {
  schema: string;
  /** `DATABASE_URL` of the stack (the schema on the search path). */
  databaseUrl: string;
  db: PgDatabase;
  store: PostgresEventStore;
  brokers: string;
  prefix: string;
  baseUrl: string;
  api: StackProcess;
  relays: StackProcess[];
  worker: StackProcess;
  /** Every process of the stack. */
  all(): StackProcess[];
  /** Resolves once the API answers `/health` (after a restart too). */
  apiHealthy(timeoutMs?: number): Promise<void>;
  /** Stops every process and drops the schema (keep it with `KEEP_STACK=1` for a post-mortem). */
  close(): Promise<void>;
}

/**
 * Creates a schema, migrates it, starts the API on `apiPort` (default: a free port), `relays`
 * relays (default 1) and one projection worker against `brokers`, and waits until the API is
 * healthy. When any step fails, whatever was started is stopped and the schema dropped.
 */
export async function startStack(opts: {
  brokers: string;
  /** Default: a free port chosen by the system. */
  apiPort?: number;
  relays?: number;
  /** Extra environment of the relays and of the worker (e.g. the fault-injection pauses). */
  relayEnv?: Record<string, string>;
  workerEnv?: Record<string, string>;
}): Promise<Stack> {
  const schema = `stack_${randomBytes(5).toString("hex")}`;
  const apiPort = opts.apiPort ?? (await freePort());
  const admin = new Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const url = new URL(DATABASE_URL);
  url.searchParams.set("options", `-c search_path=${schema}`);
  const databaseUrl = url.toString();
  const db = new PgDatabase({ connectionString: DATABASE_URL, searchPath: schema, max: 8 });
  const prefix = `${schema}.`;
  const common = { DATABASE_URL: databaseUrl, KAFKA_BROKERS: opts.brokers, KAFKA_TOPIC_PREFIX: prefix };
  const api = new StackProcess("api", "services/api/main.ts", {
    ...common,
    PORT: String(apiPort),
    IN_PROCESS_WORKERS: "0",
    SEED_DATA: "0",
    RATE_LIMIT_PER_MINUTE: "1000000000",
    LOG_LEVEL: "warn",
  });
  const relays = Array.from(
    { length: opts.relays ?? 1 },
    (_, i) => new StackProcess(`relay-${i + 1}`, "services/relay/main.ts", { ...common, ...opts.relayEnv }),
  );
  const worker = new StackProcess("worker", "projections/worker.ts", { ...common, ...opts.workerEnv });
  const baseUrl = `http://127.0.0.1:${apiPort}`;
  const stack: Stack = {
    schema,
    databaseUrl,
    db,
    store: new PostgresEventStore(db),
    brokers: opts.brokers,
    prefix,
    baseUrl,
    api,
    relays,
    worker,
    all: () => [api, ...relays, worker],
    apiHealthy: async (timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        try {
          // Our process answers, not a leftover on the same port.
          if (api.running && (await fetch(`${baseUrl}/health`)).ok) return;
        } catch {
          // not listening yet
        }
        if (!api.running && api.starts > 0) throw new Error(`api exited:\n${api.tail.slice(-20).join("\n")}`);
        if (Date.now() > deadline) throw new Error(`api not healthy after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    close: async () => {
      await Promise.all(stack.all().map((p) => p.stop()));
      await db.close();
      if (process.env.KEEP_STACK === "1") return;
      const c = new Client({ connectionString: DATABASE_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    },
  };
  try {
    await migrate(db);
    for (const p of stack.all()) p.start();
    await stack.apiHealthy();
  } catch (err) {
    await stack.close().catch(() => undefined);
    throw err;
  }
  return stack;
}

/** A TCP port nobody listens on right now (the system's choice). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
