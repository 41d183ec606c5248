/**
 * The console's API client: `openapi-fetch` over the types generated from the committed OpenAPI
 * document (contracts/generated/openapi.d.ts), so every path, parameter and body is checked by the
 * compiler against the contract the server publishes. Same origin: no CORS, no base URL.
 *
 * Every request carries the signed-in bearer token; every command an `Idempotency-Key`: a form
 * passes the one it keeps until its command succeeds, so sending it again (after a lost answer)
 * applies it once; others get a fresh key. An answer that is not 2xx becomes an `ApiError` holding the
 * RFC 9457 problem, so a page can say what field was wrong or that someone else changed the item
 * (412).
 *
 * Read-your-writes: the `Consistency-Token` of the last command that appended events is sent
 * back on the reads that follow, so a list read right after an action already shows it (the API
 * waits, at most its default 5 s, for its read model to catch up; a token already reached costs
 * one quick check). The token is kept for the tab (a reload keeps it) for a minute: long enough
 * to open what the action changed, short enough that one stalled read model does not slow every
 * later page.
 */
import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "../../../contracts/generated/openapi";
import { currentToken, signOut } from "./session";

/** A problem document (RFC 9457) as the API sends it. */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  errors?: { pointer: string; detail: string }[];
  [extension: string]: unknown;
}

/** A non-2xx answer. `status` 412: the item changed since it was read. */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
  }
  get status(): number {
    return this.problem.status;
  }
}

/** Where the consistency token of the latest command is kept (the tab's session: a reload keeps it). */
const CONSISTENCY_KEY = "ftz.consistency";
/** How long a command's consistency token is sent back, ms. */
const CONSISTENCY_TTL_MS = 60_000;

/** The latest command's consistency token, while it is fresh. */
function lastWrite(): string | null {
  const [token, at] = (sessionStorage.getItem(CONSISTENCY_KEY) ?? "").split(" ");
  return token && Date.now() - Number(at) < CONSISTENCY_TTL_MS ? token : null;
}

const auth: Middleware = {
  onRequest({ request }) {
    const token = currentToken();
    if (token) request.headers.set("Authorization", `Bearer ${token}`);
    if (request.method === "POST" && !request.headers.has("Idempotency-Key")) {
      request.headers.set("Idempotency-Key", crypto.randomUUID());
    }
    const written = lastWrite();
    if (request.method === "GET" && written) request.headers.set("Consistency-Token", written);
    return request;
  },
  async onResponse({ response }) {
    // An expired or revoked token: back to sign-in.
    if (response.status === 401) signOut();
    noteWrite(response);
    return response;
  },
};

/** Notes the consistency token of a command sent outside the typed client (a file upload). */
export const noteWrite = (response: Response): void => {
  const written = response.headers.get("Consistency-Token");
  if (response.ok && written) sessionStorage.setItem(CONSISTENCY_KEY, `${written} ${Date.now()}`);
};

/** The typed client. */
export const api = createClient<paths>({ baseUrl: location.origin });
api.use(auth);

/**
 * The data of an openapi-fetch answer, or throws its problem as an ApiError.
 * @throws ApiError
 */
export async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok) return data as T;
  const problem = (error && typeof error === "object" ? error : {}) as Problem;
  throw new ApiError({ ...problem, status: response.status });
}

/**
 * The stream version in an `ETag` (`"3"` or `"3.overdue"`), as the `If-Match` the API wants. A page
 * always has the ETag of what it shows (every stream read answers one).
 */
export const ifMatch = (etag: string | null): string =>
  `"${(etag ?? "").replace(/^W\//, "").replace(/"/g, "").split(".")[0]}"`;

/**
 * A file answer (CSV or XLSX export) fetched with the token and handed to the browser as a
 * download named `filename`.
 */
export async function download(path: string, filename: string): Promise<void> {
  const written = lastWrite();
  const response = await fetch(path, {
    headers: { Authorization: `Bearer ${currentToken() ?? ""}`, ...(written ? { "Consistency-Token": written } : {}) },
  });
  if (!response.ok) throw new ApiError({ status: response.status, ...(await response.json().catch(() => ({}))) });
  const url = URL.createObjectURL(await response.blob());
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
