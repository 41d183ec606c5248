/**
 * The local development signing key: an ES256 key pair kept in `AUTH_DEV_KEY_FILE` (default
 * `.data/dev-jwt-key.json`), created on first use. It signs the tokens `npm run token` mints and
 * verifies them when no `AUTH_JWKS_URL` is set. Never use it in production.
 */
import { randomUUID } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from "jose";
import type { Role } from "./principal";

/** Issuer and audience of development tokens (and the defaults of AUTH_ISSUER / AUTH_AUDIENCE). */
export const DEV_ISSUER = "ftz-backend-dev";
export const DEV_AUDIENCE = "ftz-api";

interface KeyFile {
  privateJwk: JWK;
  publicJwk: JWK;
}

const keyFile = () => process.env.AUTH_DEV_KEY_FILE ?? path.join(".data", "dev-jwt-key.json");

/** The development key pair, created (atomically) when the file does not exist yet. */
export async function devKeyPair(file = keyFile()): Promise<KeyFile> {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as KeyFile;
  } catch {
    const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
    const kid = randomUUID();
    const pair: KeyFile = {
      privateJwk: { ...(await exportJWK(privateKey)), kid, alg: "ES256" },
      publicJwk: { ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" },
    };
    mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${randomUUID()}.tmp`;
    writeFileSync(tmp, JSON.stringify(pair), { mode: 0o600 });
    try {
      // link() never replaces an existing file: the first process to create the key wins, and
      // every other one (a parallel test worker) reads that key instead of overwriting it with its
      // own, which would invalidate tokens already signed or verifiers already built.
      linkSync(tmp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    } finally {
      rmSync(tmp, { force: true });
    }
    return JSON.parse(readFileSync(file, "utf8")) as KeyFile;
  }
}

/** What a minted token says. */
export interface TokenRequest {
  role: Role;
  /** Unified social credit code, for the enterprise role. */
  uscc?: string;
  subject?: string;
  /** Lifetime in seconds (default 8 hours). */
  ttlSeconds?: number;
  issuer?: string;
  audience?: string;
}

/** Mints a development token signed with the development key. */
export async function mintDevToken(req: TokenRequest, file = keyFile()): Promise<string> {
  const pair = await devKeyPair(file);
  const key = await importJWK(pair.privateJwk, "ES256");
  return new SignJWT({ role: req.role, ...(req.uscc ? { uscc: req.uscc } : {}) })
    .setProtectedHeader({ alg: "ES256", kid: pair.privateJwk.kid })
    .setSubject(req.subject ?? `${req.role}${req.uscc ? `:${req.uscc}` : ""}`)
    .setIssuer(req.issuer ?? process.env.AUTH_ISSUER ?? DEV_ISSUER)
    .setAudience(req.audience ?? process.env.AUTH_AUDIENCE ?? DEV_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${req.ttlSeconds ?? 8 * 3600}s`)
    .sign(key);
}
