/**
 * Requests as the bad-input tests send them: a valid-shaped base (path segments, query, headers,
 * a JSON value or an upload) and the bytes on the wire, with raw splices for what a JSON value
 * cannot hold (bytes that are not UTF-8, nesting too deep to build as objects).
 */
import http from "node:http";
import fc from "fast-check";

/** Placeholder for the `If-Match` header: the test sends the resource's current ETag. */
export const CURRENT_ETAG = "<current ETag>";

/** A request before its mutation: every part valid in shape. */
export interface BaseRequest {
  /** Path parameters, percent-encoded. */
  params: Record<string, string>;
  /** Query parameters, not yet encoded. */
  query: Record<string, string>;
  headers: Record<string, string>;
  /** The JSON body (as a value). */
  body?: unknown;
  /** A file body. */
  upload?: { bytes: Buffer; contentType: string };
}

/** What goes on the wire. */
export interface WireRequest {
  /** Path parameters, percent-encoded. */
  params: Record<string, string>;
  /** The query string without `?`, encoded. */
  query: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** One generated bad input and what its answer must satisfy besides "a 4xx problem, nothing stored". */
export interface BadInput {
  /** The mutation, e.g. `body: wrong type`. */
  kind: string;
  /** Where and how, e.g. `/body/goods/0/quantity ← "12"`. */
  what: string;
  request: WireRequest;
  /** The only statuses that fit, when the mutation has definite ones. */
  statuses?: number[];
  /**
   * A field `errors[]` must name (it, or a member below it) when the answer is `validation-failed`;
   * no error may name a field unrelated to it.
   */
  pointer?: string;
  /** Union values above `pointer`: an error there also names it (a union reports a failed match at itself). */
  unions?: string[];
}

/** `a=1&b=2` from pairs, each name and value percent-encoded. */
export function encodeQuery(pairs: [string, string][]): string {
  return pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&");
}

/** A placeholder that `jsonBytes` replaces with `raw[i]`, quotes included (a whole value or key). */
export const rawValue = (i: number): string => `@@val${i}@@`;
/** A placeholder inside a string that `jsonBytes` replaces with `raw[i]`. */
export const rawInString = (i: number): string => `@@in${i}@@`;

/** The JSON text of `value` as bytes, placeholders replaced by the raw bytes they stand for. */
export function jsonBytes(value: unknown, raw: Buffer[] = []): Buffer {
  const text = JSON.stringify(value);
  const parts: Buffer[] = [];
  let last = 0;
  for (const m of text.matchAll(/"@@val(\d+)@@"|@@in(\d+)@@/g)) {
    parts.push(Buffer.from(text.slice(last, m.index), "utf8"), raw[Number(m[1] ?? m[2])]!);
    last = m.index + m[0].length;
  }
  parts.push(Buffer.from(text.slice(last), "utf8"));
  return Buffer.concat(parts);
}

/** The wire form of `base` with `change`s to its parts (a JSON body is serialised unless `body` is given). */
export function toWire(base: BaseRequest, change: Partial<WireRequest> & { queryPairs?: [string, string][] } = {}) {
  const body = base.upload?.bytes ?? (base.body === undefined ? undefined : jsonBytes(base.body));
  const contentType = base.upload?.contentType ?? (base.body === undefined ? undefined : "application/json");
  const wire: WireRequest = {
    params: { ...base.params, ...change.params },
    query: change.query ?? encodeQuery(change.queryPairs ?? Object.entries(base.query)),
    headers: { ...base.headers, ...(contentType ? { "Content-Type": contentType } : {}), ...change.headers },
    body: "body" in change ? change.body : body,
  };
  return wire;
}

/** A `BadInput` that fast-check prints as its kind and description (not its bytes). */
export function badInput(b: BadInput): BadInput {
  return Object.assign(b, { [fc.toStringMethod]: () => `${b.kind}: ${b.what}` });
}

/** A deep copy of a JSON value (own `__proto__` keys stay own keys). */
export const cloneJson = <T>(v: T): T => (v === undefined ? v : JSON.parse(JSON.stringify(v)));

/** `root` with the value at `path` replaced (a copy; the root itself when `path` is empty). */
export function setAt(root: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = cloneJson(root) as Record<string | number, unknown>;
  let node = copy;
  for (const seg of path.slice(0, -1)) node = node[seg] as Record<string | number, unknown>;
  defineOwn(node, path[path.length - 1]!, value);
  return copy;
}

/** `root` without the member at `path` (a copy). */
export function deleteAt(root: unknown, path: (string | number)[]): unknown {
  const copy = cloneJson(root) as Record<string | number, unknown>;
  let node = copy;
  for (const seg of path.slice(0, -1)) node = node[seg] as Record<string | number, unknown>;
  delete node[path[path.length - 1]!];
  return copy;
}

/** Sets an own enumerable member, even one named `__proto__` (plain assignment would set the prototype). */
export function defineOwn(obj: object, key: string | number, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** The JSON pointer (RFC 6901) of a path under a request part, e.g. `/body/goods/0`. */
export const pointerOf = (part: string, path: (string | number)[]): string =>
  `/${part}${path.map((s) => `/${String(s).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("")}`;

/** A response as the tests read it. */
export interface WireResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The parsed body when it is JSON. */
  json?: Record<string, unknown>;
}

/**
 * Sends `wire` to `METHOD http://127.0.0.1:<port><path>` with node:http, bytes as they are (no
 * client-side serialisation or path normalisation). `path` is the template with `{name}`s.
 */
export function send(port: number, method: string, path: string, wire: WireRequest): Promise<WireResponse> {
  const url =
    path.replace(/\{(\w+)\}/g, (_, name: string) => wire.params[name] ?? "") + (wire.query ? `?${wire.query}` : "");
  const headers: Record<string, string | number> = { ...wire.headers };
  if (wire.body !== undefined) headers["Content-Length"] = wire.body.length;
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path: url, headers, agent: keepAlive }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: Record<string, unknown> | undefined;
        if (/json/.test(String(res.headers["content-type"]))) {
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on("error", reject);
    req.end(wire.body);
  });
}

const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 4 });

/** Closes the kept-alive sockets of `send` (call when the server goes away). */
export const closeConnections = (): void => keepAlive.destroy();
