/**
 * The express 5 application: request ids and logging, JSON bodies, the route modules, the
 * OpenAPI document and its offline docs UI, then the 404 and error handlers, so every error is
 * an RFC 9457 problem (README, architecture).
 */
import compression from "compression";
import cors, { type CorsOptions } from "cors";
import express, { type Express, type Request } from "express";
import helmet from "helmet";
import pino, { type Logger } from "pino";
import { pinoHttp } from "pino-http";
import swaggerUi from "swagger-ui-express";
import { SIZE_LIMITS } from "../../contracts/topics";
import { PROJECTIONS } from "../../projections/registry";
import type { Database } from "../platform/db/database";
import type { EventStore } from "../platform/event-store/types";
import { authenticate, defaultTokenVerifier, principalScope } from "./auth/access";
import type { TokenVerifier } from "./auth/token-verifier";
import { type IdempotencyOptions, IdempotencyStore } from "./http/idempotency";
import { appendNotingStore, consistentReads, type ReadModelRef } from "./http/consistency";
import { createMetrics } from "./http/metrics";
import { clientRateLimit, defaultRateLimit, failedAuthRateLimit } from "./http/rate-limit";
import { allowedMethods } from "./http/allowed-methods";
import { jsonBody, limitJsonDepth, requireJsonMediaType } from "./http/json-body";
import { notFoundHandler, problemErrorHandler } from "./http/problem";
import { refuseUndeclaredQuery } from "./http/query-params";
import { readResponses } from "./http/read-responses";
import { requestIdOf } from "./http/request-id";
import { requestSpans } from "./http/request-span";
import type { RouteContext, RouteModule } from "./route-module";
import { apiDocument, productRouteModules } from "./route-modules";
import { operationsRoutes } from "./operations-routes";
import { systemRoutes } from "./system-routes";
import { consoleStatic } from "./console-static";
import { consoleConnectOrigins, signInRoutes } from "./sign-in-routes";

/** What the app is built from. */
export interface ApiDeps {
  db: Database;
  store: EventStore;
  /** Default: pino at `LOG_LEVEL` (info), authorization and cookie headers redacted. */
  logger?: Logger;
  /** Route modules to serve. Default: the application's (`productRouteModules`). System routes are always served. */
  routes?: readonly RouteModule[];
  /** Kafka readiness probe for `/ready`; omit when Kafka is not configured. */
  kafkaReady?: () => Promise<boolean>;
  /** Seconds an unpublished event may wait before `/ready` reports the relay stalled; unset: not checked (no relay). */
  relayStallSeconds?: number;
  /** Largest JSON body, bytes or a string such as "256kb". Default SIZE_LIMITS.jsonBodyBytes (256 KiB). */
  bodyLimit?: string | number;
  /** The idempotency-key store; default: one on `db` with `idempotencyOptions`. */
  idempotency?: IdempotencyStore;
  idempotencyOptions?: IdempotencyOptions;
  /** The principal idempotency keys are scoped to. Default: the authenticated subject, else `anonymous`. */
  scopeOf?: (req: Request) => string;
  /** Bearer-token verifier. Default: `AUTH_JWKS_URL`, else the local development key (auth/access.ts). */
  verifyToken?: TokenVerifier;
  /** Requests per minute per client, or false for none. Default `RATE_LIMIT_PER_MINUTE` (1200). */
  rateLimitPerMinute?: number | false;
  /** The read models a consistency token can be awaited on. Default: the application's (`PROJECTIONS`). */
  readModels?: readonly ReadModelRef[];
  /** Origins allowed by CORS, comma-separated. Default `CORS_ORIGINS`; empty: no CORS headers at all. */
  corsOrigins?: string;
  /** The built web console served at /console/. Default services/console/dist (console-static.ts). */
  consoleDir?: string;
}

/** Headers a browser client must be able to read from a cross-origin answer. */
const EXPOSED_HEADERS = [
  "ETag",
  "Location",
  "Link",
  "Retry-After",
  "RateLimit",
  "RateLimit-Policy",
  "X-Request-Id",
  "Idempotent-Replayed",
  "WWW-Authenticate",
  "Consistency-Token",
];

/** CORS (Fetch standard) for `origins`: the methods and request headers the API takes, credentials not needed (bearer tokens). */
const corsOptions = (origins: string[]): CorsOptions => ({
  origin: origins,
  methods: ["GET", "HEAD", "POST", "OPTIONS"],
  allowedHeaders: [
    "Authorization",
    "Content-Type",
    "If-Match",
    "If-None-Match",
    "Idempotency-Key",
    "X-Request-Id",
    "Consistency-Token",
    "Prefer",
  ],
  exposedHeaders: EXPOSED_HEADERS,
  maxAge: 600,
});

/** The default logger: JSON lines, level from `LOG_LEVEL` (default info), secrets redacted. */
export function defaultLogger(): Logger {
  return pino({
    level: process.env.LOG_LEVEL ?? "info",
    redact: ["req.headers.authorization", "req.headers.cookie", 'res.headers["set-cookie"]'],
  });
}

