/**
 * The roles a bearer token may carry (claim `role`; README, access): the FTZ task force, an
 * enterprise (bound to one unified social credit code), customs, partner systems, analysts and
 * administrators (the bureau's staff). Events record the role of who caused them.
 */
export const ROLES = ["taskforce", "enterprise", "customs", "partner", "analyst", "admin"] as const;
/** One of ROLES. */
export type Role = (typeof ROLES)[number];
