/**
 * Importing the year's task list from a CSV or XLSX file: a dry run first, which shows the
 * file's errors as a table of row, column and what is wrong (the API's 422 `import-rejected`
 * problem) or what the import would create and change; then the import itself.
 */
import { useState } from "preact/hooks";
import type { components } from "../../../../contracts/generated/openapi";
import { ApiError, noteWrite, type Problem } from "../api";
import { t } from "../i18n";
import { chinaYear } from "../format";
import { currentToken } from "../session";
import { Field, ProblemBox, Table } from "../ui";

const MEDIA = {
  csv: "text/csv",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
} as const;

/** What an import (or its dry run) did: the contract's TaskListImportOutcome. */
type Outcome = components["schemas"]["TaskListImportOutcome"];

type RowError = { pointer: string; detail: string; row?: number | null; column?: string | null };

/** Sends the file; the outcome, or throws the problem. @throws ApiError */
async function upload(file: File, year: number, dryRun: boolean, key: string): Promise<Outcome> {
  const type = file.name.toLowerCase().endsWith(".xlsx") ? MEDIA.xlsx : MEDIA.csv;
  const response = await fetch(`/reform-tasks/imports?year=${year}&dryRun=${dryRun}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${currentToken() ?? ""}`, "Content-Type": type, "Idempotency-Key": key },
    body: file,
  });
  noteWrite(response);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError({ ...(body as Problem), status: response.status });
  return body as Outcome;
}

export function TaskImport() {
  const [file, setFile] = useState<File | null>(null);
  const [year, setYear] = useState(chinaYear());
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  // One key per file and year: retrying the same import applies it once.
  const [key, setKey] = useState(() => crypto.randomUUID());

  const run = async (dryRun: boolean) => {
    if (!file) return;
    setBusy(true);
    setError(undefined);
    setOutcome(null);
    try {
      setOutcome(await upload(file, year, dryRun, dryRun ? crypto.randomUUID() : key));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const rowErrors: RowError[] =
    error instanceof ApiError && error.status === 422 ? ((error.problem.errors ?? []) as RowError[]) : [];

  return (
    <section aria-labelledby="import-title">
      <h1 id="import-title">{t("navImport")}</h1>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          void run(true);
        }}
      >
        <Field label={t("year")}>
          <input
            type="number"
            name="year"
            min={2000}
            max={2100}
            value={year}
            onChange={(e) => {
              // The year is part of what the key stands for: another year is another import.
              setYear(Number(e.currentTarget.value));
              setOutcome(null);
              setKey(crypto.randomUUID());
            }}
          />
        </Field>
        <Field label={t("importFile")}>
          <input
            type="file"
            name="file"
            accept=".csv,.xlsx,text/csv"
            onChange={(e) => {
              setFile(e.currentTarget.files?.[0] ?? null);
              setOutcome(null);
              setError(undefined);
              setKey(crypto.randomUUID());
            }}
          />
        </Field>
        <button type="submit" disabled={!file || busy}>
          {t("dryRun")}
        </button>
        <button type="button" disabled={!file || busy || !outcome?.dryRun} onClick={() => void run(false)}>
          {t("commitImport")}
        </button>
      </form>
      {rowErrors.length > 0 ? (
        <div role="alert">
          <p>{t("importErrors")}</p>
          <Table
            testId="import-errors"
            rows={rowErrors}
            rowKey={(r) => r.pointer + r.detail}
            columns={[
              { head: t("row"), cell: (r) => r.row ?? "—" },
              { head: t("column"), cell: (r) => r.column ?? "—" },
              { head: t("detail"), cell: (r) => r.detail },
            ]}
          />
        </div>
      ) : (
        <ProblemBox error={error} />
      )}
      {outcome && (
        <div data-testid="import-outcome">
          <p role="status">{outcome.dryRun ? t("dryRunOk") : t("imported")}</p>
          <ul>
            <li>
              {t("created")}: {outcome.created}
            </li>
            <li>
              {t("updated")}: {outcome.updated}
            </li>
            <li>
              {t("unchanged")}: {outcome.unchanged}
            </li>
            {outcome.notInFile.length > 0 && (
              <li>
                {t("notInFile")}: {outcome.notInFile.join(", ")}
              </li>
            )}
          </ul>
        </div>
      )}
    </section>
  );
}
