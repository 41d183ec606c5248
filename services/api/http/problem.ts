/**
 * RFC 9457 problem details (`application/problem+json`) for every error the API returns: the
 * `ProblemError` class, the mapping from the platform's typed errors to problems, and the
 * express handlers for unknown routes and errors. No response leaves the API with a
 * non-problem error body (README, architecture).
 */
import type { ErrorRequestHandler, Request, RequestHandler, Response } from "express";
import { ZodError } from "zod";
import type { ProblemDocument } from "../../../contracts/http/common";
import { PROBLEM_MEDIA_TYPE } from "../../../contracts/http/responses";
import { isTransient } from "../../platform/db/transient";
import { DomainError } from "../../platform/decider";
import {
  DuplicateEventIdError,
  EventTooLargeError,
  StreamBusyError,
  InvalidAppendError,
  InvalidEventDataError,
  WrongExpectedVersionError,
} from "../../platform/event-store/errors";
import { type FieldError, fieldErrorsFromZod } from "./json-pointer";

/** Prefix of every problem `type` URI; the slug after it is stable per kind of error. */
export const PROBLEM_TYPE_BASE = "https://ftz.example/problems/";

/** The `type` URI of a problem slug, e.g. `problemType("not-found")`. */
export const problemType = (slug: string): string => `${PROBLEM_TYPE_BASE}${slug}`;

/** What a `ProblemError` is made of. `extensions` become extra members of the document. */
export interface ProblemInit {
  /** HTTP status code (400–599). */
  status: number;
  /** Stable, lower-case kebab slug; the `type` URI is `PROBLEM_TYPE_BASE + slug`. */
  slug: string;
  /** Short, stable summary of the problem type (the same for every occurrence). */
  title: string;
  /** Human-readable explanation of this occurrence. */
  detail?: string;
  /** Field-level validation errors (JSON pointers, RFC 6901). */
  errors?: FieldError[];
  /** Extra members, e.g. `{ code, state }` or `{ actualVersion }`. Must not clash with the standard members. */
  extensions?: Record<string, unknown>;
  /** Extra response headers, e.g. `Retry-After`. */
  headers?: Record<string, string>;
}

/** An error that is already an HTTP problem: throw it from a handler and the error middleware sends it. */
export class ProblemError extends Error {
  readonly status: number;
  readonly slug: string;
  readonly title: string;
  readonly detail?: string;
  readonly errors?: FieldError[];
  readonly extensions: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(init: ProblemInit) {
    super(init.detail ?? init.title);
    this.name = "ProblemError";
    this.status = init.status;
    this.slug = init.slug;
    this.title = init.title;
    this.detail = init.detail;
    this.errors = init.errors;
    this.extensions = init.extensions ?? {};
    this.headers = init.headers ?? {};
  }

  /** The problem's `type` URI. */
  get type(): string {
    return problemType(this.slug);
  }
}

/** A problem ready to send: status, headers and the RFC 9457 document. */
export interface ProblemResponse {
  status: number;
  headers: Record<string, string>;
  body: ProblemDocument;
}

/** Common problems with their fixed status, slug and title. */
export const Problems = {
  validationFailed: (errors: FieldError[], detail = "The request is not valid; see errors[]") =>
    new ProblemError({ status: 400, slug: "validation-failed", title: "Request validation failed", detail, errors }),
  notFound: (detail: string) => new ProblemError({ status: 404, slug: "not-found", title: "Not found", detail }),
  preconditionRequired: (detail: string) =>
    new ProblemError({ status: 428, slug: "precondition-required", title: "Precondition required", detail }),
  invalidPrecondition: (detail: string) =>
    new ProblemError({ status: 400, slug: "invalid-precondition", title: "Malformed precondition header", detail }),
  notReady: (detail: string, checks: Record<string, unknown>) =>
    new ProblemError({
      status: 503,
      slug: "not-ready",
      title: "Service not ready",
      detail,
      extensions: { checks },
      headers: { "Retry-After": "5" },
    }),
} as const;

const humanize = (code: string) => {
  const words = code.replace(/[_-]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
};
const slugOf = (code: string) =>
  code
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "") || "domain-error";

