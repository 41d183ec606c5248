/**
 * HTTP routes of filings: the enterprise submits (`POST /filings`, Idempotency-Key required),
 * amends and withdraws (If-Match), reports a certificate used; the bureau accepts, refers,
 * rejects, issues certificates and records lapses (If-Match); one filing is read from its stream.
 * The queries of the filings read model (an enterprise's filings, the bureau's queue,
 * statistics) are projections/filings/filing-query-routes.ts.
 * Which role may call which route, and an enterprise seeing only its own filings, is enforced by
 * the access-control layer.
 */
import { randomUUID } from "node:crypto";
import type { RequestHandler } from "express";
import {
  ETagHeader,
  IdempotencyKeyHeader,
  IfMatchHeader,
  RequiredIdempotencyKeyHeader,
} from "../../contracts/http/common";
import { problemResponses } from "../../contracts/http/responses";
import { z } from "../../contracts/http/zod";
import { filingStream } from "../../contracts/investment-filings/filing-shapes";
import type { FilingDetails } from "../../contracts/investment-filings/filing-shapes";
import type { NaturalPersonInput, SealedNaturalPerson } from "../../contracts/investment-filings/natural-persons";
import {
  AcceptFilingBody,
  AmendFilingBody,
  CertificateBody,
  FilingParams,
  FilingReasonBody,
  FilingView,
  RejectFilingBody,
  SubmitFilingBody,
  UseCertificateBody,
} from "../../contracts/investment-filings/http";
import { actsFor, allow, ownedBy } from "../api/auth/access";
import { FILING_READERS } from "../api/auth/data-sharing";
import { type CommandHandler, commandRoute } from "../api/http/command-route";
import { formatETag, requireIfMatch, setETag, settleIfMatch } from "../api/http/etag";
import { ProblemError, Problems } from "../api/http/problem";
import { parseParams, parsePart } from "../api/http/validate";
import type { RouteModule, RouteContext } from "../api/route-module";
import { chinaHolidayCalendar } from "../platform/calendar/working-days";
import { chinaDate } from "../platform/china-date";
import { handleCommand } from "../platform/decider";
import { SubjectKeys } from "../platform/personal-data/subject-keys";
import { CheckQuestionError, checkAgainst, editionInForceOn } from "../negative-list";
import { type FilingCommand, type FilingState, filingDecider } from "./filing-decider";
import { filingView, loadFiling } from "./filing-repository";
import { automatedCheck, filingRules, type NegativeListAnswer } from "./filing-rules";

const json = (schema: z.ZodType) => ({ content: { "application/json": { schema } } });
const etagHeader = z.object({ ETag: ETagHeader });
const TAG = "investment-filings";

/**
 * The automated check of `details` on `on`, with the negative-list answer for inbound reports,
 * against the edition the event store says is in force on `on` (edition-publishing.ts).
 */
async function checkFor(ctx: RouteContext, details: FilingDetails, on: string) {
  let negativeList: NegativeListAnswer | null = null;
  if (details.kind === "inbound_report") {
    // From the event store, not the read model: a command's answer must not depend on projection lag.
    const edition = await editionInForceOn(ctx.store, details.insideFtz ? "ftz" : "national", on);
    if (edition) {
      let r: ReturnType<typeof checkAgainst>;
      try {
        r = checkAgainst(edition, {
          industry: details.industryCodes,
          activities: details.activities,
          foreignShare: details.foreignSharePercent,
          largestForeignInvestor: details.largestForeignInvestorPercent,
          legalRepresentative: details.legalRepresentativeNationality,
          insideFtz: details.insideFtz,
          date: on,
        });
      } catch (err) {
        if (err instanceof CheckQuestionError) {
          const member = err.member === "industry" ? "industryCodes" : err.member;
          throw Problems.validationFailed([{ pointer: `/body/details/${member}`, detail: err.message }]);
        }
        throw err;
      }
      const deciding = r.matches.filter((m) => m.status !== "conditions_met");
      negativeList = {
        outcome: r.outcome,
        editionId: r.edition.editionId,
        measures: [...new Set(deciding.map((m) => m.measure))].sort((a, b) => a - b),
        conditionsNotMet: r.conditionsNotMet.map((c) => `measure ${c.measure}: ${c.explanation}`),
        activities: details.activities,
        confidence: r.confidence,
        unverifiedMeasures: r.unverifiedMeasures,
        candidates: r.candidates.map(
          (c) =>
            `if ${c.activity.id} (${c.activity.nameZh}): ${c.outcome}${c.measures.length ? ` by measure(s) ${c.measures.join(", ")}` : ""}`,
        ),
      };
    }
  }
  return automatedCheck(details, on, { rules: filingRules(), calendar: chinaHolidayCalendar(), negativeList });
}

