/**
 * JSON request bodies: `express.json` with a size limit for `application/json` and
 * `application/*+json`, preceded by a check that refuses any other media type with 415
 * (express.json alone would silently leave the body unparsed).
 */
import express, { type RequestHandler } from "express";
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

/**
 * 415 problem for a body that is not JSON (RFC 9110 §15.5.16), except on `uploads`, which
 * check their own media types (see upload-body.ts).
 */
export function requireJsonMediaType(uploads: readonly UploadRoute[] = []): RequestHandler {
  return (req, _res, next) => {
    const upload = uploads.some((u) => u.method === req.method && u.path === req.path);
    if (!upload && hasBody(req) && !req.is(JSON_MEDIA_TYPES)) {
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

/** The JSON body parser with `limit` (bytes, or a string such as "256kb"). Errors become 400/413/415 problems. */
export const jsonBody = (limit: string | number): RequestHandler => express.json({ limit, type: JSON_MEDIA_TYPES });
