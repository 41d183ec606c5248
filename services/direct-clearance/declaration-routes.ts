/**
 * HTTP routes of declarations: the enterprise lodges (`POST /declarations`, Idempotency-Key
 * required), amends and withdraws (If-Match required) and reads its declaration; customs posts
 * milestones (`POST /declarations/{number}/milestones`; If-Match optional, since milestones
 * arrive asynchronously: without it a conflicting concurrent write is retried on the fresh
 * stream, and a milestone posted twice is recorded once). Who may call which route is enforced
 * by the access-control layer (roles enterprise and customs), not here.
 */
import type { Request, RequestHandler } from "express";
import {
  ETagHeader,
  IdempotencyKeyHeader,
  IfMatchHeader,
  RequiredIdempotencyKeyHeader,
} from "../../contracts/http/common";
import { problemResponses } from "../../contracts/http/responses";
import { z } from "../../contracts/http/zod";
import { declarationStream, Milestone } from "../../contracts/direct-clearance/events";
import {
  AmendDeclarationBody,
  DeclarationParams,
  DeclarationView,
  LodgeDeclarationBody,
  WithdrawDeclarationBody,
} from "../../contracts/direct-clearance/http";
import { actsFor, allow, ownedBy } from "../api/auth/access";
import { DECLARATION_READERS } from "../api/auth/data-sharing";
import { type CommandHandler, commandRoute } from "../api/http/command-route";
import { formatETag, parseIfMatch, requireIfMatch, setETag, settleIfMatch } from "../api/http/etag";
import { ProblemError, Problems } from "../api/http/problem";
import { parseBody, parseParams } from "../api/http/validate";
import type { RouteContext, RouteModule } from "../api/route-module";
import { handleCommand, retryOnConflict } from "../platform/decider";
import type { EventStore } from "../platform/event-store/types";
import {
  type DeclarationCommand,
  declarationDecider,
  type LodgementData,
  type MilestoneInput,
} from "./declaration-decider";
import { declarationView, loadDeclaration } from "./declaration-repository";
import { type ClearanceCodeLists, clearanceCodeLists, lodgementReferenceErrors } from "./code-lists";

const json = (schema: z.ZodType) => ({ content: { "application/json": { schema } } });
const etagHeader = z.object({ ETag: ETagHeader });
const TAG = "direct-clearance";

/** The path's declaration number. @throws ProblemError 400 when malformed, 404 when no such declaration. */
async function mustExist(req: Request, store: EventStore): Promise<string> {
  const { declarationNumber } = parseParams(req, DeclarationParams);
  if ((await store.streamVersion(declarationStream(declarationNumber))) === null) {
    throw Problems.notFound(`No declaration ${declarationNumber}`);
  }
  return declarationNumber;
}

/**
 * `POST /declarations` (enterprise, for itself): checks the port and transport mode against the
 * code lists, refuses a number another declarant holds (409 saying only that), then decides
 * `lodge`. 201 with Location and ETag.
 */
function lodgeDeclaration(ctx: RouteContext, codes: ClearanceCodeLists): CommandHandler {
  return async (req, c) => {
    const body = parseBody(req, LodgeDeclarationBody);
    actsFor(req, body.enterprise);
    const errors = lodgementReferenceErrors(body, codes);
    if (errors.length) throw Problems.validationFailed(errors.map((e) => ({ ...e, pointer: `/body${e.pointer}` })));
    const existing = await loadDeclaration(ctx.store, body.declarationNumber);
    if (existing.version !== null && existing.state.lodgement!.enterprise !== body.enterprise) {
      // Taken by another declarant: say only that, not its state or owner.
      throw new ProblemError({
        status: 409,
        slug: "declaration-number-unavailable",
        title: "Declaration number unavailable",
        detail: `Declaration number ${body.declarationNumber} cannot be lodged`,
        extensions: { field: "declarationNumber" },
      });
    }
    const now = new Date().toISOString();
    const lodgement = { ...body, lodgedAt: body.lodgedAt ?? now };
    const r = await handleCommand(
      ctx.store,
      declarationStream(body.declarationNumber),
      declarationDecider,
      { kind: "lodge", lodgement, now },
      { metadata: c.metadata, eventIds: c.eventIds },
    );
    return {
      status: 201,
      headers: { Location: `/declarations/${body.declarationNumber}`, ETag: formatETag(r.version) },
      body: declarationView(r.state, r.version),
    };
  };
}

