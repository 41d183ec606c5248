/** The admin's view of the pipeline (GET /operations/status): relay, read models, Kafka, what needs attention. */
import { api, ok } from "../api";
import { t } from "../i18n";
import { instant } from "../format";
import { Show, useLoad } from "../ui";

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
            <table data-testid="projections-table">
              <thead>
                <tr>
                  <th scope="col">{t("projections")}</th>
                  <th scope="col">{t("head")}</th>
                  <th scope="col">{t("eventsBehind")}</th>
                  <th scope="col">{t("parked")}</th>
                </tr>
              </thead>
              <tbody>
                {s.projections.map((p) => (
                  <tr key={p.name}>
                    <th scope="row">{p.name}</th>
                    <td>{p.lastGlobalPosition}</td>
                    <td>{p.eventsBehind}</td>
                    <td>{p.parkedEvents + p.parkedRecords}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </Show>
    </section>
  );
}
