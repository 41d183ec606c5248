/**
 * Request validation with zod: each helper parses one part of the request and throws a 400
 * `validation-failed` problem whose `errors[]` pointers name the field, prefixed by the part
 * (`/body/name`, `/query/limit`, `/params/id`, `/headers/idempotency-key`).
 */
import type { Request } from "express";
import type { z } from "zod";
import { fieldErrorsFromZod } from "./json-pointer";
import { type ProblemError, Problems } from "./problem";

/** Where a validated value came from; the first segment of every pointer. */
export type RequestPart = "body" | "query" | "params" | "headers";

/** The 400 problem for a failed parse of one request part. */
export function validationProblem(error: z.ZodError, part: RequestPart): ProblemError {
  return Problems.validationFailed(fieldErrorsFromZod(error, [part]));
}

/** Parses `value` (taken from request `part`) with `schema`. @throws ProblemError 400 naming each bad field. */
export function parsePart<S extends z.ZodType>(schema: S, value: unknown, part: RequestPart): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationProblem(result.error, part);
  return result.data;
}

/**
 * The parsed JSON body. A missing body (no `Content-Type: application/json`) is `undefined`,
 * which an object schema refuses at pointer `/body`. @throws ProblemError 400.
 */
export const parseBody = <S extends z.ZodType>(req: Request, schema: S): z.output<S> =>
  parsePart(schema, req.body, "body");

/** The parsed query string (express 5's simple parser: strings and string arrays). @throws ProblemError 400. */
export const parseQuery = <S extends z.ZodType>(req: Request, schema: S): z.output<S> =>
  parsePart(schema, req.query, "query");

/** The parsed path parameters. @throws ProblemError 400. */
export const parseParams = <S extends z.ZodType>(req: Request, schema: S): z.output<S> =>
  parsePart(schema, req.params, "params");
