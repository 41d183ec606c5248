/**
 * `ftz` (`npm run ftz -- <verb>`; installed as the `ftz` bin): the operator's command line, built
 * on commander. Every verb prints a readable report, or JSON with `--json` for scripts; long work
 * (rebuilds, re-publication) shows a progress bar with rate and ETA (cli-progress) on a terminal.
 * Exit status: 0 done and healthy, 1 a check found a problem (`status`, `verify`), 2 a refused or
 * failed command.
 *
 * It reaches the database at `DATABASE_URL` and Kafka at `KAFKA_BROKERS` (with
 * `KAFKA_TOPIC_PREFIX`). The embedded database (`PGLITE_DIR`, default .data/pglite) belongs to
 * the running `npm start`: use the admin HTTP operations then (`/operations/...`), or stop it and
 * pass `--embedded`.
 *
 *   ftz status                        ftz projections rebuild task_list|all
 *   ftz parked list|show|retry|skip   ftz relay republish --from 1200 | --from 2026-12-01T00:00:00Z
 *   ftz verify                        ftz migrate | seed | token --role admin
 */
import { mkdirSync } from "node:fs";
import { SingleBar } from "cli-progress";
import { Command, InvalidArgumentError, Option } from "commander";
import type { Kafka } from "kafkajs";
import { migrate } from "../../infra/migrate";
import { PROJECTIONS } from "../../projections/registry";
import { RebuildInProgressError, rebuildProjection } from "../../projections/runner/rebuild";
import { seedDeclarations } from "../direct-clearance";
import { seedEditions } from "../negative-list";
import { type Database, openDatabase } from "../platform/db/database";
import { PostgresEventStore } from "../platform/event-store/postgres-event-store";
import { createKafka, kafkaReachable } from "../platform/messaging/kafka-client";
import { seedTaskList } from "../reform-tasks";
import { recordOperation } from "./operator-log";
import { GroupActiveError, resetConsumerGroup } from "./group-reset";
import { listParked, ParkedNotFoundError, retryParked, showParked, skipParked } from "./parked-items";
import { verifyPipeline } from "./pipeline-verify";
import { pipelineStatus } from "./pipeline-status";
import { republish } from "./republish";
import { tokenCommand } from "./token-command";

/** Options every verb that touches the database takes. */
interface GlobalOptions {
  json?: boolean;
  embedded?: boolean;
}

/** A refusal the CLI reports in one line and exits 2 for. */
export class OperatorError extends Error {}

/** The database and store a verb works on; closed by `withStore`. */
interface Session {
  db: Database;
  store: PostgresEventStore;
  kafka?: Kafka;
  prefix: string;
}

/** Opens the database (migrated unless `migrateFirst` is false), runs `work`, closes it. */
async function withStore<T>(g: GlobalOptions, work: (s: Session) => Promise<T>, migrateFirst = true): Promise<T> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl && !g.embedded) {
    throw new OperatorError(
      "no DATABASE_URL: set it to the deployment's PostgreSQL, or stop `npm start` and pass --embedded for the embedded database",
    );
  }
  const dataDir = process.env.PGLITE_DIR ?? ".data/pglite";
  if (!databaseUrl) mkdirSync(dataDir, { recursive: true });
  const db = await openDatabase({ databaseUrl, dataDir });
  try {
    if (migrateFirst) await migrate(db);
    const brokers = process.env.KAFKA_BROKERS;
    const kafka = brokers ? createKafka(brokers, "ftz-operator") : undefined;
    return await work({ db, store: new PostgresEventStore(db), kafka, prefix: process.env.KAFKA_TOPIC_PREFIX ?? "" });
  } finally {
    await db.close();
  }
}

/** A progress bar on standard error when it is a terminal and the output is not JSON; else nothing. */
function progressBar(g: GlobalOptions, label: string, total: number) {
  if (g.json || !process.stderr.isTTY) return { tick: (_n: number) => {}, stop: () => {} };
  const bar = new SingleBar({
    format: `${label} [{bar}] {percentage}% | {value}/{total} events | {rate} ev/s | ETA {eta_formatted}`,
    stream: process.stderr,
    hideCursor: true,
  });
  let value = 0;
  const started = Date.now();
  bar.start(Math.max(total, 1), 0, { rate: 0 });
  return {
    tick: (n: number) => {
      value += n;
      const secs = Math.max((Date.now() - started) / 1000, 0.001);
      bar.update(Math.min(value, total), { rate: Math.round(value / secs) });
    },
    stop: () => bar.stop(),
  };
}

