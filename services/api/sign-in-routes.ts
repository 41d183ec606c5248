/**
 * Sign-in for the web console: `GET /auth/sign-in-options` tells the console how to sign in, and
 * `POST /auth/development-tokens` mints a development token for a chosen role (and credit code).
 *
 * Minting gives any role to whoever asks, so it is limited three ways: only while the API
 * verifies tokens with the local development key (no `AUTH_JWKS_URL`, no `CONSOLE_OIDC_ISSUER`,
 * no verifier of the caller's own; otherwise 404); only for a request from this machine (a
 * loopback peer address, otherwise 403), as `npm run token` is; and only when the request names
 * this machine in `Host` (localhost, 127.0.0.1, [::1]; otherwise 403), so a web page on another
 * site cannot reach it through DNS rebinding.
 *
 * In a deployment the console uses OpenID Connect (authorization code with PKCE, RFC 7636)
 * against `CONSOLE_OIDC_ISSUER` with client `CONSOLE_OIDC_CLIENT_ID` (scope `CONSOLE_OIDC_SCOPE`,
 * default `openid profile`); the access tokens it gets are verified like any other, from
 * `AUTH_JWKS_URL`.
 */
import type { Request } from "express";
import { DevelopmentTokenBody, DevelopmentTokenView, SignInOptionsView } from "../../contracts/http/sign-in";
import { problemResponses } from "../../contracts/http/responses";
import { ROLES } from "../../contracts/roles";
import type { z } from "../../contracts/http/zod";
import { mintDevToken } from "./auth/dev-key";
import { ProblemError, Problems } from "./http/problem";
import { parseBody } from "./http/validate";
import type { RouteModule } from "./route-module";

const json = (schema: z.ZodType) => ({ content: { "application/json": { schema } } });
const TAG = "sign-in";
/** Lifetime of a development token, seconds (a working day). */
const DEV_TOKEN_TTL_S = 8 * 3600;

const LOOPBACK_PEER = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;
const LOCAL_HOST = /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/i;

/** A request from a loopback address that names this machine in `Host` (RFC 9110 §7.2). */
function fromThisMachine(req: Request): boolean {
  return LOOPBACK_PEER.test(req.socket.remoteAddress ?? "") && LOCAL_HOST.test(req.get("host") ?? "");
}

/**
 * The origins the console may connect to besides its own, for the Content-Security-Policy: the
 * issuer's, and `CONSOLE_OIDC_CONNECT_ORIGINS` (comma-separated) for an issuer whose token
 * endpoint is on another origin. @throws Error naming the setting when a URL is malformed.
 */
export function consoleConnectOrigins(env: NodeJS.ProcessEnv = process.env): string[] {
  const issuer = signInOptions(env).oidc?.issuer;
  const extra = (env.CONSOLE_OIDC_CONNECT_ORIGINS ?? "")
    .split(",")
    .map((o) => o.trim())
    .filter(Boolean);
  const origin = (url: string, setting: string) => {
    try {
      return new URL(url).origin;
    } catch {
      throw new Error(`${setting} is not a URL: ${url}`);
    }
  };
  return [
    ...(issuer ? [origin(issuer, "CONSOLE_OIDC_ISSUER")] : []),
    ...extra.map((o) => origin(o, "CONSOLE_OIDC_CONNECT_ORIGINS")),
  ];
}

/** How the console signs in, from the environment (or `env` in tests). */
export function signInOptions(env: NodeJS.ProcessEnv = process.env): z.output<typeof SignInOptionsView> {
  const roles = [...ROLES];
  // An issuer configured without the keys to verify its tokens is a broken deployment, not development.
  if (!env.AUTH_JWKS_URL) return { method: env.CONSOLE_OIDC_ISSUER ? "unavailable" : "development", oidc: null, roles };
  if (!env.CONSOLE_OIDC_ISSUER || !env.CONSOLE_OIDC_CLIENT_ID) return { method: "unavailable", oidc: null, roles };
  return {
    method: "oidc",
    oidc: {
      issuer: env.CONSOLE_OIDC_ISSUER,
      clientId: env.CONSOLE_OIDC_CLIENT_ID,
      scope: env.CONSOLE_OIDC_SCOPE ?? "openid profile",
    },
    roles,
  };
}

/**
 * The sign-in route module. `env` (default `process.env`) decides whether development tokens are
 * minted; an app built with its own token verifier passes `developmentTokens: false`, since the
 * development key would not be what verifies.
 */
export function signInRoutes(opts: { env?: NodeJS.ProcessEnv; developmentTokens?: boolean } = {}): RouteModule {
  const env = opts.env ?? process.env;
  const minting = () => (opts.developmentTokens ?? true) && signInOptions(env).method === "development";
  return {
    name: "sign-in",
    register(router) {
      router.get("/auth/sign-in-options", (req, res) => {
        const options = signInOptions(env);
        // Development sign-in is offered only where it would work: minting, from this machine.
        const development = options.method === "development" && minting() && fromThisMachine(req);
        res
          .set("Cache-Control", "no-store")
          .json(options.method === "development" && !development ? { ...options, method: "unavailable" } : options);
      });
      router.post("/auth/development-tokens", async (req, res) => {
        if (!minting())
          throw Problems.notFound(
            "Development tokens are minted only while the API verifies tokens with the development key",
          );
        if (!fromThisMachine(req)) {
          throw new ProblemError({
            status: 403,
            slug: "forbidden",
            title: "Forbidden",
            detail:
              "Development sign-in is only for requests from this machine to localhost (npm run token mints one elsewhere)",
          });
        }
        const { role, uscc } = parseBody(req, DevelopmentTokenBody);
        const token = await mintDevToken({ role, uscc, ttlSeconds: DEV_TOKEN_TTL_S });
        res
          .set("Cache-Control", "no-store")
          .json({ access_token: token, token_type: "Bearer", expires_in: DEV_TOKEN_TTL_S });
      });
    },
    openapi(registry) {
      registry.registerPath({
        method: "get",
        path: "/auth/sign-in-options",
        tags: [TAG],
        summary:
          "How the web console signs in: development tokens, or OpenID Connect with PKCE against the configured issuer",
        security: [],
        responses: { 200: { description: "The options", ...json(SignInOptionsView) }, ...problemResponses() },
      });
      registry.registerPath({
        method: "post",
        path: "/auth/development-tokens",
        tags: [TAG],
        summary:
          "A development bearer token for a role (8 hours): only while the API verifies with the development key (404 otherwise), and only from this machine to localhost (403 otherwise)",
        security: [],
        request: { body: json(DevelopmentTokenBody) },
        responses: {
          200: { description: "A token (RFC 6749 §5.1 names)", ...json(DevelopmentTokenView) },
          ...problemResponses(403, 404, 415),
        },
      });
    },
  };
}
