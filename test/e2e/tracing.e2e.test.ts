/**
 * Tracing end to end on real PostgreSQL and Kafka, with the OpenTelemetry SDK's in-memory
 * exporter: a command sent with a client's `traceparent` gives one trace holding the HTTP
 * request, decide, append, the relay's publish and the Kafka-fed projection's apply, and the
 * Kafka record carries the trace as the CloudEvents `traceparent` extension.
 */
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import pino from "pino";
import { TOPICS, topicName } from "../../contracts/topics";
import { taskListProjection } from "../../projections/task-list/task-list-projection";
import { createApp } from "../../services/api/app";
import { startTracing, stopTracing } from "../../services/platform/tracing";
import { as } from "../support/auth";
import { describeWithKafka } from "../support/kafka";
import { type Pipeline, pipeline } from "../support/pipeline";
import { taskPlanBody } from "../support/reform-tasks";
import { waitFor } from "../support/wait";

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

describeWithKafka("tracing from the HTTP command to the read-model update", () => {
  const exporter = new InMemorySpanExporter();
  let p: Pipeline;
  beforeAll(() => {
    startTracing("ftz-test", [new SimpleSpanProcessor(exporter)]);
  });
  afterAll(() => stopTracing());
  beforeEach(async () => {
    exporter.reset();
    p = await pipeline();
  });
  afterEach(() => p.close());

  it("one trace: POST → decide → append → publish → apply, and the record carries traceparent", async () => {
    p.relay().start();
    await p.feed(taskListProjection);
    const app = createApp({ db: p.t.db, store: p.store, logger: pino({ level: "silent" }) });
    const tf = await as(app, "taskforce");
    const res = await tf
      .post("/reform-tasks")
      .set("Idempotency-Key", "traced-1")
      .set("traceparent", `00-${TRACE_ID}-00f067aa0ba902b7-01`)
      .send(taskPlanBody({ ref: "TR-1" }));
    expect(res.status).toBe(201);

    const spans = (await waitFor("the apply span of the trace", async () => {
      const mine = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === TRACE_ID);
      return mine.some((s) => s.name === "apply task_list") ? mine : undefined;
    }))!;
    const names = spans.map((s) => s.name);
    expect(names).toEqual(
      expect.arrayContaining(["POST /reform-tasks", "decide ReformTask", "append", "publish", "apply task_list"]),
    );
    const byName = (n: string) => spans.find((s) => s.name === n)!;
    const id = (s: ReturnType<typeof byName>) => s.spanContext().spanId;
    const parentOf = (s: ReturnType<typeof byName>) => s.parentSpanContext?.spanId;
    // The client's span is the request's parent; decide is inside the request, append inside decide.
    expect(parentOf(byName("POST /reform-tasks"))).toBe("00f067aa0ba902b7");
    expect(parentOf(byName("decide ReformTask"))).toBe(id(byName("POST /reform-tasks")));
    expect(parentOf(byName("append"))).toBe(id(byName("decide ReformTask")));
    // Publish and apply continue the trace the event carries (the append's context).
    expect(parentOf(byName("publish"))).toBe(id(byName("append")));
    expect(parentOf(byName("apply task_list"))).toBe(id(byName("append")));
    expect(byName("apply task_list").attributes).toMatchObject({
      "ftz.projection": "task_list",
      "ftz.stream_id": `ReformTask-${res.body.taskId}`,
    });

    const topic = topicName(TOPICS.find((t) => t.categories.includes("ReformTask"))!, p.prefix);
    const [record] = await p.readTopic(topic, 1);
    expect(record!.headers?.ce_traceparent?.toString()).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));
  });
});
