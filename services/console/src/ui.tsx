/**
 * Small building blocks every page uses: loading data (`useLoad`), showing a problem (with the
 * fields it names), labelled form fields, and the hash route.
 */
import type { ComponentChildren } from "preact";
import { useCallback, useEffect, useState } from "preact/hooks";
import { ApiError } from "./api";
import { t } from "./i18n";

/** The state of one load: data, or the error, and `reload`. */
export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
}

/** Runs `load` now and whenever `deps` change; `reload()` runs it again. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/** A problem as a page shows it: its detail and each field it names. */
export function ProblemBox(props: { error: unknown; onReload?: () => void }) {
  const e = props.error;
  if (!e) return null;
  if (e instanceof ApiError && e.status === 412) {
    return (
      <div class="problem conflict" role="alert" data-testid="conflict">
        <p>{t("conflict")}</p>
        {props.onReload && (
          <button type="button" onClick={props.onReload}>
            {t("reload")}
          </button>
        )}
      </div>
    );
  }
  const p = e instanceof ApiError ? e.problem : { detail: String((e as Error)?.message ?? e), errors: [] };
  return (
    <div class="problem" role="alert" data-testid="problem">
      <p>
        <strong>{(e instanceof ApiError && e.problem.title) || t("error")}</strong>
        {p.detail ? `: ${p.detail}` : ""}
      </p>
      {p.errors && p.errors.length > 0 && (
        <ul>
          {p.errors.map((f) => (
            <li key={f.pointer}>
              <code>{f.pointer}</code> {f.detail}
            </li>
          ))}
        </ul>
      )}
      {props.onReload && (
        <button type="button" onClick={props.onReload}>
          {t("retry")}
        </button>
      )}
    </div>
  );
}

/** Shows `children(data)` once loaded, a loading line before, the problem on failure. */
export function Show<T>(props: { loaded: Loaded<T>; children: (data: T) => ComponentChildren }) {
  const { data, error, loading, reload } = props.loaded;
  if (error) return <ProblemBox error={error} onReload={reload} />;
  if (data === undefined) return <p aria-busy="true">{loading ? t("loading") : ""}</p>;
  return <>{props.children(data)}</>;
}

/** A labelled form control. */
export function Field(props: { label: string; children: ComponentChildren; hint?: string }) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control is the child, which associates it (HTML label content model)
    <label class="field">
      <span>{props.label}</span>
      {props.children}
      {props.hint && <small>{props.hint}</small>}
    </label>
  );
}

/** The current hash route's segments: `#/tasks/abc` → ["tasks", "abc"]. */
export function useRoute(): string[] {
  const read = () =>
    location.hash.replace(/^#\/?/, "").split("?")[0]!.split("/").filter(Boolean).map(decodeURIComponent);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const on = () => setRoute(read());
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  return route;
}

/** Goes to a hash route. */
export const go = (path: string): void => {
  location.hash = `#/${path}`;
};

/** A column of a `Table`: its heading and what a row shows in it; `rowHeader` cells are `<th scope="row">`. */
export interface Column<T> {
  head: string;
  cell: (row: T) => ComponentChildren;
  rowHeader?: boolean;
}

/** A data table with column headings (`scope="col"`), one row per item. */
export function Table<T>(props: {
  testId: string;
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T, index: number) => string;
  rowClass?: (row: T) => string | undefined;
}) {
  return (
    <table data-testid={props.testId}>
      <thead>
        <tr>
          {props.columns.map((c) => (
            <th scope="col" key={c.head}>
              {c.head}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((row, i) => (
          <tr key={props.rowKey(row, i)} class={props.rowClass?.(row)}>
            {props.columns.map((c) =>
              c.rowHeader ? (
                <th scope="row" key={c.head}>
                  {c.cell(row)}
                </th>
              ) : (
                <td key={c.head}>{c.cell(row)}</td>
              ),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A list read page by page: what has been loaded so far, and the cursor of the next page. */
export interface Paged<T> {
  items: T[];
  next: string | null;
  /** The list as of the first page (its `asOf`, when the API gives one). */
  asOf?: string;
}

/**
 * Reads the first page now and whenever `deps` change; `more()` appends the next page (the API's
 * cursor), without reading again what is already shown.
 */
export function usePages<T>(
  page: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor?: string | null; asOf?: string }>,
  deps: unknown[],
): Loaded<Paged<T>> & { more(): void } {
  const first = useLoad(async () => {
    const p = await page(undefined);
    return { items: p.items, next: p.nextCursor ?? null, asOf: p.asOf };
  }, deps);
  const [extra, setExtra] = useState<{ key: unknown; items: T[]; next: string | null } | null>(null);
  const current = extra && extra.key === first.data ? extra : null;
  const [error, setError] = useState<unknown>();
  const more = () => {
    const cursor = current ? current.next : first.data?.next;
    if (!cursor || !first.data) return;
    const key = first.data;
    page(cursor).then(
      (p) =>
        setExtra((e) => ({
          key,
          items: [...(e && e.key === key ? e.items : []), ...p.items],
          next: p.nextCursor ?? null,
        })),
      setError,
    );
  };
  const data = first.data && {
    asOf: first.data.asOf,
    items: [...first.data.items, ...(current?.items ?? [])],
    next: current ? current.next : first.data.next,
  };
  return { ...first, data, error: first.error ?? error, more };
}

/**
 * A command a form sends: `busy` while it runs, the `error` (problem) it met, and one
 * Idempotency-Key until an answer comes — sending again after a lost answer applies the command
 * once; after any answer (success or a problem) the next try is a new request.
 */
export function useCommand(): {
  busy: boolean;
  error: unknown;
  clearError(): void;
  /** Runs `send` with the key; `done` after a success. */
  run(send: (idempotencyKey: string) => Promise<unknown>, done?: () => void): Promise<void>;
} {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [key, setKey] = useState(() => crypto.randomUUID());
  const run = async (send: (idempotencyKey: string) => Promise<unknown>, done?: () => void) => {
    setBusy(true);
    setError(undefined);
    try {
      await send(key);
      setKey(crypto.randomUUID());
      done?.();
    } catch (err) {
      if (err instanceof ApiError) setKey(crypto.randomUUID());
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, clearError: () => setError(undefined), run };
}
