/**
 * Clearance times for analysts: per-stage distributions (box plots: whiskers at the minimum and
 * maximum, the box from the 25th to the 75th percentile, the median inside), the stage figures in
 * process order, direct versus conventional clearance, the monthly trend of the median, the share
 * of declarations released within N hours (a cumulative curve), and the outliers. Filters: port,
 * direction, clearance model, transport mode and the lodgement period (China dates).
 */
import { useState } from "preact/hooks";
import type { components } from "../../../../contracts/generated/openapi";
import { api, ok } from "../api";
import { Chart } from "../chart";
import { codes, label, t } from "../i18n";
import { duration, instant, percent } from "../format";
import { Field, Show, useLoad, Table } from "../ui";

type Filters = {
  port?: string;
  direction?: string;
  clearanceModel?: string;
  transportMode?: string;
  from?: string;
  to?: string;
};

/** One stage's figures, as the contract gives them. */
type Figures = components["schemas"]["StageFigures"];

export function ClearanceTimes() {
  const [filters, setFilters] = useState<Filters>({});
  const [withinHours, setWithinHours] = useState(24);
  const key = JSON.stringify(filters);
  const q = filters as Record<string, string>;
  const ports = useLoad(
    () =>
      ok(api.GET("/clearance-times", { params: { query: { groupBy: "port" } as never } })).then((f) =>
        f.groups.map((g) => g.group.port).filter((p): p is string => !!p),
      ),
    [],
  );
  const figures = useLoad(() => ok(api.GET("/clearance-times", { params: { query: q as never } })), [key]);
  const comparison = useLoad(
    () => ok(api.GET("/clearance-times/comparison", { params: { query: q as never } })),
    [key],
  );
  const monthly = useLoad(
    () => ok(api.GET("/clearance-times", { params: { query: { ...q, groupBy: "month,clearanceModel" } as never } })),
    [key],
  );
  const curve = useLoad(
    () => ok(api.GET("/clearance-times/release-curve", { params: { query: { ...q, maxHours: 96 } as never } })),
    [key],
  );
  const outliers = useLoad(
    () => ok(api.GET("/clearance-times/outliers", { params: { query: { ...q, limit: 20 } as never } })),
    [key],
  );
  const set = (patch: Filters) =>
    setFilters((f) => {
      const n = { ...f, ...patch };
      for (const k of Object.keys(n) as (keyof Filters)[]) if (!n[k]) delete n[k];
      return n;
    });
  const select = (name: keyof Filters, phrase: Parameters<typeof t>[0], kind: string | null, values: string[]) => (
    <Field label={t(phrase)}>
      <select name={name} value={filters[name] ?? ""} onChange={(e) => set({ [name]: e.currentTarget.value })}>
        <option value="">{t("all")}</option>
        {values.map((v) => (
          <option key={v} value={v}>
            {kind ? label(kind, v) : v}
          </option>
        ))}
      </select>
    </Field>
  );

  return (
    <section aria-labelledby="clearance-title">
      <h1 id="clearance-title">{t("navClearance")}</h1>
      <p class="note">{t("timeShownCst")}</p>
      <div class="filters">
        {select("port", "port", null, ports.data ?? [])}
        {select("direction", "direction", "direction", codes("direction"))}
        {select("clearanceModel", "model", "clearanceModel", codes("clearanceModel"))}
        {select("transportMode", "transportMode", "transportMode", codes("transportMode"))}
        <Field label={t("from")}>
          <input
            type="date"
            name="from"
            value={filters.from ?? ""}
            onChange={(e) => set({ from: e.currentTarget.value })}
          />
        </Field>
        <Field label={t("to")}>
          <input type="date" name="to" value={filters.to ?? ""} onChange={(e) => set({ to: e.currentTarget.value })} />
        </Field>
      </div>
      <Show loaded={figures}>
        {(f) => {
          const stages = Object.entries((f.groups[0]?.stages ?? {}) as Record<string, Figures>);
          return (
            <>
              <p>
                {t("declarations")}: <strong data-testid="declaration-count">{f.groups[0]?.declarations ?? 0}</strong>
              </p>
              <Chart
                title={t("stageDistribution")}
                testId="chart-stages"
                height={360}
                option={{
                  tooltip: { trigger: "item" },
                  xAxis: {
                    type: "category",
                    data: stages.map(([s]) => label("stage", s)),
                    axisLabel: { interval: 0, rotate: 20 },
                  },
                  yAxis: { type: "value", name: "h" },
                  series: [
                    {
                      type: "boxplot",
                      data: stages.map(([, s]) => [s.min, s.p25, s.median, s.p75, s.max].map((d) => d.hours)),
                    },
                  ],
                }}
              />
              <Table
                testId="stage-table"
                rows={stages}
                rowKey={([name]) => name}
                columns={[
                  { head: t("stage"), rowHeader: true, cell: ([name]) => label("stage", name) },
                  { head: t("count"), cell: ([, s]) => s.count },
                  { head: t("mean"), cell: ([, s]) => duration(s.mean.hours) },
                  { head: t("median"), cell: ([, s]) => duration(s.median.hours) },
                  { head: "P90", cell: ([, s]) => duration(s.p90.hours) },
                  { head: "P95", cell: ([, s]) => duration(s.p95.hours) },
                ]}
              />
            </>
          );
        }}
      </Show>
      <Show loaded={comparison}>
        {(c) => {
          const g = c.groups[0];
          if (!g) return <p>{t("noItems")}</p>;
          return (
            <>
              <Chart
                title={t("directVsConventional")}
                testId="chart-models"
                height={260}
                option={{
                  xAxis: {
                    type: "category",
                    data: [label("clearanceModel", "direct"), label("clearanceModel", "conventional")],
                  },
                  yAxis: { type: "value", name: "h" },
                  series: [{ type: "bar", data: [g.direct.median?.hours ?? 0, g.conventional.median?.hours ?? 0] }],
                }}
              />
              <p data-testid="model-comparison">
                {label("clearanceModel", "direct")} {duration(g.direct.median?.hours)} ({g.direct.count}) ·{" "}
                {label("clearanceModel", "conventional")} {duration(g.conventional.median?.hours)} (
                {g.conventional.count}) · {t("reduction")} {percent(g.reductionPercent)}
              </p>
            </>
          );
        }}
      </Show>
      <Show loaded={monthly}>
        {(m) => {
          const months = [...new Set(m.groups.map((g) => g.group.month ?? ""))].sort();
          const series = codes("clearanceModel").map((model) => ({
            name: label("clearanceModel", model),
            type: "line",
            data: months.map((mo) => {
              const g = m.groups.find((x) => x.group.month === mo && x.group.clearanceModel === model);
              return (g?.stages as Record<string, Figures> | undefined)?.total?.median.hours ?? null;
            }),
          }));
          return (
            <Chart
              title={t("monthlyTrend")}
              testId="chart-monthly"
              option={{
                legend: { top: 0 },
                xAxis: { type: "category", data: months },
                yAxis: { type: "value", name: "h" },
                series,
              }}
            />
          );
        }}
      </Show>
      <Show loaded={curve}>
        {(c) => {
          const at = c.points.find((p) => p.hours === withinHours);
          return (
            <>
              <Chart
                title={t("releasedWithin")}
                testId="chart-release-curve"
                option={{
                  xAxis: { type: "category", name: "h", data: c.points.map((p) => p.hours) },
                  yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
                  series: [
                    {
                      type: "line",
                      name: t("releasedWithin"),
                      showSymbol: false,
                      data: c.points.map((p) => p.sharePercent),
                      markLine: { silent: true, symbol: "none", data: [{ xAxis: String(withinHours) }] },
                    },
                  ],
                }}
              />
              <div class="filters">
                <Field label={t("withinHours")}>
                  <input
                    type="number"
                    min={1}
                    max={96}
                    value={withinHours}
                    onChange={(e) => setWithinHours(Number(e.currentTarget.value))}
                  />
                </Field>
                <p data-testid="share-within">
                  {withinHours} h: {percent(at?.sharePercent)} ({at?.releasedWithin ?? 0} / {c.released})
                </p>
              </div>
            </>
          );
        }}
      </Show>
      <h2>{t("outliers")}</h2>
      <Show loaded={outliers}>
        {(o) => (
          <>
            <p class="note">{o.rule}</p>
            <Table
              testId="outliers-table"
              rows={o.outliers}
              rowKey={(x) => x.declarationNumber}
              columns={[
                { head: t("declarationNumber"), cell: (x) => x.declarationNumber },
                { head: t("port"), cell: (x) => x.port },
                {
                  head: t("model"),
                  cell: (x) =>
                    `${label("direction", x.group.direction)} · ${label("clearanceModel", x.group.clearanceModel)}`,
                },
                { head: t("total"), cell: (x) => duration(x.total.hours) },
                { head: t("fence"), cell: (x) => duration(x.fence.hours) },
                { head: t("groupMedian"), cell: (x) => duration(x.groupMedian.hours) },
                { head: t("lodgedAt"), cell: (x) => instant(x.lodgedAt) },
                { head: t("releasedAt"), cell: (x) => instant(x.releasedAt) },
              ]}
            />
          </>
        )}
      </Show>
    </section>
  );
}
