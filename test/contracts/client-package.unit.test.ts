/**
 * The typed client as a package (contracts/client, `@ftz/partner-client`): it builds (type-checked,
 * ES modules with declarations and the generated OpenAPI types), and a plain Node.js ES module
 * imports the built output and calls an HTTP server with it.
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";

const PACKAGE = join(__dirname, "../../contracts/client");
const run = promisify(execFile);

describe("@ftz/partner-client", () => {
  it("builds to ES modules with types, and an ES module calls the API through it", async () => {
    await run(process.execPath, [join(PACKAGE, "build.mjs")], { env: { ...process.env, NODE_OPTIONS: "" } });
    const dist = join(PACKAGE, "dist");
    for (const f of [
      "client/partner-client.js",
      "client/partner-client.d.ts",
      "generated/openapi.d.ts",
      "package.json",
    ]) {
      expect(existsSync(join(dist, f))).toBe(true);
    }
    expect(readFileSync(join(dist, "client/partner-client.d.ts"), "utf8")).toContain('from "../generated/openapi.js"');
    const manifest = JSON.parse(readFileSync(join(PACKAGE, "package.json"), "utf8"));
    expect(manifest.exports["."].import).toBe("./dist/client/partner-client.js");

    // A stand-in server that answers as the API's /health does, and records the token it got.
    let auth: string | undefined;
    const server = createServer((req, res) => {
      auth = req.headers.authorization;
      res.setHeader("Content-Type", "application/json");
      res.end(JSON.stringify({ status: "ok" }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const entry = pathToFileURL(join(dist, "client/partner-client.js")).href;
      const script =
        `import { createPartnerClient } from ${JSON.stringify(entry)};\n` +
        `const api = createPartnerClient({ baseUrl: ${JSON.stringify(url)}, token: "t0k" });\n` +
        `const { data, response } = await api.GET("/health");\n` +
        "console.log(JSON.stringify({ status: response.status, data }));\n";
      const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], {
        env: { ...process.env, NODE_OPTIONS: "" },
      });
      expect(JSON.parse(stdout)).toEqual({ status: 200, data: { status: "ok" } });
      expect(auth).toBe("Bearer t0k");
    } finally {
      server.close();
    }
  }, 120_000);
});
