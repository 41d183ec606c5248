/**
 * File upload bodies (CSV, XLSX ...): `express.raw` for the listed media types with a size limit;
 * any other media type gets 415 with `Accept-Post` listing the accepted ones (RFC 9110
 * §15.5.16), an empty body gets 400. The route must also be listed in its module's `uploads`,
 * so the app-wide JSON check lets it through.
 */
import express, { type RequestHandler } from "express";
import { hasBody } from "./json-body";
import { ProblemError } from "./problem";

/** Parses the body into a Buffer (`req.body`) when its media type is one of `mediaTypes`. */
export function uploadBody(mediaTypes: readonly string[], limit: string | number): RequestHandler[] {
  const check: RequestHandler = (req, _res, next) => {
    if (!hasBody(req)) {
      next(
        new ProblemError({
          status: 400,
          slug: "missing-body",
          title: "Missing request body",
          detail: `Send the file as the request body with Content-Type ${mediaTypes.join(" or ")}`,
        }),
      );
      return;
    }
    if (!req.is([...mediaTypes])) {
      next(
        new ProblemError({
          status: 415,
          slug: "unsupported-media-type",
          title: "Unsupported media type",
          detail: `This upload takes ${mediaTypes.join(" or ")}; got ${req.get("content-type") ?? "no Content-Type"}`,
          headers: { "Accept-Post": mediaTypes.join(", ") },
        }),
      );
      return;
    }
    next();
  };
  return [check, express.raw({ type: [...mediaTypes], limit })];
}
