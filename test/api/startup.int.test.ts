/**
 * What a newcomer reads on start (the real server on PGlite, as `npm start` runs it): where the
 * docs and the document are, how to get a token, and whether it seeded or found data; and access
 * log lines that name the request without printing its headers.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { mintDevToken } from "../../services/api/auth/dev-key";
import { startServer } from "../../services/api/main";
import { waitFor } from "../support/wait";

/** A logger whose JSON lines are kept in `lines`. */
function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  return { lines, logger: pino({ level: "info" }, stream) };
}

describe("starting the server", () => {
  const dir = mkdtempSync(join(tmpdir(), "startup-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("says where the docs are, how to mint a token and what it seeded; then that it found the data", async () => {
    const first = capture();
    const a = await startServer({ port: 0, host: "127.0.0.1", pgliteDir: dir, seed: true, logger: first.logger });
    const listening = first.lines.find((l) => String(l.msg).startsWith("API listening"))!;
    expect(listening.msg).toMatch(/docs at http:\/\/127\.0\.0\.1:\d+\/docs/);
    expect(listening.msg).toContain("/openapi.json");
    expect(listening.msg).toContain("npm run -s token -- --role taskforce");
    expect(listening.seeded).toBe("seeded the 2026 task list and sample declarations");

    // An access line: method, url and status, not the headers (the token least of all).
    const token = await mintDevToken({ role: "analyst" });
    await fetch(`http://127.0.0.1:${a.port}/reform-tasks?limit=1`, { headers: { Authorization: `Bearer ${token}` } });
    // The access line is written when the response has finished, which may be after fetch resolves.
    const access = await waitFor("the access line", () =>
      first.lines.find((l) => (l.req as { url?: string } | undefined)?.url === "/reform-tasks?limit=1"),
    );
    expect(access!.req).toEqual(expect.objectContaining({ method: "GET", url: "/reform-tasks?limit=1" }));
    expect(access!.req).not.toHaveProperty("headers");
    expect(JSON.stringify(first.lines)).not.toContain(token);
    await a.stop();

    const second = capture();
    const b = await startServer({ port: 0, host: "127.0.0.1", pgliteDir: dir, seed: true, logger: second.logger });
    expect(second.lines.find((l) => String(l.msg).startsWith("API listening"))!.seeded).toBe(
      "found existing data (nothing seeded)",
    );
    await b.stop();
  }, 180_000);
});
