/**
 * Requests Node's HTTP parser refuses before express runs still get RFC 9457 problem details:
 * headers past the 16 KiB limit (431) and a request that is not HTTP (400). Runs the real server
 * (`startServer`) on PGlite and speaks raw TCP, since an HTTP client would not send such bytes.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { type RunningServer, startServer } from "../../services/api/main";

/** Sends `raw` to the server and resolves with everything it answers before closing. */
function exchange(port: number, raw: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(raw));
    let answer = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk) => {
      answer += chunk;
    });
    socket.on("end", () => resolve(answer));
    socket.on("error", reject);
  });
}

/** Status code, headers (lower-case names) and parsed body of a raw HTTP/1.1 response. */
function parse(answer: string) {
  const [head, body] = answer.split("\r\n\r\n", 2) as [string, string];
  const [statusLine, ...lines] = head.split("\r\n");
  const headers = Object.fromEntries(
    lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]),
  );
  return { status: Number(statusLine!.split(" ")[1]), headers, body: JSON.parse(body) };
}

describe("requests the HTTP parser refuses", () => {
  let server: RunningServer;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "client-error-"));
    server = await startServer({
      port: 0,
      host: "127.0.0.1",
      pgliteDir: dir,
      seed: false,
      logger: pino({ level: "silent" }),
    });
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers headers past 16 KiB with a 431 problem document", async () => {
    const answer = parse(
      await exchange(server.port, `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`),
    );
    expect(answer.status).toBe(431);
    expect(answer.headers["content-type"]).toBe("application/problem+json");
    expect(answer.headers.connection).toBe("close");
    expect(answer.body).toMatchObject({
      type: "https://ftz.example/problems/request-header-fields-too-large",
      status: 431,
    });
  });

  it("answers bytes that are not HTTP with a 400 problem document", async () => {
    const answer = parse(await exchange(server.port, "\u0001\u0002 not http\r\n\r\n"));
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ type: "https://ftz.example/problems/malformed-request", status: 400 });
  });

  it("answers chunk extensions past Node's limit with a 413 problem document and closes the connection", async () => {
    const raw = `POST /reform-tasks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2;${"e".repeat(20_000)}\r\n{}\r\n0\r\n\r\n`;
    const answer = parse(await exchange(server.port, raw));
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({ type: "https://ftz.example/problems/payload-too-large", status: 413 });
  });

  it("still serves a well-formed request", async () => {
    const answer = await exchange(server.port, "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
  });
});
