/**
 * A realistic mix of traffic through the HTTP API, for the soak and the fault tests: the task
 * force plans and updates reform tasks, enterprises lodge declarations and filings and check the
 * negative list, customs posts milestones (out of order, some twice), and everyone reads.
 *
 * Every 2xx answer to a command is recorded as acknowledged with its stream and the revision from
 * its `ETag`: the stack must then hold that revision in the store, on Kafka and in every read
 * model. Every answer is counted by operation and status, with its latency in ms.
 */
import { chinaToday } from "../../services/platform/china-date";
import { mintDevToken } from "../../services/api/auth/dev-key";
import type { Role } from "../../services/api/auth/principal";
import { generateDeclarations, type SampleDeclaration } from "../../services/direct-clearance/sample-declarations";
import { reformTaskStream } from "../../contracts/reform-tasks/events";
import { declarationStream } from "../../contracts/direct-clearance/events";
import { filingStream } from "../../contracts/investment-filings/filing-shapes";

/** A command the API acknowledged (2xx): its stream holds at least `version`. */
export interface Ack {
  op: string;
  stream: string;
  version: number;
  /**
   * The request id when the answer says this request appended the event at `version` (its
   * correlation id must be on that event); null when it may have appended nothing (a duplicate
   * milestone, an idempotent replay of an earlier attempt).
   */
  requestId: string | null;
  /** When the answer came (`Date.now()`, ms). */
  at: number;
}

/** One operation's answers: count by status ("network" when no answer came) and latencies in ms. */
export interface OpFigures {
  statuses: Record<string, number>;
  latenciesMs: number[];
}

const ENTERPRISE = "91350200776049653A";
type Op = "plan" | "update" | "lodge" | "milestone" | "filing" | "check" | "list" | "figures" | "queue";
/** Weights of the mix (per 100 operations). */
const MIX: [Op, number][] = [
  ["plan", 8],
  ["update", 12],
  ["lodge", 12],
  ["milestone", 28],
  ["filing", 5],
  ["check", 12],
  ["list", 12],
  ["figures", 6],
  ["queue", 5],
];

const etagVersion = (h: string | null): number | null => {
  const m = h ? /^(?:W\/)?"(\d+)"$/.exec(h) : null;
  return m ? Number(m[1]) : null;
};

/** Drives the mix; see the module comment. Deterministic for a seed, except for timing. */
export class LoadDriver {
  readonly acks: Ack[] = [];
  readonly figures = new Map<Op, OpFigures>();
  /** 5xx answers and network failures, with what came back (for failure messages). */
  readonly failures: { op: Op; status: string; body: string }[] = [];
  /** 4xx answers the mix does not expect (see `call`). */
  readonly refusals: { op: Op; status: string; body: string }[] = [];
  private readonly tokens = new Map<string, string>();
  /** Idempotency keys (= refs) of plans answered 5xx or not at all. */
  readonly unansweredPlans: string[] = [];
  private readonly tasks: { id: string; version: number; started: boolean; percent: number; busy: boolean }[] = [];
  private readonly samples: SampleDeclaration[];
  private readonly pendingMilestones: { number: string; body: unknown; tries: number }[] = [];
  private nextSample = 0;
  private seq = 0;
  private readonly tag: string;
  private pick = 0;

  constructor(
    private readonly baseUrl: string,
    opts: { seed?: number; declarations?: number } = {},
  ) {
    const seed = opts.seed ?? 8;
    this.tag = `L${seed}x${Date.now().toString(36)}`;
    this.samples = generateDeclarations({ seed, count: opts.declarations ?? 200, now: new Date() });
  }

  private async token(role: Role, uscc?: string): Promise<string> {
    const key = `${role}:${uscc ?? ""}`;
    let t = this.tokens.get(key);
    if (!t) {
      t = await mintDevToken({ role, uscc, ttlSeconds: 6 * 3600 });
      this.tokens.set(key, t);
    }
    return t;
  }

  private record(op: Op, status: string, ms: number): void {
    let f = this.figures.get(op);
    if (!f) {
      f = { statuses: {}, latenciesMs: [] };
      this.figures.set(op, f);
    }
    f.statuses[status] = (f.statuses[status] ?? 0) + 1;
    f.latenciesMs.push(ms);
  }

