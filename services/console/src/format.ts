/**
 * Dates, times and durations as a reader in China reads them: instants in China Standard Time
 * (Asia/Shanghai, UTC+8, no daylight saving), calendar dates as the API gives them (already China
 * dates), durations in the reader's language ("32 小时 01 分" / "32 h 01 min").
 */
import { lang } from "./i18n";

const CST = "Asia/Shanghai";

/** An ISO instant → `2026-08-21 09:53` in China Standard Time (with "CST" in English). */
export function instant(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: CST,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(d);
  const v = (t: string) => parts.find((p) => p.type === t)?.value ?? "";
  return `${v("year")}-${v("month")}-${v("day")} ${v("hour")}:${v("minute")}${lang() === "en" ? " CST" : ""}`;
}

/** A calendar date (YYYY-MM-DD) as the API gives it, or a dash. */
export const date = (d: string | null | undefined): string => d ?? "—";

/** Hours → "32 小时 01 分" (zh) or "32 h 01 min" (en); negative durations keep their sign. */
export function duration(hours: number | null | undefined): string {
  if (hours === null || hours === undefined || Number.isNaN(hours)) return "—";
  const sign = hours < 0 ? "−" : "";
  const total = Math.round(Math.abs(hours) * 60);
  const h = Math.floor(total / 60);
  const m = String(total - h * 60).padStart(2, "0");
  return lang() === "en" ? `${sign}${h} h ${m} min` : `${sign}${h} 小时 ${m} 分`;
}

/** A percentage to one decimal, or a dash. */
export const percent = (p: number | null | undefined): string =>
  p === null || p === undefined ? "—" : `${Math.round(p * 10) / 10}%`;

/** Today's date in China (YYYY-MM-DD). */
export function chinaToday(now = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: CST, year: "numeric", month: "2-digit", day: "2-digit" }).format(
    now,
  );
}

/** This year in China. */
export const chinaYear = (now = new Date()): number => Number(chinaToday(now).slice(0, 4));