/** A bureau or enterprise command on one filing: its path, body, and how the body becomes a command. */
interface Update<S extends z.ZodType> {
  path: string;
  summary: string;
  /** `enterprise` (its own filings only) or `admin` (the bureau). */
  role: "enterprise" | "admin";
  body: S;
  toCommand(
    body: z.output<S>,
    at: string,
    ctx: RouteContext,
    current: FilingState,
  ): Promise<FilingCommand> | FilingCommand;
}
const update = <S extends z.ZodType>(u: Update<S>) => u as unknown as Update<z.ZodType>;

const UPDATES: Update<z.ZodType>[] = [
  update({
    path: "amendments",
    role: "enterprise",
    summary: "Amend a pending filing (enterprise); the automated check runs again",
    body: AmendFilingBody,
    toCommand: async (b, at, ctx, current) => ({
      kind: "amend",
      details: b.details,
      reason: b.reason,
      ...(b.persons ? { persons: await sealPersons(ctx, b.persons, current.persons) } : {}),
      check: await checkFor(ctx, b.details, chinaDate(at)),
      at,
    }),
  }),
  update({
    path: "withdrawal",
    role: "enterprise",
    summary: "Withdraw a pending filing (enterprise)",
    body: FilingReasonBody,
    toCommand: (b, at) => ({ kind: "withdraw", reason: b.reason, at }),
  }),
  update({
    path: "acceptance",
    role: "admin",
    summary: "Accept with a filing number (bureau); approval routes are referred first",
    body: AcceptFilingBody,
    toCommand: (b, at) => ({ kind: "accept", filingNumber: b.filingNumber, at }),
  }),
  update({
    path: "referral",
    role: "admin",
    summary: "Refer for approval (bureau)",
    body: FilingReasonBody,
    toCommand: (b, at) => ({ kind: "refer", reason: b.reason, at }),
  }),
  update({
    path: "rejection",
    role: "admin",
    summary: "Reject with reasons (bureau)",
    body: RejectFilingBody,
    toCommand: (b, at) => ({ kind: "reject", reasons: b.reasons, at }),
  }),
  update({
    path: "certificate",
    role: "admin",
    summary: "Issue the overseas investment certificate (bureau; outbound investment); valid two years",
    body: CertificateBody,
    toCommand: (b, at) => ({
      kind: "issueCertificate",
      certificateNumber: b.certificateNumber,
      issuedOn: b.issuedOn ?? chinaDate(at),
      validYears: filingRules().mofcom.certificateValidYears.value,
      at,
    }),
  }),
  update({
    path: "use",
    role: "enterprise",
    summary: "Report the investment made under the certificate (enterprise)",
    body: UseCertificateBody,
    toCommand: (b, at) => ({ kind: "use", on: b.on ?? chinaDate(at), at }),
  }),
  update({
    path: "lapse",
    role: "admin",
    summary: "Record that the certificate lapsed unused after two years (bureau)",
    body: z.strictObject({}).openapi({ example: {} }),
    toCommand: (_b, at) => ({ kind: "lapse", at }),
  }),
];

/**
 * Seals each person's personal fields (name, document number, phone, e-mail) with the person's own
 * key; a person already filed keeps its subject id (`subjectId` from an earlier answer).
 * @throws ProblemError 422 naming `/body/persons/<i>/subjectId` for an id the filing does not have,
 * or a person who was erased.
 */
async function sealPersons(
  ctx: RouteContext,
  persons: NaturalPersonInput[],
  filed: SealedNaturalPerson[],
): Promise<SealedNaturalPerson[]> {
  const keys = new SubjectKeys(ctx.db);
  return Promise.all(
    persons.map(async (p, i) => {
      if (p.subjectId && !filed.some((f) => f.subjectId === p.subjectId)) {
        throw personProblem(i, "this filing names no person with this subjectId");
      }
      const subject = p.subjectId ?? randomUUID();
      const sealOne = await keys.sealerFor(subject).catch(() => {
        throw personProblem(i, "this person was erased: file them anew without the subjectId");
      });
      return {
        subjectId: subject,
        role: p.role,
        nationality: p.nationality,
        name: sealOne(p.name),
        ...(p.idDocument ? { idDocument: { type: p.idDocument.type, number: sealOne(p.idDocument.number) } } : {}),
        ...(p.phone ? { phone: sealOne(p.phone) } : {}),
        ...(p.email ? { email: sealOne(p.email) } : {}),
      } as SealedNaturalPerson;
    }),
  );
}

const personProblem = (i: number, detail: string) =>
  new ProblemError({
    status: 422,
    slug: "unknown-person",
    title: "Unknown person",
    detail,
    errors: [{ pointer: `/body/persons/${i}/subjectId`, detail }],
  });

/**
 * `POST /filings` (enterprise, for itself): runs the automated check against the edition in
 * force today (from the event store), then decides `submit` on a new filing's stream. 201 with
 * Location and ETag.
 */
