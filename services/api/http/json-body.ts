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
const hasBody = (req: Parameters<RequestHandler>[0]) =>
  req.headers["transfer-encoding"] !== undefined ||
  (req.headers["content-length"] !== undefined && req.headers["content-length"] !== "0");

/** 415 problem for a body that is not JSON (RFC 9110 §15.5.16). */
export const requireJsonMediaType: RequestHandler = (req, _res, next) => {
  if (hasBody(req) && !req.is(JSON_MEDIA_TYPES)) {
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

/** The JSON body parser with `limit` (bytes, or a string such as "256kb"). Errors become 400/413/415 problems. */
export const jsonBody = (limit: string | number): RequestHandler => express.json({ limit, type: JSON_MEDIA_TYPES });
