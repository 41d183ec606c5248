/**
 * The dependency rules (.dependency-cruiser.cjs) hold for the repository, and they do fail: a
 * miniature tree in a temporary folder that breaks each of four rules on purpose is refused,
 * naming the rule.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";

const ROOT = join(__dirname, "../..");
const BIN = join(ROOT, "node_modules/dependency-cruiser/bin/dependency-cruise.mjs");

/** Runs dependency-cruiser in `cwd` with `config`; the violations it reports, by rule name. */
async function violations(cwd: string, config: string, paths: string[]): Promise<string[]> {
  const run = promisify(execFile)(process.execPath, [BIN, ...paths, "--config", config, "--output-type", "json"], {
    cwd,
    env: { ...process.env, NODE_OPTIONS: "" },
    maxBuffer: 64 * 1024 * 1024,
  }).catch((e: { stdout: string }) => ({ stdout: e.stdout }));
  const { stdout } = await run;
  const out = JSON.parse(stdout) as { summary: { violations: { rule: { name: string } }[] } };
  return out.summary.violations.map((v) => v.rule.name);
}

describe("dependency rules", () => {
  it("hold for the repository", async () => {
    expect(
      await violations(ROOT, ".dependency-cruiser.cjs", ["contracts", "services", "projections", "infra", "scripts"]),
    ).toEqual([]);
  }, 120_000);

  it("refuse contracts importing ours, platform importing a context, the projection runner importing the relay, and a context reaching into another", async () => {
    const dir = mkdtempSync(join(tmpdir(), "deps-"));
    try {
      const file = (path: string, text: string) => {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), text);
      };
      file("services/platform/db.ts", "export const db = 1;\n");
      file("services/reform-tasks/task.ts", "export const task = 1;\n");
      file("services/relay/relay.ts", "export const relay = 1;\n");
      file("contracts/bad.ts", 'import { db } from "../services/platform/db";\nexport const x = db;\n');
      file("services/platform/bad.ts", 'import { task } from "../reform-tasks/task";\nexport const y = task;\n');
      file(
        "projections/runner/bad.ts",
        'import { relay } from "../../services/relay/relay";\nexport const z = relay;\n',
      );
      // The repository's rules, without its tsconfig (the miniature has none).
      const rules = require(join(ROOT, ".dependency-cruiser.cjs")) as { options: Record<string, unknown> };
      const { tsConfig: _ts, ...options } = rules.options;
      writeFileSync(join(dir, "rules.json"), JSON.stringify({ ...rules, options }));
      const found = await violations(dir, "rules.json", ["contracts", "services", "projections"]);
      expect(found.sort()).toEqual(
        [
          "contracts-import-nothing-of-ours",
          "platform-imports-only-contracts",
          "projection-runner-imports-only-platform",
        ].sort(),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
