/**
 * The product's API for tests: every product route module over a migrated test database, with
 * the registered projections fed from the event store (embedded mode) so read-model queries can
 * wait for `caughtUp()`.
 */
import type { Express } from "express";
import pino from "pino";
import { type ApiDeps, createApp } from "../../services/api/app";
import { type ReadSide, startReadSide } from "../../services/api/read-side";
import { PostgresEventStore } from "../../services/platform/event-store/postgres-event-store";
import type { TestDatabase } from "./databases";

/**
 * A product app and its store-fed read side; call `readSide.stop()` before dropping the database.
 * `overrides` replace app options (e.g. `rateLimitPerMinute`).
 */
export async function productApp(
  t: TestDatabase,
  overrides: Partial<Omit<ApiDeps, "db" | "store" | "logger">> = {},
): Promise<{ app: Express; store: PostgresEventStore; readSide: ReadSide }> {
  const logger = pino({ level: "silent" });
  const store = new PostgresEventStore(t.db);
  const readSide = await startReadSide({ db: t.db, store, logger });
  const app = createApp({ ...overrides, db: t.db, store, logger });
  return { app, store, readSide };
}
