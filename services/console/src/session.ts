/**
 * Who is signed in. The bearer token lives in sessionStorage (gone when the tab closes); its
 * `role` and `uscc` claims are read for display and navigation only — the API verifies the token
 * on every request and decides what the role may see.
 *
 * Two ways in, as `GET /auth/sign-in-options` says: in development, `POST /auth/development-tokens`
 * for a chosen role; in a deployment, OpenID Connect authorization code with PKCE (RFC 7636)
 * through oidc-client-ts, redirecting back to /console/.
 */
import { InMemoryWebStorage, UserManager, WebStorageStateStore } from "oidc-client-ts";

const KEY = "ftz.token";
const listeners = new Set<() => void>();

/** What the console knows of the signed-in principal. */
export interface Session {
  token: string;
  role: string;
  enterprise: string | null;
  subject: string;
  /** Expiry, ms since the epoch. */
  expiresAt: number;
}

/** The claims of a compact JWT, unverified (display only), or null when it is not one. */
function claims(token: string): Record<string, unknown> | null {
  const part = token.split(".")[1];
  if (!part) return null;
  try {
    const json = atob(part.replace(/-/g, "+").replace(/_/g, "/"));
    const bytes = Uint8Array.from(json, (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** The session, or null when signed out or the token has expired. */
export function session(): Session | null {
  const token = sessionStorage.getItem(KEY);
  if (!token) return null;
  const c = claims(token);
  const expiresAt = typeof c?.exp === "number" ? c.exp * 1000 : 0;
  if (!c || expiresAt <= Date.now()) return null;
  return {
    token,
    role: String(c.role ?? ""),
    enterprise: typeof c.uscc === "string" ? c.uscc : null,
    subject: String(c.sub ?? ""),
    expiresAt,
  };
}

/** The bearer token, or null. */
export const currentToken = (): string | null => session()?.token ?? null;

/** Calls `f` when someone signs in or out. */
export function onSessionChange(f: () => void): () => void {
  listeners.add(f);
  return () => listeners.delete(f);
}

const changed = () => {
  for (const f of listeners) f();
};

/** Keeps `token` as the session. */
export function signInWith(token: string): void {
  sessionStorage.setItem(KEY, token);
  changed();
}

/** Forgets the token and what the tab kept for it (the last command's consistency token). */
export function signOut(): void {
  if (!sessionStorage.getItem(KEY)) return;
  sessionStorage.removeItem(KEY);
  sessionStorage.removeItem("ftz.consistency");
  changed();
}

/** The issuer, client and scope of an OpenID Connect sign-in. */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  scope: string;
}

const manager = (o: OidcSettings) =>
  new UserManager({
    authority: o.issuer,
    client_id: o.clientId,
    redirect_uri: `${location.origin}/console/`,
    post_logout_redirect_uri: `${location.origin}/console/`,
    response_type: "code",
    scope: o.scope,
    // The library keeps no copy of the tokens (the console keeps the access token itself); the
    // state and PKCE verifier of a sign-in under way stay in sessionStorage across the redirect.
    userStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
    stateStore: new WebStorageStateStore({ store: sessionStorage }),
    // No silent renewal in a hidden frame: a new sign-in when the token expires.
    automaticSilentRenew: false,
  });

/** Starts the authorization-code flow with PKCE: the browser leaves for the issuer. */
export async function signInWithOidc(o: OidcSettings): Promise<void> {
  await manager(o).signinRedirect();
}

/**
 * On the way back from the issuer (`?code=…&state=…`, or `?error=…&state=…`): takes the answer
 * out of the address bar first (a reload must not replay it), then exchanges the code, with the
 * PKCE verifier kept since the redirect, for tokens and keeps the access token. False when this
 * is no callback. @throws Error when the issuer refused, the state is unknown, or the access
 * token is not a JWT the console can read its role from.
 */
export async function completeOidcSignIn(o: OidcSettings): Promise<boolean> {
  const url = location.href;
  const query = new URLSearchParams(location.search);
  if (!query.has("state") || !(query.has("code") || query.has("error"))) return false;
  history.replaceState(null, "", `${location.pathname}${location.hash}`);
  const user = await manager(o).signinRedirectCallback(url);
  signInWith(user.access_token);
  if (!session()) {
    sessionStorage.removeItem(KEY);
    throw new Error("the issuer's access token is not a JWT with a role claim the API reads");
  }
  return true;
}