const print = (g: GlobalOptions, value: unknown, text: () => string) =>
  process.stdout.write(g.json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);

const eventCount = async (db: Database) =>
  Number((await db.query<{ n: string }>("SELECT count(*)::text AS n FROM events")).rows[0]?.n ?? 0);

const position = (value: string): number => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError("a global position (a whole number ≥ 1)");
  return n;
};

/** `--from`: a global position, or an ISO 8601 instant with its offset. */
const positionOrTime = (value: string): { position: number } | { time: Date } => {
  if (/^\d+$/.test(value)) return { position: position(value) };
  const time = new Date(value);
  if (!/[T ]\d{2}:\d{2}.*(Z|[+-]\d{2}:?\d{2})$/.test(value) || Number.isNaN(time.getTime())) {
    throw new InvalidArgumentError(
      "a global position, or an instant with its offset such as 2026-12-01T08:00:00+08:00",
    );
  }
  return { time };
};

const statusText = (s: Awaited<ReturnType<typeof pipelineStatus>>) =>
  [
    `${s.healthy ? "healthy" : "NEEDS ATTENTION"}: database ${s.database}, Kafka ${s.kafka}, head ${s.head}`,
    s.kafka === "not configured" && s.relay.checkpoint === null
      ? "relay: none (no KAFKA_BROKERS: the embedded mode's read models read the event store directly)"
      : `relay: checkpoint ${s.relay.checkpoint ?? "none"}${s.relay.lastPublishedAt ? ` (moved ${s.relay.lastPublishedAt})` : ""}, ` +
        `${s.relay.eventsBehind} events behind, oldest ${s.relay.oldestUnpublishedSeconds} s${s.relay.stalled ? ", STALLED" : ""}`,
    "projection        position  applied  behind  seconds  parked  records  gaps",
    ...s.projections.map(
      (p) =>
        `${p.name.padEnd(16)}  ${String(p.lastGlobalPosition).padStart(8)}  ${String(p.eventsApplied).padStart(7)}  ` +
        `${String(p.eventsBehind).padStart(6)}  ${String(p.secondsBehind).padStart(7)}  ${String(p.parkedEvents).padStart(6)}  ` +
        `${String(p.parkedRecords).padStart(7)}  ${String(p.gapsSeen).padStart(4)}`,
    ),
    ...s.attention.map((a) => `! ${a}`),
  ].join("\n");

