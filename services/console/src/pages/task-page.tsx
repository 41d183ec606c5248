/**
 * One task: its state, the timeline of its history (China time), and the updates its status
 * allows now (the `actions` the API lists). Every update is sent with `If-Match` on the version
 * read; when someone else changed the task first, the API answers 412 and the page says so, with
 * a reload that shows the newer state before the user tries again.
 */
import type { ComponentChildren } from "preact";
import { api, ApiError, ifMatch, ok } from "../api";
import { codes, label, lang, t, type PhraseKey } from "../i18n";
import { chinaToday, date, instant, percent } from "../format";
import { loadDepartments, loadFields, nameIn } from "../reference";
import { session } from "../session";
import { Field, ProblemBox, Show, useCommand, useLoad } from "../ui";

type Action =
  | "start"
  | "progress-reports"
  | "reschedules"
  | "replication"
  | "block"
  | "unblock"
  | "not-applicable"
  | "evaluations"
  | "archive"
  | "reopen";

/** The actions the page offers (revisions and departments are edited through an import). */
const OFFERED: { action: Action; phrase: PhraseKey }[] = [
  { action: "start", phrase: "start" },
  { action: "progress-reports", phrase: "reportProgress" },
  { action: "reschedules", phrase: "reschedule" },
  { action: "replication", phrase: "replicated" },
  { action: "block", phrase: "block" },
  { action: "unblock", phrase: "unblock" },
  { action: "not-applicable", phrase: "notApplicable" },
  { action: "evaluations", phrase: "evaluate" },
  { action: "reopen", phrase: "reopen" },
  { action: "archive", phrase: "archive" },
];

async function loadTask(taskId: string) {
  const { data, error, response } = await api.GET("/reform-tasks/{taskId}", { params: { path: { taskId } } });
  if (!response.ok || !data) throw new ApiError({ ...(error as object), status: response.status });
  return { task: data, etag: response.headers.get("ETag") };
}

export function TaskPage(props: { taskId: string }) {
  const loaded = useLoad(() => loadTask(props.taskId), [props.taskId]);
  const history = useLoad(
    () => ok(api.GET("/reform-tasks/{taskId}/history", { params: { path: { taskId: props.taskId } } })),
    [props.taskId],
  );
  const departments = useLoad(loadDepartments, []);
  const fields = useLoad(loadFields, []);
  const reload = () => {
    loaded.reload();
    history.reload();
  };
  return (
    <Show loaded={loaded}>
      {({ task, etag }) => (
        <article aria-labelledby="task-title">
          <p>
            <a href="#/tasks">← {t("navTasks")}</a>
          </p>
          <h1 id="task-title">
            {task.ref} {lang() === "zh" ? task.title.zh : (task.title.en ?? task.title.zh)}
          </h1>
          <p>
            <span class={`badge status-${task.status}`} data-testid="task-status">
              {label("taskStatus", task.status)}
            </span>
            {task.overdue && <span class="badge danger">{t("overdue")}</span>}
            {task.statusReason && <span class="note"> {task.statusReason}</span>}
          </p>
          <dl class="facts">
            <dt>{t("field")}</dt>
            <dd>{nameIn(fields.data, task.field)}</dd>
            <dt>{t("department")}</dt>
            <dd>{nameIn(departments.data, task.leadDepartment)}</dd>
            <dt>{t("cooperating")}</dt>
            <dd>{task.cooperatingDepartments.map((d) => nameIn(departments.data, d)).join("、") || "—"}</dd>
            <dt>{t("deadline")}</dt>
            <dd>
              {date(task.deadline)} ({t("originalDeadline")} {date(task.originalDeadline)}; {t("reschedules")}{" "}
              {task.reschedules})
            </dd>
            <dt>{t("progress")}</dt>
            <dd data-testid="task-progress">
              {task.progress
                ? `${percent(task.progress.percent)} · ${task.progress.asOf} · ${task.progress.narrative}`
                : "—"}
            </dd>
            <dt>{t("coreContent")}</dt>
            <dd>{task.coreContent}</dd>
            <dt>{t("implementationPath")}</dt>
            <dd>{task.implementationPath}</dd>
            <dt>{t("source")}</dt>
            <dd>{task.source.citation}</dd>
          </dl>
          {task.assumed.length > 0 && (
            <p class="note">
              {t("assumedNote")}
              {task.assumed.join(", ")}
            </p>
          )}
          {session()?.role === "taskforce" && task.actions.length > 0 && (
            <section aria-labelledby="actions-title">
              <h2 id="actions-title">{t("actions")}</h2>
              {OFFERED.filter((o) => task.actions.includes(o.action)).map((o) => (
                <ActionForm
                  key={o.action}
                  taskId={task.taskId}
                  action={o.action}
                  phrase={o.phrase}
                  etag={etag}
                  onDone={reload}
                  onReload={reload}
                />
              ))}
            </section>
          )}
          <section aria-labelledby="history-title">
            <h2 id="history-title">{t("history")}</h2>
            <Show loaded={history}>
              {(h) => (
                <ol class="timeline" data-testid="timeline">
                  {[...h.events].reverse().map((e) => (
                    <li key={e.eventId}>
                      <time dateTime={e.occurredAt}>{instant(e.occurredAt)}</time>{" "}
                      <strong>{label("event", e.type)}</strong>{" "}
                      <span class="note">
                        {t("by")}: {label("role", e.actor?.role)}
                      </span>
                      <EventSummary data={e.data} />
                    </li>
                  ))}
                </ol>
              )}
            </Show>
          </section>
        </article>
      )}
    </Show>
  );
}

