/**
 * Calendar dates in China Standard Time (UTC+08:00 all year; China has had no daylight saving
 * time since 1991). "Today", deadlines and as-of dates in this product are China dates.
 */

const CST_OFFSET_MS = 8 * 3_600_000;

/** The China calendar date (`YYYY-MM-DD`) of an instant (ISO 8601 string with offset, or Date). */
export function chinaDate(instant: string | Date): string {
  const ms = typeof instant === "string" ? Date.parse(instant) : instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`not an instant: ${String(instant)}`);
  return new Date(ms + CST_OFFSET_MS).toISOString().slice(0, 10);
}

/** Today's date in China. */
export const chinaToday = (): string => chinaDate(new Date());

/** The instant a China date begins, as ISO 8601 with `+08:00` (e.g. for an event's business time). */
export const chinaMidnight = (date: string): string => `${date}T00:00:00+08:00`;
