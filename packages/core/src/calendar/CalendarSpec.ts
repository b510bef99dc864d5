/**
 * The `calendar` section of a locality model file: which time zone a locality works
 * in, which days and hours are working time, its public holidays and make-up working
 * days (调休), and what to do when a deadline runs into a year whose official schedule
 * is not loaded yet.
 *
 * The schema decodes plain data (YAML or JSON) and reports bad input with the path and
 * the rule, e.g. `expected an IANA time zone such as Asia/Shanghai` at `["timeZone"]`.
 * Optional fields stay optional in the decoded value so that a locality file can
 * extend a policy pack field by field; {@link withDefaults} fills them in.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { CalendarSpec } from "@gridwork/core"
 *
 * const spec = Schema.decodeUnknownSync(CalendarSpec.CalendarSpec)({
 *   timeZone: "Asia/Shanghai",
 *   base: "cn-mainland",
 *   workingHours: [{ start: "08:30", end: "12:00" }, { start: "14:00", end: "17:30" }],
 *   lastDayRule: "next-working-day"
 * })
 * ```
 * @module
 */
import { Result, Schema, SchemaIssue } from "effect"

// ---------------------------------------------------------------------------
// Scalars
// ---------------------------------------------------------------------------

const ianaName = /^(UTC|GMT|[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)+)$/

const isIanaTimeZone = (input: string): boolean => {
  if (!ianaName.test(input)) return false
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: input })
    return true
  } catch {
    return false
  }
}

/**
 * An IANA time-zone name known to the runtime's time-zone database, e.g.
 * `Asia/Shanghai`, `America/New_York` or `UTC`. Fixed offsets such as `+08:00` are
 * rejected: they ignore daylight-saving rules.
 */
export const TimeZone = Schema.String.check(
  Schema.makeFilter(isIanaTimeZone, { expected: "an IANA time zone such as Asia/Shanghai" })
).annotate({ identifier: "TimeZone" })
/** @see {@link TimeZone} */
export type TimeZone = typeof TimeZone.Type

const localDatePattern = /^(\d{4})-(\d{2})-(\d{2})$/

const isLocalDate = (input: string): boolean => {
  const match = localDatePattern.exec(input)
  if (match === null) return false
  const year = Number(match[1])
  const month = Number(match[2])
  const day = Number(match[3])
  if (month < 1 || month > 12 || day < 1) return false
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate()
}

/** A calendar date without time or zone, `YYYY-MM-DD` (ISO 8601), e.g. `2026-10-01`. */
export const LocalDate = Schema.String.check(
  Schema.makeFilter(isLocalDate, { expected: "a calendar date YYYY-MM-DD such as 2026-10-01" })
).annotate({ identifier: "LocalDate" })
/** @see {@link LocalDate} */
export type LocalDate = typeof LocalDate.Type

const localTimePattern = /^(\d{2}):(\d{2})$/

/** Minutes after local midnight of an `HH:MM` string (`24:00` is 1440). */
export const minutesOfLocalTime = (time: string): number => {
  const match = localTimePattern.exec(time)
  if (match === null) return Number.NaN
  return Number(match[1]) * 60 + Number(match[2])
}

const isLocalTime = (input: string): boolean => {
  const match = localTimePattern.exec(input)
  if (match === null) return false
  const hours = Number(match[1])
  const minutes = Number(match[2])
  return (hours < 24 && minutes < 60) || (hours === 24 && minutes === 0)
}

/** A local wall-clock time `HH:MM`, 24-hour, from `00:00` to `24:00` (end of day). */
export const LocalTime = Schema.String.check(
  Schema.makeFilter(isLocalTime, { expected: "a local time HH:MM between 00:00 and 24:00, such as 08:30" })
).annotate({ identifier: "LocalTime" })
/** @see {@link LocalTime} */
export type LocalTime = typeof LocalTime.Type

/** An ISO weekday number: 1 = Monday … 7 = Sunday. */
export const IsoWeekday = Schema.Int.check(
  Schema.makeFilter((n: number) => n >= 1 && n <= 7, { expected: "an ISO weekday from 1 (Monday) to 7 (Sunday)" })
).annotate({ identifier: "IsoWeekday" })
/** @see {@link IsoWeekday} */
export type IsoWeekday = typeof IsoWeekday.Type

// ---------------------------------------------------------------------------
// Composite parts
// ---------------------------------------------------------------------------

/** One interval of working hours on a working day, e.g. `{ start: "08:30", end: "12:00" }`. */
export const WorkingInterval = Schema.Struct({
  start: LocalTime,
  end: LocalTime
}).check(
  Schema.makeFilter(
    (interval) =>
      minutesOfLocalTime(interval.start) < minutesOfLocalTime(interval.end) ||
      `A working interval must end after it starts (got ${interval.start}-${interval.end})`
  )
)
/** @see {@link WorkingInterval} */
export type WorkingInterval = typeof WorkingInterval.Type

/** A named date: a public holiday or a make-up working day. */
export const NamedDate = Schema.Struct({
  date: LocalDate,
  name: Schema.String.check(Schema.isNonEmpty({ expected: "a non-empty name, such as 国庆节 or National Day" }))
})
/** @see {@link NamedDate} */
export type NamedDate = typeof NamedDate.Type

