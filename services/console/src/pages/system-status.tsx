/** The admin's view of the pipeline (GET /operations/status): relay, read models, Kafka, what needs attention. */
import { api, ok } from "../api";
import { t } from "../i18n";
import { instant } from "../format";
import { Show, useLoad, Table } from "../ui";

export function SystemStatus() {
  const status = useLoad(() => ok(api.GET("/operations/status")), []);
  return (
    <section aria-labelledby="status-title">
      <h1 id="status-title">{t("navStatus")}</h1>
      <Show loaded={status}>
        {(s) => (
          <>
            <p data-testid="pipeline-health" class={s.healthy ? "ok" : "problem"}>
              {s.healthy ? t("healthy") : t("attention")}
            </p>
            {s.attention.length > 0 && (
              <ul>
                {s.attention.map((a) => (
                  <li key={a}>{a}</li>
                ))}
              </ul>
            )}
            <dl class="facts">
              <dt>Kafka</dt>
              <dd>{s.kafka}</dd>
              <dt>{t("head")}</dt>
              <dd>{s.head}</dd>
              <dt>{t("relay")}</dt>
              <dd>
                {s.relay.checkpoint ?? "—"} · {t("eventsBehind")} {s.relay.eventsBehind} ·{" "}
                {instant(s.relay.lastPublishedAt)}
              </dd>
            </dl>
            <h2>{t("projections")}</h2>
            <Table
              testId="projections-table"
              rows={s.projections}
              rowKey={(p) => p.name}
              columns={[
                { head: t("projections"), rowHeader: true, cell: (p) => p.name },
                { head: t("head"), cell: (p) => p.lastGlobalPosition },
                { head: t("eventsBehind"), cell: (p) => p.eventsBehind },
                { head: t("parked"), cell: (p) => p.parkedEvents + p.parkedRecords },
              ]}
            />
          </>
        )}
      </Show>
    </section>
  );
}
