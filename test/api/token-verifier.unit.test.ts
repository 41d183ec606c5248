/** The bearer-token verifier remembers tokens that passed, never past their expiry, and never a refused one. */
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { createTokenVerifier, InvalidTokenError } from "../../services/api/auth/token-verifier";

const ISSUER = "https://issuer.test";
const AUDIENCE = "ftz-api";

async function setUp() {
  const { privateKey, publicKey } = await generateKeyPair("ES256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "k1", alg: "ES256", use: "sig" };
  const verify = createTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, keys: { jwks: { keys: [jwk] } } });
  const sign = (claims: { role: string; expiresInS: number; sub?: string }) =>
    new SignJWT({ role: claims.role })
      .setProtectedHeader({ alg: "ES256", kid: "k1" })
      .setSubject(claims.sub ?? "analyst-1")
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + claims.expiresInS)
      .sign(privateKey);
  return { verify, sign };
}

describe("createTokenVerifier", () => {
  it("answers a token it verified before from memory (the same principal)", async () => {
    const { verify, sign } = await setUp();
    const token = await sign({ role: "analyst", expiresInS: 600 });
    const first = await verify(token);
    expect(first).toEqual({ subject: "analyst-1", role: "analyst" });
    expect(await verify(token)).toBe(first);
  });

  it("does not remember a token past its expiry", async () => {
    const { verify, sign } = await setUp();
    // exp is in whole seconds: 2 s from now is between 1 and 2 s away.
    const token = await sign({ role: "analyst", expiresInS: 2 });
    await expect(verify(token)).resolves.toMatchObject({ role: "analyst" });
    await new Promise((r) => setTimeout(r, 2_100));
    await expect(verify(token)).rejects.toThrow(new InvalidTokenError("the token has expired"));
  });

  it("never remembers a refused token", async () => {
    const { verify, sign } = await setUp();
    const token = await sign({ role: "superuser", expiresInS: 600 });
    await expect(verify(token)).rejects.toThrow(InvalidTokenError);
    await expect(verify(token)).rejects.toThrow(InvalidTokenError);
  });

  it.each([
    ["NUL", "analyst\u0000-1"],
    ["a lone high surrogate", "analyst-\ud800"],
    ["a lone low surrogate", "\udc00analyst"],
    ["a control character", "analyst\u001b[31m"],
    ["a C1 control character", "analyst\u0085"],
  ])("refuses a signed token whose sub holds %s (401, before any write sees it)", async (_what, sub) => {
    const { verify, sign } = await setUp();
    await expect(verify(await sign({ role: "analyst", expiresInS: 600, sub }))).rejects.toThrow(/^sub contains/);
  });

  it("accepts a subject in Chinese and one with an emoji (valid Unicode)", async () => {
    const { verify, sign } = await setUp();
    await expect(verify(await sign({ role: "analyst", expiresInS: 600, sub: "分析员-1😀" }))).resolves.toEqual({
      subject: "分析员-1😀",
      role: "analyst",
    });
  });
});
