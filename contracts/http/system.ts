/** Bodies of the operational endpoints: liveness (`/health`) and readiness (`/ready`). */
import { z } from "./zod";

/** State of one dependency checked by `/ready`. */
export const CheckState = z.enum(["up", "down"]).openapi("CheckState");

/** `/health`: the process is alive and serving HTTP. */
export const HealthStatus = z.object({ status: z.literal("ok") }).openapi("HealthStatus");

/** `/ready`: every dependency answered; `checks` names each (`database`, and `kafka` when configured). */
export const ReadyStatus = z
  .object({ status: z.literal("ready"), checks: z.record(z.string(), CheckState) })
  .openapi("ReadyStatus");
