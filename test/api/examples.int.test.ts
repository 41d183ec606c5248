/**
 * Every request body example in the OpenAPI document, posted to the product app (real
 * PostgreSQL) by a role the operation allows, on a resource brought to the state the command
 * needs, gets a success status the document lists for that operation. The examples are what the
 * docs page and generated clients offer first; one that fails would teach a new user the wrong call.
 */
import { randomUUID } from "node:crypto";
import type { Express } from "express";
import type { Role } from "../../services/api/auth/principal";
import type { ReadSide } from "../../services/api/read-side";
import { applicationOpenApiDocument } from "../../services/api/route-modules";
import { as, ENTERPRISE_A } from "../support/auth";
import { serverDatabase, type TestDatabase } from "../support/databases";
import { directExportLodgement } from "../support/declarations";
import { outboundMillFiling } from "../support/filings";
import { ALLOWED } from "../support/operation-roles";
import { productApp } from "../support/product-app";
import { taskPlanBody } from "../support/reform-tasks";

type Doc = {
  paths: Record<
    string,
    Record<
      string,
      {
        responses: Record<string, unknown>;
        requestBody?: { content: Record<string, { schema: { $ref?: string; example?: unknown } }> };
      }
    >
  >;
  components: { schemas: Record<string, { example?: unknown }> };
};
const doc = applicationOpenApiDocument() as unknown as Doc;

/** The example of the JSON body of `POST path`, or undefined. */
function exampleOf(path: string): unknown {
  const schema = doc.paths[path]?.post?.requestBody?.content["application/json"]?.schema;
  if (!schema) return undefined;
  return schema.example ?? (schema.$ref ? doc.components.schemas[schema.$ref.split("/").pop()!]?.example : undefined);
}

/** Commands whose example cannot succeed on data made today, and why. */
const CANNOT_SUCCEED_TODAY: Record<string, string> = {
  "POST /filings/{filingId}/lapse":
    "a certificate lapses only after two years unused (境外投资管理办法 Art. 18); a certificate issued today cannot",
};