function submitFiling(ctx: RouteContext): CommandHandler {
  return async (req, c) => {
    const body = parsePart(SubmitFilingBody, req.body, "body");
    actsFor(req, body.enterprise);
    const at = new Date().toISOString();
    const filingId = c.newId("filing");
    const check = await checkFor(ctx, body.details, chinaDate(at));
    const r = await handleCommand(
      ctx.store,
      filingStream(filingId),
      filingDecider,
      {
        kind: "submit",
        filingId,
        enterprise: body.enterprise,
        details: body.details,
        persons: await sealPersons(ctx, body.persons, []),
        check,
        at,
      },
      { metadata: c.metadata, eventIds: c.eventIds },
    );
    return {
      status: 201,
      headers: { Location: `/filings/${filingId}`, ETag: formatETag(r.version) },
      body: filingView(r.state, r.version),
    };
  };
}

/**
 * `POST /filings/{filingId}/<u.path>`: If-Match required, 404 for another enterprise's filing;
 * the body becomes the update's command (`u.toCommand`), decided at the expected version.
 */
function updateFiling(ctx: RouteContext, u: Update<z.ZodType>): CommandHandler {
  return async (req, c) => {
    const expected = requireIfMatch(req);
    const { filingId } = parseParams(req, FilingParams);
    const body = parsePart(u.body, req.body ?? {}, "body");
    const current = await loadFiling(ctx.store, filingId);
    if (current.version === null) throw Problems.notFound(`No filing ${filingId}`);
    ownedBy(req, current.state.enterprise!, `No filing ${filingId}`);
    const command = await u.toCommand(body, new Date().toISOString(), ctx, current.state);
    const r = await handleCommand(ctx.store, filingStream(filingId), filingDecider, command, {
      expected: await settleIfMatch(expected, async () => current.version),
      metadata: c.metadata,
      eventIds: c.eventIds,
    });
    return { status: 200, headers: { ETag: formatETag(r.version) }, body: filingView(r.state, r.version) };
  };
}

/** `GET /filings/{filingId}`: the filing from its stream (an enterprise only its own). */
function readFiling(ctx: RouteContext): RequestHandler {
  return async (req, res) => {
    const { filingId } = parseParams(req, FilingParams);
    const f = await loadFiling(ctx.store, filingId);
    if (f.version === null) throw Problems.notFound(`No filing ${filingId}`);
    ownedBy(req, f.state.enterprise!, `No filing ${filingId}`);
    setETag(res, f.version);
    // The persons' fields are opened for the filing's enterprise and the bureau only.
    const entitled = req.principal?.role === "admin" || req.principal?.role === "enterprise";
    const persons = entitled ? await new SubjectKeys(ctx.db).reveal(f.state.persons) : [];
    res.json(filingView(f.state, f.version, persons as z.output<typeof FilingView>["persons"]));
  };
}

/** Submit, update and read filings. */
export const filingRoutes: RouteModule = {
  name: "investment-filings",
  register(router, ctx) {
    router.post(
      "/filings",
      allow("enterprise"),
      commandRoute(ctx.commands, submitFiling(ctx), { requireIdempotencyKey: true }),
    );
    for (const u of UPDATES) {
      router.post(`/filings/:filingId/${u.path}`, allow(u.role), commandRoute(ctx.commands, updateFiling(ctx, u)));
    }
    router.get("/filings/:filingId", allow(...FILING_READERS), readFiling(ctx));
  },

  openapi(registry) {
    registry.registerPath({
      method: "post",
      path: "/filings",
      tags: [TAG],
      summary: "Submit a filing (enterprise); the automated check is recorded with it",
      request: { headers: z.object({ "idempotency-key": RequiredIdempotencyKeyHeader }), body: json(SubmitFilingBody) },
      responses: {
        201: { description: "Submitted", headers: etagHeader, ...json(FilingView) },
        ...problemResponses(400, 409, 415, 422, 503),
      },
    });
    for (const u of UPDATES) {
      registry.registerPath({
        method: "post",
        path: `/filings/{filingId}/${u.path}`,
        tags: [TAG],
        summary: u.summary,
        request: {
          params: FilingParams,
          headers: z.object({ "if-match": IfMatchHeader, "idempotency-key": IdempotencyKeyHeader }),
          body: json(u.body),
        },
        responses: {
          200: { description: "Updated", headers: etagHeader, ...json(FilingView) },
          ...problemResponses(400, 404, 409, 412, 415, 422, 428),
        },
      });
    }
    registry.registerPath({
      method: "get",
      path: "/filings/{filingId}",
      tags: [TAG],
      summary: "One filing, from its stream",
      request: { params: FilingParams },
      responses: {
        200: { description: "The filing", headers: etagHeader, ...json(FilingView) },
        ...problemResponses(400, 404),
      },
    });
  },
};
