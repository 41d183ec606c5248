/**
 * Authentication and authorisation middleware. `authenticate` reads `Authorization: Bearer`
 * (RFC 6750) when present and sets `req.principal`; a malformed or invalid token is 401 at once.
 * `allow(...roles)` guards a route: no principal → 401 with `WWW-Authenticate: Bearer`; another
 * role → 403. `ownedBy` hides another enterprise's resource behind a 404, so an enterprise
 * cannot even learn that it exists. Routes without `allow` (health, docs, the OpenAPI document)
 * stay public.
 */
import type { Request, RequestHandler } from "express";
import { ProblemError, Problems } from "../http/problem";
import { type Principal, ROLES, type Role } from "./principal";
import { devKeyPair, DEV_AUDIENCE, DEV_ISSUER } from "./dev-key";
import { createTokenVerifier, InvalidTokenError, type TokenVerifier } from "./token-verifier";

const unauthorized = (detail: string, error?: "invalid_token" | "invalid_request") =>
  new ProblemError({
    status: 401,
    slug: "unauthorized",
    title: "Unauthorized",
    detail,
    headers: {
      "WWW-Authenticate": error
        ? `Bearer realm="ftz", error="${error}", error_description="${detail.replace(/"/g, "'")}"`
        : 'Bearer realm="ftz"',
    },
  });

/** Sets `req.principal` from a valid bearer token; 401 for a malformed or invalid one. */
export function authenticate(verify: TokenVerifier): RequestHandler {
  return async (req, _res, next) => {
    const header = req.get("authorization");
    // Another scheme (e.g. Basic for a proxy) is not ours: treated as no token.
    if (header === undefined || !/^bearer\s/i.test(header.trim())) return next();
    const m = /^bearer +([A-Za-z0-9._~+/-]+=*)$/i.exec(header.trim());
    if (!m) return next(unauthorized("Authorization must be: Bearer <token>", "invalid_request"));
    try {
      req.principal = await verify(m[1]!);
      next();
    } catch (err) {
      next(err instanceof InvalidTokenError ? unauthorized(err.message, "invalid_token") : err);
    }
  };
}

/** Lets only `roles` through (401 without a token, 403 with another role). */
export function allow(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    const p = req.principal;
    if (!p) return next(unauthorized("This route needs a bearer token (npm run token mints one for development)"));
    if (!roles.includes(p.role)) {
      return next(
        new ProblemError({
          status: 403,
          slug: "forbidden",
          title: "Forbidden",
          detail: `The ${p.role} role may not do this (allowed: ${roles.join(", ")})`,
        }),
      );
    }
    next();
  };
}

/** Every role: routes any authenticated caller may use. */
export const ANY_ROLE: Role[] = [...ROLES];

/**
 * For an enterprise caller, refuses a resource of another enterprise as if it did not exist.
 * @throws ProblemError 404 `not-found` with `what` as the detail.
 */
export function ownedBy(req: Request, enterprise: string, what: string): void {
  const p = req.principal;
  if (p?.role === "enterprise" && p.enterprise !== enterprise) throw Problems.notFound(what);
}

/**
 * The credit code a list is about: the `enterprise` query value, or an enterprise caller's own
 * when it left it out. Another enterprise's code is 404 (`what`), as its items would be.
 * @throws ProblemError 400 naming `/query/enterprise` when a non-enterprise caller left it out.
 */
export function listedEnterprise(req: Request, given: string | undefined, what: (code: string) => string): string {
  const p = req.principal;
  const code = given ?? (p?.role === "enterprise" ? p.enterprise : undefined);
  if (code === undefined) {
    throw Problems.validationFailed([
      { pointer: "/query/enterprise", detail: "required: the credit code whose items to list" },
    ]);
  }
  ownedBy(req, code, what(code));
  return code;
}

/**
 * For an enterprise caller, refuses acting for another enterprise (403): it may lodge or file
 * only under its own credit code.
 */
export function actsFor(req: Request, enterprise: string): void {
  const p = req.principal;
  if (p?.role === "enterprise" && p.enterprise !== enterprise) {
    throw new ProblemError({
      status: 403,
      slug: "forbidden",
      title: "Forbidden",
      detail: `An enterprise acts only under its own credit code (${p.enterprise}), not ${enterprise}`,
      extensions: { field: "enterprise" },
    });
  }
}

/**
 * The scope idempotency keys live in: issuer-independent but per principal (role, enterprise and
 * subject), so two principals sharing a subject cannot replay each other's stored responses.
 */
export const principalScope = (req: Request): string => {
  const p = req.principal;
  return p ? JSON.stringify([p.role, p.enterprise ?? "", p.subject]) : "anonymous";
};

/** The event actor of a principal (`undefined` for unauthenticated routes). */
export const actorOf = (p: Principal | undefined) =>
  p ? { subject: p.subject, role: p.role, ...(p.enterprise ? { enterprise: p.enterprise } : {}) } : undefined;

/**
 * The verifier the app uses: the JWKS at `AUTH_JWKS_URL` (with `AUTH_ISSUER`, `AUTH_AUDIENCE`), or
 * the local development key when no JWKS URL is set.
 */
export function defaultTokenVerifier(): TokenVerifier {
  const issuer = process.env.AUTH_ISSUER ?? DEV_ISSUER;
  const audience = process.env.AUTH_AUDIENCE ?? DEV_AUDIENCE;
  const jwksUrl = process.env.AUTH_JWKS_URL;
  if (jwksUrl) return createTokenVerifier({ issuer, audience, keys: { jwksUrl } });
  let verifier: Promise<TokenVerifier> | undefined;
  return async (token) => {
    verifier ??= devKeyPair().then((pair) =>
      createTokenVerifier({ issuer, audience, keys: { jwks: { keys: [pair.publicJwk] } } }),
    );
    return (await verifier)(token);
  };
}
