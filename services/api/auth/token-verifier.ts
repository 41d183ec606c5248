/**
 * Bearer tokens (RFC 6750) as JWTs verified with `jose` (RFC 7519): signature by a key from the
 * JWKS at `AUTH_JWKS_URL` (production) or the local development key (dev-key.ts); issuer,
 * audience and expiry required; only asymmetric algorithms on the allow-list, so `alg: none` and
 * HS/RS confusion (an HMAC token "signed" with a public key) are refused. Claims: `sub`, `role`
 * (one of ROLES), and `uscc` for the enterprise role (checked with its check character).
 */
import { LRUCache } from "lru-cache";
import { createLocalJWKSet, createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify } from "jose";
import { usccProblem } from "../../../contracts/identifiers/uscc";
import { unsafeStringReason } from "../../../contracts/json-safety";
import { type Principal, ROLES, type Role } from "./principal";

/** Oldest `iat` accepted, seconds (24 h). */
const MAX_TOKEN_AGE_S = 86_400;

/** Algorithms accepted; never `none`, never HMAC. */
export const ALLOWED_ALGORITHMS = ["ES256", "RS256", "EdDSA"];

/** Where tokens are checked against. */
export interface TokenVerifierOptions {
  issuer: string;
  audience: string;
  /** A JWKS URL, or a local JWK set (development). */
  keys: { jwksUrl: string } | { jwks: { keys: object[] } };
}

/** Why a token was refused (for the 401's `error_description`). */
export class InvalidTokenError extends Error {}

/** Verifies a compact JWT (issued at most 24 h ago); returns the principal. @throws InvalidTokenError */
export type TokenVerifier = (token: string) => Promise<Principal>;

/** How long a verified token is remembered at most, ms (a key removed from the JWKS stops working within it). */
export const VERIFIED_TOKEN_TTL_MS = 60_000;

/**
 * Builds a verifier. A token that passed is remembered (at most 10,000, least recently used
 * dropped first) until the earliest of its `exp`, `iat` + 24 h and VERIFIED_TOKEN_TTL_MS, so a
 * client's repeated requests cost one ES256 verification a minute instead of one each; the
 * same string can only be the same token, so the answer cannot differ within that time except
 * by a key rotation. Refused tokens are never remembered.
 */
export function createTokenVerifier(opts: TokenVerifierOptions): TokenVerifier {
  const verify = createUncachedVerifier(opts);
  const verified = new LRUCache<string, Principal>({ max: 10_000 });
  return async (token) => {
    const known = verified.get(token);
    if (known) return known;
    const { principal, validUntilMs } = await verify(token);
    Object.freeze(principal); // shared by every request that carries this token
    const ttl = Math.min(validUntilMs - Date.now(), VERIFIED_TOKEN_TTL_MS);
    if (ttl > 0) verified.set(token, principal, { ttl });
    return principal;
  };
}

function createUncachedVerifier(
  opts: TokenVerifierOptions,
): (token: string) => Promise<{ principal: Principal; validUntilMs: number }> {
  const keys: JWTVerifyGetKey =
    "jwksUrl" in opts.keys
      ? createRemoteJWKSet(new URL(opts.keys.jwksUrl))
      : createLocalJWKSet(opts.keys.jwks as Parameters<typeof createLocalJWKSet>[0]);
  return async (token) => {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: opts.issuer,
        audience: opts.audience,
        algorithms: ALLOWED_ALGORITHMS,
        requiredClaims: ["exp", "sub", "iat"],
        // Tokens are short-lived: refuse one issued more than a day ago (or in the future).
        maxTokenAge: MAX_TOKEN_AGE_S,
      }));
    } catch (err) {
      const why =
        err instanceof errors.JWTExpired
          ? "the token has expired"
          : err instanceof errors.JWTClaimValidationFailed
            ? `claim ${err.claim} is not accepted`
            : err instanceof errors.JOSEAlgNotAllowed
              ? "the token's algorithm is not accepted"
              : "the token's signature or format is not valid";
      throw new InvalidTokenError(why);
    }
    const role = payload.role;
    if (typeof role !== "string" || !ROLES.includes(role as Role)) {
      throw new InvalidTokenError(`role must be one of ${ROLES.join(", ")}`);
    }
    if (typeof payload.sub !== "string" || payload.sub.trim() === "" || payload.sub.length > 200) {
      throw new InvalidTokenError("sub must be a non-empty string of at most 200 characters");
    }
    const subProblem = subjectProblem(payload.sub);
    if (subProblem) throw new InvalidTokenError(`sub ${subProblem}`);
    const principal: Principal = { subject: payload.sub, role: role as Role };
    if (role === "enterprise") {
      const uscc = payload.uscc;
      if (typeof uscc !== "string" || usccProblem(uscc)) {
        throw new InvalidTokenError("an enterprise token needs a valid uscc claim (unified social credit code)");
      }
      principal.enterprise = uscc;
    }
    // jwtVerify required both as numbers (seconds since the epoch).
    const validUntilMs = Math.min(Number(payload.exp) * 1000, (Number(payload.iat) + MAX_TOKEN_AGE_S) * 1000);
    return { principal, validUntilMs };
  };
}

/**
 * Why a token's `sub` cannot name an actor, or null. The subject goes into every event's metadata
 * (jsonb), the audit trail and the `ce_actorsubject` Kafka header, so it must be storable text:
 * no NUL, no lone UTF-16 surrogate (contracts/json-safety.ts), and no other control character (U+0001–U+001F,
 * U+007F–U+009F), which OpenID Connect Core 1.0 §2 rules out anyway (`sub` is printable ASCII
 * there; other characters are accepted here for issuers that do not follow it).
 */
export function subjectProblem(sub: string): string | null {
  const unsafe = unsafeStringReason(sub);
  if (unsafe) return unsafe;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
  if (/[\u0001-\u001f\u007f-\u009f]/.test(sub)) return "contains a control character";
  return null;
}
