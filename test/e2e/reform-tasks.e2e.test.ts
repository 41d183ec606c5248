/**
 * End to end on real PostgreSQL and Kafka: HTTP commands → event store → relay → Kafka →
 * Kafka-fed task-list read model → HTTP list. The list equals a rebuild from the store, and a
 * read with a command's consistency token shows the command.
 */
import pino from "pino";
import { rebuildProjection } from "../../projections/runner/rebuild";
import { taskListProjection } from "../../projections/task-list/task-list-projection";
import { createApp } from "../../services/api/app";
import { as } from "../support/auth";
import { describeWithKafka } from "../support/kafka";
import { type Pipeline, pipeline } from "../support/pipeline";
import { taskPlanBody } from "../support/reform-tasks";
import { waitFor } from "../support/wait";

describeWithKafka("reform tasks on real PostgreSQL and Kafka", () => {
  let p: Pipeline;
  beforeEach(async () => {
    p = await pipeline();
  });
  afterEach(() => p.close());

  it("a task planned and updated over HTTP reaches the Kafka-fed task list, in order, once", async () => {
    p.relay().start();
    await p.feed(taskListProjection);
    const app = createApp({ db: p.t.db, store: p.store, logger: pino({ level: "silent" }) });
    const tf = await as(app, "taskforce");

    const planned = await tf
      .post("/reform-tasks")
      .set("Idempotency-Key", "e2e-plan")
      .send({
        year: 2026,
        ref: "E2E-1",
        title: { zh: "“公路口岸+属地直通”模式", en: "Road port + local direct clearance" },
        field: "trade-facilitation",
        scope: "specific-areas",
        source: { batch: "XJ-FTZ", citation: "人民日报 2025-11-06" },
        coreContent: "一次申报、一次查验、一次放行",
        leadDepartment: "customs-korla",
        cooperatingDepartments: ["commerce"],
        deadline: "2026-12-31",
        implementationPath: "库尔勒海关对接霍尔果斯海关",
      });
    expect(planned.status).toBe(201);
    const id = planned.body.taskId as string;
    const steps: [string, unknown][] = [
      ["start", { on: "2026-04-01" }],
      ["progress-reports", { percent: 70, narrative: "首票试运行", asOf: "2026-09-01" }],
      ["reschedules", { to: "2027-03-31", reason: "口岸改造" }],
      ["departments", { leadDepartment: "commerce", cooperatingDepartments: ["customs-korla", "transport"] }],
    ];
    for (const [i, [cmd, body]] of steps.entries()) {
      const res = await tf
        .post(`/reform-tasks/${id}/${cmd}`)
        .set("If-Match", `"${i}"`)
        .send(body as object);
      expect(res.status).toBe(200);
    }

    const item = await waitFor("the task list shows version 4", async () => {
      const res = await tf.get("/reform-tasks?q=E2E-1");
      const found = res.body.items?.[0];
      return found?.version === 4 ? found : undefined;
    });
    expect(item).toMatchObject({
      taskId: id,
      status: "in_progress",
      progress: { percent: 70, asOf: "2026-09-01" },
      deadline: "2027-03-31",
      originalDeadline: "2026-12-31",
      reschedules: 1,
      leadDepartment: "commerce",
      cooperatingDepartments: ["customs-korla", "transport"],
    });

    await p.appliedAll(taskListProjection);
    const live = await p.t.db.query("SELECT * FROM reform_task_list ORDER BY task_id");
    await rebuildProjection(p.t.db, p.store, taskListProjection);
    const rebuilt = await p.t.db.query("SELECT * FROM reform_task_list ORDER BY task_id");
    expect(rebuilt.rows).toEqual(live.rows);
  });

  it("read-your-writes over Kafka: a list read with a command's Consistency-Token always shows that command", async () => {
    p.relay().start();
    await p.feed(taskListProjection);
    const app = createApp({ db: p.t.db, store: p.store, logger: pino({ level: "silent" }) });
    const tf = await as(app, "taskforce");
    for (let i = 0; i < 10; i++) {
      const planned = await tf
        .post("/reform-tasks")
        .set("Idempotency-Key", `e2e-ryw-${i}`)
        .send(taskPlanBody({ ref: `RYW-${i}` }));
      expect(planned.status).toBe(201);
      // Read at once: the task has gone store → relay → Kafka → worker, or the read waits until it has.
      const list = await tf
        .get(`/reform-tasks?q=RYW-${i}`)
        .set("Consistency-Token", planned.headers["consistency-token"] as string)
        .set("Prefer", "wait=30");
      expect(list.status).toBe(200);
      expect(list.body.items.map((x: { taskId: string }) => x.taskId)).toEqual([planned.body.taskId]);
    }
  });
});
