/**
 * What requests built from the OpenAPI document need to address real resources: the shipped
 * negative-list editions, a planned task, a lodged declaration and a submitted filing (enterprise
 * A) naming a person (a data subject), a parked event, and a task-list file an import accepts. Shared by the bad-input and the contract suites.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Express } from "express";
import { reformTaskStream } from "../../contracts/reform-tasks/events";
import type { PostgresEventStore } from "../../services/platform/event-store/postgres-event-store";
import { seedEditions } from "../../services/negative-list/edition-seed";
import { SEED_LIST } from "../../services/reform-tasks/seed";
import { MEDIA_TYPES } from "../../services/reform-tasks/task-list-file";
import { as, ENTERPRISE_A } from "./auth";
import type { BaseFixtures } from "./bad-input/base-request";
import { directExportLodgement } from "./declarations";
import { outboundMillFiling } from "./filings";
import { taskPlanBody } from "./reform-tasks";

/** Seeds the resources and returns them as fixtures; `tag` keeps refs and keys apart per suite. */
export async function operationFixtures(
  app: Express,
  store: PostgresEventStore,
  opts: { tag: string; declarationNumber: string },
): Promise<BaseFixtures> {
  await seedEditions(store);
  const tf = await as(app, "taskforce");
  const task = await tf
    .post("/reform-tasks")
    .set("Idempotency-Key", `${opts.tag}-task`)
    .send(taskPlanBody({ ref: `${opts.tag}-001` }));
  if (task.status !== 201) throw new Error(`planning the fixture task answered ${task.status}`);
  const enterprise = await as(app, "enterprise", ENTERPRISE_A);
  const lodged = await enterprise
    .post("/declarations")
    .set("Idempotency-Key", `${opts.tag}-declaration`)
    .send(directExportLodgement(opts.declarationNumber, ENTERPRISE_A));
  if (lodged.status !== 201) throw new Error(`lodging the fixture declaration answered ${lodged.status}`);
  const filed = await enterprise
    .post("/filings")
    .set("Idempotency-Key", `${opts.tag}-filing`)
    .send({
      ...outboundMillFiling(ENTERPRISE_A),
      persons: [{ role: "contact", name: "测试联系人", nationality: "CN" }],
    });
  if (filed.status !== 201) throw new Error(`submitting the fixture filing answered ${filed.status}`);
  // The person it names is the data subject the erasure route addresses.
  const subjectId = (await enterprise.get(`/filings/${filed.body.filingId}`)).body.persons[0].subjectId as string;
  // A parked event for the operations routes to show, retry and skip.
  const parkedId = randomUUID();
  await store.db.query(
    `INSERT INTO parked_events (projection, event_id, stream_id, stream_version, type, reason)
     VALUES ('task_list', $1, $2, 0, 'TaskPlanned', 'a fixture of the operations routes')`,
    [parkedId, reformTaskStream(task.body.taskId)],
  );
  return {
    params: {
      taskId: task.body.taskId,
      declarationNumber: opts.declarationNumber,
      filingId: filed.body.filingId,
      editionId: "national-2024",
      streamId: reformTaskStream(task.body.taskId),
      projection: "task_list",
      parkedId,
      subjectId,
      topic: "ftz.reform-tasks.events",
    },
    upload: { bytes: readFileSync(SEED_LIST.file), contentType: MEDIA_TYPES.csv },
  };
}
