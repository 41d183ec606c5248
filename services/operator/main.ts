/**
 * The `ftz` process (services/operator/ftz-cli.ts): runs the verb given on the command line and
 * exits with its status.
 */
import { runFtz } from "./ftz-cli";

// The relay and ftz use kafkajs's default partitioner alike (a stream stays in one partition); no warning about it.
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= "1";

runFtz(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`ftz: ${String(err)}\n`);
    process.exit(2);
  },
);