/** Builds the program (tests parse it with their own argv). */
export function ftzProgram(): Command {
  const program = new Command("ftz")
    .description("Operate the FTZ backend: status, rebuilds, parked events, re-publication, verification")
    .option("--json", "print JSON instead of a report")
    .option("--embedded", "use the embedded database (PGLITE_DIR) when DATABASE_URL is not set; stop npm start first")
    .showHelpAfterError("(ftz --help for the verbs)")
    .exitOverride();
  const g = () => program.opts<GlobalOptions>();

  program
    .command("status")
    .description("The relay, each projection, Kafka and the database; exit 1 when something needs attention")
    .action(async () => {
      await withStore(g(), async ({ db, kafka }) => {
        const s = await pipelineStatus(db, kafka ? () => kafkaReachable(kafka) : undefined);
        print(g(), s, () => statusText(s));
        if (!s.healthy) process.exitCode = 1;
      });
    });

  const projections = program.command("projections").description("Read models");
  projections
    .command("rebuild <name>")
    .description(
      `Rebuild a read model from the event store and swap it in while the API serves (${PROJECTIONS.map((p) => p.name).join(", ")} or all)`,
    )
    .action(async (name: string) => {
      const targets = name === "all" ? PROJECTIONS : PROJECTIONS.filter((p) => p.name === name);
      if (targets.length === 0) {
        throw new OperatorError(`no projection ${name}: ${PROJECTIONS.map((p) => p.name).join(", ")} or all`);
      }
      await withStore(g(), async ({ db, store }) => {
        const total = await eventCount(db);
        const done: { projection: string; events: number; ms: number }[] = [];
        for (const p of targets) {
          const bar = progressBar(g(), p.name, total);
          const outcome = await rebuildProjection(db, store, p, { onProgress: bar.tick });
          bar.stop();
          await recordOperation(store, "ProjectionRebuilt", {
            projection: p.name,
            events: outcome.events,
            ms: outcome.ms,
          });
          done.push({ projection: p.name, ...outcome });
        }
        print(g(), { rebuilt: done }, () =>
          done.map((d) => `${d.projection}: rebuilt from ${d.events} events in ${d.ms} ms, swapped in`).join("\n"),
        );
      });
    });

  projections
    .command("reset <name>")
    .description(
      "Send a Kafka-fed projection's consumer group back to the earliest offsets (stop its workers first); duplicates are dropped",
    )
    .action(async (name: string) => {
      const p = PROJECTIONS.find((x) => x.name === name);
      if (!p) throw new OperatorError(`no projection ${name}: ${PROJECTIONS.map((x) => x.name).join(", ")}`);
      await withStore(g(), async ({ db, store, kafka, prefix }) => {
        if (!kafka) throw new OperatorError("no KAFKA_BROKERS: a consumer group lives on the Kafka cluster");
        const outcome = await resetConsumerGroup(db, store, kafka, p, prefix);
        print(g(), outcome, () => `${outcome.groupId}: reset to the earliest offsets of ${outcome.topics.join(", ")}`);
      });
    });

  const parked = program.command("parked").description("Events and Kafka records a projection could not apply");
  parked
    .command("list")
    .option("--projection <name>", "only this projection's")
    .action(async (o: { projection?: string }) => {
      await withStore(g(), async ({ db }) => {
        const items = await listParked(db, o.projection);
        print(g(), { items }, () =>
          items.length === 0
            ? "nothing parked"
            : items
                .map(
                  (i) =>
                    `${i.kind.padEnd(6)} ${i.id}  ${i.projection}  ${i.streamId ?? "-"}@${i.streamVersion ?? "-"}  ${i.type ?? "-"}  ${i.parkedAt}\n       ${i.reason}`,
                )
                .join("\n"),
        );
      });
    });
  parked
    .command("show <id>")
    .description("One parked item with the stored event (or the record's bytes)")
    .action(async (id: string) => {
      await withStore(g(), async ({ db }) => {
        const item = await showParked(db, id);
        print(g(), item, () => JSON.stringify(item, null, 2));
      });
    });
  parked
    .command("retry <target>")
    .description(
      "After a fix: rebuild the projection of a parked id (or a projection, or all), applying parked events once, in stream order",
    )
    .action(async (target: string) => {
      await withStore(g(), async ({ db, store }) => {
        const total = await eventCount(db);
        let bar: ReturnType<typeof progressBar> | undefined;
        let current = "";
        const outcomes = await retryParked(db, store, target, {
          onProgress: (projection, n) => {
            if (projection !== current) {
              bar?.stop();
              bar = progressBar(g(), projection, total);
              current = projection;
            }
            bar!.tick(n);
          },
        });
        bar?.stop();
        print(g(), { retried: outcomes }, () =>
          outcomes.length === 0
            ? "nothing parked"
            : outcomes
                .map(
                  (o) =>
                    `${o.projection}: ${o.eventsApplied} of ${o.eventsBefore} parked events applied, ${o.stillParked} still parked, ${o.records} records listed`,
                )
                .join("\n"),
        );
      });
    });
  parked
    .command("skip <id>")
    .description("Give up on one parked item, with a reason (recorded in the operator log)")
    .requiredOption("--reason <text>", "why it is skipped")
    .action(async (id: string, o: { reason: string }) => {
      if (!o.reason.trim()) throw new OperatorError("--reason must say why");
      await withStore(g(), async ({ db, store }) => {
        const item = await skipParked(db, store, id, o.reason);
        print(g(), { skipped: item }, () => `skipped ${item.kind} ${item.id} of ${item.projection}`);
      });
    });

  const relay = program.command("relay").description("The relay that publishes the event store to Kafka");
  relay
    .command("republish")
    .description("Publish stored events to Kafka again, up to the relay's checkpoint (consumers drop duplicates)")
    .addOption(
      new Option("--from <position|time>", "first global position, or an instant")
        .argParser(positionOrTime)
        .makeOptionMandatory(),
    )
    .option("--to <position>", "last global position (default the relay's checkpoint)", position)
    .action(async (o: { from: { position: number } | { time: Date }; to?: number }) => {
      await withStore(g(), async ({ db, store, kafka, prefix }) => {
        if (!kafka) throw new OperatorError("no KAFKA_BROKERS: re-publication needs the Kafka cluster");
        let bar: ReturnType<typeof progressBar> | undefined;
        let last = 0;
        const outcome = await republish(db, store, kafka, {
          from: o.from,
          to: o.to,
          topicPrefix: prefix,
          onProgress: (sent, total) => {
            bar ??= progressBar(g(), "republish", total);
            bar.tick(sent - last);
            last = sent;
          },
        });
        bar?.stop();
        print(
          g(),
          outcome,
          () => `re-published ${outcome.events} events, positions ${outcome.fromPosition}–${outcome.toPosition}`,
        );
      });
    });

  program
    .command("verify")
    .description("Every stored event on Kafka, every read model equal to its rebuild; exit 1 with a report when not")
    .option("--timeout <seconds>", "how long the read models may take to catch up (default 30)", (v) => Number(v))
    .action(async (o: { timeout?: number }) => {
      await withStore(g(), async ({ db, store, kafka, prefix }) => {
        const report = await verifyPipeline(db, store, {
          kafka,
          topicPrefix: prefix,
          timeoutMs: (o.timeout ?? 30) * 1000,
          onStep: (step) => {
            if (!g().json) process.stderr.write(`… ${step}\n`);
          },
        });
        print(g(), report, () =>
          [
            `${report.ok ? "OK" : "PROBLEMS"}: ${report.storedEvents} stored events` +
              (report.kafka
                ? `, ${report.kafka.expected - report.kafka.missing}/${report.kafka.expected} published on Kafka (${report.kafka.duplicates} re-sends)`
                : ", Kafka not checked (no KAFKA_BROKERS)"),
            ...report.projections.map(
              (p) =>
                `${p.name}: applied ${p.applied}/${p.expected}, parked ${p.parked}, gaps ${p.gaps}, ${p.equalsRebuild ? "equals" : "DIFFERS FROM"} its rebuild`,
            ),
            ...report.problems.map((p) => `! ${p}`),
          ].join("\n"),
        );
        if (!report.ok) process.exitCode = 1;
      });
    });

  program
    .command("migrate")
    .description("Apply the database migrations (idempotent)")
    .action(async () => {
      await withStore(
        g(),
        async ({ db }) => {
          const applied = await migrate(db);
          print(g(), { applied }, () => (applied.length ? `applied ${applied.join(", ")}` : "up to date"));
        },
        false,
      );
    });

  program
    .command("seed")
    .description(
      "Publish the shipped negative-list editions; on an empty store, the 2026 task list and sample declarations",
    )
    .action(async () => {
      await withStore(g(), async ({ db, store }) => {
        await seedEditions(store);
        const tasks = await seedTaskList(db, store);
        const declarations = await seedDeclarations(db, store);
        const result = { editions: "published or already there", tasks: tasks?.created ?? 0, declarations };
        print(g(), result, () =>
          tasks
            ? `seeded the 2026 task list (${tasks.created} tasks) and sample declarations`
            : "found existing data (nothing seeded)",
        );
      });
    });

  program.addCommand(tokenCommand("token", "ftz token"));
  return program;
}

/** Runs the program on `argv`; resolves to the exit status. */
export async function runFtz(argv: string[]): Promise<number> {
  try {
    await ftzProgram().parseAsync(argv, { from: "user" });
    return Number(process.exitCode ?? 0);
  } catch (err) {
    const code = (err as { code?: string; exitCode?: number }).code;
    if (code === "commander.helpDisplayed" || code === "commander.version" || code === "commander.help") return 0;
    if (typeof code === "string" && code.startsWith("commander.")) return 2;
    const message =
      err instanceof OperatorError ||
      err instanceof ParkedNotFoundError ||
      err instanceof GroupActiveError ||
      err instanceof RebuildInProgressError
        ? err.message
        : String(err);
    process.stderr.write(`ftz: ${message}\n`);
    return 2;
  }
}
