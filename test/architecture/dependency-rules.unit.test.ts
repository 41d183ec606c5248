/**
 * The dependency rules (.dependency-cruiser.cjs) hold for the repository, and they do fail: a
 * miniature tree in a temporary folder that breaks each rule on purpose is refused, naming the
 * rule.
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

  it("refuse each direction broken on purpose, naming its rule", async () => {
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
      file("infra/migrate.ts", "export const migrate = 1;\n");
      file("projections/task-list/queries.ts", "export const refs = 1;\n");
      // A write side reading a read model.
      file(
        "services/reform-tasks/report.ts",
        'import { refs } from "../../projections/task-list/queries";\nexport const r = refs;\n',
      );
      // A read model reaching past a context's index.ts.
      file(
        "projections/task-list/routes.ts",
        'import { task } from "../../services/reform-tasks/task";\nexport const q = task;\n',
      );
      // A context reaching into another's inner files.
      file(
        "services/direct-clearance/lodge.ts",
        'import { task } from "../reform-tasks/task";\nexport const l = task;\n',
      );
      // A read model knowing migrations.
      file(
        "projections/task-list/boot.ts",
        'import { migrate } from "../../infra/migrate";\nexport const b = migrate;\n',
      );
      // Product code importing a test.
      file("test/fixture.ts", "export const fixture = 1;\n");
      file("services/relay/c.ts", 'import { fixture } from "../../test/fixture";\nexport const c = fixture;\n');
      // The browser console reaching into the server, and the server importing the console.
      file(
        "services/console/src/page.ts",
        'import { db } from "../../platform/db";\nimport { x } from "../../../contracts/bad";\nexport const p = [db, x];\n',
      );
      file("services/api/app.ts", 'import { p } from "../console/src/page";\nexport const app = p;\n');
      // A cycle.
      file("services/relay/a.ts", 'import { b } from "./b";\nexport const a = b;\n');
      file("services/relay/b.ts", 'import { a } from "./a";\nexport const b = () => a;\n');
      // The repository's rules, without its tsconfig (the miniature has none).
      const rules = require(join(ROOT, ".dependency-cruiser.cjs")) as { options: Record<string, unknown> };
      const { tsConfig: _ts, ...options } = rules.options;
      writeFileSync(join(dir, "rules.json"), JSON.stringify({ ...rules, options }));
      const found = await violations(dir, "rules.json", ["contracts", "services", "projections", "infra"]);
      const rulesBroken = [...new Set(found)].sort();
      // Every rule the repository has is broken here, and each is reported.
      expect(rulesBroken).toEqual(
        (rules as unknown as { forbidden: { name: string }[] }).forbidden.map((r) => r.name).sort(),
      );
      expect(rulesBroken).toEqual([
        "console-imports-only-contracts",
        "console-loads-no-schema-code",
        "contexts-are-entered-through-index",
        "contexts-do-not-import-each-other",
        "contracts-import-nothing-of-ours",
        "no-cycles",
        "nothing-imports-tests",
        "nothing-imports-the-console",
        "only-processes-know-infra",
        "platform-imports-only-contracts",
        "projection-runner-imports-only-platform",
        "write-side-reads-no-read-model",
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
