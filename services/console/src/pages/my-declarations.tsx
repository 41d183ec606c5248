/**
 * An enterprise's own declarations (the API shows an enterprise only its own): status, port,
 * model, lodgement time (China time), and, opened, the time each stage took.
 */
import { useState } from "preact/hooks";
import { api, ok } from "../api";
import { label, t } from "../i18n";
import { duration, instant } from "../format";
import { Show, useLoad } from "../ui";

export function MyDeclarations() {
  const [cursor, setCursor] = useState<string | undefined>();
  const list = useLoad(
    () => ok(api.GET("/declarations", { params: { query: { limit: 50, ...(cursor ? { cursor } : {}) } as never } })),
    [cursor],
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
              <table data-testid="declarations-table">
                <thead>
                  <tr>
                    <th scope="col">{t("declarationNumber")}</th>
                    <th scope="col">{t("direction")}</th>
                    <th scope="col">{t("model")}</th>
                    <th scope="col">{t("port")}</th>
                    <th scope="col">{t("lodgedAt")}</th>
                    <th scope="col">{t("status")}</th>
                    <th scope="col">{t("stageTimes")}</th>
                  </tr>
                </thead>
                <tbody>
                  {l.items.map((d) => (
                    <tr key={d.declarationNumber}>
                      <td>{d.declarationNumber}</td>
                      <td>{label("direction", d.direction)}</td>
                      <td>{label("clearanceModel", d.clearanceModel)}</td>
                      <td>{d.port}</td>
                      <td>{instant(d.lodgedAt)}</td>
                      <td>{label("declarationStatus", d.status)}</td>
                      <td>
                        <StageTimes declarationNumber={d.declarationNumber} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {l.nextCursor && (
                <button type="button" onClick={() => setCursor(l.nextCursor ?? undefined)}>
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