/** The amend command of `POST /declarations/{number}/amendments`. */
const amendCommand = (req: Request): DeclarationCommand => {
  const b = parseBody(req, AmendDeclarationBody);
  return { kind: "amend", changes: b.changes, reason: b.reason, at: new Date().toISOString() };
};

/** The withdraw command of `POST /declarations/{number}/withdrawal`. */
const withdrawCommand = (req: Request): DeclarationCommand => ({
  kind: "withdraw",
  reason: parseBody(req, WithdrawDeclarationBody).reason,
  at: new Date().toISOString(),
});

/** 400 when an amendment's port or transport mode (with the other as lodged) is not in the code lists. */
function checkAmendedCodes(command: DeclarationCommand, current: LodgementData, codes: ClearanceCodeLists): void {
  if (command.kind !== "amend" || (command.changes.port ?? command.changes.transportMode) === undefined) return;
  const errors = lodgementReferenceErrors(
    {
      port: command.changes.port ?? current.port,
      transportMode: command.changes.transportMode ?? current.transportMode,
    },
    codes,
  );
  if (errors.length) {
    throw Problems.validationFailed(errors.map((e) => ({ ...e, pointer: `/body/changes${e.pointer}` })));
  }
}

/**
 * The enterprise's own update of its declaration (amend, withdraw): If-Match required, 404 for
 * another enterprise's declaration, then decides `toCommand(req)` at the expected version.
 */
function updateDeclaration(
  ctx: RouteContext,
  codes: ClearanceCodeLists,
  toCommand: (req: Request) => DeclarationCommand,
): CommandHandler {
  return async (req, c) => {
    const expected = requireIfMatch(req);
    const number = await mustExist(req, ctx.store);
    const lodgement = (await loadDeclaration(ctx.store, number)).state.lodgement!;
    ownedBy(req, lodgement.enterprise, `No declaration ${number}`);
    const command = toCommand(req);
    checkAmendedCodes(command, lodgement, codes);
    const r = await handleCommand(ctx.store, declarationStream(number), declarationDecider, command, {
      expected: await settleIfMatch(expected, () => ctx.store.streamVersion(declarationStream(number))),
      metadata: c.metadata,
      eventIds: c.eventIds,
    });
    return { status: 200, headers: { ETag: formatETag(r.version) }, body: declarationView(r.state, r.version) };
  };
}

/**
 * `POST /declarations/{number}/milestones` (customs): If-Match optional; without it a concurrent
 * write is retried on the fresh stream. 201 when recorded, 200 when it was already (no event).
 */
function recordMilestone(ctx: RouteContext): CommandHandler {
  return async (req, c) => {
    const ifMatch = req.get("if-match");
    const number = await mustExist(req, ctx.store);
    const expected =
      ifMatch === undefined
        ? undefined
        : await settleIfMatch(parseIfMatch(ifMatch), () => ctx.store.streamVersion(declarationStream(number)));
    const milestone = parseBody(req, Milestone) as MilestoneInput;
    const run = () =>
      handleCommand(
        ctx.store,
        declarationStream(number),
        declarationDecider,
        { kind: "milestone", milestone, now: new Date().toISOString() },
        { expected, metadata: c.metadata, eventIds: c.eventIds },
      );
    const r = expected === undefined ? await retryOnConflict(run) : await run();
    return {
      status: r.events.length ? 201 : 200,
      headers: { ETag: formatETag(r.version) },
      body: declarationView(r.state, r.version),
    };
  };
}