/**
 * Builds the express app. Order: request id + access log, JSON media-type check and parser,
 * refusal of query parameters the document does not declare for the operation, system routes
 * (`/health`, `/ready`), the route modules, `/openapi.json`, `/docs`, 404, errors.
 */
export function createApp(deps: ApiDeps): Express {
  const logger = deps.logger ?? defaultLogger();
  const routes = deps.routes ?? productRouteModules;
  const document = apiDocument(routes);
  const ctx: RouteContext = {
    db: deps.db,
    // Appends are noted so a command's answer can carry its consistency token.
    store: appendNotingStore(deps.store),
    logger,
    commands: {
      idempotency: deps.idempotency ?? new IdempotencyStore(deps.db, deps.idempotencyOptions),
      scopeOf: deps.scopeOf ?? principalScope,
    },
  };

  const app = express();
  // Behind a reverse proxy, TRUST_PROXY (the number of proxy hops) makes req.ip the client's
  // address for rate limits; unset, X-Forwarded-For is ignored (it could be spoofed).
  if (process.env.TRUST_PROXY) app.set("trust proxy", Number(process.env.TRUST_PROXY));
  const metrics = createMetrics(deps.db);
  app.disable("x-powered-by");
  app.set("etag", false); // ETags are stream versions, set by the routes that have them
  app.use(requestSpans());
  app.use(
    pinoHttp({
      logger,
      genReqId: requestIdOf,
      // An access line names the request, not its headers (LOG_HEADERS=1 logs them, redacted as above).
      ...(process.env.LOG_HEADERS === "1"
        ? {}
        : {
            serializers: {
              req: (r: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({
                id: r.id,
                method: r.method,
                url: r.url,
                remoteAddress: r.remoteAddress,
              }),
              res: (r: { statusCode: number }) => ({ statusCode: r.statusCode }),
            },
          }),
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? "error" : "info"),
    }),
  );
  app.use(metrics.record);
  // The console signing in with OpenID Connect fetches the issuer's metadata and token endpoint.
  const connectOrigins = consoleConnectOrigins();
  app.use(
    helmet({
      // The docs UI (swagger-ui) uses inline styles and data: images; nothing else needs more than 'self'.
      contentSecurityPolicy: {
        directives: {
          "style-src": ["'self'", "'unsafe-inline'"],
          "img-src": ["'self'", "data:"],
          "connect-src": ["'self'", ...connectOrigins],
          // Served over plain HTTP (TLS, when any, ends at a proxy): rewriting the console's
          // scripts to https would leave it blank on http://<address>:3000.
          "upgrade-insecure-requests": null,
        },
      },
    }),
  );
  // CORS only for the origins CORS_ORIGINS lists (comma-separated; default none): preflights are
  // answered here, and the headers a client needs to read are exposed.
  const origins = (deps.corsOrigins ?? process.env.CORS_ORIGINS ?? "")
    .split(",")
    .map((o) => o.trim())
    .filter(Boolean);
  if (origins.length) app.use(cors(corsOptions(origins)));
  app.use(compression());
  app.use(readResponses());
  const perMinute = deps.rateLimitPerMinute ?? defaultRateLimit();
  if (perMinute !== false) app.use(failedAuthRateLimit(perMinute));
  app.use(authenticate(deps.verifyToken ?? defaultTokenVerifier()));
  if (perMinute !== false) app.use(clientRateLimit(perMinute));
  // After the limits: OPTIONS and 405 count against the client's budget and carry RateLimit.
  app.use(allowedMethods(document));
  const uploads = routes.flatMap((m) => m.uploads ?? []);
  app.use(requireJsonMediaType(uploads));
  app.use(jsonBody(deps.bodyLimit ?? SIZE_LIMITS.jsonBodyBytes, uploads));
  app.use(limitJsonDepth);
  app.use(refuseUndeclaredQuery(document));
  app.use(consistentReads(deps.db, deps.readModels ?? PROJECTIONS));

  const metricsRouter = express.Router();
  metrics.mount(metricsRouter);
  app.use(metricsRouter);
  for (const module of [
    systemRoutes({ kafkaReady: deps.kafkaReady, relayStallSeconds: deps.relayStallSeconds }),
    operationsRoutes({ kafkaReady: deps.kafkaReady }),
    // Development tokens only when the development key is what verifies (no verifier of the caller's own).
    signInRoutes({ developmentTokens: deps.verifyToken === undefined }),
    ...routes,
  ]) {
    const router = express.Router();
    module.register(router, ctx);
    app.use(router);
  }

  app.get("/openapi.json", (_req, res) => {
    res.json(document);
  });
  const uiOptions = { customSiteTitle: document.info.title, swaggerOptions: { validatorUrl: null } };
  app.use("/docs", swaggerUi.serveFiles(document, uiOptions), swaggerUi.setup(document, uiOptions));
  app.use(consoleStatic(deps.consoleDir));

  app.use(notFoundHandler);
  app.use(problemErrorHandler);
  return app;
}
