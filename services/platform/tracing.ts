/**
 * Tracing with OpenTelemetry, end to end: the HTTP request, decide, append, the relay's publish
 * and each projection's apply are spans of one trace, linked through the W3C `traceparent`
 * (W3C Trace Context) that an append puts in the event's metadata and the relay carries as the
 * CloudEvents distributed-tracing extension (`traceparent`, `tracestate`; Kafka header
 * `ce_traceparent`).
 *
 * Off by default. `startTracing` turns it on when the standard variables ask for it:
 * `OTEL_TRACES_EXPORTER=otlp` or an `OTEL_EXPORTER_OTLP_ENDPOINT` /
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (OTLP over HTTP, the exporter reads the rest of
 * `OTEL_EXPORTER_OTLP_*`), service name `OTEL_SERVICE_NAME`; `OTEL_SDK_DISABLED=true` keeps it
 * off. While off, the OpenTelemetry API is a no-op and no per-event span is made.
 */
import {
  type Context,
  context,
  type Link,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, type SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";

/** The tracer every span of the backend comes from. */
export const tracer = trace.getTracer("ftz-backend");

let enabled = false;
let provider: NodeTracerProvider | undefined;

/** True once tracing is on (per-event spans are made only then). */
export const tracingEnabled = (): boolean => enabled;

/** Whether the environment asks for tracing (see the module comment). */
export function tracingRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED === "true") return false;
  if (env.OTEL_TRACES_EXPORTER) return env.OTEL_TRACES_EXPORTER.split(",").includes("otlp");
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/**
 * Registers a tracer provider (W3C propagation, async-hooks context) exporting through
 * `processors` (default: batches to OTLP over HTTP) when `processors` are given or the
 * environment asks for it; else does nothing. Idempotent. Returns whether tracing is on.
 */
export function startTracing(serviceName: string, processors?: SpanProcessor[]): boolean {
  if (enabled) return true;
  if (!processors && !tracingRequested()) return false;
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ "service.name": process.env.OTEL_SERVICE_NAME ?? serviceName }),
    spanProcessors: processors ?? [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  enabled = true;
  return true;
}

/** Flushes and stops the provider (process shutdown, tests). */
export async function stopTracing(): Promise<void> {
  if (!provider) return;
  await provider.shutdown();
  provider = undefined;
  enabled = false;
  trace.disable();
  propagation.disable();
  context.disable();
}

/** The W3C trace-context fields of `ctx` (default the active context), to store or send. */
export function traceFields(ctx: Context = context.active()): { traceparent?: string; tracestate?: string } {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier.traceparent ? { traceparent: carrier.traceparent, tracestate: carrier.tracestate } : {};
}

/** The context a stored or received `traceparent` (and `tracestate`) names; the root context when none. */
export function contextFrom(fields: { traceparent?: unknown; tracestate?: unknown } | undefined): Context {
  const carrier: Record<string, string> = {};
  if (typeof fields?.traceparent === "string") carrier.traceparent = fields.traceparent;
  if (typeof fields?.tracestate === "string") carrier.tracestate = fields.tracestate;
  return propagation.extract(context.active(), carrier);
}

/**
 * Runs `work` in a span `name` (child of the active context), recording an exception as the
 * span's error; the span ends when `work` settles.
 */
export async function inSpan<T>(
  name: string,
  attributes: Record<string, string | number | boolean>,
  work: (span: Span) => Promise<T>,
  opts: { kind?: SpanKind; parent?: Context; links?: Link[] } = {},
): Promise<T> {
  return tracer.startActiveSpan(
    name,
    { kind: opts.kind ?? SpanKind.INTERNAL, attributes, links: opts.links },
    opts.parent ?? context.active(),
    async (span) => {
      try {
        return await work(span);
      } catch (err) {
        span.recordException(err as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: String(err) });
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

/**
 * For each of `events` that carries a trace context: a span `name` of that trace (so the trace of
 * the command that appended it goes on here), started now; call the returned function to end
 * them. Nothing while tracing is off.
 */
export function eventSpans(
  name: string,
  kind: SpanKind,
  events: readonly { streamId: string; streamVersion: number; globalPosition: number; metadata?: unknown }[],
  attributes: Record<string, string | number> = {},
): (error?: unknown) => void {
  if (!enabled) return () => {};
  const spans = events
    .filter((e) => typeof (e.metadata as { traceparent?: unknown } | undefined)?.traceparent === "string")
    .map((e) =>
      tracer.startSpan(
        name,
        {
          kind,
          attributes: {
            ...attributes,
            "ftz.stream_id": e.streamId,
            "ftz.stream_version": e.streamVersion,
            "ftz.global_position": e.globalPosition,
          },
        },
        contextFrom(e.metadata as { traceparent?: string; tracestate?: string }),
      ),
    );
  return (error) => {
    for (const s of spans) {
      if (error) s.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
      s.end();
    }
  };
}

export { SpanKind };