/** body-parser / raw-body errors carry a `type` string and an http-errors `status`. */
interface BodyParserError extends Error {
  type: string;
  status?: number;
  limit?: number;
  charset?: string;
  encoding?: string;
}
const isBodyParserError = (err: unknown): err is BodyParserError =>
  err instanceof Error &&
  typeof (err as BodyParserError).type === "string" &&
  /^(entity|request|encoding|charset|stream)\./.test((err as BodyParserError).type);

/**
 * Maps any thrown value to a `ProblemError`:
 * - `ProblemError` → itself;
 * - `ZodError` → 400 `validation-failed` with `errors[]` pointers (relative to the validated value);
 * - `WrongExpectedVersionError` → 412 `precondition-failed` when the request carried `If-Match`
 *   (RFC 9110 §13.1.1), else 409 `concurrent-modification`; both carry `actualVersion`;
 * - `StreamBusyError` → 503 `stream-busy` with `Retry-After: 1` (one stream's lock is held too
 *   long; the database is up, other streams are served);
 * - `EventTooLargeError` → 413; `InvalidEventDataError` → 400 naming the pointer;
 *   `InvalidAppendError` → 400; `DuplicateEventIdError` → 409;
 * - `DomainError` → its status (409 or 422) with its `code` (slug and member) and `details` as members (e.g. `state`);
 * - body-parser errors → 400 malformed JSON or bytes that are not UTF-8, 413 too large, 415 unsupported
 *   charset/encoding; the router's failure to percent-decode a path parameter → 400 `malformed-path`;
 * - transient database errors (connection lost, server restarting, serialisation race; see
 *   `isTransient`) → 503 `database-unavailable` with `Retry-After: 1`;
 * - anything else → 500 `internal-error` with no internals in the document.
 */
export function toProblemError(err: unknown, req?: Request): ProblemError {
  if (err instanceof ProblemError) return err;
  if (err instanceof ZodError) return Problems.validationFailed(fieldErrorsFromZod(err));
  if (err instanceof WrongExpectedVersionError) {
    const actualVersion = err.actual === "no_stream" ? null : err.actual;
    const conditional = req?.get("if-match") !== undefined;
    return new ProblemError(
      conditional
        ? {
            status: 412,
            slug: "precondition-failed",
            title: "Precondition failed",
            detail: "If-Match does not match the current version; read the resource again and retry",
            extensions: { actualVersion },
            headers: actualVersion === null ? {} : { ETag: `"${actualVersion}"` },
          }
        : {
            status: 409,
            slug: "concurrent-modification",
            title: "Concurrent modification",
            detail:
              err.expected === "no_stream"
                ? "The resource already exists"
                : "The resource changed while the command ran; retry",
            extensions: { actualVersion },
          },
    );
  }
  if (err instanceof StreamBusyError) {
    return new ProblemError({
      status: 503,
      slug: "stream-busy",
      title: "Stream busy",
      detail: err.message,
      extensions: { streamId: err.streamId },
      headers: { "Retry-After": "1" },
    });
  }
  if (err instanceof EventTooLargeError) {
    return new ProblemError({
      status: 413,
      slug: "event-too-large",
      title: "Event too large",
      detail: err.message,
      extensions: { sizeBytes: err.sizeBytes, limitBytes: err.limitBytes },
    });
  }
  if (err instanceof InvalidEventDataError) {
    return new ProblemError({
      status: 400,
      slug: "invalid-event-data",
      title: "Data cannot be stored",
      detail: `value at ${err.path || "/"} ${err.reason}`,
      errors: [{ pointer: err.path, detail: err.reason }],
      extensions: { pointer: err.path },
    });
  }
  if (err instanceof InvalidAppendError) {
    return new ProblemError({ status: 400, slug: "invalid-append", title: "Invalid append", detail: err.message });
  }
  if (err instanceof DuplicateEventIdError) {
    return new ProblemError({
      status: 409,
      slug: "duplicate-event-id",
      title: "Duplicate event id",
      detail: err.message,
    });
  }
  if (err instanceof DomainError) {
    return new ProblemError({
      status: err.status,
      slug: slugOf(err.code),
      title: humanize(err.code),
      detail: err.message,
      extensions: { ...err.details, code: err.code },
    });
  }
  if (isBodyParserError(err)) return bodyParserProblem(err);
  if (err instanceof URIError && (err as URIError & { status?: number }).status === 400) {
    // The router could not percent-decode a path parameter (e.g. `%ZZ`, `%FF`, an encoded lone surrogate).
    return new ProblemError({
      status: 400,
      slug: "malformed-path",
      title: "Malformed path",
      detail: "A path segment is not valid percent-encoded UTF-8 (RFC 3986 §2.1)",
    });
  }
  if (isTransient(err)) {
    // Almost always nothing was applied (the transaction did not commit); only a connection lost
    // while COMMIT was in flight leaves the outcome unknown, which a retry with the same
    // Idempotency-Key (or If-Match) resolves without applying the command twice.
    return new ProblemError({
      status: 503,
      slug: "database-unavailable",
      title: "Database unavailable",
      detail:
        "The database could not complete the request (restart, connection loss or a lost race); retry with the same Idempotency-Key or If-Match",
      headers: { "Retry-After": "1" },
    });
  }
  return new ProblemError({
    status: 500,
    slug: "internal-error",
    title: "Internal server error",
    detail: "An unexpected error occurred; quote the requestId when reporting it",
  });
}

