/**
 * Where the pipeline stands, for `ftz status` and `GET /operations/status`: the database, Kafka
 * (when configured), the relay (checkpoint, events after it, the oldest one's age, when it last
 * published, stalled or not) and each projection (position, lag in events and seconds, parked
 * events and records, gaps seen).
 */
import type { PipelineStatusView } from "../../contracts/http/operations";
import type { z } from "../../contracts/http/zod";
import { PROJECTIONS } from "../../projections/registry";
import { projectionLag } from "../../projections/runner/lag";
import type { SqlExecutor } from "../platform/db/database";
import { relayBacklog, relayStallSeconds } from "../relay/relay-backlog";

/** The whole report (the contract's PipelineStatus, as GET /operations/status answers it). `healthy` is false when anything needs an operator. */
export type PipelineStatus = z.output<typeof PipelineStatusView>;
/** One projection's figures. */
export type ProjectionStatus = PipelineStatus["projections"][number];

/**
 * Reads the status. `kafkaUp` probes Kafka when given (Kafka mode); without it the embedded mode
 * has no relay, and a backlog is not reported as stalled.
 * @throws the database's error when it cannot be read (the caller reports it down).
 */
export async function pipelineStatus(db: SqlExecutor, kafkaUp?: () => Promise<boolean>): Promise<PipelineStatus> {
  const { rows: cp } = await db.query<{ p: string; at: Date }>(
    "SELECT global_position::text AS p, updated_at AS at FROM checkpoints WHERE name = 'relay'",
  );
  const { rows: head } = await db.query<{ h: string | null }>("SELECT max(global_position)::text AS h FROM events");
  const backlog = await relayBacklog(db);
  const stallSeconds = relayStallSeconds();
  const kafkaState = kafkaUp ? ((await kafkaUp().catch(() => false)) ? "up" : "down") : "not configured";
  const { rows: parked } = await db.query<{ projection: string; kind: string; n: string }>(
    `SELECT projection, 'event' AS kind, count(*)::text AS n FROM parked_events
      WHERE projection NOT LIKE '%\\_\\_rebuild' GROUP BY projection
     UNION ALL SELECT projection, 'record', count(*)::text FROM parked_records GROUP BY projection`,
  );
  const { rows: gaps } = await db.query<{ projection: string; g: string }>(
    "SELECT projection, gaps_seen::text AS g FROM projection_status",
  );
  const count = (name: string, kind: string) =>
    Number(parked.find((r) => r.projection === name && r.kind === kind)?.n ?? 0);
  const projections: ProjectionStatus[] = [];
  for (const p of PROJECTIONS) {
    const lag = await projectionLag(db, p.name, p.categories.includes("*") ? undefined : p.categories);
    projections.push({
      name: p.name,
      lastGlobalPosition: lag.lastGlobalPosition,
      eventsApplied: lag.eventsApplied,
      eventsBehind: lag.eventsBehind,
      secondsBehind: Math.round(lag.secondsBehind * 1000) / 1000,
      parkedEvents: count(p.name, "event"),
      parkedRecords: count(p.name, "record"),
      gapsSeen: Number(gaps.find((g) => g.projection === p.name)?.g ?? 0),
    });
  }
  const stalled = kafkaUp !== undefined && backlog.events > 0 && backlog.oldestSeconds > stallSeconds;
  const attention = [
    ...(kafkaState === "down" ? ["Kafka is unreachable"] : []),
    ...(stalled
      ? [`the relay has not published for ${Math.round(backlog.oldestSeconds)} s (${backlog.events} events waiting)`]
      : []),
    ...projections.flatMap((p) => [
      ...(p.parkedEvents + p.parkedRecords > 0
        ? [`${p.name}: ${p.parkedEvents} parked events, ${p.parkedRecords} parked records (ftz parked list)`]
        : []),
      ...(p.eventsBehind > 0 && (p.eventsApplied === 0 || p.secondsBehind > stallSeconds)
        ? [
            `${p.name}: ${p.eventsBehind} events behind${p.eventsApplied === 0 ? ", nothing applied yet (is a worker running?)" : `, ${Math.round(p.secondsBehind)} s`}`,
          ]
        : []),
      ...(p.gapsSeen > 0 ? [`${p.name}: ${p.gapsSeen} gaps in stream revisions seen (ftz verify)`] : []),
    ]),
  ];
  return {
    healthy: attention.length === 0,
    database: "up",
    kafka: kafkaState,
    relay: {
      checkpoint: cp[0] ? Number(cp[0].p) : null,
      lastPublishedAt: cp[0] ? new Date(cp[0].at).toISOString() : null,
      eventsBehind: backlog.events,
      oldestUnpublishedSeconds: Math.round(backlog.oldestSeconds * 1000) / 1000,
      stalled,
      stallSeconds,
    },
    head: Number(head[0]?.h ?? 0),
    projections,
    attention,
  };
}
