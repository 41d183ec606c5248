/**
 * The typed HTTP client for partner systems: `openapi-fetch` over the types `openapi-typescript`
 * generates from the committed OpenAPI document (`contracts/generated/openapi.d.ts`, refreshed by
 * `npm run contracts:generate`). Paths, parameters, bodies and responses are checked by the
 * TypeScript compiler against the same contract the server publishes.
 *
 *   const api = createPartnerClient({ baseUrl: "https://ftz.example", token });
 *   const { data, error } = await api.GET("/clearance-times", { params: { query: { groupBy: "port" } } });
 */
import createClient, { type Client } from "openapi-fetch";
import type { paths } from "../generated/openapi.js";

/** A typed client of the API. */
export type PartnerClient = Client<paths>;

/** Creates a client for `baseUrl` sending `Authorization: Bearer <token>`. */
export function createPartnerClient(opts: { baseUrl: string; token: string; fetch?: typeof fetch }): PartnerClient {
  return createClient<paths>({
    baseUrl: opts.baseUrl,
    headers: { Authorization: `Bearer ${opts.token}` },
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
}
