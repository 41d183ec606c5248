/**
 * Requests Node's HTTP parser refuses before express runs (headers past `--max-http-header-size`,
 * 16 KiB by default; chunk extensions past Node's limit; malformed request lines; a request that
 * did not arrive within `requestTimeout`) are answered with RFC 9457 problem details like every
 * other error, not with Node's bare status line. Codes: Node.js `http` docs, event 'clientError'.
 */
import type { Server } from "node:http";
import type { Duplex } from "node:stream";
import { PROBLEM_MEDIA_TYPE } from "../../../contracts/http/responses";
import { problemType } from "./problem";

interface ParserProblem {
  status: number;
  slug: string;
  title: string;
  detail: string;
}

/** The problem for each parser error code Node reports; any other code is MALFORMED. */
const PARSER_PROBLEMS: Record<string, ParserProblem> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    slug: "request-header-fields-too-large",
    title: "Request header fields too large",
    detail: "The request line and headers together exceed the server's limit (16 KiB by default)",
  },
  HPE_CHUNK_EXTENSIONS_OVERFLOW: {
    status: 413,
    slug: "payload-too-large",
    title: "Payload too large",
    detail: "The chunk extensions of the request body exceed the server's limit",
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    slug: "request-timeout",
    title: "Request timeout",
    detail: "The request did not arrive completely within the server's request timeout",
  },
};
const MALFORMED: ParserProblem = {
  status: 400,
  slug: "malformed-request",
  title: "Malformed HTTP request",
  detail: "The request is not valid HTTP/1.1 and could not be parsed",
};

/**
 * The raw HTTP/1.1 response (status line, headers, problem document) for a parser error `code`,
 * e.g. "HPE_HEADER_OVERFLOW" → 431. The connection is closed after it.
 */
export function clientErrorResponse(code: string | undefined): string {
  const p = (code !== undefined && Object.hasOwn(PARSER_PROBLEMS, code) && PARSER_PROBLEMS[code]) || MALFORMED;
  const body = JSON.stringify({ type: problemType(p.slug), title: p.title, status: p.status, detail: p.detail });
  return [
    `HTTP/1.1 ${p.status} ${p.title}`,
    `Content-Type: ${PROBLEM_MEDIA_TYPE}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    "Connection: close",
    "",
    body,
  ].join("\r\n");
}

/**
 * Installs the 'clientError' listener on `server`: a problem-details answer while the socket can
 * still be written and no response has started, else the socket is destroyed (a reset peer gets
 * nothing, as with Node's default listener).
 */
export function answerClientErrorsWithProblems(server: Server): void {
  server.on("clientError", (err: NodeJS.ErrnoException & { rawPacket?: unknown }, socket: Duplex) => {
    const started = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
    if (err.code === "ECONNRESET" || !socket.writable || started) {
      socket.destroy();
      return;
    }
    // Closed once written, as Node's own answer does (end alone would leave it half-open).
    socket.end(clientErrorResponse(err.code), () => socket.destroy());
  });
}
