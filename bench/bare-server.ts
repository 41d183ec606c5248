/**
 * The bare baseline for HTTP reads: express returning fixed bytes (the API's own answers, read from
 * BARE_BODIES) for each path, with nothing else in between.
 */
import { readFileSync } from "node:fs";
import express from "express";

const bodies = JSON.parse(readFileSync(process.env.BARE_BODIES!, "utf8")) as Record<string, string>;
const app = express();
app.get("/health", (_req, res) => void res.json({ status: "ok" }));
for (const [path, body] of Object.entries(bodies)) {
  app.get(path, (_req, res) => void res.type("application/json").send(body));
}
app.listen(Number(process.env.PORT), "127.0.0.1");
