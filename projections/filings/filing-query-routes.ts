/**
 * Queries of the filings read model (filings-projection.ts, Kafka-fed): an enterprise's filings
 * (its own, for an enterprise token), the bureau's queue by due date in working days, and
 * statistics by route, country, industry or kind. One filing is read from its stream by the
 * write side's routes (services/investment-filings/filing-routes.ts).
 */
import { problemResponses } from "../../contracts/http/responses";
import { z } from "../../contracts/http/zod";
import {
  FilingListQuery,
  FilingQueueQuery,
  FilingQueueRowView,
  FilingRowView,
  FilingStatisticsQuery,
} from "../../contracts/investment-filings/http";
import { allow, listedEnterprise } from "../../services/api/auth/access";
import { FILING_READERS } from "../../services/api/auth/data-sharing";
import { fromReadModelOf } from "../../services/api/http/read-model";
import { parseQuery } from "../../services/api/http/validate";
import type { RouteModule } from "../../services/api/route-module";
import { chinaToday } from "../../services/platform/china-date";
import { enterpriseFilings, filingQueue, filingStatistics } from "./filings-queries";

const json = (schema: z.ZodType) => ({ content: { "application/json": { schema } } });
const TAG = "investment-filings";

/** The filings read model's routes; mounted before `/filings/{filingId}`. */
export const filingQueryRoutes: RouteModule = {
  name: "filing-queries",
  register(router, ctx) {
    router.get("/filings/queue", allow("admin", "analyst"), async (req, res) => {
      const q = parseQuery(req, FilingQueueQuery);
      const asOf = q.asOf ?? chinaToday();
      res.json({ asOf, items: await fromReadModelOf("filings", () => filingQueue(ctx.db, asOf, q.limit)) });
    });
    router.get("/filings/statistics", allow("admin", "analyst"), async (req, res) => {
      const q = parseQuery(req, FilingStatisticsQuery);
      const groups = await fromReadModelOf("filings", () => filingStatistics(ctx.db, q.groupBy ?? [], q));
      res.json({ groups });
    });
    router.get("/filings", allow(...FILING_READERS), async (req, res) => {
      const q = parseQuery(req, FilingListQuery);
      const enterprise = listedEnterprise(req, q.enterprise, (code) => `No filings of ${code}`);
      res.json({ items: await fromReadModelOf("filings", () => enterpriseFilings(ctx.db, enterprise, q.limit)) });
    });
  },

  openapi(registry) {
    registry.registerPath({
      method: "get",
      path: "/filings",
      tags: [TAG],
      summary: "An enterprise's filings (read model), newest first; an enterprise token lists its own",
      request: { query: FilingListQuery },
      responses: {
        200: { description: "Filings", ...json(z.object({ items: z.array(FilingRowView) })) },
        ...problemResponses(400, 404, 503),
      },
    });
    registry.registerPath({
      method: "get",
      path: "/filings/queue",
      tags: [TAG],
      summary: "The bureau's queue: pending filings by due date (working days), overdue flagged",
      request: { query: FilingQueueQuery },
      responses: {
        200: { description: "Queue", ...json(z.object({ asOf: z.string(), items: z.array(FilingQueueRowView) })) },
        ...problemResponses(400, 503),
      },
    });
    registry.registerPath({
      method: "get",
      path: "/filings/statistics",
      tags: [TAG],
      summary: "Filings by status, grouped by route, country, industry (GB/T 4754 division) or kind",
      request: { query: FilingStatisticsQuery },
      responses: {
        200: {
          description: "Statistics",
          ...json(
            z.object({
              groups: z.array(
                z.object({
                  group: z.record(z.string(), z.string().nullable()),
                  total: z.number().int(),
                  byStatus: z.record(z.string(), z.number().int()),
                }),
              ),
            }),
          ),
        },
        ...problemResponses(400, 503),
      },
    });
  },
};
