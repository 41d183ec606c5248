/**
 * Keys for PostgreSQL advisory locks (64-bit): the first 8 bytes of SHA-256(`<namespace>:<name>`),
 * stable across processes and versions, so every holder of one logical lock computes the same key.
 */
import { createHash } from "node:crypto";

/** The signed 64-bit key, as a decimal string for a `$n::bigint` parameter. */
export const advisoryLockKey = (namespace: string, name: string): string =>
  createHash("sha256").update(`${namespace}:${name}`).digest().readBigInt64BE(0).toString();
