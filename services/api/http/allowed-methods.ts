/**
 * Methods per path, from the OpenAPI document (RFC 9110 §9.3.7, §15.5.6): `OPTIONS` on a
 * documented path answers 204 with `Allow` listing every method the path serves (routes of one
 * path may live in several routers, whose own OPTIONS would list only theirs); another method
 * the path does not serve answers 405 with `Allow`, instead of 404. CORS preflights are answered
 * before this, by the CORS middleware, when CORS_ORIGINS allows the origin.
 */
import type { RequestHandler } from "express";
import type { OpenApiDocument } from "../../../contracts/openapi";
import { ProblemError } from "./problem";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/** Path templates of `doc` as matchers, each with its methods (upper case; HEAD with GET; OPTIONS). */
export function pathMethods(doc: OpenApiDocument): { match: RegExp; allow: string[]; static: boolean }[] {
  return Object.entries(doc.paths ?? {}).map(([path, item]) => {
    const methods = Object.keys(item as object)
      .filter((m) => METHODS.includes(m))
      .map((m) => m.toUpperCase());
    if (methods.includes("GET")) methods.push("HEAD");
    methods.push("OPTIONS");
    const pattern = path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+");
    // Case-insensitive, as express routes are by default (`/Reform-Tasks` reaches the same routes).
    return { match: new RegExp(`^${pattern}/?$`, "i"), allow: [...new Set(methods)], static: !path.includes("{") };
  });
}

/** The middleware (mount before the routes). */
export function allowedMethods(doc: OpenApiDocument): RequestHandler {
  const paths = pathMethods(doc);
  return (req, res, next) => {
    // A static path wins over a template it also matches (`/reform-tasks/scoreboard`, not `{taskId}`).
    const matching = paths.filter((p) => p.match.test(req.path));
    const hits = matching.some((p) => p.static) ? matching.filter((p) => p.static) : matching;
    if (hits.length === 0) return next();
    const allow = [...new Set(hits.flatMap((h) => h.allow))];
    if (req.method === "OPTIONS") {
      res.set("Allow", allow.join(", ")).status(204).end();
      return;
    }
    if (allow.includes(req.method)) return next();
    next(
      new ProblemError({
        status: 405,
        slug: "method-not-allowed",
        title: "Method not allowed",
        detail: `${req.method} is not served on ${req.path}; allowed: ${allow.join(", ")}`,
        headers: { Allow: allow.join(", ") },
      }),
    );
  };
}
