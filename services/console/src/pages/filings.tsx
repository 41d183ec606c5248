/**
 * Filings. An enterprise sees its own (status, due date) and submits new ones; the bureau (admin)
 * opens one from its queue and accepts it (with the filing number), refers it for approval or
 * rejects it, each with its reasons. Decisions carry `If-Match`: a filing decided by a colleague
 * in the meantime answers 412 and the page offers a reload.
 */
import { useState } from "preact/hooks";
import type { components } from "../../../../contracts/generated/openapi";
import { api, ApiError, ifMatch, ok } from "../api";
import { codes, label, lang, t } from "../i18n";
import { date } from "../format";
import { session } from "../session";
import { Field, go, ProblemBox, Show, Table, useCommand, useLoad } from "../ui";

export function FilingList() {
  const list = useLoad(() => ok(api.GET("/filings", { params: { query: {} as never } })), []);
  return (
    <section aria-labelledby="filings-title">
      <h1 id="filings-title">{t("navFilings")}</h1>
      <p>
        <a href="#/filings/new">{t("navNewFiling")}</a>
      </p>
      <Show loaded={list}>
        {(l) => (l.items.length === 0 ? <p>{t("noItems")}</p> : <FilingTable items={l.items} base="filings" />)}
      </Show>
    </section>
  );
}

/** A row of the filings read model (GET /filings), with the queue's overdue flags where it has them. */
type FilingItem = components["schemas"]["FilingRow"] &
  Partial<Pick<components["schemas"]["FilingQueueRow"], "overdue" | "daysOverdue">>;

/** A personal field as the API opened it, or the fact that its person was erased. */
const personal = (v: string | { erased: true }): string => (typeof v === "string" ? v : t("erased"));

/** A table of filings linking to `#/<base>/<id>`. */
export function FilingTable(props: { items: FilingItem[]; base: string; today?: string }) {
  const overdue = (f: FilingItem) => f.overdue ?? (props.today && f.dueDate ? f.dueDate < props.today : false);
  return (
    <Table
      testId="filings-table"
      rows={props.items}
      rowKey={(f) => f.filingId}
      rowClass={(f) => (overdue(f) ? "overdue" : undefined)}
      columns={[
        {
          head: t("filingKind"),
          cell: (f) => <a href={`#/${props.base}/${f.filingId}`}>{label("filingKind", f.kind)}</a>,
        },
        { head: t("enterprise"), cell: (f) => f.enterprise },
        { head: t("country"), cell: (f) => f.country ?? "—" },
        { head: t("submittedOn"), cell: (f) => date(f.submittedOn) },
        {
          head: t("dueDate"),
          cell: (f) => (
            <>
              {date(f.dueDate)}
              {overdue(f) && <span class="badge danger">{t("overdue")}</span>}
            </>
          ),
        },
        { head: t("status"), cell: (f) => label("filingStatus", f.status) },
        { head: t("recommendation"), cell: (f) => label("recommendation", f.recommendation) },
      ]}
    />
  );
}

async function loadFiling(filingId: string) {
  const { data, error, response } = await api.GET("/filings/{filingId}", { params: { path: { filingId } } });
  if (!response.ok || !data) throw new ApiError({ ...(error as object), status: response.status });
  return { filing: data, etag: response.headers.get("ETag") };
}

