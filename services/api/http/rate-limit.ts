/**
 * Per-client rate limits (express-rate-limit): a fixed window per authenticated subject, or per
 * IP address without a token. Over the limit: 429 problem details with `Retry-After` (RFC 6585
 * §4) and the IETF `RateLimit` headers. The limit is `RATE_LIMIT_PER_MINUTE` (default 1200).
 */
import type { RequestHandler } from "express";
import { ipKeyGenerator, type Options, rateLimit } from "express-rate-limit";
import { principalScope } from "../auth/access";
import { ProblemError } from "./problem";

/** When the client's window resets (ms), as express-rate-limit records it on the request. */
const resetOf = (req: object): number | undefined =>
  (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime?.getTime();

/** 429 problem details with Retry-After: the seconds until the client's window resets. */
const tooMany: Options["handler"] = (req, _res, next, options) =>
  next(
    new ProblemError({
      status: 429,
      slug: "too-many-requests",
      title: "Too many requests",
      detail: `At most ${options.limit} requests a minute per client; retry after the Retry-After seconds`,
      headers: {
        "Retry-After": String(
          Math.max(1, Math.ceil(((resetOf(req) ?? Date.now() + options.windowMs) - Date.now()) / 1000)),
        ),
      },
    }),
  );

/** Requests per minute per client. */
export const defaultRateLimit = (): number => Number(process.env.RATE_LIMIT_PER_MINUTE ?? 1200);

/** Probes that must answer whatever a client does. */
const PROBES = new Set(["/health", "/ready"]);

/**
 * Counts, per IP address, only requests answered 401 (bad or missing token), before the token is
 * verified: a flood of forged tokens is limited like any other traffic instead of costing one
 * signature check each without end.
 */
export function failedAuthRateLimit(perMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: "draft-7",
    legacyHeaders: false,
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => res.statusCode !== 401,
    skip: (req) => PROBES.has(req.path),
    keyGenerator: (req) => `auth-failures:${ipKeyGenerator(req.ip ?? "")}`,
    handler: tooMany,
  });
}

/** The limiter for `perMinute` requests per principal (per IP address without a token) per minute; probes exempt. */
export function clientRateLimit(perMinute: number): RequestHandler {
  return rateLimit({
    skip: (req) => PROBES.has(req.path),
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: "draft-7",
    legacyHeaders: false,
    // Per principal (role, enterprise, subject), as idempotency keys are: an admin and an analyst
    // who share a subject have a budget each.
    keyGenerator: (req) => (req.principal ? `principal:${principalScope(req)}` : `ip:${ipKeyGenerator(req.ip ?? "")}`),
    handler: tooMany,
  });
}
