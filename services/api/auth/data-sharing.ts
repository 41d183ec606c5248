/**
 * The data-sharing policy: which role may read which data, the same over HTTP, the audit trail
 * and Kafka (README, "Who sees what"). Routes take their readers from here; the audit trail
 * answers a stream only to a role that may read that stream's data, and shows who acted (the
 * actor's subject, a person's account: personal information, PIPL Art. 4) to admins only, as
 * Kafka records never carry it.
 *
 * - Reform tasks and negative-list editions are the bureau's published work: every role.
 * - Declarations (credit code, goods, values, stage times) are an enterprise's business data:
 *   the enterprise itself, customs, analysts, admins. Partner systems and the task force get
 *   the clearance-time figures, which are aggregates.
 * - Filings (investors, amounts, decisions) go to the enterprise itself, analysts and admins.
 */
import type { Actor } from "../../platform/event-store/types";
import type { Role } from "./principal";

/** The roles that may read each stream category's data; `ownOnly` roles only their enterprise's. */
export const STREAM_READERS: Record<string, { roles: readonly Role[]; ownOnly: readonly Role[] }> = {
  ReformTask: { roles: ["taskforce", "enterprise", "customs", "partner", "analyst", "admin"], ownOnly: [] },
  NegativeListEdition: { roles: ["taskforce", "enterprise", "customs", "partner", "analyst", "admin"], ownOnly: [] },
  Declaration: { roles: ["enterprise", "customs", "analyst", "admin"], ownOnly: ["enterprise"] },
  Filing: { roles: ["enterprise", "analyst", "admin"], ownOnly: ["enterprise"] },
};

/** Who may read declarations (each one, its stage times, the list). */
export const DECLARATION_READERS: Role[] = [...STREAM_READERS.Declaration!.roles];
/** Who may read filings. */
export const FILING_READERS: Role[] = [...STREAM_READERS.Filing!.roles];
/**
 * Who may read the clearance-time outliers: they list declarations of every enterprise by number,
 * with their times, so the roles that read any declaration (not an enterprise, not partners).
 */
export const DECLARATION_OUTLIER_READERS: Role[] = ["customs", "analyst", "admin"];
/** Who may read the clearance-time figures (aggregates over declarations, no enterprise named). */
export const CLEARANCE_FIGURE_READERS: Role[] = ["taskforce", "customs", "partner", "analyst", "admin"];

/**
 * Whether `role` (acting for `enterprise`, if any) may read a stream of `category` whose owner is
 * `owner` (the credit code in its first event, when the category is owned). Unknown categories
 * (platform streams): admins only.
 */
export function mayReadStream(
  who: { role: Role; enterprise?: string },
  category: string,
  owner: string | undefined,
): boolean {
  const policy = STREAM_READERS[category];
  if (!policy) return who.role === "admin";
  if (!policy.roles.includes(who.role)) return false;
  return !policy.ownOnly.includes(who.role) || (owner !== undefined && owner === who.enterprise);
}

/** Whether `role` sees who acted (the actor's subject) in the audit trail: admins only. */
export const seesActorSubject = (role: Role): boolean => role === "admin";

/** The actor of an event as a caller may see it: role and enterprise, and the subject only `withSubject`. */
export function actorView(actor: Actor | undefined, withSubject: boolean): Record<string, string> | null {
  if (!actor) return null;
  const { subject, ...rest } = actor;
  return withSubject ? { subject, ...rest } : rest;
}
