/**
 * An enterprise's own declarations (the API shows an enterprise only its own): status, port,
 * model, lodgement time (China time), and, opened, the time each stage took.
 */
import { useState } from "preact/hooks";
import { api, ok } from "../api";
import { label, t } from "../i18n";
import { duration, instant } from "../format";
import { Show, Table, useLoad, usePages } from "../ui";

export function MyDeclarations() {
  const list = usePages(
    (cursor) =>
      ok(api.GET("/declarations", { params: { query: { limit: 50, ...(cursor ? { cursor } : {}) } as never } })),
    [],
  );
  return (
    <section aria-labelledby="decl-title">
      <h1 id="decl-title">{t("navDeclarations")}</h1>
      <p class="note">{t("timeShownCst")}</p>
      <Show loaded={list}>
        {(l) =>
          l.items.length === 0 ? (
            <p>{t("noItems")}</p>
          ) : (
            <>
              <Table
                testId="declarations-table"
                rows={l.items}
                rowKey={(d) => d.declarationNumber}
                columns={[
                  { head: t("declarationNumber"), cell: (d) => d.declarationNumber },
                  { head: t("direction"), cell: (d) => label("direction", d.direction) },
                  { head: t("model"), cell: (d) => label("clearanceModel", d.clearanceModel) },
                  { head: t("port"), cell: (d) => d.port },
                  { head: t("lodgedAt"), cell: (d) => instant(d.lodgedAt) },
                  { head: t("status"), cell: (d) => label("declarationStatus", d.status) },
                  { head: t("stageTimes"), cell: (d) => <StageTimes declarationNumber={d.declarationNumber} /> },
                ]}
              />
              {l.next && (
                <button type="button" onClick={list.more}>
                  {t("more")}
                </button>
              )}
            </>
          )
        }
      </Show>
    </section>
  );
}

function StageTimes(props: { declarationNumber: string }) {
  const [open, setOpen] = useState(false);
  return (
    <details onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>{t("stageTimes")}</summary>
      {open && <StageTimesLoaded declarationNumber={props.declarationNumber} />}
    </details>
  );
}

function StageTimesLoaded(props: { declarationNumber: string }) {
  const times = useLoad(
    () =>
      ok(
        api.GET("/clearance-times/declarations/{declarationNumber}", {
          params: { path: { declarationNumber: props.declarationNumber } },
        }),
      ),
    [props.declarationNumber],
  );
  return (
    <Show loaded={times}>
      {(x) => (
        <ul>
          {Object.entries(x.stages).map(([stage, d]) => (
            <li key={stage}>
              {label("stage", stage)}: {duration(d?.hours)}
            </li>
          ))}
        </ul>
      )}
    </Show>
  );
}
