/**
 * Which database errors are transient: the connection or the server failed (restart, network,
 * too many connections, shutdown) or the transaction lost a serialisation race, as opposed to an
 * error in the statement or the data. Callers retry the former (projection batches) or tell the
 * client to (HTTP 503 with Retry-After); the latter park an event or answer 4xx/500.
 */

/**
 * SQLSTATEs (PostgreSQL manual, Appendix A): class 08 connection exception; 40001 serialization
 * failure, 40P01 deadlock; 53300 too many connections; 57P01 admin shutdown, 57P02 crash
 * shutdown, 57P03 cannot connect now (starting up or shutting down). Not transient: 57014
 * (statement timeout or cancel: the same statement would time out again), 53100 disk full,
 * class 58 (system I/O errors), 57P04 database dropped.
 */
const TRANSIENT_SQLSTATE = /^(08...|40001|40P01|53300|57P0[123])$/;
/** Node socket errors while connecting to or talking with the server (`err.code`). */
const TRANSIENT_ERRNO = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH"]);
/** Messages of `pg` and `pg-pool` when the socket failed and no SQLSTATE exists. */
const TRANSIENT_MESSAGE =
  /^(Connection terminated|Client has encountered a connection error|Client was closed and is not queryable|timeout exceeded when trying to connect|Connection ended)/i;

/** True when `err` is a connection/server failure or a lost race (retry), not a statement or data error. */
export function isTransient(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown; errors?: unknown };
  if (typeof e?.code === "string" && (TRANSIENT_SQLSTATE.test(e.code) || TRANSIENT_ERRNO.has(e.code))) return true;
  // Node's dual-stack connect fails with an AggregateError of per-address errors.
  if (Array.isArray(e?.errors) && e.errors.length > 0 && e.errors.every(isTransient)) return true;
  return typeof e?.message === "string" && TRANSIENT_MESSAGE.test(e.message);
}
