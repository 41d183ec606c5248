/**
 * `Idempotency-Key` for POST commands (draft-ietf-httpapi-idempotency-key-header; README, architecture),
 * stored in `idempotency_keys` (infra/migrations/002_idempotency.sql).
 *
 * A key is scoped by (principal, key, method, path) and fingerprinted by the SHA-256 of the
 * payload: the canonical JSON body (keys sorted, RFC 8785 style) or a raw (file) body's bytes,
 * plus the query parameters. The first request claims the key with an
 * `in_progress` row (one auto-committed statement), runs, then stores status, headers and
 * body. Afterwards:
 * - same key, same payload, completed → the stored response, replayed with `Idempotent-Replayed: true`;
 * - same key, different payload → 422;
 * - same key while the first still runs → 409 (with `Retry-After`);
 * - a first request that failed with a 5xx, or was refused for a stale or missing `If-Match` or a
 *   concurrent modification, releases the key, so a corrected retry runs again;
 * - an `in_progress` row older than the lease (the process died mid-request) may be taken over
 *   by a retry with the same payload; events get ids derived from the key (`eventIdFor`), so the
 *   retried command's append is an idempotent replay in the store, never a second copy;
 * - rows expire after the TTL (24 h): an expired key is free again, `deleteExpired` removes them.
 */
import { createHash, randomUUID } from "node:crypto";
import type { Request } from "express";
import stringify from "safe-stable-stringify";
import type { Database } from "../../platform/db/database";
import { uuidV5 } from "../../platform/uuid-v5";
import { ProblemError } from "./problem";

/** Response header marking a replayed response. */
export const REPLAYED_HEADER = "Idempotent-Replayed";

/** Tunables of the idempotency store. */
export interface IdempotencyOptions {
  /** Seconds a key lives after it is first used. Default 86,400 (24 h). */
  ttlSeconds?: number;
  /** Seconds after which an `in_progress` key may be taken over by a retry. Default 60. */
  leaseSeconds?: number;
}

/** Identity of one idempotency key: who used it, and for which method and path. */
export interface IdempotencyKeyRef {
  /** Principal (authenticated subject) or `anonymous`. */
  scope: string;
  key: string;
  /** Upper-case HTTP method. */
  method: string;
  /** Request path without the query string. */
  path: string;
}

/** A response as stored for replay: status, selected headers, serialised body (or null for none). */
export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string | null;
}

/** What claiming a key found. */
export type ClaimOutcome =
  | { kind: "claimed"; attemptId: string }
  | { kind: "replay"; response: StoredResponse }
  | { kind: "payload_mismatch" }
  | { kind: "in_progress" };

const MAX_KEY_LENGTH = 255;

/**
 * The key in an `Idempotency-Key` value: a structured-field string (RFC 8941 §3.3.3, quoted,
 * `\"` and `\\` escapes) or, leniently, a bare token; 1–255 printable ASCII characters.
 * Returns `undefined` when the header is absent.
 * @throws ProblemError 400 `invalid-idempotency-key` when malformed.
 */
