/**
 * The data subjects' keys (envelope encryption): a random 256-bit data key per subject, stored in
 * `personal_data_keys` wrapped (AES-256-GCM) by the key-encryption key, which is never in the
 * database. The key-encryption key is `PERSONAL_DATA_KEK` (32 bytes, base64) in a deployment
 * (from its secret store or KMS); in development a key file, `PERSONAL_DATA_KEK_FILE` (default
 * `.data/personal-data-kek.json`), created on first use. Erasing a subject deletes its data key
 * (PIPL Art. 47: 个人信息处理者应当主动删除个人信息): the row keeps when, by whom and on which legal
 * basis, and no key. A data key is cached in memory only for the call that needs it.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { SqlExecutor } from "../db/database";
import { isSealed, open, type SealedValue, seal } from "./sealed-value";

export { isSealed, type SealedValue } from "./sealed-value";

const keks = new Map<string, Buffer>();

/** The key-encryption key: `PERSONAL_DATA_KEK`, else the development key file (created atomically on first use); read once per process. */
export function keyEncryptionKey(env: NodeJS.ProcessEnv = process.env): Buffer {
  const where = env.PERSONAL_DATA_KEK ? `env:${env.PERSONAL_DATA_KEK}` : `file:${env.PERSONAL_DATA_KEK_FILE ?? ""}`;
  let kek = keks.get(where);
  if (!kek) {
    kek = readKeyEncryptionKey(env);
    keks.set(where, kek);
  }
  return kek;
}

