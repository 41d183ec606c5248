/**
 * Read-model queries from HTTP handlers. A projection creates its tables when its feed starts;
 * until then (first start, or a separate projection worker that has not run yet) a query would
 * fail with PostgreSQL's undefined_table (42P01). That answers 503 `not-ready` instead of 500.
 */
import { awaitConsistency } from "./consistency";
import { Problems } from "./problem";

/** True for PostgreSQL's "undefined_table" (42P01). */
const isUndefinedTable = (err: unknown) => (err as { code?: unknown } | null)?.code === "42P01";

/**
 * Runs `query` against read model `name`, once the read model has applied the request's
 * consistency token when it carries one (consistency.ts).
 * @throws ProblemError 503 `not-ready` while the read model's tables do not exist, 503
 *   `read-model-behind` when it has not reached the token in time; else what `query` throws.
 */
export async function fromReadModelOf<T>(name: string, query: () => Promise<T>): Promise<T> {
  await awaitConsistency(name);
  try {
    return await query();
  } catch (err) {
    if (isUndefinedTable(err)) {
      throw Problems.notReady(`The ${name} read model is not set up yet; retry shortly`, { [name]: "missing" });
    }
    throw err;
  }
}
