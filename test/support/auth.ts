/**
 * Bearer tokens for tests, minted with the development key (the app verifies against it when
 * AUTH_JWKS_URL is unset), and a supertest client that sends one.
 */
import type { Express } from "express";
import request from "supertest";
import { mintDevToken } from "../../services/api/auth/dev-key";
import type { Role } from "../../services/api/auth/principal";

/** Known-valid credit codes (README, customs direct clearance). */
export const ENTERPRISE_A = "91350200776049653A";
export const ENTERPRISE_B = "91350213678251743X";

/** A token for `role` (and `uscc` for enterprises). */
export const tokenFor = (role: Role, uscc?: string): Promise<string> =>
  mintDevToken({ role, uscc: role === "enterprise" ? (uscc ?? ENTERPRISE_A) : undefined });

/** supertest calls that carry `Authorization: Bearer <token>`. */
export interface AuthedClient {
  get(url: string): request.Test;
  post(url: string): request.Test;
}

/** A client of `app` acting as `role` (an enterprise as `uscc`, default ENTERPRISE_A). */
export async function as(app: Express, role: Role, uscc?: string): Promise<AuthedClient> {
  const auth = `Bearer ${await tokenFor(role, uscc)}`;
  return {
    get: (url) => request(app).get(url).set("Authorization", auth),
    post: (url) => request(app).post(url).set("Authorization", auth),
  };
}
