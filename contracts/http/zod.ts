/**
 * The one `z` every contract module imports: zod 4 extended with `.openapi(...)` metadata by
 * `@asteasolutions/zod-to-openapi`. Importing `z` from here (not from "zod") guarantees the
 * extension ran before any schema calls `.openapi()`.
 */
import { extendZodWithOpenApi } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";

extendZodWithOpenApi(z);

export { z };
