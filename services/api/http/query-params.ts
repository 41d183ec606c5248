/**
 * Unknown query parameters are refused, for every operation of the OpenAPI document: a 400
 * `validation-failed` problem naming each (`/query/<name>`), as the strict query schemas do for
 * the operations that have one. Without this, an operation that takes no query (GET /health,
 * a POST command) or a misspelt filter (`?stauts=`) would answer as if nothing had been asked.
 */
import type { RequestHandler } from "express";
import type { OpenApiDocument } from "../../../contracts/openapi";
import { escapePointerToken } from "./json-pointer";
import { Problems } from "./problem";

/** One operation's path pattern and the query parameters it declares. */
interface DeclaredQuery {
  method: string;
  pattern: RegExp;
  /** Literal path segments: the most specific pattern wins (`/reform-tasks/export` over `/reform-tasks/{taskId}`). */
  literals: number;
  names: Set<string>;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The declared query parameters of each operation of `document`. */
export function declaredQueries(document: OpenApiDocument): DeclaredQuery[] {
  const out: DeclaredQuery[] = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    const segments = path.split("/").filter(Boolean);
    // Express matches paths case-insensitively and with or without a trailing slash.
    const pattern = new RegExp(
      `^/${segments.map((s) => (/^\{.+\}$/.test(s) ? "[^/]+" : escapeRegExp(s))).join("/")}/?$`,
      "i",
    );
    for (const [method, op] of Object.entries(
      item as Record<string, { parameters?: { in: string; name: string }[] }>,
    )) {
      const names = new Set((op?.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name));
      out.push({
        method: method.toUpperCase(),
        pattern,
        literals: segments.filter((s) => !s.startsWith("{")).length,
        names,
      });
    }
  }
  return out;
}

/**
 * 400 `validation-failed` for a request to a documented operation with a query parameter the
 * operation does not declare. Requests to undocumented paths pass (they end in 404 or are served
 * outside the API, like /docs).
 */
export function refuseUndeclaredQuery(document: OpenApiDocument): RequestHandler {
  const operations = declaredQueries(document);
  return (req, _res, next) => {
    const given = Object.keys(req.query ?? {});
    if (given.length === 0) {
      next();
      return;
    }
    const method = req.method === "HEAD" ? "GET" : req.method;
    const op = operations
      .filter((o) => o.method === method && o.pattern.test(req.path))
      .sort((a, b) => b.literals - a.literals)[0];
    const unknown = op ? given.filter((name) => !op.names.has(name)) : [];
    if (!op || unknown.length === 0) {
      next();
      return;
    }
    const takes = op.names.size ? `this operation takes ${[...op.names].join(", ")}` : "this operation takes none";
    next(
      Problems.validationFailed(
        unknown.map((name) => ({
          pointer: `/query/${escapePointerToken(name)}`,
          detail: `unknown query parameter; ${takes}`,
        })),
        `Unknown query parameter ${unknown.join(", ")}`,
      ),
    );
  };
}