const namedDatesOfYearInvalid = (
  year: number,
  field: "holidays" | "makeUpWorkdays",
  dates: ReadonlyArray<NamedDate>
): Array<Schema.FilterIssue> => {
  const issues: Array<Schema.FilterIssue> = []
  dates.forEach((entry, index) => {
    if (Number(entry.date.slice(0, 4)) !== year) {
      issues.push({ path: [field, index, "date"], issue: `Expected a date in ${year}, got ${entry.date}` })
    }
  })
  return issues
}

const duplicateDateIssues = (
  holidays: ReadonlyArray<NamedDate>,
  makeUpWorkdays: ReadonlyArray<NamedDate>
): Array<Schema.FilterIssue> => {
  const issues: Array<Schema.FilterIssue> = []
  const holidaySet = new Set(holidays.map((h) => h.date))
  makeUpWorkdays.forEach((entry, index) => {
    if (holidaySet.has(entry.date)) {
      issues.push({
        path: ["makeUpWorkdays", index, "date"],
        issue: `${entry.date} is listed both as a holiday and as a make-up working day`
      })
    }
  })
  return issues
}

/**
 * The official schedule of one year: its public holidays (days off, including the
 * weekend days folded into a holiday week) and its make-up working days (调休, usually
 * weekend days that become working days). This is also the format in which a locality
 * supplies a newly published year as data, without waiting for a release.
 */
export const CalendarYear = Schema.Struct({
  year: Schema.Int.check(
    Schema.makeFilter((n: number) => n >= 1970 && n <= 9999, { expected: "a year from 1970 to 9999" })
  ),
  holidays: Schema.Array(NamedDate),
  makeUpWorkdays: Schema.Array(NamedDate),
  /** Where the dates come from, e.g. the notice number of the State Council. */
  source: Schema.optionalKey(Schema.String)
}).check(
  Schema.makeFilter((y) => [
    ...namedDatesOfYearInvalid(y.year, "holidays", y.holidays),
    ...namedDatesOfYearInvalid(y.year, "makeUpWorkdays", y.makeUpWorkdays),
    ...duplicateDateIssues(y.holidays, y.makeUpWorkdays)
  ])
)
/** @see {@link CalendarYear} */
export type CalendarYear = typeof CalendarYear.Type

/** Shipped schedules to start from. */
export const CalendarBase = Schema.Literals(["cn-mainland", "weekdays"])
/** @see {@link CalendarBase} */
export type CalendarBase = typeof CalendarBase.Type

/** What a deadline does when it runs into a year whose schedule is not loaded. */
export const WhenYearMissing = Schema.Literals(["fail", "provisional"])
/** @see {@link WhenYearMissing} */
export type WhenYearMissing = typeof WhenYearMissing.Type

/**
 * How a period counted in calendar days ends when its last day is not a working day:
 * `as-is` keeps the day; `next-working-day` moves the end to the end of the first
 * working day after it (the Chinese procedural rule: 期间届满的最后一日是节假日的，以节假日后的第一日为期间届满的日期).
 */
export const LastDayRule = Schema.Literals(["as-is", "next-working-day"])
/** @see {@link LastDayRule} */
export type LastDayRule = typeof LastDayRule.Type

// ---------------------------------------------------------------------------
// The spec
// ---------------------------------------------------------------------------

const workingHoursIssues = (hours: ReadonlyArray<WorkingInterval>): Array<Schema.FilterIssue> => {
  const issues: Array<Schema.FilterIssue> = []
  for (let i = 1; i < hours.length; i++) {
    const previous = hours[i - 1]
    const current = hours[i]
    if (previous !== undefined && current !== undefined) {
      if (minutesOfLocalTime(current.start) < minutesOfLocalTime(previous.end)) {
        issues.push({
          path: ["workingHours", i],
          issue: `Working intervals must be in order and must not overlap (${previous.start}-${previous.end} then ${current.start}-${current.end})`
        })
      }
    }
  }
  return issues
}

const weekdayIssues = (days: ReadonlyArray<number>): Array<Schema.FilterIssue> => {
  if (days.length === 0) return [{ path: ["workingWeekdays"], issue: "Expected at least one working weekday" }]
  const seen = new Set<number>()
  const issues: Array<Schema.FilterIssue> = []
  days.forEach((d, index) => {
    if (seen.has(d)) issues.push({ path: ["workingWeekdays", index], issue: `Weekday ${d} is listed twice` })
    seen.add(d)
  })
  return issues
}

const yearsIssues = (years: ReadonlyArray<CalendarYear>): Array<Schema.FilterIssue> => {
  const seen = new Set<number>()
  const issues: Array<Schema.FilterIssue> = []
  years.forEach((y, index) => {
    if (seen.has(y.year)) issues.push({ path: ["years", index, "year"], issue: `Year ${y.year} is listed twice` })
    seen.add(y.year)
  })
  return issues
}

