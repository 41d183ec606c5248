/**
 * Serves the web console's built files (services/console/dist, built by `npm run console:build`;
 * `npm start` and `npm test` build it when it is missing or older than its sources) at
 * `/console/`: `index.html` revalidated on every load, the content-hashed files under `assets/`
 * cached for a year as immutable (RFC 8246). `/console` redirects to `/console/`. Before the
 * console is built, `/console/` answers a 503 problem saying how to build it.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import express, { type Router } from "express";
import { ProblemError } from "./http/problem";

/** Where the built console lives by default. */
export const CONSOLE_DIST = path.join(__dirname, "..", "console", "dist");

/** The `/console` router over `dir` (default CONSOLE_DIST). */
export function consoleStatic(dir: string = CONSOLE_DIST): Router {
  const router = express.Router({ strict: true });
  let built = false;
  router.get("/console", (_req, res) => res.redirect(301, "/console/"));
  router.use(
    "/console/",
    (_req, _res, next) => {
      // Looked for until it is there (a build may finish after start), then never again.
      built ||= existsSync(path.join(dir, "index.html"));
      if (built) return next();
      next(
        new ProblemError({
          status: 503,
          slug: "console-not-built",
          title: "The console is not built",
          detail: "Build it with `npm run console:build` (npm start does it when needed)",
        }),
      );
    },
    express.static(dir, {
      index: "index.html",
      setHeaders(res, file) {
        res.set(
          "Cache-Control",
          file.includes(`${path.sep}assets${path.sep}`) ? "public, max-age=31536000, immutable" : "no-cache",
        );
      },
    }),
  );
  return router;
}
