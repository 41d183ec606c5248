/**
 * Mints a development bearer token (services/operator/token-command.ts; also `ftz token`).
 *
 *   npm run token -- --role taskforce
 *   npm run token -- --role enterprise --uscc 91350200776049653A
 *   npm run token -- --role customs --sub officer-17 --ttl 3600
 *   npm run token -- --help
 */
import { tokenCommand } from "../services/operator/token-command";

void tokenCommand("npm run token --").parseAsync();
