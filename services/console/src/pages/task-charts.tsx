/**
 * The task list in charts: the department scoreboard (tasks by status, on-time rate against the
 * first deadline), the replication rate by field (replicated ÷ applicable, from the year's list)
 * and the replication rate at each month's end of the year (the API's figures `asOf` that day).
 */
import { useState } from "preact/hooks";
import { api, ok } from "../api";
import { Chart } from "../chart";
import { codes, label, t } from "../i18n";
import { chinaToday, chinaYear, percent } from "../format";
import { loadDepartments, loadFields, nameIn } from "../reference";
import { Field, Show, useLoad, Table } from "../ui";

/** Every task of `year` (pages of 200). */
async function allTasks(year: number) {
  const items = [];
  let cursor: string | undefined;
  do {
    const page = await ok(
      api.GET("/reform-tasks", { params: { query: { year, limit: 200, ...(cursor ? { cursor } : {}) } as never } }),
    );
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

/** Month ends of `year` up to today (China), as dates. */
function monthEnds(year: number, today: string): string[] {
  const out: string[] = [];
  for (let m = 1; m <= 12; m++) {
    const end = new Date(Date.UTC(year, m, 0)).toISOString().slice(0, 10);
    out.push(end < today ? end : today);
    if (end >= today) break;
  }
  return [...new Set(out)];
}

export function TaskCharts() {
  const [year, setYear] = useState(chinaYear());
  const departments = useLoad(loadDepartments, []);
  const fields = useLoad(loadFields, []);
  const board = useLoad(
    () => ok(api.GET("/reform-tasks/scoreboard", { params: { query: { year } as never } })),
    [year],
  );
  const tasks = useLoad(() => allTasks(year), [year]);
  const trend = useLoad(async () => {
    const days = monthEnds(year, chinaToday());
    const rates = await Promise.all(
      days.map((asOf) => ok(api.GET("/reform-tasks/replication-rates", { params: { query: { asOf } } }))),
    );
    return days.map((asOf, i) => ({
      asOf,
      rate: rates[i]!.years.find((y) => y.year === year)?.replicationRatePercent ?? null,
    }));
  }, [year]);
  const statuses = codes("taskStatus");

  return (
    <section aria-labelledby="charts-title">
      <h1 id="charts-title">{t("navTaskCharts")}</h1>
      <div class="filters">
        <Field label={t("year")}>
          <input
            type="number"
            name="year"
            min={2000}
            max={2100}
            value={year}
            onChange={(e) => setYear(Number(e.currentTarget.value))}
          />
        </Field>
      </div>
      <Show loaded={board}>
        {(b) => {
          const names = b.departments.map((d) => nameIn(departments.data, d.department));
          return (
            <>
              <Chart
                title={t("scoreboard")}
                testId="chart-scoreboard"
                height={Math.max(320, 28 * names.length + 80)}
                option={{
                  legend: { top: 0 },
                  xAxis: { type: "value" },
                  yAxis: { type: "category", data: names, inverse: true },
                  series: statuses.map((s) => ({
                    name: label("taskStatus", s),
                    type: "bar",
                    stack: "status",
                    data: b.departments.map((d) => (d.byStatus as Record<string, number>)[s] ?? 0),
                  })),
                }}
              />
              <Table
                testId="scoreboard-table"
                rows={b.departments.map((d, i) => ({ ...d, name: names[i]! }))}
                rowKey={(d) => d.department}
                rowClass={(d) => (d.overdue > 0 ? "overdue" : undefined)}
                columns={[
                  { head: t("department"), cell: (d) => d.name },
                  { head: t("total"), cell: (d) => d.total },
                  { head: t("overdue"), cell: (d) => d.overdue },
                  { head: t("onTimeRate"), cell: (d) => percent(d.onTimeRatePercent) },
                ]}
              />
            </>
          );
        }}
      </Show>
      <Show loaded={tasks}>
        {(items) => {
          const byField = new Map<string, { applicable: number; replicated: number }>();
          for (const task of items) {
            const f = byField.get(task.field) ?? { applicable: 0, replicated: 0 };
            if (task.status !== "not_applicable" && task.status !== "archived") f.applicable++;
            if (task.status === "replicated") f.replicated++;
            byField.set(task.field, f);
          }
          const rows = [...byField.entries()];
          return (
            <Chart
              title={`${t("replicationRate")} · ${t("byField")}`}
              testId="chart-by-field"
              option={{
                xAxis: {
                  type: "category",
                  data: rows.map(([f]) => nameIn(fields.data, f)),
                  axisLabel: { interval: 0, rotate: 20 },
                },
                yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
                series: [
                  {
                    name: t("replicationRate"),
                    type: "bar",
                    data: rows.map(([, v]) =>
                      v.applicable ? Math.round((1000 * v.replicated) / v.applicable) / 10 : 0,
                    ),
                  },
                ],
              }}
            />
          );
        }}
      </Show>
      <Show loaded={trend}>
        {(points) => (
          <Chart
            title={`${t("replicationRate")} · ${t("overTime")}`}
            testId="chart-over-time"
            option={{
              xAxis: { type: "category", data: points.map((p) => p.asOf) },
              yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
              series: [{ name: t("replicationRate"), type: "line", data: points.map((p) => p.rate ?? 0) }],
            }}
          />
        )}
      </Show>
    </section>
  );
}
