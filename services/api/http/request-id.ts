/**
 * Request ids: an incoming `X-Request-Id` is honoured when it is a sane token (1–128 of
 * `A–Z a–z 0–9 . _ : -`), otherwise a UUID is generated. The id is echoed in the response's
 * `X-Request-Id`, becomes `req.id` (pino-http), appears in every log line and problem
 * document, and is the correlation id of the events the request causes.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/** Header carrying the request id in both directions. */
export const REQUEST_ID_HEADER = "X-Request-Id";

const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request id of `req` (incoming when sane, else a new UUID); sets the response header. For pino-http's `genReqId`. */
export function requestIdOf(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers["x-request-id"];
  const id = typeof incoming === "string" && SANE_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader(REQUEST_ID_HEADER, id);
  return id;
}