describe("the document's request examples (PostgreSQL)", () => {
  let t: TestDatabase;
  let app: Express;
  let readSide: ReadSide;
  let n = 0;
  beforeAll(async () => {
    t = await serverDatabase();
    ({ app, readSide } = await productApp(t));
  });
  afterAll(async () => {
    await readSide.stop();
    await t.drop();
  });

  const client = (role: Role) => as(app, role, role === "enterprise" ? ENTERPRISE_A : undefined);
  /** Posts the example of `op` at `url` as `role`, with If-Match `etag` when given. */
  const postExample = async (op: string, url: string, role: Role, etag?: string) => {
    const [, path] = op.split(" ") as [string, string];
    const req = (await client(role)).post(url).set("Idempotency-Key", `example-${++n}`);
    if (etag) req.set("If-Match", etag);
    return req.send(exampleOf(path) as object);
  };

  const freshTask = async () => {
    const res = await (await client("taskforce"))
      .post("/reform-tasks")
      .set("Idempotency-Key", `task-${++n}`)
      .send(taskPlanBody({ ref: `EX-${n}` }));
    expect(res.status).toBe(201);
    return { url: `/reform-tasks/${res.body.taskId}`, etag: res.headers.etag as string };
  };
  const freshDeclaration = async () => {
    const number = `9499202600000${String(70000 + ++n).padStart(5, "0")}`;
    const res = await (await client("enterprise"))
      .post("/declarations")
      .set("Idempotency-Key", `declaration-${n}`)
      .send(directExportLodgement(number, ENTERPRISE_A));
    expect(res.status).toBe(201);
    return { url: `/declarations/${number}`, etag: res.headers.etag as string };
  };
  const freshFiling = async () => {
    const res = await (await client("enterprise"))
      .post("/filings")
      .set("Idempotency-Key", `filing-${++n}`)
      .send(outboundMillFiling(ENTERPRISE_A));
    expect(res.status).toBe(201);
    return { url: `/filings/${res.body.filingId}`, etag: res.headers.etag as string };
  };

  /** Steps that bring a fresh resource to the state each command needs: earlier commands' examples. */
  const TASK_STEPS: Record<string, string[]> = {
    "progress-reports": ["start"],
    replication: ["start"],
    block: ["start"],
    unblock: ["start", "block"],
    reopen: ["start", "replication"],
    evaluations: ["start", "replication"],
  };
  const FILING_STEPS: Record<string, string[]> = { certificate: ["acceptance"], use: ["acceptance", "certificate"] };
  const STEP_ROLE: Record<string, Role> = { acceptance: "admin", certificate: "admin" };

  const posts = Object.keys(ALLOWED).filter((k) => k.startsWith("POST ") && exampleOf(k.slice(5)) !== undefined);

  it("has an example for every JSON command body", () => {
    const withBody = Object.entries(doc.paths).flatMap(([path, item]) =>
      item.post?.requestBody?.content["application/json"] ? [`POST ${path}`] : [],
    );
    expect(withBody.filter((k) => exampleOf(k.slice(5)) === undefined)).toEqual([]);
  });

  it.each(posts)("%s: its example succeeds", async (op) => {
    const [, path] = op.split(" ") as [string, string];
    const role = ALLOWED[op]![0]!;
    const command = path.split("/").pop()!;
    let url = path;
    let etag: string | undefined;
    if (path.startsWith("/reform-tasks/{taskId}/")) {
      const task = await freshTask();
      etag = task.etag;
      for (const step of TASK_STEPS[command] ?? []) {
        const r = await postExample(`POST /reform-tasks/{taskId}/${step}`, `${task.url}/${step}`, "taskforce", etag);
        expect({ step, status: r.status }).toEqual({ step, status: 200 });
        etag = r.headers.etag;
      }
      url = `${task.url}/${command}`;
    } else if (path.startsWith("/declarations/{declarationNumber}/")) {
      const d = await freshDeclaration();
      ({ etag } = d);
      url = `${d.url}/${command}`;
    } else if (path.startsWith("/filings/{filingId}/")) {
      const f = await freshFiling();
      etag = f.etag;
      for (const step of FILING_STEPS[command] ?? []) {
        const r = await postExample(
          `POST /filings/{filingId}/${step}`,
          `${f.url}/${step}`,
          STEP_ROLE[step] ?? "admin",
          etag,
        );
        expect({ step, status: r.status, body: r.status >= 300 ? r.body : undefined }).toEqual({
          step,
          status: 200,
          body: undefined,
        });
        etag = r.headers.etag;
      }
      url = `${f.url}/${command}`;
    } else if (path.startsWith("/operations/parked/{parkedId}/")) {
      const parkedId = randomUUID();
      await t.db.query(
        `INSERT INTO parked_events (projection, event_id, stream_id, stream_version, type, reason)
         VALUES ('task_list', $1, 'ReformTask-00000000-0000-4000-8000-000000000001', 0, 'TaskPlanned', 'example')`,
        [parkedId],
      );
      url = `/operations/parked/${parkedId}/${command}`;
    } else if (path.startsWith("/personal-data/subjects/{subjectId}/")) {
      // A filing that names a person: its data subject to erase.
      const enterprise = await client("enterprise");
      const filed = await enterprise
        .post("/filings")
        .set("Idempotency-Key", `filing-${++n}`)
        .send({
          ...outboundMillFiling(ENTERPRISE_A),
          persons: [{ role: "contact", name: "测试联系人", nationality: "CN" }],
        });
      expect(filed.status).toBe(201);
      const read = await enterprise.get(`/filings/${filed.body.filingId}`);
      url = `/personal-data/subjects/${read.body.persons[0].subjectId}/${command}`;
    }
    const res = await postExample(op, url, role, etag);
    const documented = Object.keys(doc.paths[path]!.post!.responses);
    const success = documented.filter((s) => s.startsWith("2"));
    if (CANNOT_SUCCEED_TODAY[op]) {
      expect(documented).toContain(String(res.status));
      return;
    }
    expect({ op, status: res.status, body: res.status >= 300 ? res.body : undefined }).toEqual({
      op,
      status: Number(success.find((s) => Number(s) === res.status) ?? success[0]),
      body: undefined,
    });
  });
});
