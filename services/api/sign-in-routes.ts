/**
 * Sign-in for the web console: `GET /auth/sign-in-options` tells the console how to sign in, and
 * `POST /auth/development-tokens` mints a development token for a chosen role (and credit code)
 * while — and only while — the API verifies tokens with the local development key (no
 * `AUTH_JWKS_URL`): anyone who can reach such an API can already mint tokens with the key file, so
 * this adds no power; with `AUTH_JWKS_URL` set the route answers 404 and mints nothing.
 *
 * In a deployment the console uses OpenID Connect (authorization code with PKCE, RFC 7636)
 * against `CONSOLE_OIDC_ISSUER` with client `CONSOLE_OIDC_CLIENT_ID` (scope `CONSOLE_OIDC_SCOPE`,
 * default `openid profile`); the access tokens it gets are verified like any other, from
 * `AUTH_JWKS_URL`.
 */
import { DevelopmentTokenBody, DevelopmentTokenView, SignInOptionsView } from "../../contracts/http/sign-in";
import { problemResponses } from "../../contracts/http/responses";
import { ROLES } from "../../contracts/roles";
import type { z } from "../../contracts/http/zod";
import { mintDevToken } from "./auth/dev-key";
import { Problems } from "./http/problem";
import { parseBody } from "./http/validate";
import type { RouteModule } from "./route-module";

const json = (schema: z.ZodType) => ({ content: { "application/json": { schema } } });
const TAG = "sign-in";
/** Lifetime of a development token, seconds (a working day). */
const DEV_TOKEN_TTL_S = 8 * 3600;

/** How the console signs in, from the environment (or `env` in tests). */
export function signInOptions(env: NodeJS.ProcessEnv = process.env): z.output<typeof SignInOptionsView> {
  const roles = [...ROLES];
  if (!env.AUTH_JWKS_URL) return { method: "development", oidc: null, roles };
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
      router.get("/auth/sign-in-options", (_req, res) => {
        const options = signInOptions(env);
        res
          .set("Cache-Control", "no-store")
          .json(
            minting()
              ? options
              : { ...options, method: options.method === "development" ? "unavailable" : options.method },
          );
      });
      router.post("/auth/development-tokens", async (req, res) => {
        if (!minting())
          throw Problems.notFound(
            "Development tokens are minted only while the API verifies tokens with the development key",
          );
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
          "A development bearer token for a role (8 hours), only while the API verifies with the development key; 404 otherwise",
        security: [],
        request: { body: json(DevelopmentTokenBody) },
        responses: {
          200: { description: "A token (RFC 6749 §5.1 names)", ...json(DevelopmentTokenView) },
          ...problemResponses(404, 415),
        },
      });
    },
  };
}
