/** Pure helpers of the HTTP layer: If-Match parsing, Idempotency-Key parsing, fingerprints, derived ids, pointers. */
import { z } from "zod";
import { SafeString } from "../../contracts/http/common";
import { parseIfMatch, settleIfMatch } from "../../services/api/http/etag";
import {
  eventIdFor,
  type IdempotencyKeyRef,
  parseIdempotencyKey,
  requestFingerprint,
} from "../../services/api/http/idempotency";
import { fieldErrorsFromZod, toJsonPointer } from "../../services/api/http/json-pointer";
import { ProblemError, toProblemError } from "../../services/api/http/problem";
import { isTransient } from "../../services/platform/db/transient";
import { uuidV5 } from "../../services/platform/uuid-v5";

const statusOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof ProblemError ? e.status : -1;
  }
  return 0;
};

describe("If-Match", () => {
  it("parses strong version tags and *", () => {
    expect(parseIfMatch('"0"')).toBe(0);
    expect(parseIfMatch(' "42" ')).toBe(42);
    expect(parseIfMatch("*")).toBe("stream_exists");
  });
  it("refuses malformed values with 400; never-matching tags are settled later, with the actual version (412)", async () => {
    expect(statusOf(() => parseIfMatch("3"))).toBe(400);
    expect(statusOf(() => parseIfMatch('"1""2"'))).toBe(400);
    expect(statusOf(() => parseIfMatch('"1" x'))).toBe(400);
    // A list of tags (RFC 9110 §13.1.1) names the versions it would accept; weak ones never match,
    // and empty list elements are ignored (RFC 9110 §5.6.1).
    expect(parseIfMatch('"1", "2.overdue",W/"3"')).toEqual({ anyOf: [1, 2] });
    expect(parseIfMatch('"1",, "2",')).toEqual({ anyOf: [1, 2] });
    expect(parseIfMatch(',"1"')).toBe(1);
    for (const never of ['W/"1", W/"2"', 'W/"3"', '"abc"', '"01"']) {
      const parsed = parseIfMatch(never);
      expect(parsed).toMatchObject({ anyOf: [] });
      await expect(settleIfMatch(parsed, async () => 4)).rejects.toMatchObject({
        status: 412,
        extensions: { actualVersion: 4 },
      });
    }
    await expect(settleIfMatch({ anyOf: [1, 4] }, async () => 4)).resolves.toBe(4);
  });
});

describe("Idempotency-Key", () => {
  it("accepts structured-field strings and bare tokens", () => {
    expect(parseIdempotencyKey('"abc-1"')).toBe("abc-1");
    expect(parseIdempotencyKey('"a \\"b\\""')).toBe('a "b"');
    expect(parseIdempotencyKey("abc-1")).toBe("abc-1");
    expect(parseIdempotencyKey(undefined)).toBeUndefined();
  });
  it("refuses empty, over-long and non-ASCII keys", () => {
    for (const v of ['""', "", "x".repeat(256), '"é"', "a b"]) {
      expect(statusOf(() => parseIdempotencyKey(v))).toBe(400);
    }
  });
  it("fingerprints the canonical JSON (key order does not matter)", () => {
    expect(requestFingerprint({ a: 1, b: [1, { c: 2, d: 3 }] })).toBe(
      requestFingerprint({ b: [1, { d: 3, c: 2 }], a: 1 }),
    );
    expect(requestFingerprint({ a: 1 })).not.toBe(requestFingerprint({ a: 2 }));
    expect(requestFingerprint({ a: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });
  it("derives stable, distinct event ids from the key", () => {
    const ref: IdempotencyKeyRef = { scope: "anonymous", key: "k1", method: "POST", path: "/counters" };
    const f = requestFingerprint({ name: "x" });
    expect(eventIdFor(ref, f, 0)).toBe(eventIdFor({ ...ref }, f, 0));
    expect(eventIdFor(ref, f, 0)).not.toBe(eventIdFor(ref, f, 1));
    expect(eventIdFor(ref, f, 0)).not.toBe(eventIdFor({ ...ref, scope: "someone" }, f, 0));
    expect(eventIdFor(ref, f, 0)).not.toBe(eventIdFor(ref, requestFingerprint({ name: "y" }), 0));
    expect(eventIdFor(ref, f, 0)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe("uuidV5", () => {
  it("matches the RFC 9562 appendix A.4 test vector", () => {
    expect(uuidV5("www.example.com", "6ba7b810-9dad-11d1-80b4-00c04fd430c8")).toBe(
      "2ed6657d-e927-568b-95e1-2665a8aea6a2",
    );
  });
});

describe("JSON pointers", () => {
  it("escapes ~ and / (RFC 6901)", () => {
    expect(toJsonPointer(["body", "a/b", "c~d", 0])).toBe("/body/a~1b/c~0d/0");
    expect(toJsonPointer([])).toBe("");
  });
  it("points at nested fields and unknown keys of zod errors", () => {
    const schema = z.strictObject({ items: z.array(z.object({ name: SafeString })) });
    const r = schema.safeParse({ items: [{ name: "ok" }, { name: "bad\u0000" }], extra: 1 });
    expect(r.success).toBe(false);
    expect(fieldErrorsFromZod(r.error!, ["body"])).toEqual(
      expect.arrayContaining([
        { pointer: "/body/items/1/name", detail: expect.stringMatching(/NUL/) },
        { pointer: "/body/extra", detail: "unknown field" },
      ]),
    );
  });
});

describe("transient database errors", () => {
  const pgError = (code: string, message = "x") => Object.assign(new Error(message), { code });
  const refused = () =>
    Object.assign(new AggregateError([pgError("ECONNREFUSED"), pgError("ECONNREFUSED")], ""), {
      code: "ECONNREFUSED",
    });

  it.each([
    ["server shutting down (57P01)", pgError("57P01", "terminating connection due to administrator command")],
    ["starting up (57P03)", pgError("57P03", "the database system is starting up")],
    ["connection failure (08006)", pgError("08006")],
    ["serialization failure (40001)", pgError("40001")],
    ["deadlock (40P01)", pgError("40P01")],
    ["too many connections (53300)", pgError("53300")],
    ["refused socket", pgError("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:5432")],
    ["dual-stack refusal (AggregateError)", refused()],
    ["pg connection terminated", new Error("Connection terminated unexpectedly")],
    ["pg-pool timeout", new Error("timeout exceeded when trying to connect")],
  ])("%s → transient, answered 503 with Retry-After", (_name, err) => {
    expect(isTransient(err)).toBe(true);
    const p = toProblemError(err);
    expect(p.status).toBe(503);
    expect(p.slug).toBe("database-unavailable");
    expect(p.headers["Retry-After"]).toBe("1");
  });

  it.each([
    ["statement timeout (57014)", pgError("57014", "canceling statement due to statement timeout")],
    ["disk full (53100)", pgError("53100")],
    ["I/O error (58030)", pgError("58030")],
    ["unique violation (23505)", pgError("23505", "duplicate key value violates unique constraint")],
    ["a message merely mentioning a connection", new Error("the upstream said: Connection terminated")],
    ["a plain error", new Error("boom")],
  ])("%s → not transient, 500", (_name, err) => {
    expect(isTransient(err)).toBe(false);
    expect(toProblemError(err).status).toBe(500);
  });
});
