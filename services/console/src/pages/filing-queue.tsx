/**
 * The bureau's queue of filings awaiting a decision, by due date, overdue ones flagged; and the
 * outcomes of filings as charts (by status, by kind and route).
 */
import { useState } from "preact/hooks";
import { api, ok } from "../api";
import { Chart } from "../chart";
import { codes, label, t } from "../i18n";
import { chinaToday } from "../format";
import { Field, Show, useLoad, Table } from "../ui";
import { FilingTable } from "./filings";

export function FilingQueue() {
  const queue = useLoad(() => ok(api.GET("/filings/queue", { params: { query: { limit: 200 } as never } })), []);
  return (
    <section aria-labelledby="queue-title">
      <h1 id="queue-title">{t("navQueue")}</h1>
      <Show loaded={queue}>
        {(q) =>
          q.items.length === 0 ? (
            <p>{t("noItems")}</p>
          ) : (
            <>
              <p class="note">
                {t("asOf")} {q.asOf}
              </p>
              <FilingTable items={q.items} base="queue" today={q.asOf ?? chinaToday()} />
            </>
          )
        }
      </Show>
    </section>
  );
}

export function FilingStatistics() {
  const [groupBy, setGroupBy] = useState("kind");
  const stats = useLoad(
    () => ok(api.GET("/filings/statistics", { params: { query: { groupBy } as never } })),
    [groupBy],
  );
  const statuses = codes("filingStatus");
  return (
    <section aria-labelledby="fstats-title">
      <h1 id="fstats-title">{t("navFilingStats")}</h1>
      <div class="filters">
        <Field label={t("outcomes")}>
          <select value={groupBy} onChange={(e) => setGroupBy(e.currentTarget.value)}>
            <option value="kind">{t("filingKind")}</option>
            <option value="route">{t("routeLabel")}</option>
            <option value="country">{t("country")}</option>
          </select>
        </Field>
      </div>
      <Show loaded={stats}>
        {(s) => {
          const names = s.groups.map((g) => {
            const v = g.group[groupBy] ?? "—";
            return groupBy === "kind" ? label("filingKind", v) : v;
          });
          return s.groups.length === 0 ? (
            <p>{t("noItems")}</p>
          ) : (
            <>
              <Chart
                title={t("outcomes")}
                testId="chart-filing-outcomes"
                option={{
                  legend: { top: 0 },
                  xAxis: { type: "category", data: names },
                  yAxis: { type: "value" },
                  series: statuses.map((st) => ({
                    name: label("filingStatus", st),
                    type: "bar",
                    stack: "status",
                    data: s.groups.map((g) => (g.byStatus as Record<string, number>)[st] ?? 0),
                  })),
                }}
              />
              <Table
                testId="filing-stats-table"
                rows={s.groups.map((g, i) => ({ ...g, name: names[i]! }))}
                rowKey={(g) => g.name}
                columns={[
                  { head: t("outcomes"), rowHeader: true, cell: (g) => g.name },
                  { head: t("total"), cell: (g) => g.total },
                  ...statuses.map((st) => ({
                    head: label("filingStatus", st),
                    cell: (g: { byStatus: Record<string, number> }) => g.byStatus[st] ?? 0,
                  })),
                ]}
              />
            </>
          );
        }}
      </Show>
    </section>
  );
}