/** `GET /declarations/{number}`: the declaration from its stream (an enterprise only its own). */
function readDeclaration(ctx: RouteContext): RequestHandler {
  return async (req, res) => {
    const { declarationNumber } = parseParams(req, DeclarationParams);
    const d = await loadDeclaration(ctx.store, declarationNumber);
    if (d.version === null) throw Problems.notFound(`No declaration ${declarationNumber}`);
    ownedBy(req, d.state.lodgement!.enterprise, `No declaration ${declarationNumber}`);
    setETag(res, d.version);
    res.json(declarationView(d.state, d.version));
  };
}

/** Lodge, amend, withdraw, post milestones, read. */
export const declarationRoutes: RouteModule = {
  name: "declarations",
  register(router, ctx) {
    const codes = clearanceCodeLists();
    const amend = updateDeclaration(ctx, codes, amendCommand);
    const withdraw = updateDeclaration(ctx, codes, withdrawCommand);
    router.post(
      "/declarations",
      allow("enterprise"),
      commandRoute(ctx.commands, lodgeDeclaration(ctx, codes), { requireIdempotencyKey: true }),
    );
    router.post("/declarations/:declarationNumber/amendments", allow("enterprise"), commandRoute(ctx.commands, amend));
    router.post(
      "/declarations/:declarationNumber/withdrawal",
      allow("enterprise"),
      commandRoute(ctx.commands, withdraw),
    );
    router.post(
      "/declarations/:declarationNumber/milestones",
      allow("customs"),
      commandRoute(ctx.commands, recordMilestone(ctx)),
    );
    router.get("/declarations/:declarationNumber", allow(...DECLARATION_READERS), readDeclaration(ctx));
  },

  openapi(registry) {
    registry.registerPath({
      method: "post",
      path: "/declarations",
      tags: [TAG],
      summary: "Lodge a declaration (enterprise)",
      request: {
        headers: z.object({ "idempotency-key": RequiredIdempotencyKeyHeader }),
        body: json(LodgeDeclarationBody),
      },
      responses: {
        201: { description: "Lodged", headers: etagHeader, ...json(DeclarationView) },
        ...problemResponses(400, 409, 415, 422),
      },
    });
    for (const [path, body, summary] of [
      ["amendments", AmendDeclarationBody, "Amend before release (enterprise)"],
      ["withdrawal", WithdrawDeclarationBody, "Withdraw before release (enterprise)"],
    ] as const) {
      registry.registerPath({
        method: "post",
        path: `/declarations/{declarationNumber}/${path}`,
        tags: [TAG],
        summary,
        request: {
          params: DeclarationParams,
          headers: z.object({ "if-match": IfMatchHeader, "idempotency-key": IdempotencyKeyHeader }),
          body: json(body),
        },
        responses: {
          200: { description: "Updated", headers: etagHeader, ...json(DeclarationView) },
          ...problemResponses(400, 404, 409, 412, 415, 422, 428),
        },
      });
    }
    registry.registerPath({
      method: "post",
      path: "/declarations/{declarationNumber}/milestones",
      tags: [TAG],
      summary: "Post a customs milestone with its business time (customs)",
      description:
        "Milestones may arrive late or out of order; the business time `at` decides. The same milestone " +
        "posted twice is recorded once (200, no new event). If-Match is optional.",
      request: {
        params: DeclarationParams,
        headers: z.object({ "if-match": IfMatchHeader.optional(), "idempotency-key": IdempotencyKeyHeader }),
        body: json(Milestone),
      },
      responses: {
        201: { description: "Recorded", headers: etagHeader, ...json(DeclarationView) },
        200: { description: "Already recorded (duplicate)", headers: etagHeader, ...json(DeclarationView) },
        ...problemResponses(400, 404, 409, 412, 415, 422),
      },
    });
    registry.registerPath({
      method: "get",
      path: "/declarations/{declarationNumber}",
      tags: [TAG],
      summary: "A declaration's status and timeline, from its stream",
      request: { params: DeclarationParams },
      responses: {
        200: { description: "The declaration", headers: etagHeader, ...json(DeclarationView) },
        ...problemResponses(400, 404),
      },
    });
  },
};