/** The parts of an event a reader wants at a glance (reason, percent, new deadline …). */
function EventSummary(props: { data: Record<string, unknown> }) {
  const d = props.data;
  const parts = [
    typeof d.percent === "number" ? percent(d.percent) : null,
    typeof d.to === "string" ? `→ ${d.to}` : null,
    typeof d.reason === "string" ? d.reason : null,
    typeof d.narrative === "string" ? d.narrative : null,
    typeof d.summary === "string" ? d.summary : null,
    typeof d.resolution === "string" ? d.resolution : null,
    typeof d.rating === "string" ? label("rating", d.rating) : null,
  ].filter((p): p is string => !!p);
  return parts.length ? <div class="note">{parts.join(" · ")}</div> : null;
}

/** The body of each action from its form's fields. */
function bodyOf(action: Action, f: FormData): Record<string, unknown> {
  const s = (k: string) => String(f.get(k) ?? "").trim();
  switch (action) {
    case "start":
      return { on: s("on") || undefined };
    case "progress-reports":
      return { percent: Number(s("percent")), narrative: s("narrative"), asOf: s("asOf") || undefined };
    case "reschedules":
      return { to: s("to"), reason: s("reason") };
    case "replication":
      return { on: s("on") || undefined, summary: s("summary") };
    case "unblock":
      return { resolution: s("resolution") };
    case "evaluations":
      return { kind: s("kind"), rating: s("rating"), remarks: s("remarks") };
    default:
      return { reason: s("reason") };
  }
}

function ActionFields(props: { action: Action }) {
  const today = chinaToday();
  const text = (name: string, phrase: PhraseKey, required = false) => (
    <Field label={t(phrase)}>
      <textarea name={name} required={required} rows={2} />
    </Field>
  );
  const day = (name: string, phrase: PhraseKey, required = false) => (
    <Field label={t(phrase)}>
      <input type="date" name={name} defaultValue={required ? "" : today} required={required} />
    </Field>
  );
  const fields: Record<Action, ComponentChildren> = {
    start: day("on", "startOn"),
    "progress-reports": (
      <>
        <Field label={t("percent")}>
          <input type="number" name="percent" min={0} max={100} required />
        </Field>
        {text("narrative", "narrative")}
        {day("asOf", "asOf")}
      </>
    ),
    reschedules: (
      <>
        {day("to", "newDeadline", true)}
        {text("reason", "reason", true)}
      </>
    ),
    replication: (
      <>
        {day("on", "replicatedOn")}
        {text("summary", "summary")}
      </>
    ),
    block: text("reason", "reason", true),
    unblock: text("resolution", "resolution"),
    "not-applicable": text("reason", "reason", true),
    evaluations: (
      <>
        <Field label={t("evaluationKind")}>
          <select name="kind">
            {codes("evaluationKind").map((c) => (
              <option key={c} value={c}>
                {label("evaluationKind", c)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t("rating")}>
          <select name="rating">
            {codes("rating").map((c) => (
              <option key={c} value={c}>
                {label("rating", c)}
              </option>
            ))}
          </select>
        </Field>
        {text("remarks", "remarks")}
      </>
    ),
    reopen: text("reason", "reason", true),
    archive: text("reason", "reason", true),
  };
  return <>{fields[props.action]}</>;
}

function ActionForm(props: {
  taskId: string;
  action: Action;
  phrase: PhraseKey;
  etag: string | null;
  onDone: () => void;
  onReload: () => void;
}) {
  const { busy, error, clearError, run } = useCommand();
  const submit = (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    void run(
      (key) =>
        ok(
          api.POST(`/reform-tasks/{taskId}/${props.action}` as "/reform-tasks/{taskId}/start", {
            params: {
              path: { taskId: props.taskId },
              header: { "if-match": ifMatch(props.etag), "idempotency-key": key } as never,
            },
            body: bodyOf(props.action, new FormData(form)) as never,
          }),
        ),
      () => {
        form.reset();
        props.onDone();
      },
    );
  };
  return (
    <details class="action" data-action={props.action}>
      <summary>{t(props.phrase)}</summary>
      <form onSubmit={submit}>
        <ActionFields action={props.action} />
        <button type="submit" disabled={busy}>
          {t("submit")}
        </button>
      </form>
      <ProblemBox
        error={error}
        onReload={() => {
          clearError();
          props.onReload();
        }}
      />
    </details>
  );
}
