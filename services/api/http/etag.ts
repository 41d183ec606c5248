/**
 * Optimistic concurrency over HTTP (RFC 9110 §8.8.3, §13.1.1, RFC 6585 §3): the `ETag` of an
 * aggregate is its stream version as a strong entity tag, `"<version>"`; updates must send
 * `If-Match` with the tag they read. The store compares it with the stream's version, so a
 * stale tag surfaces as WrongExpectedVersionError → 412.
 */
import type { Request, Response } from "express";
import type { ExpectedVersion } from "../../platform/event-store/types";
import { ProblemError, Problems } from "./problem";

/**
 * The strong ETag of a stream version: `3` → `"3"`; with a `variant` (lower-case letters) when the
 * representation also depends on the date: `(3, "overdue")` → `"3.overdue"` (contracts/http/common.ts).
 */
export const formatETag = (version: number, variant?: string): string =>
  variant ? `"${version}.${variant}"` : `"${version}"`;

/** Sets the `ETag` response header to the stream version (and variant). */
export function setETag(res: Response, version: number, variant?: string): void {
  res.set("ETag", formatETag(version, variant));
}

const STRONG_VERSION = /^"(0|[1-9]\d{0,14})(?:\.[a-z]{1,20})?"$/;
const ENTITY_TAG = /^(W\/)?"[\x21\x23-\x7e\x80-\xff]*"$/;

/**
 * The expected version an `If-Match` value asks for: a strong `"<version>"` → that number;
 * `*` → `stream_exists` (RFC 9110: any current representation).
 * @throws ProblemError 400 `invalid-precondition` when the value is not one entity tag (lists
 *   are refused: a command needs exactly one expected version); 412 `precondition-failed` for a
 *   well-formed tag that can never match (weak, since If-Match compares strongly, or not a version).
 */
export function parseIfMatch(value: string): ExpectedVersion {
  const v = value.trim();
  if (v === "*") return "stream_exists";
  const m = STRONG_VERSION.exec(v);
  if (m) return Number(m[1]);
  if (!ENTITY_TAG.test(v)) {
    throw Problems.invalidPrecondition(
      `If-Match must be exactly one entity tag such as "3" (the ETag you read), or *; got ${JSON.stringify(v.slice(0, 80))}`,
    );
  }
  throw new ProblemError({
    status: 412,
    slug: "precondition-failed",
    title: "Precondition failed",
    detail: v.startsWith("W/")
      ? "If-Match uses strong comparison; a weak entity tag never matches"
      : "If-Match does not match the current version",
    extensions: { actualVersion: null },
  });
}

/**
 * The expected version of an update from its `If-Match` header. `*` (any version) would make
 * the update a blind overwrite, so it is refused unless `opts.allowAny`.
 * @throws ProblemError 428 `precondition-required` when the header is missing (RFC 6585 §3) or
 *   is `*` where not allowed, 400 when it is malformed, 412 when it can never match (see `parseIfMatch`).
 */
export function requireIfMatch(req: Request, opts: { allowAny?: boolean } = {}): ExpectedVersion {
  const value = req.get("if-match");
  if (value === undefined || value.trim() === "") {
    throw Problems.preconditionRequired(
      "Updates need an If-Match header with the ETag of the version you read (GET the resource first)",
    );
  }
  if (value.trim() === "*" && !opts.allowAny) {
    throw Problems.preconditionRequired(
      'If-Match: * would overwrite whatever version is current; send the ETag you read, e.g. "3"',
    );
  }
  return parseIfMatch(value);
}
