/**
 * The console's two languages: Chinese (zh-CN, the default) and English. `t(key)` looks a phrase
 * up in the language chosen (kept in localStorage); `label(kind, code)` names a code of the API
 * (a status, a stage, an event type ...) and falls back to the code itself when it has no name.
 */
import { TASK_STATUS_NAMES } from "../../../contracts/reform-tasks/task-status-names";

export type Lang = "zh" | "en";

let current: Lang = (globalThis.localStorage?.getItem("ftz.lang") as Lang | null) ?? "zh";
const listeners = new Set<() => void>();

/** The language in use. */
export const lang = (): Lang => current;

/** Switches language (remembered) and re-renders whoever subscribed. */
export function setLang(l: Lang): void {
  current = l;
  globalThis.localStorage?.setItem("ftz.lang", l);
  document.documentElement.lang = l === "zh" ? "zh-CN" : "en";
  for (const f of listeners) f();
}

/** Calls `f` after every language switch; returns the unsubscribe. */
export function onLangChange(f: () => void): () => void {
  listeners.add(f);
  return () => listeners.delete(f);
}

type Phrase = { zh: string; en: string };
const P = (zh: string, en: string): Phrase => ({ zh, en });

const PHRASES = {
  appTitle: P("自贸联动创新区管理控制台", "FTZ linked innovation zone console"),
  signIn: P("登录", "Sign in"),
  signOut: P("退出", "Sign out"),
  signInDev: P("开发环境登录：选择角色", "Development sign-in: pick a role"),
  signInDevNote: P(
    "仅在使用开发密钥时可用；正式部署通过统一身份认证（OpenID Connect）登录。",
    "Only while the development key is in use; a deployment signs in with OpenID Connect.",
  ),
  signInOidc: P("通过统一身份认证登录", "Sign in with single sign-on"),
  signInUnavailable: P(
    "未配置登录方式（CONSOLE_OIDC_ISSUER）。请联系管理员。",
    "No sign-in is configured (CONSOLE_OIDC_ISSUER). Ask an administrator.",
  ),
  role: P("角色", "Role"),
  uscc: P("统一社会信用代码", "Unified social credit code"),
  language: P("语言", "Language"),
  loading: P("加载中…", "Loading…"),
  error: P("出错了", "Something went wrong"),
  retry: P("重试", "Retry"),
  reload: P("重新加载", "Reload"),
  conflict: P(
    "该事项已被他人修改，您看到的不是最新版本。请重新加载后再操作。",
    "This item was changed by someone else; what you see is out of date. Reload, then try again.",
  ),
  notFound: P("未找到", "Not found"),
  noAccess: P("此角色在控制台中没有页面，请使用接口。", "This role has no console pages; use the API."),
  // navigation
  navTasks: P("复制推广任务", "Replication tasks"),
  navImport: P("导入任务清单", "Import task list"),
  navTaskCharts: P("任务统计", "Task statistics"),
  navClearance: P("通关时间", "Clearance times"),
  navCheck: P("负面清单查询", "Negative-list check"),
  navDeclarations: P("我的报关单", "My declarations"),
  navFilings: P("我的备案", "My filings"),
  navNewFiling: P("新建备案", "New filing"),
  navQueue: P("备案审核队列", "Filing queue"),
  navFilingStats: P("备案统计", "Filing statistics"),
  navStatus: P("运行状态", "System status"),
  // task list
  year: P("年度", "Year"),
  status: P("状态", "Status"),
  department: P("牵头部门", "Lead department"),
  cooperating: P("配合部门", "Cooperating departments"),
  field: P("领域", "Field"),
  search: P("搜索", "Search"),
  searchHint: P("事项名称、编号或内容", "Title, ref or content"),
  overdueOnly: P("仅显示逾期", "Overdue only"),
  all: P("全部", "All"),
  ref: P("编号", "Ref"),
  title: P("事项", "Item"),
  deadline: P("完成时限", "Deadline"),
  progress: P("进度", "Progress"),
  overdue: P("逾期", "Overdue"),
  tasksShown: P("条事项", "items"),
  more: P("加载更多", "Load more"),
  exportCsv: P("导出 CSV", "Export CSV"),
  exportXlsx: P("导出 Excel", "Export Excel"),
  // task page
  coreContent: P("核心内容", "Core content"),
  implementationPath: P("实施路径", "Implementation path"),
  source: P("来源", "Source"),
  originalDeadline: P("原定时限", "Original deadline"),
  reschedules: P("调整次数", "Reschedules"),
  history: P("历史记录", "History"),
  actions: P("可执行操作", "Actions"),
  assumedNote: P("以下字段为假设值，待核实：", "These fields are assumed, to be confirmed: "),
  start: P("启动", "Start"),
  startOn: P("启动日期", "Started on"),
  reportProgress: P("报告进度", "Report progress"),
  percent: P("完成百分比", "Percent complete"),
  narrative: P("进展说明", "Narrative"),
  asOf: P("截至日期", "As of"),
  reschedule: P("调整时限", "Reschedule"),
  newDeadline: P("新时限", "New deadline"),
  reason: P("原因", "Reason"),
  replicated: P("标记为已复制推广", "Mark replicated"),
  replicatedOn: P("复制推广日期", "Replicated on"),
  summary: P("总结", "Summary"),
  block: P("标记受阻", "Block"),
  unblock: P("解除受阻", "Unblock"),
  resolution: P("解决情况", "Resolution"),
  notApplicable: P("不适用", "Not applicable"),
  evaluate: P("评估", "Evaluate"),
  evaluationKind: P("评估类型", "Kind"),
  rating: P("评价", "Rating"),
  remarks: P("备注", "Remarks"),
  archive: P("归档", "Archive"),
  reopen: P("重新打开", "Reopen"),
  submit: P("提交", "Submit"),
  done: P("已完成", "Done"),
  by: P("操作人", "By"),
  // import
  importFile: P("选择 CSV 或 Excel 文件", "Choose a CSV or Excel file"),
  dryRun: P("试导入（不保存）", "Dry run (nothing saved)"),
  commitImport: P("确认导入", "Import"),
  importErrors: P("文件中有错误，未导入任何内容：", "The file has errors; nothing was imported:"),
  row: P("行", "Row"),
  column: P("列", "Column"),
  detail: P("说明", "Detail"),
  created: P("新增", "Created"),
  updated: P("更新", "Updated"),
  unchanged: P("未变", "Unchanged"),
  notInFile: P("清单中有但文件中没有的事项", "Tasks of the year not in the file"),
  imported: P("已导入", "Imported"),
  dryRunOk: P("试导入通过，可以确认导入。", "The dry run passed; you can import."),
  // charts
  scoreboard: P("部门计分板", "Department scoreboard"),
  onTimeRate: P("按期完成率", "On-time rate"),
  replicationRate: P("复制推广率", "Replication rate"),
  byField: P("按领域", "By field"),
  overTime: P("按月变化", "Over time"),
  total: P("总数", "Total"),
  // clearance
  port: P("口岸", "Port"),
  direction: P("进出口", "Direction"),
  model: P("通关模式", "Clearance model"),
  transportMode: P("运输方式", "Transport mode"),
  from: P("起始日期", "From"),
  to: P("截止日期", "To"),
  declarations: P("报关单数", "Declarations"),
  stageDistribution: P("各环节耗时分布（小时）", "Time per stage (hours)"),
  directVsConventional: P("属地直通与常规通关对比（中位数）", "Direct versus conventional (median)"),
  monthlyTrend: P("月度趋势（申报至放行中位数）", "Monthly trend (median lodgement → release)"),
  releasedWithin: P("N 小时内放行的比例", "Share released within N hours"),
  withinHours: P("小时数 N", "Hours N"),
  outliers: P("异常值", "Outliers"),
  mean: P("平均", "Mean"),
  median: P("中位数", "Median"),
  stage: P("环节", "Stage"),
  count: P("数量", "Count"),
  reduction: P("缩短比例", "Reduction"),
  lodgedAt: P("申报时间", "Lodged"),
  releasedAt: P("放行时间", "Released"),
  declarationNumber: P("报关单号", "Declaration number"),
  fence: P("异常阈值", "Fence"),
  groupMedian: P("组中位数", "Group median"),
  timeShownCst: P("时间均为北京时间（UTC+8）。", "Times are China Standard Time (UTC+8)."),
  // negative list
  industry: P("行业（国民经济行业分类）", "Industry (GB/T 4754)"),
  industryHint: P("输入中文或英文名称、代码", "Type a Chinese or English name, or a code"),
  activities: P("具体经营活动", "Activities"),
  foreignShare: P("外资持股比例（%）", "Foreign share (%)"),
  largestForeign: P("最大外国投资者持股（%）", "Largest foreign investor (%)"),
  legalRepresentative: P("法定代表人国籍", "Legal representative's nationality"),
  insideFtz: P("位于自贸试验区内", "Inside the FTZ"),
  checkDate: P("投资日期", "Date"),
  check: P("查询", "Check"),
  outcome: P("结论", "Outcome"),
  measures: P("相关特别管理措施", "Measures"),
  confidence: P("可信度", "Confidence"),
  decidedBy: P("还需说明", "To decide it, state"),
  edition: P("清单版本", "Edition"),
  // filings
  filingKind: P("备案类型", "Kind"),
  submittedOn: P("提交日期", "Submitted"),
  dueDate: P("办结时限", "Due"),
  enterprise: P("企业", "Enterprise"),
  recommendation: P("系统建议", "Recommendation"),
  accept: P("接受备案", "Accept"),
  refer: P("转核准", "Refer for approval"),
  reject: P("不予备案", "Reject"),
  filingNumber: P("备案编号", "Filing number"),
  reasons: P("理由（每行一条）", "Reasons (one per line)"),
  description: P("说明", "Description"),
  country: P("国家或地区", "Country or region"),
  amountUsd: P("金额（美元）", "Amount (USD)"),
  sensitiveIndustry: P("敏感行业", "Sensitive industry"),
  submitted: P("已提交", "Submitted"),
  outcomes: P("备案结果", "Outcomes"),
  routeLabel: P("办理路径", "Route"),
  stageTimes: P("各环节耗时", "Stage times"),
  noItems: P("暂无数据", "Nothing here yet"),
  personRole: P("身份", "Role"),
  personName: P("姓名", "Name"),
  nationality: P("国籍", "Nationality"),
  idNumber: P("证件号码", "Document number"),
  contact: P("联系方式", "Contact"),
  erased: P("已依法删除", "Erased"),
  // status
  healthy: P("运行正常", "Healthy"),
  attention: P("需要处理", "Needs attention"),
  relay: P("事件转发（relay）", "Relay"),
  projections: P("读模型", "Read models"),
  eventsBehind: P("落后事件数", "Events behind"),
  parked: P("搁置事件", "Parked"),
  head: P("最新全局位置", "Head position"),
} as const;

