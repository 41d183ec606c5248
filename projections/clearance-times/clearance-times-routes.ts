/**
 * HTTP routes of the clearance-times read model: stage figures with filters, a date range and
 * grouping; the release curve (share released within 1 … N hours of lodgement or arrival); the
 * release pattern (hour of day, weekday); the Time Release Study workbook (XLSX); direct versus
 * conventional; outliers; one declaration's stage times; an enterprise's declaration list. All
 * read the Kafka-fed read model (store-fed in embedded mode).
 */
import type { Request } from "express";
import { problemResponses } from "../../contracts/http/responses";
import { z } from "../../contracts/http/zod";
import {
  ClearanceFiguresView,
  ClearanceQuery,
  DeclarationListQuery,
  DeclarationParams,
  DeclarationTimesView,
  ModelComparisonView,
  OutlierQuery,
  OutliersView,
  ReleaseCurveQuery,
  ReleaseCurveView,
  ReleasePatternQuery,
  ReleasePatternView,
  TrsWorkbookQuery,
} from "../../contracts/direct-clearance/http";
import {
  clearanceFigures,
  clearanceOutliers,
  compareModels,
  declarationTimes,
  listDeclarations,
  releaseCurve,
  releasePattern,
} from "./clearance-times-queries";
import { TRS_SHEETS, trsWorkbook } from "./trs-workbook";
import { allow, listedEnterprise, ownedBy } from "../../services/api/auth/access";
import {
  CLEARANCE_FIGURE_READERS,
  DECLARATION_OUTLIER_READERS,
  DECLARATION_READERS,
} from "../../services/api/auth/data-sharing";
import { Problems } from "../../services/api/http/problem";
import { fromReadModelOf } from "../../services/api/http/read-model";
import { parseParams, parseQuery } from "../../services/api/http/validate";
import type { RouteModule } from "../../services/api/route-module";
import { clearanceCodeLists } from "../../services/direct-clearance";

const json = (schema: z.ZodType) => ({ content: { "application/json": { schema } } });
const TAG = "clearance-times";
/** Who may read the aggregate figures. */
const readModel = <T>(q: () => Promise<T>) => fromReadModelOf("clearance_times", q);

/** The workbook's media type (Office Open XML spreadsheet). */
const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** How percentiles are computed, stated in every figures response. */
export const PERCENTILE_METHOD =
  "exact over the rows behind each figure; linear interpolation between closest ranks (PostgreSQL percentile_cont, Hyndman-Fan type 7)";

/** Figures, comparison, outliers, per-declaration times. */
/**
 * The figures' query, parsed; a `port` no port of the reference data has is a 400 naming it (a
 * filter that can never match is a mistake, not an empty figure).
 */
function figureQuery<
  S extends typeof ClearanceQuery | typeof OutlierQuery | typeof ReleaseCurveQuery | typeof ReleasePatternQuery,
>(req: Request, schema: S): z.output<S> {
  const q = parseQuery(req, schema) as z.output<S>;
  const port = (q as { port?: string }).port;
  const ports = clearanceCodeLists().ports;
  if (port !== undefined && !ports.get(port)) {
    throw Problems.validationFailed([{ pointer: "/query/port", detail: ports.unknown(port) }]);
  }
  return q;
}

