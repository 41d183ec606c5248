/**
 * Shared HTTP schemas: safe strings, identifiers, header values and the RFC 9457 problem
 * document. Every bounded context builds its request and response bodies from these.
 */
import { unsafeStringReason } from "../json-safety";
import { z } from "./zod";

/**
 * A string that PostgreSQL jsonb can store unchanged: refuses `\u0000` and lone UTF-16
 * surrogates (README, architecture) with a message naming the problem. Chain `.min()`, `.max()` etc.
 * as on any zod string.
 */
export const SafeString = z.string().superRefine((s, ctx) => {
  const reason = unsafeStringReason(s);
  if (reason) ctx.addIssue({ code: "custom", message: `string ${reason}` });
});

/**
 * A whole number from `min` to `max` in a query string, written with digits only: an empty
 * value, a sign, spaces, an exponent (`1e2`) or hex (`0x10`) is refused, where `z.coerce.number()`
 * would read them as numbers. Documented as an integer with its bounds.
 */
export const QueryInteger = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, `a whole number from ${min} to ${max}, digits only`)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .openapi({ type: "integer", minimum: min, maximum: max });

/** `QueryInteger` that is `fallback` when the parameter is absent (documented as its default). */
export const QueryIntegerOr = (min: number, max: number, fallback: number) =>
  QueryInteger(min, max).default(fallback).openapi({ default: fallback });

/** A UUID (RFC 9562), lower- or upper-case hex with hyphens. */
export const Uuid = z.uuid().openapi({ example: "3f2b8c1e-8a4e-4d0b-9a51-2f0c5b7d9e10" });

/** A stream revision (0 for the first event); also the value inside an ETag. */
export const StreamVersion = z.number().int().min(0).openapi({ description: "Stream revision, from 0" });

/** Business time: an ISO 8601 / RFC 3339 instant with an explicit offset. */
export const Instant = z.iso.datetime({ offset: true }).openapi({ example: "2026-03-01T09:30:00+08:00" });

/**
 * `Idempotency-Key` request header (draft-ietf-httpapi-idempotency-key-header): a structured
 * field string (RFC 8941 §3.3.3: quoted, `\"` and `\\` escapes), or leniently a bare token;
 * 1–255 printable ASCII characters; a UUID is recommended. Malformed → 400.
 */
const IdempotencyKeyValue = z
  .string()
  .regex(/^\s*("(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\]){1,255}"|[\x21\x23-\x7e][\x21-\x7e]{0,254})\s*$/);

const IDEMPOTENCY =
  "Makes a POST safe to retry: the same key and payload return the stored response (with Idempotent-Replayed: true); " +
  "a different payload with the same key is refused (422); a concurrent duplicate gets 409. " +
  "1–255 printable ASCII characters, quoted (a structured-field string) or bare; malformed → 400.";

/** Optional `Idempotency-Key` (commands that are safe to repeat anyway). */
export const IdempotencyKeyHeader = IdempotencyKeyValue.optional().openapi({
  description: IDEMPOTENCY,
  example: '"5b1d8e52-6a0b-4f0e-9a57-0d3c1c9b7a11"',
});

/** `Idempotency-Key` on the commands that create something: without it, 400 `idempotency-key-missing`. */
export const RequiredIdempotencyKeyHeader = IdempotencyKeyValue.openapi({
  description: `Required (missing → 400 idempotency-key-missing). ${IDEMPOTENCY}`,
  example: '"5b1d8e52-6a0b-4f0e-9a57-0d3c1c9b7a11"',
});

/** `If-Match` request header: the strong ETag (`"<version>"`) the client last read. Required on updates. */
export const IfMatchHeader = z
  .string()
  // `*`, or entity tags separated by commas (RFC 9110 §8.8.3, §13.1.1); a tag that is not a
  // version never matches (412).
  // (empty list elements are ignored, RFC 9110 §5.6.1).
  .regex(/^\s*(\*|(,\s*)*(W\/)?"[\x21\x23-\x7e]*"(\s*,(\s*,)*\s*(W\/)?"[\x21\x23-\x7e]*")*(\s*,)*)\s*$/)
  .openapi({
    description:
      'The ETag the update is based on, e.g. `"3"` (or `"3.overdue"`: the version is what counts), or a list ' +
      '(`"3", "4"`: any of them). Missing → 428; stale → 412 with actualVersion; a weak tag never matches (412); ' +
      "anything but entity tags → 400.",
    example: '"3"',
  });

/**
 * `ETag` response header: the stream version as a strong entity tag, `"3"`, with a suffix when
 * the representation also depends on the date (`"3.overdue"`: a task that became overdue without
 * a new event), so a conditional GET never answers 304 with a stale date-dependent field.
 */
export const ETagHeader = z.string().openapi({
  description:
    'Stream version as a strong ETag, `"<version>"`, or `"<version>.<variant>"` when a date-dependent part of ' +
    'the representation changed without a new event (`"3.overdue"`). If-Match compares the version.',
  example: '"3"',
});

/** One field-level validation error: a JSON pointer (RFC 6901) into the request and what is wrong there. */
export const ProblemFieldError = z
  .object({
    pointer: z.string().openapi({ example: "/body/name" }),
    detail: z.string(),
  })
  .openapi("ProblemFieldError");

/**
 * RFC 9457 problem details (`application/problem+json`). `type` is a stable URI per kind of
 * error (`https://ftz.example/problems/<slug>`); `errors` lists field-level validation
 * failures; further members (e.g. `code`, `state`, `actualVersion`) depend on the type.
 */
export const Problem = z
  .object({
    type: z.string().openapi({ example: "https://ftz.example/problems/validation-failed" }),
    title: z.string(),
    status: z.number().int().min(100).max(599),
    detail: z.string().optional(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z.array(ProblemFieldError).optional(),
  })
  .catchall(z.unknown())
  .openapi("Problem");

/** The TypeScript shape of a problem document. */
export type ProblemDocument = z.infer<typeof Problem>;

/** Who caused an event, as a reader may see it (README, "Who sees what"). */
export const ActorView = z
  .object({
    subject: z.string().optional().openapi({ description: "Who acted (a person's account): shown to admins only" }),
    role: z.string(),
    enterprise: z
      .string()
      .optional()
      .openapi({ description: "Credit code of the enterprise that acted, when one did" }),
  })
  .openapi("Actor");