/** A key of the phrase book. */
export type PhraseKey = keyof typeof PHRASES;

/** The phrase `key` in the current language. */
export const t = (key: PhraseKey): string => PHRASES[key][current];

const LABELS: Record<string, Record<string, Phrase>> = {
  taskStatus: TASK_STATUS_NAMES,
  stage: {
    arrival_to_release: P("货物抵达至放行（TRS 口径）", "Arrival → release (TRS)"),
    total: P("申报至放行（合计）", "Lodgement → release (total)"),
    arrival_to_lodgement: P("抵达 → 申报（提前申报为负）", "Arrival → lodgement (negative when lodged before)"),
    lodgement_to_acceptance: P("申报 → 受理", "Lodgement → acceptance"),
    acceptance_to_risk_assessment: P("受理 → 风险研判", "Acceptance → risk assessment"),
    risk_assessment_to_inspection: P("风险研判 → 查验", "Risk assessment → inspection"),
    inspection_to_recognition: P("属地查验 → 口岸认可", "Local inspection → port recognition"),
    last_control_to_release: P("最后监管 → 放行", "Last control → release"),
    release_to_exit_or_arrival: P("放行 → 出境/到达", "Release → exit or arrival"),
  },
  direction: { import: P("进口", "Import"), export: P("出口", "Export") },
  clearanceModel: { direct: P("属地直通", "Direct clearance"), conventional: P("常规通关", "Conventional") },
  transportMode: {
    rail: P("铁路", "Rail"),
    road: P("公路", "Road"),
    air: P("航空", "Air"),
    sea: P("海运", "Sea"),
    multimodal: P("多式联运", "Multimodal"),
  },
  channel: {
    none: P("无查验", "No inspection"),
    documentary: P("单证审核", "Documentary"),
    physical: P("实货查验", "Physical"),
  },
  declarationStatus: {
    lodged: P("已申报", "Lodged"),
    accepted: P("已受理", "Accepted"),
    risk_assessed: P("已研判", "Risk assessed"),
    inspection_scheduled: P("待查验", "Inspection scheduled"),
    inspected: P("已查验", "Inspected"),
    recognised: P("口岸已认可", "Recognised"),
    held: P("扣留", "Held"),
    released: P("已放行", "Released"),
    exited: P("已出境", "Exited"),
    arrived: P("已到达", "Arrived"),
    rejected: P("已退单", "Rejected"),
    withdrawn: P("已撤回", "Withdrawn"),
  },
  filingStatus: {
    submitted: P("已提交", "Submitted"),
    referred: P("已转核准", "Referred"),
    accepted: P("已备案", "Accepted"),
    rejected: P("不予备案", "Rejected"),
    withdrawn: P("已撤回", "Withdrawn"),
    certified: P("已发证", "Certified"),
    used: P("已使用", "Used"),
    lapsed: P("已失效", "Lapsed"),
  },
  filingKind: {
    inbound_report: P("外商投资信息报告", "Foreign-investment information report"),
    outbound_investment: P("境外投资备案", "Outbound investment filing"),
    overseas_contracting: P("对外承包工程备案", "Overseas contracting filing"),
  },
  recommendation: {
    accept: P("建议接受", "Accept"),
    refer_for_approval: P("建议转核准", "Refer for approval"),
    reject: P("建议不予备案", "Reject"),
  },
  outcome: {
    permitted: P("允许（不在负面清单内）", "Permitted (not on the list)"),
    restricted: P("限制", "Restricted"),
    prohibited: P("禁止", "Prohibited"),
    indeterminate: P("无法确定", "Indeterminate"),
  },
  measureStatus: {
    prohibited: P("禁止", "Prohibited"),
    conditions_not_met: P("限制：条件未满足", "Restricted: conditions not met"),
    conditions_met: P("限制：条件已满足", "Restricted: conditions met"),
  },
  personRole: {
    investor: P("投资者", "Investor"),
    actual_controller: P("实际控制人", "Actual controller"),
    legal_representative: P("法定代表人", "Legal representative"),
    contact: P("联系人", "Contact person"),
  },
  confidence: { verified: P("已核对官方文本", "Verified"), unverified: P("未核对官方文本", "Unverified") },
  evaluationKind: { mid_term: P("中期评估", "Mid-term"), final: P("最终评估", "Final") },
  rating: {
    excellent: P("优秀", "Excellent"),
    good: P("良好", "Good"),
    fair: P("一般", "Fair"),
    poor: P("较差", "Poor"),
  },
  role: {
    taskforce: P("自贸工作专班", "FTZ task force"),
    enterprise: P("企业", "Enterprise"),
    customs: P("海关", "Customs"),
    partner: P("合作系统", "Partner system"),
    analyst: P("分析人员", "Analyst"),
    admin: P("商务局（管理员）", "Bureau (admin)"),
  },
  event: {
    TaskPlanned: P("列入清单", "Planned"),
    TaskRevised: P("修订", "Revised"),
    DepartmentsAssigned: P("调整部门", "Departments assigned"),
    TaskStarted: P("启动", "Started"),
    ProgressReported: P("报告进度", "Progress reported"),
    TaskRescheduled: P("调整时限", "Rescheduled"),
    TaskReplicated: P("复制推广完成", "Replicated"),
    TaskBlocked: P("受阻", "Blocked"),
    TaskUnblocked: P("解除受阻", "Unblocked"),
    TaskJudgedNotApplicable: P("认定不适用", "Judged not applicable"),
    TaskReopened: P("重新打开", "Reopened"),
    TaskEvaluated: P("评估", "Evaluated"),
    TaskArchived: P("归档", "Archived"),
  },
};

/** The name of `code` among the API's `kind` codes, or the code itself. */
export function label(kind: keyof typeof LABELS | string, code: string | null | undefined): string {
  if (code === null || code === undefined) return "—";
  return LABELS[kind]?.[code]?.[current] ?? code;
}

/** The codes `kind` names, in their order. */
export const codes = (kind: string): string[] => Object.keys(LABELS[kind] ?? {});
