/**
 * Values of deadline arithmetic: time units, periods as policies state them, the
 * deadline a calendar computes, and measured spans of time.
 * @module
 */
import { Schema } from "effect"
import { Instant } from "../primitives/Instant"

/**
 * The unit a period is counted in:
 * - `calendar-days`: local calendar days, the day of the start not counted, ending at
 *   the end of the last day (then the calendar's `lastDayRule`);
 * - `working-days`: working days, the day of the start not counted, ending at the end of
 *   the last working day (close of business when working hours are set);
 * - `working-hours`: hours of working time, counted from the starting instant;
 * - `minutes`: elapsed minutes (emergencies), counted from the starting instant.
 */
export const TimeUnit = Schema.Literals(["calendar-days", "working-days", "working-hours", "minutes"])
/** @see {@link TimeUnit} */
export type TimeUnit = typeof TimeUnit.Type

/**
 * Whether a unit is measured in working time (`working-days`, `working-hours`) rather
 * than in plain elapsed time (`calendar-days`, `minutes`). Pauses, remaining time and
 * progress use this measure.
 */
export const isWorkingUnit = (unit: TimeUnit): boolean => unit === "working-days" || unit === "working-hours"

/** A period as a policy states it, e.g. `{ amount: 15, unit: "working-days" }`. */
export const Period = Schema.Struct({
  amount: Schema.Int.check(
    Schema.makeFilter((n: number) => n >= 0, { expected: "a whole number of units, 0 or more" })
  ),
  unit: TimeUnit
})
/** @see {@link Period} */
export type Period = typeof Period.Type

/**
 * A computed deadline: the instant it falls due, and whether it is provisional (it ran
 * into a year whose official schedule was not loaded and was counted with weekends only;
 * recompute it once the year is loaded).
 */
export const Deadline = Schema.Struct({
  due: Instant,
  provisional: Schema.Boolean
})
/** @see {@link Deadline} */
export type Deadline = typeof Deadline.Type

/**
 * An amount of time in milliseconds, in the measure of a unit (working time for working
 * units, elapsed time otherwise). Negative when the interval runs backwards (e.g. the
 * remaining time of an overdue deadline). `provisional` as in {@link Deadline}.
 */
export interface Span {
  readonly ms: number
  readonly provisional: boolean
}

/**
 * The share of a period that has elapsed: 0 at the start, 1 when due, above 1 when
 * overdue (below 0 before the start). `provisional` as in {@link Deadline}.
 */
export interface Progress {
  readonly share: number
  readonly provisional: boolean
}
