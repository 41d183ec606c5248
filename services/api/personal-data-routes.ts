/**
 * `POST /personal-data/subjects/{subjectId}/erasure` (admin): erases a data subject by deleting
 * its data key (services/platform/personal-data/subject-keys.ts), so every sealed copy of its
 * personal fields, in events, Kafka records and read models alike, shows as erased from then on,
 * rebuilds included, and nothing else changes. The erasure is recorded on the operator log with
 * the admin as actor and the legal basis stated (the audit trail of `Operations-log` shows it).
 * An unknown subject is 404; erasing again answers the first erasure.
 */
import { IdempotencyKeyHeader } from "../../contracts/http/common";
import { ErasureBody, ErasureView, SubjectParams } from "../../contracts/http/personal-data";
import { problemResponses } from "../../contracts/http/responses";
import { z } from "../../contracts/http/zod";
import { recordOperation } from "../operator/operator-log";
import { SubjectKeys } from "../platform/personal-data/subject-keys";
import { actorOf, allow } from "./auth/access";
import { commandRoute } from "./http/command-route";
import { Problems } from "./http/problem";
import { parseBody, parseParams } from "./http/validate";
import type { RouteModule } from "./route-module";

const json = (schema: z.ZodType) => ({ content: { "application/json": { schema } } });

/** The personal-data route module. */
export const personalDataRoutes: RouteModule = {
  name: "personal-data",
  register(router, ctx) {
    router.post(
      "/personal-data/subjects/:subjectId/erasure",
      allow("admin"),
      commandRoute(ctx.commands, async (req) => {
        const { subjectId } = parseParams(req, SubjectParams);
        const { legalBasis, note } = parseBody(req, ErasureBody);
        const actor = actorOf(req.principal)!; // allow("admin") ran first
        const outcome = await new SubjectKeys(ctx.db).erase(subjectId, { erasedBy: actor.subject, legalBasis });
        if (!outcome.known) throw Problems.notFound(`No data subject ${subjectId}`);
        if (!outcome.alreadyErased)
          await recordOperation(ctx.store, "PersonalDataErased", { subjectId, legalBasis, note }, actor);
        return { status: 200, body: { subjectId, erasedAt: outcome.erasedAt!, alreadyErased: outcome.alreadyErased } };
      }),
    );
  },
  openapi(registry) {
    registry.registerPath({
      method: "post",
      path: "/personal-data/subjects/{subjectId}/erasure",
      tags: ["personal-data"],
      summary:
        "Erase a data subject (admin): its key is deleted, so its personal fields everywhere show as erased; recorded with the legal basis on the operator log",
      request: {
        params: SubjectParams,
        headers: z.object({ "idempotency-key": IdempotencyKeyHeader }),
        body: json(ErasureBody),
      },
      responses: { 200: { description: "Erased", ...json(ErasureView) }, ...problemResponses(404, 415) },
    });
  },
};
