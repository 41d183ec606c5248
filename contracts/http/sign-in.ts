/**
 * How people sign in to the web console (`/console`): the sign-in options a deployment offers
 * (`GET /auth/sign-in-options`) and, only while the API verifies tokens with the local development
 * key, a development token for a chosen role (`POST /auth/development-tokens`).
 *
 * In a deployment the console signs in with OpenID Connect (authorization code with PKCE,
 * RFC 7636) against the configured issuer; its access token must carry the claims the API reads
 * (`role`, and `uscc` for an enterprise).
 */
import { ROLES } from "../roles";
import { Uscc } from "../direct-clearance/declaration-shapes";
import { z } from "./zod";

/** One of the roles (contracts/roles.ts). */
export const RoleName = z.enum(ROLES).openapi("Role");

/** GET /auth/sign-in-options. */
export const SignInOptionsView = z
  .object({
    method: z.enum(["development", "oidc", "unavailable"]).openapi({
      description:
        "`development`: the API verifies tokens with the local development key and POST /auth/development-tokens mints one; `oidc`: sign in with the OpenID Connect issuer below; `unavailable`: tokens come from AUTH_JWKS_URL but no issuer is configured for the console (CONSOLE_OIDC_ISSUER)",
    }),
    oidc: z
      .object({
        issuer: z.string().openapi({ example: "https://sso.example.gov.cn/realms/ftz" }),
        clientId: z.string().openapi({ example: "ftz-console" }),
        scope: z.string().openapi({ example: "openid profile" }),
      })
      .nullable()
      .openapi({
        description: "The issuer, client and scope of the authorization-code flow with PKCE (null in development)",
      }),
    roles: z.array(RoleName),
  })
  .openapi("SignInOptions");

/** POST /auth/development-tokens body. */
export const DevelopmentTokenBody = z
  .strictObject({
    role: RoleName,
    uscc: Uscc.optional().openapi({
      description: "Unified social credit code: required for the enterprise role, refused for others",
    }),
  })
  .superRefine((b, ctx) => {
    if (b.role === "enterprise" && !b.uscc)
      ctx.addIssue({ code: "custom", path: ["uscc"], message: "required for the enterprise role" });
    if (b.role !== "enterprise" && b.uscc)
      ctx.addIssue({ code: "custom", path: ["uscc"], message: "only the enterprise role has a credit code" });
  })
  .openapi("DevelopmentTokenBody", { example: { role: "enterprise", uscc: "91350200776049653A" } });

/** A bearer token (RFC 6749 §5.1 member names). */
export const DevelopmentTokenView = z
  .object({
    access_token: z.string(),
    token_type: z.literal("Bearer"),
    expires_in: z.number().int().openapi({ description: "Seconds" }),
  })
  .openapi("DevelopmentToken");
