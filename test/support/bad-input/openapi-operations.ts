/**
 * The operations of an OpenAPI 3.1 document as the bad-input generators need them: method and
 * path, whether they are open (`security: []`), their parameters with resolved schemas, and the
 * media types (and JSON schema) of their request body.
 */
import { type JsonSchema, resolve, type SchemaComponents } from "./json-schema";

/** One declared parameter. */
export interface OperationParameter {
  name: string;
  in: "query" | "path" | "header" | "cookie";
  required: boolean;
  schema: JsonSchema;
}

/** One operation (path × method) of the document. */
export interface Operation {
  /** `METHOD /path`, e.g. `POST /reform-tasks/{taskId}/start`. */
  key: string;
  method: string;
  path: string;
  /** No credentials needed (`security: []`). */
  open: boolean;
  parameters: OperationParameter[];
  /** The request body's media types, and the schema of its `application/json` content when it has one. */
  body?: { mediaTypes: string[]; required: boolean; jsonSchema?: JsonSchema };
}

/** The document members read here. */
export interface OpenApiLike {
  paths?: Record<string, Record<string, unknown>>;
  components?: SchemaComponents;
}

interface RawOperation {
  security?: unknown[];
  parameters?: { name: string; in: OperationParameter["in"]; required?: boolean; schema?: JsonSchema }[];
  requestBody?: { required?: boolean; content: Record<string, { schema?: JsonSchema }> };
}

const METHODS = new Set(["get", "put", "post", "delete", "patch", "head", "options", "trace"]);

/** Every operation of `doc`, in document order. */
export function operationsOf(doc: OpenApiLike): Operation[] {
  const components = doc.components ?? {};
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, raw] of Object.entries(item)) {
      if (!METHODS.has(method)) continue;
      const op = raw as RawOperation;
      const content = op.requestBody?.content;
      out.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        open: Array.isArray(op.security) && op.security.length === 0,
        parameters: (op.parameters ?? []).map((p) => ({
          name: p.name,
          in: p.in,
          required: p.required === true,
          schema: resolve(p.schema ?? {}, components),
        })),
        body: content && {
          mediaTypes: Object.keys(content),
          required: op.requestBody?.required === true,
          jsonSchema: content["application/json"]?.schema,
        },
      });
    }
  }
  return out;
}
