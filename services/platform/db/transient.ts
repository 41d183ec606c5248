/**
 * Which database errors are transient: the connection or the server failed (restart, network,
 * overload, shutdown) or the transaction lost a serialisation race, as opposed to an error in the
 * statement or the data. Callers retry the former (projection batches) or tell the client to
 * (HTTP 503 with Retry-After); the latter park an event or answer 4xx/500.
 */

/**
 * PostgreSQL SQLSTATE classes (PostgreSQL manual, Appendix A): 08 connection exception,
 * 53 insufficient resources, 57 operator intervention (e.g. 57P01 admin shutdown, 57P03 cannot
 * connect now), 58 system error, 40 transaction rollback (40001 serialisation, 40P01 deadlock).
 */
const TRANSIENT_SQLSTATE = /^(08|53|57|58|40)/;
/** Messages of `pg` and Node's socket layer when no SQLSTATE exists (the socket itself failed). */
const TRANSIENT_MESSAGE =
  /Connection terminated|ECONNREFUSED|ECONNRESET|EPIPE|terminating connection|Client has encountered a connection error|not queryable|timeout exceeded when trying to connect|Connection ended/i;

/** True when `err` is a connection/server failure or a lost race (retry), not a statement or data error. */
export function isTransient(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  if (typeof e?.code === "string" && TRANSIENT_SQLSTATE.test(e.code)) return true;
  return TRANSIENT_MESSAGE.test(String(e?.message ?? ""));
}
