/**
 * HTTP routes over the task-list read model (Kafka-fed; store-fed in embedded mode): the list
 * with filters and cursor pagination, the department scoreboard, the replication rate per year,
 * and the reference data (departments, reform fields). The read model is eventually consistent:
 * a task's own GET (task-routes.ts) is the strongly consistent view.
 */
import { problemResponses } from "../../contracts/http/responses";
import { z } from "../../contracts/http/zod";
import {
  ReplicationRatesView,
  ScoreboardQuery,
  ScoreboardView,
  TaskListPageView,
  TaskListQuery,
} from "../../contracts/reform-tasks/http";
import { decodeCursor, departmentScoreboard, listTasks, replicationRates } from "./task-list-queries";
import { Problems } from "../../services/api/http/problem";
import { ANY_ROLE, allow } from "../../services/api/auth/access";
import { fromReadModelOf } from "../../services/api/http/read-model";
import { parseQuery } from "../../services/api/http/validate";
import type { RouteModule } from "../../services/api/route-module";
import { chinaToday } from "../../services/platform/china-date";
import { Department, ReformField, reformCodeLists, filterCodeErrors } from "../../services/reform-tasks";

/** Runs a task-list query; 503 while the read model is not set up yet. */
export const fromReadModel = <T>(query: () => Promise<T>): Promise<T> => fromReadModelOf("task_list", query);

const json = (schema: z.ZodType) => ({ content: { "application/json": { schema } } });
const TAG = "reform-tasks";

/** List, scoreboard, replication rates and reference data. */
export const taskListRoutes: RouteModule = {
  name: "reform-task-list",
  register(router, ctx) {
    const ref = reformCodeLists();

    router.get("/reform-tasks/departments", allow(...ANY_ROLE), (_req, res) => {
      res.json({ departments: ref.departments.entries });
    });
    router.get("/reform-tasks/fields", allow(...ANY_ROLE), (_req, res) => {
      res.json({ fields: ref.fields.entries });
    });

    router.get("/reform-tasks", allow(...ANY_ROLE), async (req, res) => {
      const { limit, cursor, ...filter } = parseQuery(req, TaskListQuery);
      const after = cursor === undefined ? undefined : decodeCursor(cursor);
      const errors = filterCodeErrors(filter, ref);
      if (after === null) errors.push({ pointer: "/query/cursor", detail: "not a cursor this API issued" });
      if (errors.length) throw Problems.validationFailed(errors);
      const asOf = filter.asOf ?? chinaToday();
      const page = await fromReadModel(() =>
        listTasks(ctx.db, { ...filter, asOf }, { limit, after: after ?? undefined }),
      );
      res.json({ asOf, ...page });
    });

    router.get("/reform-tasks/scoreboard", allow(...ANY_ROLE), async (req, res) => {
      const q = parseQuery(req, ScoreboardQuery);
      const asOf = q.asOf ?? chinaToday();
      const scores = await fromReadModel(() => departmentScoreboard(ctx.db, { year: q.year, asOf }));
      res.json({
        asOf,
        year: q.year ?? null,
        departments: scores.map((s) => {
          const d = ref.departments.get(s.department);
          return { ...s, nameZh: d?.nameZh ?? null, nameEn: d?.nameEn ?? null };
        }),
      });
    });

    router.get("/reform-tasks/replication-rates", allow(...ANY_ROLE), async (req, res) => {
      const q = parseQuery(req, ScoreboardQuery.pick({ asOf: true }));
      const asOf = q.asOf ?? chinaToday();
      res.json({ asOf, years: await fromReadModel(() => replicationRates(ctx.db, { asOf })) });
    });
  },

  openapi(registry) {
    registry.registerPath({
      method: "get",
      path: "/reform-tasks/departments",
      tags: [TAG],
      summary: "Departments (reference data) a task may name",
      responses: { 200: { description: "Departments", ...json(z.object({ departments: z.array(Department) })) } },
    });
    registry.registerPath({
      method: "get",
      path: "/reform-tasks/fields",
      tags: [TAG],
      summary: "Reform fields (reference data)",
      responses: { 200: { description: "Reform fields", ...json(z.object({ fields: z.array(ReformField) })) } },
    });
    registry.registerPath({
      method: "get",
      path: "/reform-tasks",
      tags: [TAG],
      summary: "The task list (read model): filters and cursor pagination, ordered by year and ref",
      request: { query: TaskListQuery },
      responses: { 200: { description: "One page", ...json(TaskListPageView) }, ...problemResponses(400, 503) },
    });
    registry.registerPath({
      method: "get",
      path: "/reform-tasks/scoreboard",
      tags: [TAG],
      summary: "Per lead department: counts by status, overdue, on-time rate",
      request: { query: ScoreboardQuery },
      responses: { 200: { description: "The scoreboard", ...json(ScoreboardView) }, ...problemResponses(400, 503) },
    });
    registry.registerPath({
      method: "get",
      path: "/reform-tasks/replication-rates",
      tags: [TAG],
      summary: "Replication rate per list year (replicated / applicable)",
      request: { query: ScoreboardQuery.pick({ asOf: true }) },
      responses: {
        200: { description: "Rates per year", ...json(ReplicationRatesView) },
        ...problemResponses(400, 503),
      },
    });
  },
};
