/** Bodies of the operational endpoints: liveness (`/health`) and readiness (`/ready`). */
import { z } from "./zod";

/** State of one dependency checked by `/ready`. */
export const CheckState = z.enum(["up", "down"]).openapi("CheckState");

/** `/health`: the process is alive and serving HTTP. */
export const HealthStatus = z.object({ status: z.literal("ok") }).openapi("HealthStatus");

/** `/ready`: every dependency answered; `checks` names each (`database`; `kafka` and `relay`, publishing within its stall limit, when configured). */
export const ReadyStatus = z
  .object({ status: z.literal("ready"), checks: z.record(z.string(), CheckState) })
  .openapi("ReadyStatus");

/** Lag of one projection (read model): events of the global log not yet applied, and seconds behind. */
export const ProjectionLag = z
  .object({
    projection: z.string(),
    eventsApplied: z.number().int().describe("events applied since the read model was built"),
    eventsBehind: z.number().int().describe("stored events above its last applied global position"),
    secondsBehind: z
      .number()
      .describe("seconds of recorded time between its last applied event and the newest; 0 when caught up"),
    lastGlobalPosition: z.number().int(),
  })
  .openapi("ProjectionLag");

/** `/projections`: lag of every projection this database holds read models for. */
export const ProjectionsStatus = z.object({ projections: z.array(ProjectionLag) }).openapi("ProjectionsStatus");
