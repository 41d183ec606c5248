/**
 * An API app for tests: the counter routes on a migrated test database, a silent logger, and
 * helpers to count what was stored.
 */
import type { Express } from "express";
import pino from "pino";
import { type ApiDeps, createApp } from "../../services/api/app";
import { PostgresEventStore } from "../../services/platform/event-store/postgres-event-store";
import type { EventStore } from "../../services/platform/event-store/types";
import { counterRoutes } from "./counter-routes";
import type { TestDatabase } from "./databases";

/** An app with the counter routes over `t`; `overrides` replace any dependency. */
export function counterApp(t: TestDatabase, overrides: Partial<ApiDeps> = {}): { app: Express; store: EventStore } {
  const store = overrides.store ?? new PostgresEventStore(t.db, { maxEventBytes: 64 * 1024 });
  const app = createApp({ db: t.db, store, logger: pino({ level: "silent" }), routes: [counterRoutes], ...overrides });
  return { app, store };
}

/** Number of rows in `events`. */
export async function eventCount(t: TestDatabase): Promise<number> {
  const { rows } = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM events");
  return rows[0]!.n;
}

/** Media type of problem responses, as supertest reports `Content-Type`. */
export const PROBLEM_JSON = /^application\/problem\+json; charset=utf-8$/;
