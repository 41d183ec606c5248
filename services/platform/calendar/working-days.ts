/**
 * Working days in China: Monday to Friday, minus public holidays, plus the adjusted working
 * weekends (调休), per the State Council General Office's yearly notices kept as data
 * (`services/platform/calendar/data/holidays.json`, a notice number and source per year).
 *
 * For a year whose notice is not in the data (the next year's is often published only in
 * November), the statutory holidays of 全国年节及纪念日放假办法 (State Council Order No. 795, in
 * force 2025-01-01; Art. 2) are computed for that year, the lunar and solar-term dates by the
 * lunar-typescript calendar library, and each holiday falling on a Saturday or Sunday gets a
 * make-up day (Art. 6) on the first working day after it. Results that count such a year are
 * provisional: the notice may arrange 调休 (Art. 7) and place make-up days otherwise.
 */
import path from "node:path";
import { Lunar, Solar } from "lunar-typescript";
import { z } from "../../../contracts/http/zod";
import { readDataFile } from "../code-list";

const Year = z.object({
  year: z.number().int(),
  notice: z.string().min(1),
  source: z.string().min(1),
  holidays: z.array(z.object({ name: z.string(), from: z.iso.date(), to: z.iso.date() })),
  workingWeekends: z.array(z.iso.date()),
});
const StatutoryHoliday = z.discriminatedUnion("rule", [
  z.object({
    name: z.string(),
    rule: z.literal("gregorian"),
    month: z.number().int(),
    day: z.number().int(),
    days: z.number().int(),
  }),
  z.object({
    name: z.string(),
    rule: z.literal("lunar"),
    month: z.number().int(),
    day: z.number().int(),
    days: z.number().int(),
  }),
  z.object({ name: z.string(), rule: z.literal("lunar-new-year-eve"), days: z.number().int() }),
  z.object({ name: z.string(), rule: z.literal("solar-term"), term: z.string(), days: z.number().int() }),
]);
const Statutory = z.object({
  law: z.string().min(1),
  inForceFrom: z.iso.date(),
  source: z.string().min(1),
  holidays: z.array(StatutoryHoliday).min(1),
});
const File = z.object({ years: z.array(Year).min(1), statutory: Statutory.optional() });

/** A holiday calendar: which dates are rest days, and which years it knows from a notice. */
export interface HolidayCalendar {
  knownYears: ReadonlySet<number>;
  holidays: ReadonlySet<string>;
  workingWeekends: ReadonlySet<string>;
  /** Rest days of a year without a notice, from the statutory rule (undefined: no rule for that year). */
  statutoryRestDays(year: number): ReadonlySet<string> | undefined;
}

const DAY_MS = 86_400_000;
const addDays = (date: string, n: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay(); // 0 Sunday … 6 Saturday

const ymd = (y: number, m: number, d: number) => `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
const isWeekend = (date: string) => weekday(date) === 0 || weekday(date) === 6;

/** The first day of each statutory holiday of `year` (Gregorian), from the law's Art. 2 rules. */
function statutoryStart(h: z.infer<typeof StatutoryHoliday>, year: number): string {
  switch (h.rule) {
    case "gregorian":
      return ymd(year, h.month, h.day);
    case "lunar":
      return Lunar.fromYmd(year, h.month, h.day).getSolar().toYmd();
    case "lunar-new-year-eve":
      // 除夕 is the last day of the twelfth lunar month (the 29th or the 30th): the day before 正月初一.
      return Lunar.fromYmd(year, 1, 1).getSolar().next(-1).toYmd();
    case "solar-term": {
      const term = Solar.fromYmd(year, 6, 1).getLunar().getJieQiTable()[h.term];
      if (!term || term.getYear() !== year) throw new Error(`no solar term ${h.term} in ${year}`);
      return term.toYmd();
    }
  }
}

/**
 * Rest days of `year` under the statutory rule: the Art. 2 holidays, and for each that falls on a
 * weekend a make-up day (Art. 6) on the first weekday after it that is not already a rest day.
 */
function statutoryRestDays(rule: z.infer<typeof Statutory>, year: number): Set<string> {
  const rest = new Set<string>();
  const onWeekend: string[] = [];
  for (const h of rule.holidays) {
    const start = statutoryStart(h, year);
    for (let i = 0; i < h.days; i++) {
      const d = addDays(start, i);
      rest.add(d);
      if (isWeekend(d)) onWeekend.push(d);
    }
  }
  for (const d of onWeekend.sort()) {
    let m = addDays(d, 1);
    while (isWeekend(m) || rest.has(m)) m = addDays(m, 1);
    rest.add(m);
  }
  return rest;
}

/** Builds a calendar from the holidays data (ranges expanded to dates). */
export function holidayCalendar(data: z.input<typeof File>): HolidayCalendar {
  const parsed = File.parse(data);
  const holidays = new Set<string>();
  for (const y of parsed.years) {
    for (const h of y.holidays) for (let d = h.from; d <= h.to; d = addDays(d, 1)) holidays.add(d);
  }
  const knownYears = new Set(parsed.years.map((y) => y.year));
  const byYear = new Map<number, Set<string>>();
  const rule = parsed.statutory;
  return {
    knownYears,
    holidays,
    workingWeekends: new Set(parsed.years.flatMap((y) => y.workingWeekends)),
    statutoryRestDays(year) {
      if (!rule || knownYears.has(year) || ymd(year, 12, 31) < rule.inForceFrom) return undefined;
      let days = byYear.get(year);
      if (!days) {
        days = statutoryRestDays(rule, year);
        byYear.set(year, days);
      }
      return days;
    },
  };
}

let shipped: HolidayCalendar | undefined;
/** The shipped calendar (`services/platform/calendar/data/holidays.json`). */
export function chinaHolidayCalendar(): HolidayCalendar {
  shipped ??= holidayCalendar(readDataFile(path.join(__dirname, "data", "holidays.json")) as z.input<typeof File>);
  return shipped;
}

/**
 * True when `date` (YYYY-MM-DD) is a working day in `cal`: by the year's notice when it has one,
 * else by the statutory rule, else Monday to Friday.
 */
export function isWorkingDay(cal: HolidayCalendar, date: string): boolean {
  if (cal.workingWeekends.has(date)) return true;
  if (cal.holidays.has(date)) return false;
  if (cal.statutoryRestDays(Number(date.slice(0, 4)))?.has(date)) return false;
  return !isWeekend(date);
}

/** A date `n` working days after `start`, and whether a year without a published calendar was crossed. */
export interface WorkingDayResult {
  date: string;
  /** True when a date in a year without a notice was counted (statutory holidays only: the notice may differ). */
  provisional: boolean;
}

/**
 * The date `n` (≥ 1) working days after `start`: day 1 is the first working day after `start`
 * (a filing received on a Friday before a holiday week is due after the holiday).
 */
export function addWorkingDays(cal: HolidayCalendar, start: string, n: number): WorkingDayResult {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`working days must be a positive integer, got ${n}`);
  let date = start;
  let counted = 0;
  let provisional = false;
  while (counted < n) {
    date = addDays(date, 1);
    if (!cal.knownYears.has(Number(date.slice(0, 4)))) provisional = true;
    if (isWorkingDay(cal, date)) counted++;
  }
  return { date, provisional };
}

/** Working days after `from` up to and including `to` (0 when `to` ≤ `from`). */
export function workingDaysBetween(cal: HolidayCalendar, from: string, to: string): number {
  let n = 0;
  for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (isWorkingDay(cal, d)) n++;
  return n;
}
