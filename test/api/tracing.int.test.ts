/**
 * Tracing in the embedded mode (store-fed projections, no Kafka), with the SDK's in-memory
 * exporter: the command's trace reaches the read model's apply through the event's stored
 * `traceparent`; with tracing off, events carry no trace fields.
 */
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { startTracing, stopTracing } from "../../services/platform/tracing";
import { as } from "../support/auth";
import { serverDatabase, type TestDatabase } from "../support/databases";
import { productApp } from "../support/product-app";
import { taskPlanBody } from "../support/reform-tasks";
import { waitFor } from "../support/wait";

describe("tracing, embedded mode", () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await serverDatabase();
  });
  afterEach(async () => {
    await stopTracing();
    await t.drop();
  });

  it("off: no trace fields in the events", async () => {
    const { app, readSide } = await productApp(t);
    try {
      const res = await (await as(app, "taskforce"))
        .post("/reform-tasks")
        .set("Idempotency-Key", "off-1")
        .send(taskPlanBody());
      expect(res.status).toBe(201);
      const { rows } = await t.db.query<{ m: Record<string, unknown> }>(
        "SELECT metadata AS m FROM events WHERE stream_id LIKE 'ReformTask-%'",
      );
      expect(rows[0]!.m.traceparent).toBeUndefined();
    } finally {
      await readSide.stop();
    }
  });

  it("on: the HTTP request's trace holds decide, append and the store-fed apply", async () => {
    const exporter = new InMemorySpanExporter();
    startTracing("ftz-test", [new SimpleSpanProcessor(exporter)]);
    const { app, readSide } = await productApp(t);
    try {
      const res = await (await as(app, "taskforce"))
        .post("/reform-tasks")
        .set("Idempotency-Key", "on-1")
        .send(taskPlanBody());
      expect(res.status).toBe(201);
      const request = exporter.getFinishedSpans().find((s) => s.name === "POST /reform-tasks")!;
      const traceId = request.spanContext().traceId;
      const apply = (await waitFor("the apply span", async () =>
        exporter.getFinishedSpans().find((s) => s.name === "apply task_list" && s.spanContext().traceId === traceId),
      ))!;
      const append = exporter
        .getFinishedSpans()
        .find((s) => s.name === "append" && s.spanContext().traceId === traceId)!;
      expect(apply.parentSpanContext?.spanId).toBe(append.spanContext().spanId);
      const { rows } = await t.db.query<{ m: Record<string, unknown> }>(
        "SELECT metadata AS m FROM events WHERE stream_id LIKE 'ReformTask-%'",
      );
      expect(rows[0]!.m.traceparent).toBe(`00-${traceId}-${append.spanContext().spanId}-01`);
    } finally {
      await readSide.stop();
    }
  });
});
