/**
 * The typed error of deadline arithmetic that runs into a year whose official holiday
 * schedule is not loaded, under `whenYearMissing: "fail"`.
 * @module
 */
import { Schema } from "effect"
import { CalendarBase } from "./CalendarSpec"

/**
 * A computation needed to know which days of `year` are working days, but the calendar
 * has no schedule for that year (for the `cn-mainland` base: the year is neither
 * shipped with `@gridwork/core` nor listed under `calendar.years`).
 *
 * Fix it by adding the year as data to the locality model (`calendar.years`, in the
 * `CalendarYear` format, from the State Council's notice), by upgrading
 * `@gridwork/core`, or by choosing `calendar.whenYearMissing: "provisional"`, which
 * counts weekends only and marks the result provisional.
 */
export class CalendarYearNotLoaded extends Schema.TaggedError<CalendarYearNotLoaded>()("CalendarYearNotLoaded", {
  /** The local year whose schedule is missing. */
  year: Schema.Int,
  /** The calendar's base schedule, e.g. `cn-mainland`. */
  base: CalendarBase,
  /** The calendar's IANA time zone. */
  timeZone: Schema.String
}) {
  override get message(): string {
    return (
      `No holiday schedule is loaded for ${this.year} (calendar base "${this.base}", time zone ${this.timeZone}). ` +
      `Add it as data under calendar.years in the locality model ` +
      `({ year: ${this.year}, holidays: [{ date: "${this.year}-MM-DD", name: "..." }], makeUpWorkdays: [...] }), ` +
      `upgrade @gridwork/core to a version that ships ${this.year}, ` +
      `or set calendar.whenYearMissing to "provisional" to count weekends only and mark deadlines provisional.`
    )
  }
}
