/**
 * Working days in China: Monday to Friday, minus public holidays, plus the adjusted working
 * weekends (调休), per the State Council General Office's yearly notices kept as data
 * (`services/reference-data/data/holidays.json`, a notice number and source per year).
 * For a year whose notice is not in the data, only weekends count as rest days and the result
 * says it is provisional.
 */
import path from "node:path";
import { z } from "../../../contracts/http/zod";
import { readDataFile } from "../reference-data/code-list";

const Year = z.object({
  year: z.number().int(),
  notice: z.string().min(1),
  source: z.string().min(1),
  holidays: z.array(z.object({ name: z.string(), from: z.iso.date(), to: z.iso.date() })),
  workingWeekends: z.array(z.iso.date()),
});
const File = z.object({ years: z.array(Year).min(1) });

/** A holiday calendar: which dates are rest days, and which years it knows. */
export interface HolidayCalendar {
  knownYears: ReadonlySet<number>;
  holidays: ReadonlySet<string>;
  workingWeekends: ReadonlySet<string>;
}

const DAY_MS = 86_400_000;
const addDays = (date: string, n: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay(); // 0 Sunday … 6 Saturday

/** Builds a calendar from the holidays data (ranges expanded to dates). */
export function holidayCalendar(data: z.input<typeof File>): HolidayCalendar {
  const parsed = File.parse(data);
  const holidays = new Set<string>();
  for (const y of parsed.years) {
    for (const h of y.holidays) for (let d = h.from; d <= h.to; d = addDays(d, 1)) holidays.add(d);
  }
  return {
    knownYears: new Set(parsed.years.map((y) => y.year)),
    holidays,
    workingWeekends: new Set(parsed.years.flatMap((y) => y.workingWeekends)),
  };
}

let shipped: HolidayCalendar | undefined;
/** The shipped calendar (`services/reference-data/data/holidays.json`). */
export function chinaHolidayCalendar(): HolidayCalendar {
  shipped ??= holidayCalendar(
    readDataFile(path.join(__dirname, "..", "..", "reference-data", "data", "holidays.json")) as z.input<typeof File>,
  );
  return shipped;
}

/** True when `date` (YYYY-MM-DD) is a working day in `cal`. */
export function isWorkingDay(cal: HolidayCalendar, date: string): boolean {
  if (cal.workingWeekends.has(date)) return true;
  if (cal.holidays.has(date)) return false;
  const d = weekday(date);
  return d !== 0 && d !== 6;
}

/** A date `n` working days after `start`, and whether a year without a published calendar was crossed. */
export interface WorkingDayResult {
  date: string;
  /** True when a date in a year missing from the calendar was counted (weekends only, holidays unknown). */
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
