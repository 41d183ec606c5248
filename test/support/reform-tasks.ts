/** Reform-task test data shared by suites. */

/**
 * The body of `POST /reform-tasks`: item 9 of the State Council's 7th batch (国函〔2023〕56号),
 * fully electronic tax payment for cross-border RMB, led by the tax bureau; `over` replaces members.
 */
export const taskPlanBody = (over: Record<string, unknown> = {}) => ({
  year: 2026,
  ref: "T-001",
  title: { zh: "跨境人民币全程电子缴税", en: "Fully electronic tax payment for cross-border RMB" },
  field: "financial-innovation",
  scope: "nationwide",
  source: { batch: "SC-FTZ-7", item: "9", citation: "国函〔2023〕56号" },
  coreContent: "依托电子缴税系统实现跨境人民币缴税全程电子化",
  leadDepartment: "tax",
  cooperatingDepartments: ["pboc-branch"],
  deadline: "2026-06-30",
  implementationPath: "对接人民银行巴州分行开展试点",
  ...over,
});
