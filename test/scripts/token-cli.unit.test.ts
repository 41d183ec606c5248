/** `npm run token`: usage on --help, valid roles named on a wrong one, exit 2 and no token on any refusal. */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

const run = (...args: string[]) =>
  promisify(execFile)(process.execPath, ["--import", "tsx", join(__dirname, "../../scripts/token.ts"), ...args], {
    env: { ...process.env, NODE_OPTIONS: "" },
  }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

describe("npm run token", () => {
  it("prints its usage with --help", async () => {
    const r = await run("--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: npm run token -- \[options\]/);
    expect(r.stdout).toContain("--role <role>");
  }, 30_000);

  it("names the valid roles when the role is not one, and mints nothing", async () => {
    const r = await run("--role", "bogus");
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("Allowed choices are taskforce, enterprise, customs, partner, analyst, admin");
  }, 30_000);

  it("refuses an enterprise token without a credit code, and one with a control character in --sub", async () => {
    expect((await run("--role", "enterprise")).stderr).toContain("an enterprise token needs --uscc");
    const bad = await run("--role", "analyst", "--sub", "a\u0007b");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--sub contains a control character");
  }, 30_000);

  it("mints a JWT", async () => {
    const r = await run("--role", "analyst");
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  }, 30_000);
});