  /** One HTTP call; answers null when no response came (connection refused or reset). */
  private async call(
    op: Op,
    role: Role,
    method: "GET" | "POST",
    path: string,
    opts: { body?: unknown; headers?: Record<string, string>; uscc?: string } = {},
  ): Promise<{ status: number; etag: string | null; requestId: string | null; json: Record<string, unknown> } | null> {
    const t0 = performance.now();
    try {
      const res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${await this.token(role, opts.uscc)}`,
          ...(opts.body === undefined ? {} : { "Content-Type": "application/json" }),
          ...opts.headers,
        },
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await res.text();
      this.record(op, String(res.status), performance.now() - t0);
      if (res.status >= 500) this.failures.push({ op, status: String(res.status), body: text.slice(0, 300) });
      // A refusal the mix does not expect: every request is valid, so only a milestone whose
      // prerequisite has not arrived yet (409 retryable) and If-Match races (412) may be refused.
      else if (res.status >= 400 && !(res.status === 409 && /"retryable":true/.test(text)) && res.status !== 412)
        this.refusals.push({ op, status: String(res.status), body: text.slice(0, 300) });
      let json: Record<string, unknown> = {};
      try {
        json = text ? JSON.parse(text) : {};
      } catch {
        // a non-JSON body (never expected); the status says enough
      }
      return { status: res.status, etag: res.headers.get("etag"), requestId: res.headers.get("x-request-id"), json };
    } catch (err) {
      this.record(op, "network", performance.now() - t0);
      this.failures.push({ op, status: "network", body: String(err).slice(0, 300) });
      return null;
    }
  }

  private ack(op: Op, stream: string, etag: string | null, requestId: string | null): void {
    const version = etagVersion(etag);
    if (version === null) throw new Error(`${op}: 2xx without an ETag revision`);
    this.acks.push({ op, stream, version, requestId, at: Date.now() });
  }

  /** The next operation of the mix (round-robin over the weights, so the mix is exact). */
  private nextOp(): Op {
    const total = MIX.reduce((s, [, w]) => s + w, 0);
    let slot = (this.pick++ * 37) % total;
    for (const [op, w] of MIX) {
      if (slot < w) return op;
      slot -= w;
    }
    return "list";
  }

  /** Runs one operation of the mix; falls back to a read when the chosen one has nothing to do. */
  async step(): Promise<void> {
    const op = this.nextOp();
    switch (op) {
      case "plan":
        return this.plan();
      case "update":
        return this.update();
      case "lodge":
        return this.lodge();
      case "milestone":
        return this.milestone();
      case "filing":
        return this.filing();
      case "check":
        return void (await this.call(
          "check",
          "enterprise",
          "GET",
          `/negative-list/check?industry=${["5611", "0111", "6311", "7249"][this.seq++ % 4]}&foreignShare=${10 + (this.seq % 90)}&largestForeignInvestor=10&legalRepresentative=CN&insideFtz=${this.seq % 2 === 0}`,
          { uscc: ENTERPRISE },
        ));
      case "list":
        return void (await this.call("list", "taskforce", "GET", "/reform-tasks?limit=20"));
      case "figures":
        return void (await this.call("figures", "analyst", "GET", "/clearance-times?groupBy=port"));
      case "queue":
        return void (await this.call("queue", "admin", "GET", "/filings/queue"));
    }
  }

  private async plan(retryOf?: string): Promise<void> {
    const ref = retryOf ?? `${this.tag}-${this.seq++}`;
    const res = await this.call("plan", "taskforce", "POST", "/reform-tasks", {
      headers: { "Idempotency-Key": ref },
      body: {
        year: 2026,
        ref,
        title: { zh: "负载测试任务", en: "Load task" },
        field: "trade-facilitation",
        scope: "nationwide",
        source: { batch: "SOAK", citation: "soak" },
        coreContent: "一次申报、一次查验、一次放行",
        leadDepartment: "commerce",
        cooperatingDepartments: ["customs-korla"],
        deadline: "2026-12-31",
        implementationPath: "p",
      },
    });
    if (res && res.status === 201) {
      const id = String(res.json.taskId);
      this.ack("plan", reformTaskStream(id), res.etag, retryOf ? null : res.requestId);
      this.tasks.push({ id, version: etagVersion(res.etag)!, started: false, percent: 0, busy: false });
    } else if (!res || res.status >= 500) this.unansweredPlans.push(ref);
  }

  /**
   * Posts every plan that got a 5xx or no answer again, with the same Idempotency-Key and body
   * (what a client told to retry does). Returns each ref with the final status of its retry.
   */
  async retryFailedPlans(): Promise<{ ref: string; status: number }[]> {
    const refs = this.unansweredPlans.splice(0);
    const statuses: { ref: string; status: number }[] = [];
    for (const ref of refs) {
      // A key whose first attempt died mid-request stays `in_progress` until its lease ends
      // (409 with Retry-After); a client told so waits and tries again.
      const deadline = Date.now() + 90_000;
      for (;;) {
        const before = this.acks.length;
        const refusedBefore = this.refusals.length;
        await this.plan(ref);
        if (this.acks.length > before) {
          statuses.push({ ref, status: 201 });
          break;
        }
        const last = this.refusals.at(-1);
        if (this.refusals.length > refusedBefore && last?.status === "409" && Date.now() < deadline) {
          this.refusals.pop();
          await new Promise((r) => setTimeout(r, 2000));
          continue;
        }
        statuses.push({ ref, status: Number(last?.status ?? -1) });
        break;
      }
    }
    return statuses;
  }

  private async update(): Promise<void> {
    const task = this.tasks.find((t, i) => !t.busy && (i + this.seq) % 3 === 0) ?? this.tasks.find((t) => !t.busy);
    if (!task) return this.plan();
    task.busy = true;
    try {
      const today = chinaToday();
      const [cmd, body] = !task.started
        ? ["start", { on: today }]
        : ["progress-reports", { percent: Math.min(95, task.percent + 5), narrative: "进展", asOf: today }];
      const res = await this.call("update", "taskforce", "POST", `/reform-tasks/${task.id}/${cmd}`, {
        headers: { "If-Match": `"${task.version}"` },
        body,
      });
      if (res && res.status === 200) {
        this.ack("update", reformTaskStream(task.id), res.etag, res.requestId);
        task.version = etagVersion(res.etag)!;
        if (cmd === "start") task.started = true;
        else task.percent = Math.min(95, task.percent + 5);
      } else if (res?.status === 412 || res?.status === 409) {
        const current = await this.call("update", "taskforce", "GET", `/reform-tasks/${task.id}`);
        const v = etagVersion(current?.etag ?? null);
        if (v !== null) task.version = v;
        if (current?.json.status === "in_progress") task.started = true;
      }
    } finally {
      task.busy = false;
    }
  }

  private async lodge(): Promise<void> {
    const s = this.samples[this.nextSample++];
    if (!s) return this.milestone();
    const res = await this.call("lodge", "enterprise", "POST", "/declarations", {
      uscc: s.lodgement.enterprise,
      headers: { "Idempotency-Key": `${this.tag}-d-${s.lodgement.declarationNumber}` },
      body: s.lodgement,
    });
    if (res && res.status === 201) {
      this.ack("lodge", declarationStream(s.lodgement.declarationNumber), res.etag, res.requestId);
      for (const m of s.milestones)
        this.pendingMilestones.push({ number: s.lodgement.declarationNumber, body: m, tries: 0 });
    }
  }

  private async milestone(): Promise<void> {
    const m = this.pendingMilestones.shift();
    if (!m) return this.lodge();
    const res = await this.call("milestone", "customs", "POST", `/declarations/${m.number}/milestones`, {
      body: m.body,
    });
    // 201: recorded now; 200: the same milestone was already recorded (nothing appended).
    if (res && res.status < 300)
      this.ack("milestone", declarationStream(m.number), res.etag, res.status === 201 ? res.requestId : null);
    // A prerequisite not here yet (409 retryable) or no answer: post it again later.
    else if ((!res || res.json.retryable === true || res.status >= 500) && ++m.tries < 20)
      this.pendingMilestones.push(m);
  }

  private async filing(): Promise<void> {
    const key = `${this.tag}-f-${this.seq++}`;
    const res = await this.call("filing", "enterprise", "POST", "/filings", {
      uscc: ENTERPRISE,
      headers: { "Idempotency-Key": key },
      body: {
        enterprise: ENTERPRISE,
        details: {
          kind: "inbound_report",
          industryCodes: ["5611"],
          foreignSharePercent: 30 + (this.seq % 40),
          largestForeignInvestorPercent: 10,
          legalRepresentativeNationality: "CN",
          insideFtz: this.seq % 2 === 0,
          investorCountries: ["SG"],
          investment: { value: 1_000_000, currency: "USD", usd: 1_000_000 },
        },
      },
    });
    if (res && res.status === 201) this.ack("filing", filingStream(String(res.json.filingId)), res.etag, res.requestId);
  }

  /**
   * Offers `rate` operations per second for `seconds` (open loop: an operation starts on schedule
   * whether or not earlier ones finished, up to `maxInFlight` at once), then waits for the last.
   */
  async run(opts: { seconds: number; rate: number; maxInFlight?: number; signal?: AbortSignal }): Promise<number> {
    const inFlight = new Set<Promise<void>>();
    const interval = 1000 / opts.rate;
    const t0 = performance.now();
    let started = 0;
    while (performance.now() - t0 < opts.seconds * 1000 && !opts.signal?.aborted) {
      const due = t0 + started * interval;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (inFlight.size >= (opts.maxInFlight ?? 64)) {
        await Promise.race(inFlight);
        continue;
      }
      const p: Promise<void> = this.step().finally(() => inFlight.delete(p));
      inFlight.add(p);
      started++;
    }
    await Promise.all(inFlight);
    return started;
  }

  /** Count of answers with status ≥ 500 or none at all. */
  get serverErrors(): number {
    return this.failures.length;
  }
}
