/**
 * A personal field as it is stored: sealed with its data subject's key (AES-256-GCM, a 96-bit
 * random nonce, the 128-bit tag appended; NIST SP 800-38D), bound to the subject id as additional
 * authenticated data so a value cannot be moved to another subject. The sealed form is plain JSON
 * and says whose it is, so a reader can fetch the key, and nothing else:
 *
 *   { "pii": 1, "subject": "<uuid>", "iv": "<base64>", "data": "<base64 ciphertext+tag>" }
 *
 * Once the subject's key is deleted (erasure), no one can open it.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/** A sealed personal value. */
export interface SealedValue {
  pii: 1;
  subject: string;
  iv: string;
  data: string;
}

/** Whether `v` is a sealed personal value. */
export function isSealed(v: unknown): v is SealedValue {
  const s = v as SealedValue | null;
  return (
    typeof s === "object" &&
    s !== null &&
    s.pii === 1 &&
    typeof s.subject === "string" &&
    typeof s.iv === "string" &&
    typeof s.data === "string"
  );
}

/** Seals the UTF-8 text `value` for `subject` with its 32-byte data key. */
export function seal(value: string, subject: string, key: Buffer): SealedValue {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(subject, "utf8"));
  const data = Buffer.concat([cipher.update(value, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return { pii: 1, subject, iv: iv.toString("base64"), data: data.toString("base64") };
}

/** Opens a sealed value with its subject's key. @throws Error when the key or the value is not the one it was sealed with. */
export function open(sealed: SealedValue, key: Buffer): string {
  const bytes = Buffer.from(sealed.data, "base64");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(sealed.iv, "base64"));
  decipher.setAAD(Buffer.from(sealed.subject, "utf8"));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString("utf8");
}
