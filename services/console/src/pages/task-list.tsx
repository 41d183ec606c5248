/**
 * The task force's list of the year: filters (status, lead department, field, overdue), search,
 * overdue rows highlighted, pages of 50, and exports (CSV, XLSX) of what the filters select.
 */
import { useState } from "preact/hooks";
import { api, download, ok } from "../api";
import { codes, label, lang, t } from "../i18n";
import { chinaYear, date, percent } from "../format";
import { loadDepartments, loadFields, nameIn } from "../reference";
import { Field, ProblemBox, Show, Table, useLoad, usePages } from "../ui";

type TaskListQuery = {
  year: number;
  status?: string;
  department?: string;
  field?: string;
  overdue?: "true";
  q?: string;
};

export function TaskList() {
  const [query, setQuery] = useState<TaskListQuery>({ year: chinaYear() });
  const [search, setSearch] = useState("");
  const departments = useLoad(loadDepartments, []);
  const fields = useLoad(loadFields, []);
  const list = usePages(
    (cursor) =>
      ok(
        api.GET("/reform-tasks", {
          params: { query: { ...query, limit: 50, ...(cursor ? { cursor } : {}) } as never },
        }),
      ),
    [JSON.stringify(query)],
  );
  const [exportError, setExportError] = useState<unknown>();

  const set = (patch: Partial<TaskListQuery>) => {
    setQuery((q) => {
      const n = { ...q, ...patch };
      for (const k of Object.keys(n) as (keyof TaskListQuery)[]) if (n[k] === "" || n[k] === undefined) delete n[k];
      return n;
    });
  };
  const exportAs = (format: "csv" | "xlsx") => {
    const params = new URLSearchParams({
      ...(query as unknown as Record<string, string>),
      year: String(query.year),
      format,
    });
    setExportError(undefined);
    download(`/reform-tasks/export?${params}`, `任务清单-${query.year}.${format}`).catch(setExportError);
  };

  return (
    <section aria-labelledby="tasks-title">
      <h1 id="tasks-title">{t("navTasks")}</h1>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          set({ q: search.trim() || undefined });
        }}
      >
        <Field label={t("year")}>
          <input
            type="number"
            name="year"
            min={2000}
            max={2100}
            value={query.year}
            onChange={(e) => set({ year: Number(e.currentTarget.value) })}
          />
        </Field>
        <Field label={t("status")}>
          <select
            name="status"
            value={query.status ?? ""}
            onChange={(e) => set({ status: e.currentTarget.value || undefined })}
          >
            <option value="">{t("all")}</option>
            {codes("taskStatus").map((c) => (
              <option key={c} value={c}>
                {label("taskStatus", c)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t("department")}>
          <select
            name="department"
            value={query.department ?? ""}
            onChange={(e) => set({ department: e.currentTarget.value || undefined })}
          >
            <option value="">{t("all")}</option>
            {(departments.data ?? []).map((d) => (
              <option key={d.code} value={d.code}>
                {nameIn(departments.data, d.code)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t("field")}>
          <select
            name="field"
            value={query.field ?? ""}
            onChange={(e) => set({ field: e.currentTarget.value || undefined })}
          >
            <option value="">{t("all")}</option>
            {(fields.data ?? []).map((f) => (
              <option key={f.code} value={f.code}>
                {nameIn(fields.data, f.code)}
              </option>
            ))}
          </select>
        </Field>
        <label class="check">
          <input
            type="checkbox"
            name="overdue"
            checked={query.overdue === "true"}
            onChange={(e) => set({ overdue: e.currentTarget.checked ? "true" : undefined })}
          />
          {t("overdueOnly")}
        </label>
        <Field label={t("search")}>
          <input
            type="search"
            name="q"
            placeholder={t("searchHint")}
            value={search}
            onInput={(e) => setSearch(e.currentTarget.value)}
          />
        </Field>
        <button type="submit">{t("search")}</button>
        <span class="spacer" />
        <button type="button" data-testid="export-csv" onClick={() => exportAs("csv")}>
          {t("exportCsv")}
        </button>
        <button type="button" onClick={() => exportAs("xlsx")}>
          {t("exportXlsx")}
        </button>
      </form>
      <ProblemBox error={exportError} />
      <Show loaded={list}>
        {(l) => (
          <>
            <p class="note">
              {l.items.length} {t("tasksShown")} · {t("asOf")} {l.asOf}
            </p>
            <Table
              testId="task-table"
              rows={l.items}
              rowKey={(task) => task.taskId}
              rowClass={(task) => (task.overdue ? "overdue" : undefined)}
              columns={[
                { head: t("ref"), cell: (task) => task.ref },
                {
                  head: t("title"),
                  cell: (task) => (
                    <a href={`#/tasks/${task.taskId}`}>
                      {lang() === "zh" ? task.title.zh : (task.title.en ?? task.title.zh)}
                    </a>
                  ),
                },
                { head: t("field"), cell: (task) => nameIn(fields.data, task.field) },
                { head: t("department"), cell: (task) => nameIn(departments.data, task.leadDepartment) },
                {
                  head: t("deadline"),
                  cell: (task) => (
                    <>
                      {date(task.deadline)}
                      {task.overdue && (
                        <span class="badge danger">
                          {t("overdue")} {task.daysOverdue ?? ""}
                          {lang() === "zh" ? " 天" : " d"}
                        </span>
                      )}
                    </>
                  ),
                },
                { head: t("status"), cell: (task) => label("taskStatus", task.status) },
                { head: t("progress"), cell: (task) => (task.progress ? percent(task.progress.percent) : "—") },
              ]}
            />
            {l.next && (
              <button type="button" onClick={list.more}>
                {t("more")}
              </button>
            )}
          </>
        )}
      </Show>
    </section>
  );
}