function readKeyEncryptionKey(env: NodeJS.ProcessEnv): Buffer {
  if (env.PERSONAL_DATA_KEK) {
    const k = Buffer.from(env.PERSONAL_DATA_KEK, "base64");
    if (k.length !== 32) throw new Error("PERSONAL_DATA_KEK must be 32 bytes, base64");
    return k;
  }
  const file = env.PERSONAL_DATA_KEK_FILE ?? path.join(".data", "personal-data-kek.json");
  try {
    return Buffer.from((JSON.parse(readFileSync(file, "utf8")) as { kek: string }).kek, "base64");
  } catch {
    mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${randomUUID()}.tmp`;
    writeFileSync(tmp, JSON.stringify({ kek: randomBytes(32).toString("base64") }), { mode: 0o600 });
    try {
      linkSync(tmp, file); // never replaces a key another process created first
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    } finally {
      rmSync(tmp, { force: true });
    }
    return Buffer.from((JSON.parse(readFileSync(file, "utf8")) as { kek: string }).kek, "base64");
  }
}

/** Why a subject was erased and by whom. */
export interface Erasure {
  erasedBy: string;
  legalBasis: string;
}

/** What erasing found: whether the subject had a key, and when it was erased (now or before). */
export interface ErasureOutcome {
  subjectId: string;
  known: boolean;
  alreadyErased: boolean;
  erasedAt: string | null;
}

/** A value a reader sees in place of a sealed one: the text, or the fact that it was erased. */
export type Revealed = string | { erased: true };

/** The subjects' keys on a database. */
export class SubjectKeys {
  private readonly kek: Buffer;

  constructor(
    private readonly db: SqlExecutor,
    kek: Buffer = keyEncryptionKey(),
  ) {
    this.kek = kek;
  }

  /**
   * A sealer of `subject`'s values (the subject's data key fetched once, created when it has none).
   * @throws Error for an erased subject.
   */
  async sealerFor(subject: string): Promise<(value: string) => SealedValue> {
    const key = await this.dataKey(subject);
    return (value) => seal(value, subject, key);
  }

  /**
   * Opens every sealed value in `value` (any JSON) it can: the text where the subject's key
   * exists, `{ erased: true }` where it was erased (or never existed). Other values are kept.
   */
  async reveal<T>(value: T): Promise<unknown> {
    const subjects = new Set<string>();
    walk(value, (s) => subjects.add(s.subject));
    const keys = await this.keysOf([...subjects]);
    return map(value, (s) => {
      const key = keys.get(s.subject);
      return key ? open(s, key) : { erased: true };
    });
  }

  /** Deletes `subject`'s data key. Idempotent: erasing again reports the first erasure. */
  async erase(subject: string, erasure: Erasure): Promise<ErasureOutcome> {
    const { rows } = await this.db.query<{ erased_at: string; was_erased: boolean }>(
      `WITH before AS (SELECT erased_at IS NOT NULL AS was_erased FROM personal_data_keys WHERE subject_id = $1)
       UPDATE personal_data_keys SET wrapped_key = NULL,
              erased_at = COALESCE(erased_at, now()), erased_by = COALESCE(erased_by, $2), legal_basis = COALESCE(legal_basis, $3)
        WHERE subject_id = $1
       RETURNING erased_at::text AS erased_at, (SELECT was_erased FROM before) AS was_erased`,
      [subject, erasure.erasedBy, erasure.legalBasis],
    );
    const r = rows[0];
    return { subjectId: subject, known: !!r, alreadyErased: !!r?.was_erased, erasedAt: r?.erased_at ?? null };
  }

  private async dataKey(subject: string): Promise<Buffer> {
    // A key already stored (or the subject's erasure) wins over the fresh one: the upsert returns the row.
    const fresh = randomBytes(32);
    const { rows } = await this.db.query<{ wrapped_key: Buffer | null; erased_at: string | null }>(
      `INSERT INTO personal_data_keys (subject_id, wrapped_key) VALUES ($1, $2)
       ON CONFLICT (subject_id) DO UPDATE SET subject_id = EXCLUDED.subject_id
       RETURNING wrapped_key, erased_at::text AS erased_at`,
      [subject, wrapWith(this.kek, subject, fresh)],
    );
    const row = rows[0]!;
    if (!row.wrapped_key) throw new Error(`data subject ${subject} was erased: nothing more is recorded about them`);
    return unwrapWith(this.kek, subject, row.wrapped_key);
  }

  private async keysOf(subjects: string[]): Promise<Map<string, Buffer>> {
    if (subjects.length === 0) return new Map();
    const { rows } = await this.db.query<{ subject_id: string; wrapped_key: Buffer | null }>(
      "SELECT subject_id::text AS subject_id, wrapped_key FROM personal_data_keys WHERE subject_id = ANY($1::uuid[])",
      [subjects],
    );
    return new Map(
      rows.filter((r) => r.wrapped_key).map((r) => [r.subject_id, unwrapWith(this.kek, r.subject_id, r.wrapped_key!)]),
    );
  }
}

/** A data key wrapped by the key-encryption key, bound to its subject: iv (12) ‖ ciphertext (32) ‖ tag (16). */
function wrapWith(kek: Buffer, subject: string, key: Buffer): Buffer {
  const s = seal(key.toString("base64"), subject, kek);
  return Buffer.concat([Buffer.from(s.iv, "base64"), Buffer.from(s.data, "base64")]);
}

function unwrapWith(kek: Buffer, subject: string, wrapped: Buffer): Buffer {
  const sealed: SealedValue = {
    pii: 1,
    subject,
    iv: wrapped.subarray(0, 12).toString("base64"),
    data: wrapped.subarray(12).toString("base64"),
  };
  return Buffer.from(open(sealed, kek), "base64");
}

function walk(v: unknown, f: (s: SealedValue) => void): void {
  if (isSealed(v)) f(v);
  else if (Array.isArray(v)) for (const x of v) walk(x, f);
  else if (v && typeof v === "object") for (const x of Object.values(v)) walk(x, f);
}

function map(v: unknown, f: (s: SealedValue) => Revealed): unknown {
  if (isSealed(v)) return f(v);
  if (Array.isArray(v)) return v.map((x) => map(x, f));
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, map(x, f)]));
  return v;
}
