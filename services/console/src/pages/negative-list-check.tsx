/**
 * The negative-list check as a form: the industries (GB/T 4754-2017, searchable by code, Chinese
 * or English name, from the classification the API itself uses), the activities the investment
 * will carry on (of the edition in force), the shares, the legal representative's nationality,
 * inside the FTZ or not, and the date. The answer shows the outcome, how sure it is (an answer that
 * rests on text not read in an official copy says so), the measures with their text, and — when
 * the input cannot decide it — what to state.
 */
import { useMemo, useState } from "preact/hooks";
import { api, ok } from "../api";
import { label, lang, t } from "../i18n";
import { chinaToday } from "../format";
import { Field, ProblemBox, useLoad } from "../ui";

type Industry = { code: string; level: string; nameZh: string; nameEn: string | null };
const loadIndustries = () =>
  import("../../../../contracts/identifiers/industry-class").then(
    (m) => [...m.INDUSTRY_CLASSES.values()] as Industry[],
  );

/** Country codes (ISO 3166-1) the API accepts for a nationality, with names from the browser's Intl. */
const countryName = (code: string) =>
  new Intl.DisplayNames([lang() === "zh" ? "zh-CN" : "en"], { type: "region" }).of(code) ?? code;

export function NegativeListCheck() {
  const industries = useLoad(loadIndustries, []);
  const [picked, setPicked] = useState<string[]>([]);
  const [search, setSearch] = useState("");
  const [insideFtz, setInsideFtz] = useState(true);
  const [activities, setActivities] = useState<string[] | null>(null);
  const [form, setForm] = useState({
    foreignShare: "49",
    largestForeignInvestor: "30",
    legalRepresentative: "CN",
    date: chinaToday(),
  });
  const [result, setResult] = useState<Awaited<ReturnType<typeof check>> | null>(null);
  const [error, setError] = useState<unknown>();
  // The activities of the edition in force on the date asked about, inside the FTZ or not.
  const known = useLoad(
    () =>
      ok(
        api.GET("/negative-list/activities", {
          params: { query: { insideFtz: String(insideFtz), ...(form.date ? { date: form.date } : {}) } as never },
        }),
      ),
    [insideFtz, form.date],
  );
  const matches = useMemo(() => {
    const s = search.trim().toLowerCase();
    if (!s || !industries.data) return [];
    return industries.data
      .filter(
        (i) => i.code.startsWith(s) || i.nameZh.includes(search.trim()) || (i.nameEn ?? "").toLowerCase().includes(s),
      )
      .slice(0, 12);
  }, [search, industries.data]);
  const nameOf = (code: string) => {
    const i = industries.data?.find((x) => x.code === code);
    return i ? (lang() === "zh" ? i.nameZh : (i.nameEn ?? i.nameZh)) : code;
  };
  const relevant = (known.data?.activities ?? []).filter((a) =>
    a.industryCodes.some((c) => picked.some((p) => c.startsWith(p) || p.startsWith(c))),
  );

  const check = (query: Record<string, string>) =>
    ok(api.GET("/negative-list/check", { params: { query: query as never } }));
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setResult(null);
    try {
      setResult(
        await check({
          industry: picked.join(","),
          ...form,
          insideFtz: String(insideFtz),
          ...(activities !== null ? { activities: activities.join(",") } : {}),
        }),
      );
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section aria-labelledby="check-title">
      <h1 id="check-title">{t("navCheck")}</h1>
      <form onSubmit={submit} class="stack">
        <fieldset>
          <legend>{t("industry")}</legend>
          <ul class="chips" aria-live="polite">
            {picked.map((c) => (
              <li key={c}>
                {c} {nameOf(c)}{" "}
                <button
                  type="button"
                  class="link"
                  aria-label={`${lang() === "zh" ? "移除" : "Remove"} ${c}`}
                  onClick={() => setPicked(picked.filter((p) => p !== c))}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
          <Field label={t("search")} hint={t("industryHint")}>
            <input
              type="search"
              name="industry-search"
              value={search}
              onInput={(e) => setSearch(e.currentTarget.value)}
            />
          </Field>
          <ul class="options" data-testid="industry-options">
            {matches.map((i) => (
              <li key={i.code}>
                <button
                  type="button"
                  class="link"
                  onClick={() => {
                    if (!picked.includes(i.code)) setPicked([...picked, i.code]);
                    setSearch("");
                  }}
                >
                  {i.code} {i.nameZh}
                  {i.nameEn ? ` · ${i.nameEn}` : ""}
                </button>
              </li>
            ))}
          </ul>
        </fieldset>
        {relevant.length > 0 && (
          <fieldset>
            <legend>{t("activities")}</legend>
            <label class="check">
              <input
                type="checkbox"
                checked={activities === null}
                onChange={(e) => setActivities(e.currentTarget.checked ? null : [])}
              />
              {lang() === "zh" ? "暂不说明（可能得到“无法确定”）" : "Not stated (may give “indeterminate”)"}
            </label>
            {activities !== null &&
              relevant.map((a) => (
                <label class="check" key={a.id}>
                  <input
                    type="checkbox"
                    name="activity"
                    value={a.id}
                    checked={activities.includes(a.id)}
                    onChange={(e) =>
                      setActivities(
                        e.currentTarget.checked ? [...activities, a.id] : activities.filter((x) => x !== a.id),
                      )
                    }
                  />
                  {lang() === "zh" ? a.nameZh : a.nameEn}
                </label>
              ))}
          </fieldset>
        )}
        <div class="filters">
          <Field label={t("foreignShare")}>
            <input
              name="foreignShare"
              inputMode="decimal"
              value={form.foreignShare}
              onInput={(e) => setForm({ ...form, foreignShare: e.currentTarget.value })}
              required
            />
          </Field>
          <Field label={t("largestForeign")}>
            <input
              name="largestForeignInvestor"
              inputMode="decimal"
              value={form.largestForeignInvestor}
              onInput={(e) => setForm({ ...form, largestForeignInvestor: e.currentTarget.value })}
              required
            />
          </Field>
          <Field label={t("legalRepresentative")}>
            <input
              name="legalRepresentative"
              list="countries"
              value={form.legalRepresentative}
              onInput={(e) => setForm({ ...form, legalRepresentative: e.currentTarget.value.toUpperCase() })}
            />
          </Field>
          <datalist id="countries">
            {["CN", "HK", "MO", "TW", "KZ", "KG", "UZ", "TJ", "RU", "PK", "DE", "US", "JP", "KR", "SG", "GB"].map(
              (c) => (
                <option key={c} value={c}>
                  {countryName(c)}
                </option>
              ),
            )}
          </datalist>
          <label class="check">
            <input
              type="checkbox"
              name="insideFtz"
              checked={insideFtz}
              onChange={(e) => setInsideFtz(e.currentTarget.checked)}
            />
            {t("insideFtz")}
          </label>
          <Field label={t("checkDate")}>
            <input
              type="date"
              name="date"
              value={form.date}
              onChange={(e) => setForm({ ...form, date: e.currentTarget.value })}
            />
          </Field>
        </div>
        <button type="submit" disabled={picked.length === 0}>
          {t("check")}
        </button>
      </form>
      <ProblemBox error={error} />
      {result && <CheckAnswer result={result} />}
    </section>
  );
}

function CheckAnswer(props: { result: Record<string, unknown> & { outcome: string; confidence: string } }) {
  const r = props.result as {
    outcome: string;
    confidence: string;
    confidenceNote?: string;
    edition: { title: string; inForceFrom: string };
    matches: {
      measure: number;
      kind: string;
      text: string;
      textVerified: boolean;
      source: string;
      status: string;
      applies: string;
    }[];
    decidedBy?: string | null;
    candidates?: { activity: { nameZh: string; nameEn: string }; outcome: string; measures: number[] }[] | null;
    provisional: boolean;
  };
  return (
    <section aria-labelledby="answer-title" class={`answer outcome-${r.outcome}`} data-testid="check-answer">
      <h2 id="answer-title">
        {t("outcome")}: <span data-testid="check-outcome">{label("outcome", r.outcome)}</span>
      </h2>
      <p>
        {t("confidence")}: <strong>{label("confidence", r.confidence)}</strong>
        {r.confidenceNote && <span class="note"> — {r.confidenceNote}</span>}
      </p>
      <p class="note">
        {t("edition")}: {r.edition.title} ({r.edition.inForceFrom})
      </p>
      {r.decidedBy && (
        <p class="problem">
          {t("decidedBy")}: {r.decidedBy}
        </p>
      )}
      {r.candidates && r.candidates.length > 0 && (
        <ul>
          {r.candidates.map((c) => (
            <li key={c.activity.nameEn}>
              {lang() === "zh" ? c.activity.nameZh : c.activity.nameEn}: {label("outcome", c.outcome)} (
              {c.measures.join(", ")})
            </li>
          ))}
        </ul>
      )}
      <h3>{t("measures")}</h3>
      {r.matches.length === 0 ? (
        <p>{t("noItems")}</p>
      ) : (
        <ol class="measures">
          {r.matches.map((m, i) => (
            <li key={`${m.measure}-${i}`} value={m.measure}>
              <strong>{label("measureStatus", m.status)}</strong> {m.text}
              <div class="note">
                {m.textVerified ? "" : `${label("confidence", "unverified")} · `}
                {m.source}
              </div>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