function bodyParserProblem(err: BodyParserError): ProblemError {
  switch (err.type) {
    case "entity.parse.failed":
      return new ProblemError({
        status: 400,
        slug: "malformed-json",
        title: "Malformed JSON",
        detail: "The request body is not valid JSON (RFC 8259); an object or array is expected",
      });
    case "entity.too.large":
      return new ProblemError({
        status: 413,
        slug: "payload-too-large",
        title: "Request body too large",
        detail: `The request body exceeds the limit of ${err.limit ?? "?"} bytes`,
        extensions: err.limit === undefined ? {} : { limitBytes: err.limit },
      });
    case "encoding.invalid-utf8":
      return new ProblemError({
        status: 400,
        slug: "invalid-utf8",
        title: "Body is not UTF-8",
        detail: "The request body is not valid UTF-8 (RFC 8259 §8.1); send JSON text encoded as UTF-8",
      });
    case "charset.unsupported":
    case "encoding.unsupported":
      return new ProblemError({
        status: 415,
        slug: "unsupported-media-type",
        title: "Unsupported media type",
        detail: err.type === "charset.unsupported" ? `Charset ${err.charset} is not supported; use utf-8` : err.message,
      });
    default: {
      const status = err.status && err.status >= 400 && err.status < 500 ? err.status : 400;
      return new ProblemError({ status, slug: "bad-request", title: "Bad request", detail: err.message });
    }
  }
}

/** The document, headers and status for `problem`, with `instance` and `requestId` of `req`. */
export function problemResponse(problem: ProblemError, req?: Request): ProblemResponse {
  const body: ProblemDocument = {
    ...problem.extensions,
    type: problem.type,
    title: problem.title,
    status: problem.status,
    ...(problem.detail === undefined ? {} : { detail: problem.detail }),
    ...(problem.errors === undefined ? {} : { errors: problem.errors }),
    ...(req ? { instance: req.originalUrl, requestId: String(req.id) } : {}),
  };
  return { status: problem.status, headers: { ...problem.headers }, body };
}

/** Writes a problem response (`application/problem+json; charset=utf-8`). */
export function sendProblem(res: Response, problem: ProblemResponse): void {
  res.status(problem.status).set(problem.headers).type(PROBLEM_MEDIA_TYPE).json(problem.body);
}

/** Last route: anything unmatched is a 404 problem. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(Problems.notFound(`No route for ${req.method} ${req.path}`));
};

/**
 * The error middleware (mount last). Sends every error as a problem; logs 5xx with the error
 * (through pino-http's `req.log`), never putting internals in the response. When headers are
 * already sent it hands over to express, which closes the connection.
 */
export const problemErrorHandler: ErrorRequestHandler = (err, req, res, next) => {
  if (res.headersSent) {
    next(err);
    return;
  }
  const problem = toProblemError(err, req);
  if (problem.status >= 500) {
    req.log?.error({ err }, "request failed");
  }
  sendProblem(res, problemResponse(problem, req));
};
