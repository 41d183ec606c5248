/**
 * Who is calling: the authenticated principal of a request, from its bearer token. Roles
 * (README, architecture): the FTZ task force, an enterprise (bound to one unified social credit code),
 * customs, partner systems, analysts and administrators (the bureau's staff).
 */
import type { Request } from "express";
import type { Role } from "../../../contracts/roles";

export { ROLES, type Role } from "../../../contracts/roles";

/** An authenticated caller. `enterprise` is set for the enterprise role (its credit code). */
export interface Principal {
  subject: string;
  role: Role;
  enterprise?: string;
}

declare module "express-serve-static-core" {
  interface Request {
    /** Set by `authenticate` when the request carried a valid bearer token. */
    principal?: Principal;
  }
}

/** The request's principal, if authenticated. */
export const principalOf = (req: Request): Principal | undefined => req.principal;
