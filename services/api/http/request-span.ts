/**
 * The HTTP request's span (OpenTelemetry, SERVER kind), continuing a trace the client started
 * (W3C `traceparent` request header) and named by the route pattern once it is known
 * (`POST /reform-tasks/:taskId/start`); decide, append, the relay's publish and each projection's
 * apply are spans of the same trace (services/platform/tracing.ts). Nothing while tracing is off.
 */
import { context, propagation, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { RequestHandler } from "express";
import { tracer, tracingEnabled } from "../../platform/tracing";

/** The middleware (mount first, so the whole request is inside the span). */
export function requestSpans(): RequestHandler {
  return (req, res, next) => {
    if (!tracingEnabled()) return next();
    const parent = propagation.extract(context.active(), req.headers);
    const span = tracer.startSpan(
      req.method,
      { kind: SpanKind.SERVER, attributes: { "http.request.method": req.method, "url.path": req.path } },
      parent,
    );
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : undefined;
      if (route) {
        span.updateName(`${req.method} ${route}`);
        span.setAttribute("http.route", route);
      }
      span.setAttribute("http.response.status_code", res.statusCode);
      if (res.statusCode >= 500 || !res.writableFinished) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    };
    // "finish" when the answer was sent; "close" too when the client went first (or a stream ended).
    res.on("finish", end);
    res.on("close", end);
    context.with(trace.setSpan(parent, span), next);
  };
}