export function FilingPage(props: { filingId: string }) {
  const loaded = useLoad(() => loadFiling(props.filingId), [props.filingId]);
  const bureau = session()?.role === "admin";
  return (
    <Show loaded={loaded}>
      {({ filing, etag }) => (
        <article aria-labelledby="filing-title">
          <p>
            <a href={bureau ? "#/queue" : "#/filings"}>← {bureau ? t("navQueue") : t("navFilings")}</a>
          </p>
          <h1 id="filing-title">{label("filingKind", filing.details.kind)}</h1>
          <p>
            <span class="badge" data-testid="filing-status">
              {label("filingStatus", filing.status)}
            </span>
          </p>
          <dl class="facts">
            <dt>{t("enterprise")}</dt>
            <dd>{filing.enterprise}</dd>
            <dt>{t("submittedOn")}</dt>
            <dd>{date(filing.submittedOn)}</dd>
            <dt>{t("dueDate")}</dt>
            <dd>
              {date(filing.check.dueDate)} ({filing.check.dueWorkingDays}{" "}
              {lang() === "zh" ? "个工作日" : "working days"}
              {filing.check.dueDateProvisional
                ? lang() === "zh"
                  ? "，节假日安排未公布，暂定"
                  : "; holidays not yet published, provisional"
                : ""}
              )
            </dd>
            <dt>{t("routeLabel")}</dt>
            <dd>{filing.check.route}</dd>
            <dt>{t("recommendation")}</dt>
            <dd>
              {label("recommendation", filing.check.recommendation)}
              {filing.check.reasons.length > 0 && ` — ${filing.check.reasons.join("；")}`}
            </dd>
            {filing.filingNumber && (
              <>
                <dt>{t("filingNumber")}</dt>
                <dd>{filing.filingNumber}</dd>
              </>
            )}
            {filing.reasons.length > 0 && (
              <>
                <dt>{t("reason")}</dt>
                <dd>{filing.reasons.join("；")}</dd>
              </>
            )}
          </dl>
          <details>
            <summary>{t("description")}</summary>
            <pre>{JSON.stringify(filing.details, null, 2)}</pre>
          </details>
          {filing.persons.length > 0 && (
            <Table
              testId="persons-table"
              rows={filing.persons}
              rowKey={(p) => p.subjectId}
              columns={[
                { head: t("personRole"), cell: (p) => label("personRole", p.role) },
                { head: t("personName"), cell: (p) => personal(p.name) },
                { head: t("nationality"), cell: (p) => p.nationality },
                { head: t("idNumber"), cell: (p) => (p.idDocument ? personal(p.idDocument.number) : "—") },
                {
                  head: t("contact"),
                  cell: (p) => [p.phone, p.email].flatMap((v) => (v ? [personal(v)] : [])).join(" · ") || "—",
                },
              ]}
            />
          )}
          {bureau && (filing.status === "submitted" || filing.status === "referred") && (
            <Decisions filingId={filing.filingId} etag={etag} status={filing.status} onChange={loaded.reload} />
          )}
        </article>
      )}
    </Show>
  );
}

function Decisions(props: { filingId: string; etag: string | null; status: string; onChange: () => void }) {
  const { busy, error, clearError, run } = useCommand();
  const decide = (path: "acceptance" | "referral" | "rejection", body: object) => (e: Event) => {
    e.preventDefault();
    void run(
      (key) =>
        ok(
          api.POST(`/filings/{filingId}/${path}` as "/filings/{filingId}/acceptance", {
            params: {
              path: { filingId: props.filingId },
              header: { "if-match": ifMatch(props.etag), "idempotency-key": key } as never,
            },
            body: body as never,
          }),
        ),
      props.onChange,
    );
  };
  const [number, setNumber] = useState("");
  const [reason, setReason] = useState("");
  const [reasons, setReasons] = useState("");
  return (
    <section aria-labelledby="decide-title">
      <h2 id="decide-title">{t("actions")}</h2>
      <form onSubmit={decide("acceptance", { filingNumber: number.trim() })} class="filters" data-action="accept">
        <Field label={t("filingNumber")}>
          <input name="filingNumber" value={number} onInput={(e) => setNumber(e.currentTarget.value)} required />
        </Field>
        <button type="submit" disabled={busy}>
          {t("accept")}
        </button>
      </form>
      {props.status === "submitted" && (
        <form onSubmit={decide("referral", { reason: reason.trim() })} class="filters" data-action="refer">
          <Field label={t("reason")}>
            <input name="reason" value={reason} onInput={(e) => setReason(e.currentTarget.value)} required />
          </Field>
          <button type="submit" disabled={busy}>
            {t("refer")}
          </button>
        </form>
      )}
      <form
        onSubmit={decide("rejection", {
          reasons: reasons
            .split("\n")
            .map((r) => r.trim())
            .filter(Boolean),
        })}
        class="filters"
        data-action="reject"
      >
        <Field label={t("reasons")}>
          <textarea
            name="reasons"
            rows={2}
            value={reasons}
            onInput={(e) => setReasons(e.currentTarget.value)}
            required
          />
        </Field>
        <button type="submit" disabled={busy}>
          {t("reject")}
        </button>
      </form>
      <ProblemBox
        error={error}
        onReload={() => {
          clearError();
          props.onChange();
        }}
      />
    </section>
  );
}

