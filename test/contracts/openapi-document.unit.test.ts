/**
 * The OpenAPI document's own shape: what generators, linters and doc pages need (operation ids,
 * described tags, a server) and the statuses and headers every operation shares.
 */
import { applicationOpenApiDocument } from "../../services/api/route-modules";

type Op = {
  operationId?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: { name: string; in: string; required?: boolean }[];
  responses: Record<string, { headers?: Record<string, unknown> }>;
};
const doc = applicationOpenApiDocument() as unknown as {
  servers?: { url: string }[];
  tags?: { name: string; description?: string }[];
  paths: Record<string, Record<string, Op>>;
};
const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, path, method, op })),
);

describe("the OpenAPI document", () => {
  it("names every operation uniquely, describes every tag it uses, and has a server", () => {
    const ids = operations.map((o) => o.op.operationId);
    expect(ids.every((id) => typeof id === "string" && /^[a-z][A-Za-z0-9]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const declared = new Map((doc.tags ?? []).map((t) => [t.name, t.description]));
    for (const o of operations)
      for (const t of o.op.tags ?? [])
        expect({ tag: t, described: !!declared.get(t) }).toEqual({ tag: t, described: true });
    expect(doc.servers?.length).toBeGreaterThan(0);
  });

  it("requires Idempotency-Key where the server does", () => {
    const required = operations
      .filter((o) => o.op.parameters?.some((p) => p.name === "idempotency-key" && p.required))
      .map((o) => o.key)
      .sort();
    expect(required).toEqual(
      [
        "POST /declarations",
        "POST /filings",
        "POST /negative-list/editions",
        "POST /negative-list/historical-editions",
        "POST /reform-tasks",
      ].sort(),
    );
  });

  it("lists 400 and 429 on every operation but the probes, 401/403/503 where a token is needed, X-Request-Id everywhere", () => {
    for (const { key, path, op } of operations) {
      const statuses = Object.keys(op.responses);
      const probe = path === "/health" || path === "/ready";
      const guarded = !(Array.isArray(op.security) && op.security.length === 0);
      expect({ key, has400: statuses.includes("400") }).toEqual({ key, has400: true });
      if (!probe) expect({ key, has429: statuses.includes("429") }).toEqual({ key, has429: true });
      if (guarded) {
        expect({ key, guarded: ["401", "403", "503"].every((s) => statuses.includes(s)) }).toEqual({
          key,
          guarded: true,
        });
        expect(op.responses["401"]!.headers).toHaveProperty("WWW-Authenticate");
      }
      for (const [status, res] of Object.entries(op.responses)) {
        expect({ key, status, requestId: !!res.headers?.["X-Request-Id"] }).toEqual({ key, status, requestId: true });
        if (status === "201") expect(res.headers).toHaveProperty("Location");
      }
    }
  });
});
