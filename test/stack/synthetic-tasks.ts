/**
 * Synthetic reform-task streams written straight to the event store (no HTTP): the bench's
 * rebuild data and the fault tests' bursts (enough events at once that a killed relay or worker
 * dies mid-batch). Each task walks plan → start → progress → reschedule → replicated.
 */
import { randomUUID } from "node:crypto";
import { reformTaskStream } from "../../contracts/reform-tasks/events";
import type { StreamAppend } from "../../services/platform/event-store/types";
import { uuidV5 } from "../../services/platform/uuid-v5";

const AT = "2026-06-01T10:00:00+08:00";

/** The five-event stream of synthetic task number `i` under `namespace` (same ids for the same pair). */
export function syntheticTask(namespace: string, i: number): StreamAppend {
  const taskId = uuidV5(`${namespace}:${i}`);
  // (year, ref) is unique in the task list, so the ref carries the whole namespace (a hash of it):
  // a prefix of it repeated across bursts ("burst-" plus two hex digits did) and the second
  // burst's plans were parked as duplicates.
  const ref = `${uuidV5(namespace).slice(0, 12).toUpperCase()}-${String(i).padStart(6, "0")}`;
  const ev = (type: string, data: unknown) => ({ eventId: randomUUID(), type, data, occurredAt: AT });
  return {
    streamId: reformTaskStream(taskId),
    events: [
      ev("TaskPlanned", {
        taskId,
        year: 2026,
        ref,
        title: { zh: `复制推广任务 ${i}`, en: `Replication task ${i}` },
        field: "trade-facilitation",
        scope: "nationwide",
        source: { batch: "SC-FTZ-7", citation: "国函〔2023〕56号" },
        coreContent: "核心内容",
        leadDepartment: i % 2 ? "commerce" : "customs-korla",
        cooperatingDepartments: [],
        deadline: "2026-12-31",
        implementationPath: "实施路径",
        assumed: [],
      }),
      ev("TaskStarted", { on: "2026-03-01" }),
      ev("ProgressReported", { percent: 50, narrative: "", evidence: [], asOf: "2026-05-01" }),
      ev("TaskRescheduled", { from: "2026-12-31", to: "2027-03-31", reason: "bench" }),
      ev("TaskReplicated", { on: "2026-06-01", summary: "", evidence: [] }),
    ],
    expected: "no_stream",
  };
}
