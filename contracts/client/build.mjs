// Builds the package: type-checks and compiles partner-client.ts to ES modules with declarations
// (tsconfig.build.json), ships the generated OpenAPI types beside them, and marks dist/ as ESM.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
execFileSync(process.execPath, [tsc, "-p", join(here, "tsconfig.build.json")], { stdio: "inherit" });
mkdirSync(join(dist, "generated"), { recursive: true });
copyFileSync(join(here, "../generated/openapi.d.ts"), join(dist, "generated/openapi.d.ts"));
writeFileSync(join(dist, "package.json"), `${JSON.stringify({ type: "module" })}\n`);
