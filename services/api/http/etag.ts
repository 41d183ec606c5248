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

/**
 * An `If-Match` list of several entity tags (RFC 9110 §13.1.1: it matches when the current
 * representation's tag is any of them): the versions it names. `settleIfMatch` turns it into
 * one expected version once the stream's current version is known.
 */
export interface AnyOfVersions {
  anyOf: number[];
  /** Why it can never match, when `anyOf` is empty (weak or non-version tags only). */
  never?: string;
}

const TAG = /(W\/)?"[\x21\x23-\x7e\x80-\xff]*"/g;

const preconditionFailed = (detail: string, actualVersion: number | null) =>
  new ProblemError({
    status: 412,
    slug: "precondition-failed",
    title: "Precondition failed",
    detail,
    extensions: { actualVersion },
  });

/**
 * The expected version an `If-Match` value asks for: a strong `"<version>"` (or
 * `"<version>.<variant>"`) → that number; `*` → `stream_exists` (RFC 9110: any current
 * representation); a list of tags → the versions it names (AnyOfVersions; empty list elements are
 * ignored, RFC 9110 §5.6.1, and weak and non-version tags never match). A value no tag of which
 * can ever match is AnyOfVersions with no versions, so the 412 it gets (from `settleIfMatch`)
 * comes after the path and the resource are checked, with the actual version.
 * @throws ProblemError 400 `invalid-precondition` when the value is not `*` or a list of entity tags.
 */
export function parseIfMatch(value: string): ExpectedVersion | AnyOfVersions {
  const v = value.trim();
  if (v === "*") return "stream_exists";
  const tags = v.match(TAG) ?? [];
  if (
    tags.length === 0 ||
    !/^[\s,]*$/.test(v.replace(TAG, ",")) ||
    /"\s*[^\s,]|[^\s,W]\s*"/.test(v.replace(TAG, '"'))
  ) {
    throw Problems.invalidPrecondition(
      `If-Match must be entity tags such as "3" (the ETag you read), or *; got ${JSON.stringify(v.slice(0, 80))}`,
    );
  }
  const versions = [
    ...new Set(tags.flatMap((t) => (STRONG_VERSION.exec(t) ? [Number(STRONG_VERSION.exec(t)![1])] : []))),
  ];
  if (versions.length === 0) {
    return {
      anyOf: [],
      never: tags.every((t) => t.startsWith("W/"))
        ? "If-Match uses strong comparison; a weak entity tag never matches"
        : "If-Match does not match the current version",
    };
  }
  return tags.length === 1 ? versions[0]! : { anyOf: versions };
}

/**
 * One expected version from what `parseIfMatch` gave: a list is settled against the stream's
 * current version (`current`), which must be one of it; the append then still compares that
 * version, so a writer that slips in between loses with 412 as usual.
 * @throws ProblemError 412 `precondition-failed` (with `actualVersion`) when it is none of them.
 */
export async function settleIfMatch(
  expected: ExpectedVersion | AnyOfVersions,
  current: () => Promise<number | null>,
): Promise<ExpectedVersion> {
  if (typeof expected !== "object") return expected;
  const version = await current();
  if (version !== null && expected.anyOf.includes(version)) return version;
  const named = expected.anyOf.length > 10 ? `${expected.anyOf.slice(0, 10).join(", ")} …` : expected.anyOf.join(", ");
  throw preconditionFailed(
    expected.never ?? `If-Match names versions ${named}; the current one is ${version}`,
    version,
  );
}

/**
 * The expected version of an update from its `If-Match` header. `*` (any version) would make
 * the update a blind overwrite, so it is refused unless `opts.allowAny`.
 * @throws ProblemError 428 `precondition-required` when the header is missing (RFC 6585 §3) or
 *   is `*` where not allowed, 400 when it is malformed, 412 when it can never match (see `parseIfMatch`).
 */
export function requireIfMatch(req: Request, opts: { allowAny?: boolean } = {}): ExpectedVersion | AnyOfVersions {
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
