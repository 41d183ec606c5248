/**
 * Name-based UUIDs (RFC 9562 §5.5, version 5: SHA-1 of namespace + name). The same namespace
 * and name always give the same UUID, which makes ids derived from a request's idempotency key
 * stable across retries.
 */
import { createHash } from "node:crypto";

/** Namespace of this application's derived ids (itself a random v4 UUID, fixed forever). */
export const APP_NAMESPACE = "6f1c2b5e-3d47-4a8e-9b0f-52c7e1d4a9b3";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The version-5 UUID of `name` (UTF-8) in `namespace` (a UUID string), lower-case.
 * @throws TypeError when `namespace` is not a UUID.
 */
export function uuidV5(name: string, namespace: string = APP_NAMESPACE): string {
  if (!UUID.test(namespace)) throw new TypeError(`namespace ${namespace} is not a UUID`);
  const bytes = createHash("sha1")
    .update(Buffer.from(namespace.replace(/-/g, ""), "hex"))
    .update(name, "utf8")
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
