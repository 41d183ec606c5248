/**
 * Mints a development bearer token signed with the local development key (.data/dev-jwt-key.json,
 * created on first use; the API verifies against it when AUTH_JWKS_URL is not set).
 *
 *   npm run token -- --role taskforce
 *   npm run token -- --role enterprise --uscc 91350200776049653A
 *   npm run token -- --role customs --sub officer-17 --ttl 3600
 */
import { parseArgs } from "node:util";
import { usccProblem } from "../contracts/identifiers/uscc";
import { mintDevToken } from "../services/api/auth/dev-key";
import { ROLES, type Role } from "../services/api/auth/principal";

const { values } = parseArgs({
  options: {
    role: { type: "string" },
    uscc: { type: "string" },
    sub: { type: "string" },
    ttl: { type: "string" },
  },
});
const fail = (message: string): never => {
  console.error(
    `token: ${message}\nusage: npm run token -- --role <${ROLES.join("|")}> [--uscc <code>] [--sub <id>] [--ttl <seconds>]`,
  );
  process.exit(2);
};
const role = values.role as Role | undefined;
if (!role || !ROLES.includes(role)) fail("--role is required");
if (role === "enterprise") {
  if (!values.uscc) fail("an enterprise token needs --uscc");
  const problem = usccProblem(values.uscc!);
  if (problem) fail(`--uscc ${values.uscc}: ${problem}`);
} else if (values.uscc) fail("--uscc is for the enterprise role only");
const ttl = values.ttl === undefined ? undefined : Number(values.ttl);
if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 1)) fail("--ttl must be a positive number of seconds");

mintDevToken({ role: role!, uscc: values.uscc, subject: values.sub, ttlSeconds: ttl }).then((token) => {
  process.stdout.write(`${token}\n`);
});
