/**
 * What every JSON answer to a GET carries (RFC 9110 §8.8, §13; RFC 9111 §5.2; RFC 8288):
 * - `Cache-Control: private, no-cache`: business data is for the caller only, and any copy must
 *   be revalidated before it is used;
 * - `Vary: Authorization`: what a read shows depends on the token's role;
 * - a validator: the route's own ETag (an aggregate's stream version), else a weak ETag of the
 *   body's SHA-256 (JSON, CSV, XLSX or metrics text alike), so asking again with `If-None-Match` answers 304 while nothing changed: read
 *   models, figures and date-dependent answers alike, since the tag follows the content;
 * - `Link: <…>; rel="next"` when the body has a `nextCursor`, so pagination can be followed
 *   without reading the body.
 */
import { createHash } from "node:crypto";
import type { RequestHandler } from "express";

/** The weak ETag of a body (text as UTF-8, or bytes): `W/"<first 27 base64url characters of SHA-256>"`. */
export const contentETag = (body: string | Buffer): string =>
  `W/"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;

/** The request's URL with `cursor` set to `cursor` (other parameters kept, in order). */
function nextUrl(originalUrl: string, cursor: string): string {
  const url = new URL(originalUrl, "http://x");
  url.searchParams.set("cursor", cursor);
  return `${url.pathname}${url.search}`;
}

/** The middleware (mount before the routes). */
export function readResponses(): RequestHandler {
  return (req, res, next) => {
    if (req.method !== "GET" && req.method !== "HEAD") return next();
    // Every answer to a read, JSON or file; a route (or the docs' static files) may set its own.
    // Answers depend on the token (roles see different fields), so a private cache keys on it.
    res.set("Cache-Control", "private, no-cache");
    res.vary("Authorization");
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      const cursor = (body as { nextCursor?: unknown } | null)?.nextCursor;
      if (res.statusCode === 200 && typeof cursor === "string") {
        res.append("Link", `<${nextUrl(req.originalUrl, cursor)}>; rel="next"`);
      }
      return json(body);
    };
    // res.json ends in res.send with the serialised text, so one place tags every body: JSON,
    // CSV, XLSX or Prometheus text. res.send answers 304 when If-None-Match matches.
    const send = res.send.bind(res);
    res.send = (body?: unknown) => {
      if (res.statusCode === 200 && !res.get("ETag") && (typeof body === "string" || Buffer.isBuffer(body))) {
        res.set("ETag", contentETag(body));
      }
      return send(body);
    };
    next();
  };
}
