/**
 * The product's projections, one folder per read model (task-list, clearance-times,
 * negative-list, filings). Each bounded context adds its read models here as it lands; the API
 * process (embedded mode) and the projection workers (Kafka mode) start what this list holds.
 */
import { clearanceTimesProjection } from "./clearance-times/clearance-times-projection";
import { filingsProjection } from "./filings/filings-projection";
import { negativeListProjection } from "./negative-list/negative-list-projection";
import type { Projection } from "./runner/projection";
import { taskListProjection } from "./task-list/task-list-projection";

export const PROJECTIONS: Projection[] = [
  taskListProjection,
  clearanceTimesProjection,
  negativeListProjection,
  filingsProjection,
];