/**
 * The `calendar` section of a locality model.
 *
 * - `timeZone`: IANA zone of the locality; local days and hours are taken there.
 * - `base` (default `"weekdays"`): shipped schedule to start from. `"cn-mainland"` has
 *   the official holidays and make-up working days of mainland China for the years
 *   shipped (2025, 2026); `"weekdays"` is Monday–Friday with only the holidays given.
 * - `workingWeekdays` (default `[1,2,3,4,5]`): ISO weekdays that are working days.
 * - `workingHours` (default: none, whole days count): ordered, non-overlapping local
 *   intervals of working time on a working day, e.g. 08:30–12:00 and 14:00–17:30.
 * - `holidays` / `makeUpWorkdays`: dates added to the base in any year (local holidays,
 *   local make-up days). They do not make a year count as loaded.
 * - `years`: whole official years supplied as data ({@link CalendarYear}); a year listed
 *   here counts as loaded, and replaces the shipped schedule of that year if any.
 * - `whenYearMissing` (default `"fail"`): a deadline that runs into a year not loaded
 *   either fails with `CalendarYearNotLoaded` or, with `"provisional"`, counts weekends
 *   only and is marked provisional.
 * - `lastDayRule` (default `"as-is"`): see {@link LastDayRule}.
 */
export const CalendarSpec = Schema.Struct({
  timeZone: TimeZone,
  base: Schema.optionalKey(CalendarBase),
  workingWeekdays: Schema.optionalKey(Schema.Array(IsoWeekday)),
  workingHours: Schema.optionalKey(Schema.Array(WorkingInterval)),
  holidays: Schema.optionalKey(Schema.Array(NamedDate)),
  makeUpWorkdays: Schema.optionalKey(Schema.Array(NamedDate)),
  years: Schema.optionalKey(Schema.Array(CalendarYear)),
  whenYearMissing: Schema.optionalKey(WhenYearMissing),
  lastDayRule: Schema.optionalKey(LastDayRule)
})
  .check(
    Schema.makeFilter((spec) => [
      ...(spec.workingWeekdays === undefined ? [] : weekdayIssues(spec.workingWeekdays)),
      ...(spec.workingHours === undefined ? [] : workingHoursIssues(spec.workingHours)),
      ...(spec.years === undefined ? [] : yearsIssues(spec.years)),
      ...duplicateDateIssues(spec.holidays ?? [], spec.makeUpWorkdays ?? [])
    ])
  )
  .annotate({ identifier: "CalendarSpec" })
/** @see {@link CalendarSpec} */
export type CalendarSpec = typeof CalendarSpec.Type

/** A {@link CalendarSpec} with every default filled in. */
export interface ResolvedCalendarSpec {
  readonly timeZone: string
  readonly base: CalendarBase
  readonly workingWeekdays: ReadonlyArray<number>
  readonly workingHours: ReadonlyArray<WorkingInterval>
  readonly holidays: ReadonlyArray<NamedDate>
  readonly makeUpWorkdays: ReadonlyArray<NamedDate>
  readonly years: ReadonlyArray<CalendarYear>
  readonly whenYearMissing: WhenYearMissing
  readonly lastDayRule: LastDayRule
}

/** The defaults of every optional field. */
export const defaults: Omit<ResolvedCalendarSpec, "timeZone"> = {
  base: "weekdays",
  workingWeekdays: [1, 2, 3, 4, 5],
  workingHours: [],
  holidays: [],
  makeUpWorkdays: [],
  years: [],
  whenYearMissing: "fail",
  lastDayRule: "as-is"
}

/** Fills in the defaults of a decoded spec. */
export const withDefaults = (spec: CalendarSpec): ResolvedCalendarSpec => ({
  timeZone: spec.timeZone,
  base: spec.base ?? defaults.base,
  workingWeekdays: spec.workingWeekdays ?? defaults.workingWeekdays,
  workingHours: spec.workingHours ?? defaults.workingHours,
  holidays: spec.holidays ?? defaults.holidays,
  makeUpWorkdays: spec.makeUpWorkdays ?? defaults.makeUpWorkdays,
  years: spec.years ?? defaults.years,
  whenYearMissing: spec.whenYearMissing ?? defaults.whenYearMissing,
  lastDayRule: spec.lastDayRule ?? defaults.lastDayRule
})

/**
 * Decodes unknown input (e.g. parsed YAML) into a {@link CalendarSpec}; on failure the
 * error is a readable multi-line message naming each bad path and the rule it broke.
 */
export const decodeUnknown = (input: unknown): Result.Result<CalendarSpec, string> =>
  Result.mapError(Schema.decodeUnknownResult(CalendarSpec)(input, { errors: "all" }), (error) =>
    SchemaIssue.makeFormatterDefault()(error.issue)
  )

/**
 * Builds a spec from a literal in code, checking it like input from a file.
 * Throws an `Error` with the readable message on bad input (use {@link decodeUnknown}
 * or the Schema at boundaries).
 */
export const make = (input: CalendarSpec): CalendarSpec => {
  const result = decodeUnknown(input)
  if (Result.isFailure(result)) throw new Error(`Invalid calendar spec:\n${result.failure}`)
  return result.success
}
