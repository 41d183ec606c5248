/**
 * Bearer tokens (RFC 6750) as JWTs verified with `jose` (RFC 7519): signature by a key from the
 * JWKS at `AUTH_JWKS_URL` (production) or the local development key (dev-key.ts); issuer,
 * audience and expiry required; only asymmetric algorithms on the allow-list, so `alg: none` and
 * HS/RS confusion (an HMAC token "signed" with a public key) are refused. Claims: `sub`, `role`
 * (one of ROLES), and `uscc` for the enterprise role (checked with its check character).
 */
import { createLocalJWKSet, createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify } from "jose";
import { usccProblem } from "../../../contracts/identifiers/uscc";
import { type Principal, ROLES, type Role } from "./principal";

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

/** Builds a verifier. */
export function createTokenVerifier(opts: TokenVerifierOptions): TokenVerifier {
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
        maxTokenAge: "24h",
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
      throw new InvalidTokenError("sub must be a non-empty string");
    }
    const principal: Principal = { subject: payload.sub, role: role as Role };
    if (role === "enterprise") {
      const uscc = payload.uscc;
      if (typeof uscc !== "string" || usccProblem(uscc)) {
        throw new InvalidTokenError("an enterprise token needs a valid uscc claim (unified social credit code)");
      }
      principal.enterprise = uscc;
    }
    return principal;
  };
}
