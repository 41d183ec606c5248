/**
 * JSON request bodies: `express.json` with a size limit for `application/json` and
 * `application/*+json`, preceded by a check that refuses any other media type with 415
 * (express.json alone would silently leave the body unparsed). Bodies that claim UTF-8 must be
 * UTF-8 (400; the parser would otherwise put U+FFFD where the bad bytes were and go on).
 */
import { isUtf8 } from "node:buffer";
import express, { type Request, type RequestHandler } from "express";
import { ProblemError } from "./problem";

/** Media types accepted as JSON request bodies. */
export const JSON_MEDIA_TYPES = ["application/json", "application/*+json"];

/** True when the request carries a body (RFC 9112 §6.3: Transfer-Encoding, or a non-zero Content-Length). */
export const hasBody = (req: Parameters<RequestHandler>[0]) =>
  req.headers["transfer-encoding"] !== undefined ||
  (req.headers["content-length"] !== undefined && req.headers["content-length"] !== "0");

/** A route that takes a non-JSON body (a file upload); the JSON media-type check leaves it alone. */
export interface UploadRoute {
  method: "POST" | "PUT";
  /** Express path pattern, e.g. `/reform-tasks/imports`. */
  path: string;
}

/** True when `req` goes to one of `uploads`. */
const isUpload = (uploads: readonly UploadRoute[], req: Request) =>
  uploads.some((u) => u.method === req.method && u.path === req.path);

/**
 * 415 problem for a body that is not JSON (RFC 9110 §15.5.16), except on `uploads`, which
 * check their own media types (see upload-body.ts).
 */
export function requireJsonMediaType(uploads: readonly UploadRoute[] = []): RequestHandler {
  return (req, _res, next) => {
    if (!isUpload(uploads, req) && hasBody(req) && !req.is(JSON_MEDIA_TYPES)) {
      next(
        new ProblemError({
          status: 415,
          slug: "unsupported-media-type",
          title: "Unsupported media type",
          detail: `Request bodies must be application/json; got ${req.get("content-type") ?? "no Content-Type"}`,
          headers: req.method === "POST" ? { "Accept-Post": "application/json" } : {},
        }),
      );
      return;
    }
    next();
  };
}

/** body-parser error type of a body that claims UTF-8 but is not (mapped to a 400 problem in problem.ts). */
export const INVALID_UTF8 = "encoding.invalid-utf8";

/** Refuses bytes that are not UTF-8 when the body is decoded as UTF-8 (body-parser's `verify` hook). */
function requireUtf8(_req: unknown, _res: unknown, buf: Buffer, encoding: string): void {
  if (encoding.toLowerCase().replace("-", "") === "utf8" && !isUtf8(buf)) {
    throw Object.assign(new Error("The request body is not valid UTF-8"), { status: 400, type: INVALID_UTF8 });
  }
}

/**
 * The JSON body parser with `limit` (bytes, or a string such as "256kb"); `uploads` are left to
 * their own parser, so a JSON media type there gets the upload's 415. Errors become 400/413/415
 * problems.
 */
export function jsonBody(limit: string | number, uploads: readonly UploadRoute[] = []): RequestHandler {
  const parse = express.json({ limit, type: JSON_MEDIA_TYPES, verify: requireUtf8 });
  return (req, res, next) => (isUpload(uploads, req) ? next() : parse(req, res, next));
}

/** Deepest nesting of arrays and objects a JSON body may have (no request here needs more than 10). */
export const MAX_JSON_DEPTH = 64;

/** Nesting depth of a parsed JSON value, counted without recursion (a deep body cannot overflow the stack). */
export function jsonDepth(value: unknown, limit = Number.POSITIVE_INFINITY): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    max = Math.max(max, d + 1);
    if (max > limit) return max;
    for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return max;
}

/** 400 `nested-too-deeply` for a JSON body deeper than MAX_JSON_DEPTH (checked after parsing). */
export const limitJsonDepth: RequestHandler = (req, _res, next) => {
  if (req.body !== undefined && !Buffer.isBuffer(req.body) && jsonDepth(req.body, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    next(
      new ProblemError({
        status: 400,
        slug: "nested-too-deeply",
        title: "Body nested too deeply",
        detail: `JSON bodies may nest arrays and objects at most ${MAX_JSON_DEPTH} deep`,
      }),
    );
    return;
  }
  next();
};