export const clearanceTimesRoutes: RouteModule = {
  name: "clearance-times",
  register(router, ctx) {
    router.get("/clearance-times", allow(...CLEARANCE_FIGURE_READERS), async (req, res) => {
      const { groupBy, ...filter } = figureQuery(req, ClearanceQuery);
      const groups = await readModel(() => clearanceFigures(ctx.db, filter, groupBy ?? []));
      res.json({ unit: "hours", percentiles: PERCENTILE_METHOD, groups });
    });

    // An aggregate like the figures: the same readers, no enterprise named.
    router.get("/clearance-times/release-curve", allow(...CLEARANCE_FIGURE_READERS), async (req, res) => {
      const { maxHours, start, ...filter } = figureQuery(req, ReleaseCurveQuery);
      const curve = await readModel(() => releaseCurve(ctx.db, filter, maxHours, start));
      res.json({ unit: "hours", start, ...curve });
    });

    router.get("/clearance-times/release-pattern", allow(...CLEARANCE_FIGURE_READERS), async (req, res) => {
      const filter = figureQuery(req, ReleasePatternQuery);
      res.json(await readModel(() => releasePattern(ctx.db, filter)));
    });

    // The TRS workbook: aggregates only (no declaration named), so the figures' readers.
    router.get("/clearance-times/trs-workbook", allow(...CLEARANCE_FIGURE_READERS), async (req, res) => {
      const period = parseQuery(req, TrsWorkbookQuery);
      const { bytes } = await readModel(() => trsWorkbook(ctx.db, period));
      const name = `trs-workbook-${period.from ?? "start"}-to-${period.to ?? "end"}.xlsx`;
      res
        .status(200)
        .set({ "Content-Type": XLSX, "Content-Disposition": `attachment; filename="${name}"` })
        .send(bytes);
    });

    router.get("/clearance-times/comparison", allow(...CLEARANCE_FIGURE_READERS), async (req, res) => {
      const { groupBy, ...filter } = figureQuery(req, ClearanceQuery);
      res.json({ groups: await readModel(() => compareModels(ctx.db, filter, groupBy ?? [])) });
    });

    // Outliers name declarations (number, times, port): declaration data, not an aggregate.
    router.get("/clearance-times/outliers", allow(...DECLARATION_OUTLIER_READERS), async (req, res) => {
      const { groupBy, limit, ...filter } = figureQuery(req, OutlierQuery);
      const dims = groupBy?.length ? groupBy : (["direction", "clearanceModel"] as const);
      const outliers = await readModel(() => clearanceOutliers(ctx.db, filter, dims, limit));
      res.json({
        rule: `total time above Q3 + 1.5 × IQR of its group (${dims.join(", ") || "all"}); outliers stay in every figure`,
        outliers,
      });
    });

    router.get("/clearance-times/declarations/:declarationNumber", allow(...DECLARATION_READERS), async (req, res) => {
      const { declarationNumber } = parseParams(req, DeclarationParams);
      const times = await readModel(() => declarationTimes(ctx.db, declarationNumber));
      if (!times) throw Problems.notFound(`No clearance times for declaration ${declarationNumber}`);
      ownedBy(req, times.enterprise, `No clearance times for declaration ${declarationNumber}`);
      res.json({ declarationNumber, stages: times.stages, holds: times.holds, held: times.held });
    });

    router.get("/declarations", allow(...DECLARATION_READERS), async (req, res) => {
      const q = parseQuery(req, DeclarationListQuery);
      const enterprise = listedEnterprise(req, q.enterprise, (code) => `No declarations of ${code}`);
      const page = await fromReadModelOf("clearance_times", () =>
        listDeclarations(ctx.db, { enterprise, limit: q.limit, after: q.cursor }),
      );
      res.json(page);
    });
  },

  openapi(registry) {
    registry.registerPath({
      method: "get",
      path: "/clearance-times",
      tags: [TAG],
      summary: "Stage times (count, mean, min, p25, median, p75, p90, p95, max, in hours and minutes) by group",
      request: { query: ClearanceQuery },
      responses: { 200: { description: "Figures", ...json(ClearanceFiguresView) }, ...problemResponses(400, 503) },
    });
    registry.registerPath({
      method: "get",
      path: "/clearance-times/release-curve",
      tags: [TAG],
      summary:
        "Share of released declarations released within 1, 2, … maxHours hours of lodgement or (start=arrival) of arrival (cumulative)",
      request: { query: ReleaseCurveQuery },
      responses: {
        200: { description: "Release curve", ...json(ReleaseCurveView) },
        ...problemResponses(400, 503),
      },
    });
    registry.registerPath({
      method: "get",
      path: "/clearance-times/release-pattern",
      tags: [TAG],
      summary: "Releases by hour of day and by weekday, China Standard Time (UTC+8)",
      request: { query: ReleasePatternQuery },
      responses: {
        200: { description: "Release pattern", ...json(ReleasePatternView) },
        ...problemResponses(400, 503),
      },
    });
    registry.registerPath({
      method: "get",
      path: "/clearance-times/trs-workbook",
      tags: [TAG],
      summary: "WCO Time Release Study workbook (XLSX) for a period of lodgement dates",
      description:
        `Sheets: ${TRS_SHEETS.join(", ")}. Headline: arrival → release count, mean, median, p90 (hours) and the share ` +
        "released within 24, 48 and 72 h of arrival; Stages in process order, then the totals; Segments by credit " +
        "rating, other agencies, pre-arrival lodgement, clearance model and transport mode; Release pattern by hour " +
        "of day and weekday (China time); Definitions of every figure. The layout is this product's: the TRS " +
        "Guide's own result tables were not read.",
      request: { query: TrsWorkbookQuery },
      responses: {
        200: {
          description: "The workbook",
          content: { [XLSX]: { schema: z.string().openapi({ format: "binary" }) } },
        },
        ...problemResponses(400, 503),
      },
    });
    registry.registerPath({
      method: "get",
      path: "/clearance-times/comparison",
      tags: [TAG],
      summary: "Direct versus conventional clearance: median total times, their ratio and counts",
      request: { query: ClearanceQuery },
      responses: { 200: { description: "Comparison", ...json(ModelComparisonView) }, ...problemResponses(400, 503) },
    });
    registry.registerPath({
      method: "get",
      path: "/clearance-times/outliers",
      tags: [TAG],
      summary: "Declarations above their group's upper Tukey fence, longest first",
      request: { query: OutlierQuery },
      responses: { 200: { description: "Outliers", ...json(OutliersView) }, ...problemResponses(400, 503) },
    });
    registry.registerPath({
      method: "get",
      path: "/clearance-times/declarations/{declarationNumber}",
      tags: [TAG],
      summary: "One declaration's stage times",
      request: { params: DeclarationParams },
      responses: {
        200: { description: "Stage times", ...json(DeclarationTimesView) },
        ...problemResponses(400, 404, 503),
      },
    });
    registry.registerPath({
      method: "get",
      path: "/declarations",
      tags: [TAG],
      summary: "An enterprise's declarations (read model), highest number first; an enterprise token lists its own",
      request: { query: DeclarationListQuery },
      responses: {
        200: {
          description: "One page",
          ...json(
            z.object({
              items: z.array(
                z.object({
                  declarationNumber: z.string(),
                  direction: z.string(),
                  clearanceModel: z.string(),
                  port: z.string(),
                  status: z.string(),
                  lodgedAt: z.string(),
                  releasedAt: z.string().nullable(),
                }),
              ),
              nextCursor: z.string().nullable(),
            }),
          ),
        },
        ...problemResponses(400, 404, 503),
      },
    });
  },
};
