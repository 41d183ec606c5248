/**
 * The web console: signs in, then shows the pages of the signed-in role. Routes are in the URL's
 * fragment (`/console/#/tasks`), so the server only ever serves index.html and the bundled files.
 */
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import "./console.css";
import { lang, onLangChange, setLang, t, label, type PhraseKey } from "./i18n";
import { onSessionChange, session, signOut } from "./session";
import { SignIn } from "./pages/sign-in";
import { TaskList } from "./pages/task-list";
import { TaskPage } from "./pages/task-page";
import { TaskImport } from "./pages/task-import";
import { TaskCharts } from "./pages/task-charts";
import { ClearanceTimes } from "./pages/clearance-times";
import { NegativeListCheck } from "./pages/negative-list-check";
import { MyDeclarations } from "./pages/my-declarations";
import { FilingList, FilingPage, NewFiling } from "./pages/filings";
import { FilingQueue, FilingStatistics } from "./pages/filing-queue";
import { SystemStatus } from "./pages/system-status";
import { go, useRoute } from "./ui";

/** A page of the console: its route, its name in the navigation, and who may open it. */
interface PageEntry {
  path: string;
  nav?: PhraseKey;
  roles: string[];
  view: (args: string[]) => preact.JSX.Element;
}

const PAGES: PageEntry[] = [
  {
    path: "tasks",
    nav: "navTasks",
    roles: ["taskforce", "analyst", "admin"],
    view: ([id]) => (id ? <TaskPage taskId={id} /> : <TaskList />),
  },
  { path: "import", nav: "navImport", roles: ["taskforce"], view: () => <TaskImport /> },
  { path: "task-charts", nav: "navTaskCharts", roles: ["taskforce", "analyst", "admin"], view: () => <TaskCharts /> },
  { path: "clearance", nav: "navClearance", roles: ["analyst", "admin", "customs"], view: () => <ClearanceTimes /> },
  { path: "check", nav: "navCheck", roles: ["enterprise", "admin", "analyst"], view: () => <NegativeListCheck /> },
  { path: "declarations", nav: "navDeclarations", roles: ["enterprise"], view: () => <MyDeclarations /> },
  {
    path: "filings",
    nav: "navFilings",
    roles: ["enterprise"],
    view: ([id]) => (id === "new" ? <NewFiling /> : id ? <FilingPage filingId={id} /> : <FilingList />),
  },
  {
    path: "queue",
    nav: "navQueue",
    roles: ["admin"],
    view: ([id]) => (id ? <FilingPage filingId={id} /> : <FilingQueue />),
  },
  { path: "filing-stats", nav: "navFilingStats", roles: ["admin", "analyst"], view: () => <FilingStatistics /> },
  { path: "status", nav: "navStatus", roles: ["admin"], view: () => <SystemStatus /> },
];

function App() {
  const [, rerender] = useState(0);
  useEffect(() => onLangChange(() => rerender((n) => n + 1)), []);
  useEffect(() => onSessionChange(() => rerender((n) => n + 1)), []);
  const route = useRoute();
  const s = session();
  useEffect(() => {
    document.title = t("appTitle");
  });
  const mine = s ? PAGES.filter((p) => p.roles.includes(s.role)) : [];
  const page = mine.find((p) => p.path === route[0]);
  useEffect(() => {
    if (s && !page && mine[0]) go(mine[0].path);
  }, [s?.role, page, mine[0]]);
  if (!s) return <SignIn />;
  return (
    <>
      <a class="skip" href="#main">
        {lang() === "zh" ? "跳到正文" : "Skip to content"}
      </a>
      <header>
        <span class="brand">{t("appTitle")}</span>
        <nav aria-label={lang() === "zh" ? "页面" : "Pages"}>
          {mine
            .filter((p) => p.nav)
            .map((p) => (
              <a key={p.path} href={`#/${p.path}`} aria-current={p === page ? "page" : undefined}>
                {t(p.nav!)}
              </a>
            ))}
        </nav>
        <span class="who" data-testid="who">
          {label("role", s.role)}
          {s.enterprise ? ` · ${s.enterprise}` : ""}
        </span>
        <button
          type="button"
          class="link"
          onClick={() => setLang(lang() === "zh" ? "en" : "zh")}
          lang={lang() === "zh" ? "en" : "zh-CN"}
        >
          {lang() === "zh" ? "English" : "中文"}
        </button>
        <button type="button" class="link" onClick={signOut}>
          {t("signOut")}
        </button>
      </header>
      <main id="main">{page ? page.view(route.slice(1)) : mine.length === 0 ? <p>{t("noAccess")}</p> : null}</main>
    </>
  );
}

document.documentElement.lang = lang() === "zh" ? "zh-CN" : "en";
render(<App />, document.getElementById("app")!);
