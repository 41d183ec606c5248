/**
 * What every JSON answer to a GET carries (RFC 9110 §8.8, §13; RFC 9111 §5.2; RFC 8288):
 * - `Cache-Control: private, no-cache`: business data is for the caller only, and any copy must
 *   be revalidated before it is used;
 * - a validator: the route's own ETag (an aggregate's stream version), else a weak ETag of the
 *   body's SHA-256, so asking again with `If-None-Match` answers 304 while nothing changed: read
 *   models, figures and date-dependent answers alike, since the tag follows the content;
 * - `Link: <…>; rel="next"` when the body has a `nextCursor`, so pagination can be followed
 *   without reading the body.
 */
import { createHash } from "node:crypto";
import type { RequestHandler } from "express";

/** The weak ETag of a JSON body: `W/"<first 27 base64url characters of SHA-256>"`. */
export const contentETag = (json: string): string =>
  `W/"${createHash("sha256").update(json).digest("base64url").slice(0, 27)}"`;

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
    res.set("Cache-Control", "private, no-cache");
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      if (res.statusCode !== 200) return json(body);
      const cursor = (body as { nextCursor?: unknown } | null)?.nextCursor;
      if (typeof cursor === "string") res.append("Link", `<${nextUrl(req.originalUrl, cursor)}>; rel="next"`);
      // Serialised once, for the tag and the body; res.send answers 304 when If-None-Match matches.
      const text = JSON.stringify(body);
      if (!res.get("ETag")) res.set("ETag", contentETag(text));
      if (!res.get("Content-Type")) res.set("Content-Type", "application/json; charset=utf-8");
      return res.send(text);
    };
    next();
  };
}