export function parseIdempotencyKey(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let v = value.trim();
  if (v.startsWith('"')) {
    const m = /^"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"$/.exec(v);
    v = m ? m[1]!.replace(/\\(["\\])/g, "$1") : "";
  } else if (!/^[\x21-\x7e]+$/.test(v)) {
    v = "";
  }
  if (v.length === 0 || v.length > MAX_KEY_LENGTH) {
    throw new ProblemError({
      status: 400,
      slug: "invalid-idempotency-key",
      title: "Invalid Idempotency-Key",
      detail: `Idempotency-Key must be a string of 1 to ${MAX_KEY_LENGTH} printable ASCII characters, e.g. "<uuid>"`,
    });
  }
  return v;
}

/**
 * SHA-256 (hex) of a request's payload: the canonical JSON of a parsed body (object keys sorted;
 * `undefined` counts as `null`) or the bytes of a raw (file) body, plus the query string's
 * parameters when there are any (an upload's options live there), so the same key with another
 * file or other options is a different payload.
 */
export function requestFingerprint(body: unknown, query?: Record<string, unknown>): string {
  const hash = createHash("sha256");
  if (Buffer.isBuffer(body)) hash.update("raw\n").update(body);
  else hash.update(stringify(body ?? null) ?? "null", "utf8");
  if (query && Object.keys(query).length > 0) hash.update(`\nquery ${stringify(query)}`, "utf8");
  return hash.digest("hex");
}

/** The key reference of a request: scope from `scopeOf`, method, path without query. `undefined` without a key. */
export function keyRefOf(req: Request, scope: string): IdempotencyKeyRef | undefined {
  const key = parseIdempotencyKey(req.get("idempotency-key"));
  if (key === undefined) return undefined;
  return { scope, key, method: req.method.toUpperCase(), path: req.originalUrl.split("?")[0]! };
}

const nameOf = (ref: IdempotencyKeyRef, fingerprint: string) =>
  JSON.stringify([ref.scope, ref.method, ref.path, ref.key, fingerprint]);

/**
 * The event id of the `index`-th event a keyed command appends: a UUID v5 of the key reference,
 * the request fingerprint and the index. A retry of the same request gets the same ids, so the
 * store refuses to append them twice (it returns the original append instead); the same key
 * reused with another payload after it expired gets other ids.
 */
export function eventIdFor(ref: IdempotencyKeyRef, fingerprint: string, index: number): string {
  return uuidV5(`${nameOf(ref, fingerprint)}#event:${index}`);
}

/** A stable id for something the keyed request creates (`purpose` names it, e.g. `"counter"`). */
export function derivedIdFor(ref: IdempotencyKeyRef, fingerprint: string, purpose: string): string {
  return uuidV5(`${nameOf(ref, fingerprint)}#id:${purpose}`);
}

interface KeyRow {
  request_hash: string;
  status: "in_progress" | "completed";
  attempt_id: string;
  response_status: number | null;
  response_headers: Record<string, string> | null;
  response_body: string | null;
}

/** The `idempotency_keys` table: claim, complete, release, expire. */
export class IdempotencyStore {
  readonly ttlSeconds: number;
  readonly leaseSeconds: number;

  constructor(
    readonly db: Database,
    opts: IdempotencyOptions = {},
  ) {
    this.ttlSeconds = opts.ttlSeconds ?? 86_400;
    this.leaseSeconds = opts.leaseSeconds ?? 60;
  }

  /**
   * Claims `ref` for a request with fingerprint `hash`: inserts an `in_progress` row, or takes
   * over an expired row, or a stale `in_progress` row of the same payload. Otherwise reports
   * what the existing row says (replay, payload mismatch, in progress).
   */
  async claim(ref: IdempotencyKeyRef, hash: string): Promise<ClaimOutcome> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const attemptId = randomUUID();
      const { rows: claimed } = await this.db.query<{ attempt_id: string }>(
        `INSERT INTO idempotency_keys (scope, idempotency_key, method, path, request_hash, status, attempt_id)
         VALUES ($1, $2, $3, $4, $5, 'in_progress', $6)
         ON CONFLICT (scope, idempotency_key, method, path) DO UPDATE
           SET request_hash = EXCLUDED.request_hash, status = 'in_progress', attempt_id = EXCLUDED.attempt_id,
               locked_at = now(), created_at = now(), response_status = NULL, response_headers = NULL,
               response_body = NULL, completed_at = NULL
           WHERE idempotency_keys.created_at < now() - $7::float8 * interval '1 second'
              OR (idempotency_keys.status = 'in_progress'
                  AND idempotency_keys.locked_at < now() - $8::float8 * interval '1 second'
                  AND idempotency_keys.request_hash = EXCLUDED.request_hash)
         RETURNING attempt_id`,
        [ref.scope, ref.key, ref.method, ref.path, hash, attemptId, this.ttlSeconds, this.leaseSeconds],
      );
      if (claimed[0]?.attempt_id === attemptId) return { kind: "claimed", attemptId };
      const { rows } = await this.db.query<KeyRow>(
        `SELECT request_hash, status, attempt_id, response_status, response_headers, response_body
         FROM idempotency_keys WHERE scope = $1 AND idempotency_key = $2 AND method = $3 AND path = $4`,
        [ref.scope, ref.key, ref.method, ref.path],
      );
      const row = rows[0];
      if (!row) continue; // released or expired in between: claim again
      if (row.request_hash !== hash) return { kind: "payload_mismatch" };
      if (row.status === "in_progress") return { kind: "in_progress" };
      return {
        kind: "replay",
        response: { status: row.response_status!, headers: row.response_headers ?? {}, body: row.response_body },
      };
    }
    return { kind: "in_progress" };
  }

  /** Stores the response of the attempt that claimed `ref`. Returns false when the attempt lost its claim. */
  async complete(ref: IdempotencyKeyRef, attemptId: string, response: StoredResponse): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `UPDATE idempotency_keys
       SET status = 'completed', response_status = $6, response_headers = $7::jsonb, response_body = $8, completed_at = now()
       WHERE scope = $1 AND idempotency_key = $2 AND method = $3 AND path = $4 AND attempt_id = $5`,
      [
        ref.scope,
        ref.key,
        ref.method,
        ref.path,
        attemptId,
        response.status,
        JSON.stringify(response.headers),
        response.body,
      ],
    );
    return rowCount > 0;
  }

  /** Frees the key after a failed (5xx) attempt so that a retry runs the command again. */
  async release(ref: IdempotencyKeyRef, attemptId: string): Promise<void> {
    await this.db.query(
      `DELETE FROM idempotency_keys
       WHERE scope = $1 AND idempotency_key = $2 AND method = $3 AND path = $4 AND attempt_id = $5`,
      [ref.scope, ref.key, ref.method, ref.path, attemptId],
    );
  }

  /** Deletes keys created more than `olderThanSeconds` (default: the TTL) ago; returns how many. */
  async deleteExpired(olderThanSeconds: number = this.ttlSeconds): Promise<number> {
    const { rowCount } = await this.db.query(
      "DELETE FROM idempotency_keys WHERE created_at < now() - $1::float8 * interval '1 second'",
      [olderThanSeconds],
    );
    return rowCount;
  }
}

/** 422: the key was used before with another payload. */
export const keyReusedProblem = () =>
  new ProblemError({
    status: 422,
    slug: "idempotency-key-reused",
    title: "Idempotency-Key reused with a different payload",
    detail: "This Idempotency-Key was already used for a different request body; use a new key for a new request",
  });

/** 409: the first request with this key is still running. */
export const keyInProgressProblem = () =>
  new ProblemError({
    status: 409,
    slug: "idempotency-key-in-progress",
    title: "Request with this Idempotency-Key in progress",
    detail: "A request with this Idempotency-Key is still being processed; retry later",
    headers: { "Retry-After": "1" },
  });

/** 400: the operation requires an Idempotency-Key and none was sent. */
export const keyMissingProblem = () =>
  new ProblemError({
    status: 400,
    slug: "idempotency-key-missing",
    title: "Idempotency-Key required",
    detail: "This operation requires an Idempotency-Key header (a fresh UUID per logical request)",
  });
