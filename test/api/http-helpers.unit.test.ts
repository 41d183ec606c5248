/** Pure helpers of the HTTP layer: If-Match parsing, Idempotency-Key parsing, fingerprints, derived ids, pointers. */
import { z } from "zod";
import { SafeString } from "../../contracts/http/common";
import { parseIfMatch } from "../../services/api/http/etag";
import {
  eventIdFor,
  type IdempotencyKeyRef,
  parseIdempotencyKey,
  requestFingerprint,
} from "../../services/api/http/idempotency";
import { fieldErrorsFromZod, toJsonPointer } from "../../services/api/http/json-pointer";
import { ProblemError } from "../../services/api/http/problem";
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
  it("refuses malformed values with 400 and never-matching tags with 412", () => {
    expect(statusOf(() => parseIfMatch("3"))).toBe(400);
    expect(statusOf(() => parseIfMatch('"1", "2"'))).toBe(400);
    expect(statusOf(() => parseIfMatch('W/"3"'))).toBe(412);
    expect(statusOf(() => parseIfMatch('"abc"'))).toBe(412);
    expect(statusOf(() => parseIfMatch('"01"'))).toBe(412);
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
