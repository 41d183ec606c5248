/**
 * Express handlers for POST commands. A command handler returns its response instead of
 * writing it, so the wrapper can store it under the request's `Idempotency-Key` and replay it
 * (see idempotency.ts). Errors below 500 become stored problem responses too: a retry of the
 * same request gets the same answer. A 5xx releases the key and reaches the error middleware.
 */
import { randomUUID } from "node:crypto";
import type { Request, RequestHandler, Response } from "express";
import { PROBLEM_MEDIA_TYPE } from "../../../contracts/http/responses";
import type { EventMetadata } from "../../platform/event-store/types";
import {
  derivedIdFor,
  eventIdFor,
  type IdempotencyKeyRef,
  type IdempotencyStore,
  keyInProgressProblem,
  keyMissingProblem,
  keyRefOf,
  keyReusedProblem,
  REPLAYED_HEADER,
  requestFingerprint,
  type StoredResponse,
} from "./idempotency";
import { actorOf } from "../auth/access";
import { CONSISTENCY_TOKEN_HEADER, collectingAppends, formatConsistencyToken } from "./consistency";
import { problemResponse, toProblemError } from "./problem";

/** What a command handler answers: status, extra headers (e.g. `ETag`, `Location`) and a JSON body. */
export interface CommandResponse {
  status: number;
  headers?: Record<string, string>;
  /** Serialised as JSON; omit for no body. */
  body?: unknown;
}

/** Per-request facts a command handler needs. */
export interface CommandContext {
  /** The request id (`X-Request-Id`), also the events' correlation id. */
  requestId: string;
  /** The request's idempotency key, when it sent one. */
  idempotencyKey?: IdempotencyKeyRef;
  /**
   * Event ids for `handleCommand`'s `eventIds` option: derived from the idempotency key and body
   * fingerprint (stable across retries) or `undefined` without a key (random ids).
   */
  eventIds?: (index: number) => string;
  /** A new id for something the command creates: derived from the key and body when keyed, else random. */
  newId(purpose: string): string;
  /** Metadata for the events: correlation and causation ids (the request id) and the actor (who). */
  metadata: EventMetadata;
}

/** A command's logic: validate, decide, append; return the response. Throw to refuse (see problem.ts). */
export type CommandHandler = (req: Request, ctx: CommandContext) => Promise<CommandResponse>;

/** What the wrapper needs from the app. */
export interface CommandRouteDeps {
  idempotency: IdempotencyStore;
  /** The principal an idempotency key is scoped to (the authenticated subject; `anonymous` before auth exists). */
  scopeOf(req: Request): string;
}

/** Options of one command route. */
export interface CommandRouteOptions {
  /**
   * Refuse requests without `Idempotency-Key` (400): always (`true`), never (default), or when the
   * function says so for the request (e.g. not for a dry run, which stores nothing).
   */
  requireIdempotencyKey?: boolean | ((req: Request) => boolean);
}

/** The request context of a command, from its id and optional idempotency key and body fingerprint. */
export function commandContext(req: Request, keyed?: { ref: IdempotencyKeyRef; fingerprint: string }): CommandContext {
  const requestId = String(req.id);
  return {
    requestId,
    idempotencyKey: keyed?.ref,
    eventIds: keyed ? (i) => eventIdFor(keyed.ref, keyed.fingerprint, i) : undefined,
    newId: (purpose) => (keyed ? derivedIdFor(keyed.ref, keyed.fingerprint, purpose) : randomUUID()),
    metadata: { correlationId: requestId, causationId: requestId, actor: actorOf(req.principal) },
  };
}

const toStored = (r: CommandResponse, contentType = "application/json; charset=utf-8"): StoredResponse => ({
  status: r.status,
  headers: r.body === undefined ? { ...r.headers } : { "Content-Type": contentType, ...r.headers },
  body: r.body === undefined ? null : JSON.stringify(r.body),
});

/**
 * Runs `handler`; a success that appended events carries their `Consistency-Token`
 * (consistency.ts), stored with the rest of the answer so a replay carries it too.
 */
async function run(handler: CommandHandler, req: Request, c: CommandContext): Promise<CommandResponse> {
  const { result, positions } = await collectingAppends(() => handler(req, c));
  const token = result.status < 300 ? formatConsistencyToken(positions) : null;
  return token ? { ...result, headers: { ...result.headers, [CONSISTENCY_TOKEN_HEADER]: token } } : result;
}

function send(res: Response, r: StoredResponse, replayed: boolean): void {
  res.status(r.status).set(r.headers);
  if (replayed) res.set(REPLAYED_HEADER, "true");
  if (r.body === null) res.end();
  else res.send(r.body);
}

/**
 * Refusals that say "nothing happened, fix the request and send it again" are not stored under
 * the key: a stale or missing `If-Match` (412, 428) and a concurrent modification (409). The
 * corrected retry with the same key then runs instead of replaying the refusal.
 */
const notStored = (p: { status: number; slug: string }) =>
  p.status === 412 || p.status === 428 || p.slug === "concurrent-modification";

/**
 * Wraps a command handler as an express handler with `Idempotency-Key` semantics:
 * claimed → run and store; completed with the same payload → replay with
 * `Idempotent-Replayed: true`; different payload → 422; still running → 409.
 * Without a key the handler just runs (unless `requireIdempotencyKey`, then 400). Answers are
 * stored except 5xx and the retry-with-a-fix refusals (412, 428, 409 concurrent modification).
 */
export function commandRoute(
  deps: CommandRouteDeps,
  handler: CommandHandler,
  opts: CommandRouteOptions = {},
): RequestHandler {
  return async (req, res) => {
    const ref = keyRefOf(req, deps.scopeOf(req));
    if (!ref) {
      const required = opts.requireIdempotencyKey;
      if (typeof required === "function" ? required(req) : required) throw keyMissingProblem();
      send(res, toStored(await run(handler, req, commandContext(req))), false);
      return;
    }
    const fingerprint = requestFingerprint(req.body, req.query as Record<string, unknown>);
    const claim = await deps.idempotency.claim(ref, fingerprint);
    if (claim.kind === "payload_mismatch") throw keyReusedProblem();
    if (claim.kind === "in_progress") throw keyInProgressProblem();
    if (claim.kind === "replay") {
      send(res, claim.response, true);
      return;
    }
    let stored: StoredResponse;
    try {
      stored = toStored(await run(handler, req, commandContext(req, { ref, fingerprint })));
    } catch (err) {
      const problem = toProblemError(err, req);
      if (problem.status >= 500 || notStored(problem)) {
        await deps.idempotency.release(ref, claim.attemptId).catch((e) => {
          req.log?.warn({ err: e }, "could not release idempotency key; it frees itself after the lease");
        });
        throw err;
      }
      const p = problemResponse(problem, req);
      stored = toStored({ status: p.status, headers: p.headers, body: p.body }, `${PROBLEM_MEDIA_TYPE}; charset=utf-8`);
    }
    try {
      await deps.idempotency.complete(ref, claim.attemptId, stored);
    } catch (err) {
      // The command's effect stands; a retry after the lease re-runs it with the same event ids.
      req.log?.warn({ err }, "could not store the idempotent response");
    }
    send(res, stored, false);
  };
}