/** Codes typed in one field, separated by commas (either width) or spaces. */
const codesIn = (text: string) => text.split(/[,，\s]+/).filter(Boolean);

/** The FilingDetails of `kind` from the new-filing form's fields. */
function detailsOf(kind: string, f: FormData) {
  const v = (k: string) => String(f.get(k) ?? "").trim();
  const money = { value: Number(v("amount")), currency: "USD", usd: Number(v("amount")) };
  const country = v("country").toUpperCase();
  const flag = f.get("flag") === "on";
  if (kind === "outbound_investment") {
    const industryCodes = codesIn(v("industry"));
    return {
      kind,
      destinationCountry: country,
      industryCodes,
      investment: money,
      sensitiveIndustry: flag,
      description: v("description"),
    };
  }
  if (kind === "overseas_contracting") {
    const several = f.get("several") === "on";
    return {
      kind,
      country,
      contractValue: money,
      involvesSeveralCountries: several,
      highRisk: flag,
      description: v("description"),
    };
  }
  return {
    kind,
    industryCodes: codesIn(v("industry")),
    foreignSharePercent: Number(v("foreignShare")),
    largestForeignInvestorPercent: Number(v("largestForeign")),
    legalRepresentativeNationality: country,
    insideFtz: flag,
    investorCountries: codesIn(v("investorCountries")),
    investment: money,
  };
}

/** The three kinds of filing and their fields, as the API's FilingDetails takes them. */
export function NewFiling() {
  const s = session();
  const [kind, setKind] = useState("outbound_investment");
  const { busy, error, run } = useCommand();
  const submit = (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const details = detailsOf(kind, new FormData(e.currentTarget as HTMLFormElement));
    void run(async (key) => {
      const created = await ok(
        api.POST("/filings", {
          params: { header: { "idempotency-key": key } },
          body: { enterprise: s?.enterprise ?? "", details } as never,
        }),
      );
      go(`filings/${(created as { filingId: string }).filingId}`);
    });
  };
  return (
    <section aria-labelledby="new-filing-title">
      <h1 id="new-filing-title">{t("navNewFiling")}</h1>
      <form onSubmit={submit} class="stack">
        <Field label={t("filingKind")}>
          <select name="kind" value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
            {codes("filingKind").map((k) => (
              <option key={k} value={k}>
                {label("filingKind", k)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={kind === "inbound_report" ? t("legalRepresentative") : t("country")} hint="ISO 3166-1 (KZ, UZ …)">
          <input name="country" required maxLength={2} pattern="[A-Za-z]{2}" style={{ textTransform: "uppercase" }} />
        </Field>
        {kind !== "overseas_contracting" && (
          <Field label={t("industry")} hint="GB/T 4754-2017 (1711, 0511 …)">
            <input name="industry" required />
          </Field>
        )}
        {kind === "inbound_report" && (
          <>
            <Field label={t("foreignShare")}>
              <input name="foreignShare" inputMode="decimal" required />
            </Field>
            <Field label={t("largestForeign")}>
              <input name="largestForeign" inputMode="decimal" required />
            </Field>
            <Field label={lang() === "zh" ? "外国投资者国别" : "Investor countries"} hint="ISO 3166-1">
              <input name="investorCountries" required />
            </Field>
          </>
        )}
        <Field label={t("amountUsd")}>
          <input name="amount" inputMode="decimal" required />
        </Field>
        <label class="check">
          <input type="checkbox" name="flag" />
          {kind === "outbound_investment"
            ? t("sensitiveIndustry")
            : kind === "overseas_contracting"
              ? lang() === "zh"
                ? "高风险项目"
                : "High-risk project"
              : t("insideFtz")}
        </label>
        {kind === "overseas_contracting" && (
          <label class="check">
            <input type="checkbox" name="several" />
            {lang() === "zh" ? "涉及多个国家" : "Involves several countries"}
          </label>
        )}
        {kind !== "inbound_report" && (
          <Field label={t("description")}>
            <textarea name="description" rows={3} required />
          </Field>
        )}
        <button type="submit" disabled={busy}>
          {t("submit")}
        </button>
      </form>
      <ProblemBox error={error} />
    </section>
  );
}
