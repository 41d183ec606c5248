/**
 * A real OpenID Connect issuer for the console's sign-in test: panva's `oidc-provider` (an
 * OpenID-certified implementation), run as its own process because it is an ES module.
 *
 *   node test/support/oidc-issuer.mjs <port> <console redirect URI>
 *
 * One public client, `ftz-console` (no secret; PKCE S256 required, RFC 7636), redirecting to the
 * given URI. Access tokens are JWTs (RFC 9068) for the resource `urn:ftz:api` with audience
 * `ftz-api`, signed ES256, carrying the claims the API reads: `role`, and `uscc` for an
 * enterprise. The account is the login name typed on the provider's development login page:
 * `<role>` or `enterprise:<credit code>`; any password; then the provider's consent page.
 * Prints `ready <issuer>` on stdout when it listens.
 */
import { generateKeyPair, exportJWK } from "jose";
import Provider from "oidc-provider";

const [port, redirectUri] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;
const RESOURCE = "urn:ftz:api";
const { privateKey } = await generateKeyPair("ES256", { extractable: true });
const signingKey = { ...(await exportJWK(privateKey)), alg: "ES256", use: "sig", kid: "issuer-key" };

const claimsOf = (accountId) => {
  const [role, uscc] = accountId.split(":");
  return { role, ...(uscc ? { uscc } : {}) };
};

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: "ftz-console",
      token_endpoint_auth_method: "none",
      id_token_signed_response_alg: "ES256",
      redirect_uris: [redirectUri],
      post_logout_redirect_uris: [redirectUri],
      grant_types: ["authorization_code"],
      response_types: ["code"],
    },
  ],
  jwks: { keys: [signingKey] },
  pkce: { required: () => true },
  scopes: ["openid", "profile", "ftz"],
  features: {
    devInteractions: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => RESOURCE,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: "ftz",
        audience: "ftz-api",
        accessTokenFormat: "jwt",
        accessTokenTTL: 3600,
        jwt: { sign: { alg: "ES256" } },
      }),
    },
  },
  async findAccount(_ctx, accountId) {
    return { accountId, claims: async () => ({ sub: accountId }) };
  },
  async extraTokenClaims(_ctx, token) {
    return token.kind === "AccessToken" ? claimsOf(token.accountId) : undefined;
  },
});
// The console runs on another origin (the API's): it fetches the metadata and the token endpoint with CORS.
provider.listen(Number(port), "127.0.0.1", () => console.log(`ready ${issuer}`));
