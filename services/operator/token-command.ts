/**
 * The `token` command (`npm run token --`, `ftz token`): mints a development bearer token signed
 * with the local development key (.data/dev-jwt-key.json, created on first use; the API verifies
 * against it when AUTH_JWKS_URL is not set). `--help` prints the usage, an unknown role names the
 * valid ones, and every refusal exits with status 2 and nothing on standard output.
 */
import { Command, InvalidArgumentError, Option } from "commander";
import { usccProblem } from "../../contracts/identifiers/uscc";
import { mintDevToken } from "../api/auth/dev-key";
import { ROLES, type Role } from "../api/auth/principal";
import { subjectProblem } from "../api/auth/token-verifier";

const seconds = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("a positive whole number of seconds");
  return n;
};

/** The command, named `name` in its usage (`npm run token --` or `token`). */
export function tokenCommand(name: string, usage = "npm run token --"): Command {
  const command: Command = new Command(name)
    .description("Mint a development bearer token for the local API (signed with the development key)")
    .addOption(new Option("--role <role>", "the token's role").choices(ROLES).makeOptionMandatory())
    .option(
      "--uscc <code>",
      "unified social credit code (GB 32100-2015): required for --role enterprise, refused otherwise",
    )
    .option("--sub <id>", "the subject (default: the role, with the credit code for an enterprise)")
    .option("--ttl <seconds>", "lifetime in seconds (default 8 hours)", seconds)
    .addHelpText(
      "after",
      `\nExamples:\n  ${usage} --role taskforce\n  ${usage} --role enterprise --uscc 91350200776049653A\n` +
        `  curl -H "Authorization: Bearer $(${usage.replace("npm run", "npm run -s")} --role analyst)" http://127.0.0.1:3000/reform-tasks`,
    )
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2))
    .showHelpAfterError(`(${usage} --help for the options)`)
    .action(async (opts: { role: Role; uscc?: string; sub?: string; ttl?: number }) => {
      const fail = (message: string): never => command.error(`token: ${message}`, { exitCode: 2 });
      if (opts.role === "enterprise") {
        if (!opts.uscc) fail("an enterprise token needs --uscc");
        const problem = usccProblem(opts.uscc!);
        if (problem) fail(`--uscc ${opts.uscc}: ${problem}`);
      } else if (opts.uscc) fail("--uscc is for the enterprise role only");
      if (opts.sub !== undefined) {
        const problem = opts.sub.trim() === "" ? "is empty" : subjectProblem(opts.sub);
        if (problem) fail(`--sub ${problem}`);
      }
      const token = await mintDevToken({ role: opts.role, uscc: opts.uscc, subject: opts.sub, ttlSeconds: opts.ttl });
      process.stdout.write(`${token}\n`);
    });
  return command;
}
