/**
 * Business calendars and deadline arithmetic.
 *
 * A {@link BusinessCalendar} is built from a {@link CalendarSpec} (the `calendar` section
 * of a locality model). It knows the locality's time zone, working weekdays, public
 * holidays, make-up working days (调休) and optional working hours, and computes
 * deadlines from instants. Everything is pure and synchronous: no I/O, no clock; the
 * results are values, and a year whose schedule is missing is a typed error
 * ({@link CalendarYearNotLoaded}) or an explicitly provisional result, never a silent
 * guess. The calendar memoizes one table per local year (day boundaries as instants,
 * day kinds, working intervals, cumulative working time), so deadline arithmetic does
 * not touch `Intl` once a year has been seen.
 *
 * ## Counting rules
 *
 * - **Day units start the day after.** The day of the starting instant is not counted
 *   (民法典 第二百零一条: 按照年、月、日计算期间的，开始的当日不计入，自下一日开始计算).
 * - **`N working days` from `t`** fall due at the end of the Nth working day after the
 *   local day of `t`: at the close of the last working interval when working hours are
 *   set, otherwise at local midnight ending that day (民法典 第二百零三条: 期间的最后一日的
 *   截止时间为二十四时；有业务时间的，停止业务活动的时间为截止时间). `0 working days` is
 *   the end of the current day if it is a working day still open, else of the next one.
 * - **`N calendar days` from `t`** fall due at the end of the Nth local day after the
 *   day of `t` (close of business if working hours are set and that day is a working
 *   day, otherwise midnight). With `lastDayRule: "next-working-day"`, a last day that is
 *   not a working day moves to the end of the first working day after it (民法典 第二百零
 *   三条: 期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日).
 * - **`N working hours` from `t`** advance through working time only, starting at `t`
 *   (hours are counted from the instant, 民法典 第二百零一条第二款).
 * - **`N minutes`** are plain elapsed time (emergency response).
 *
 * ## Working time
 *
 * The measure of working units (`working-days`, `working-hours`) is *working time*: the
 * milliseconds inside working intervals of working days, or, when no working hours are
 * set, the whole length of working days (00:00–24:00 local). `workingTimeBetween(a, b)`
 * measures it and `advanceWorkingTime(t, ms)` returns the earliest instant at which `ms`
 * of it have passed since `t`. Calendar units (`calendar-days`, `minutes`) use plain
 * elapsed time. Pauses use the measure of their unit: pausing at `p` and resuming at `r`
 * gives `remaining = measure(p, due)` and `newDue = advance(r, remaining)`, which shifts
 * the deadline by exactly the working time between `p` and `r`.
 *
 * ## Missing years
 *
 * For the `cn-mainland` base a year is loaded when it is shipped (see `CnMainland`) or
 * listed under `years`. For the `weekdays` base with no `years` list every year is
 * loaded: its holidays are exactly the ones configured. With a `years` list, only the
 * listed years are loaded. An operation that needs to know the working days of a year
 * that is not loaded follows `whenYearMissing`: `"fail"` returns
 * {@link CalendarYearNotLoaded}; `"provisional"` counts the working weekdays only (plus
 * the locality's own `holidays` and `makeUpWorkdays`) and marks the result
 * `provisional: true`, to be recomputed once the year is loaded.
 *
 * @example
 * ```ts
 * import { Result } from "effect"
 * import { BusinessCalendar, CnMainland, Instant } from "@gridwork/core"
 *
 * const calendar = BusinessCalendar.make(CnMainland.spec)
 * const filed = Instant.unsafeFromIso("2026-09-28T10:00:00+08:00")
 * const deadline = Result.getOrThrow(calendar.addWorkingDays(filed, 15))
 * Instant.toIso(deadline.due) // "2026-10-23T16:00:00.000Z" (end of Fri 23 Oct, Beijing time)
 * ```
 * @module
 */
import { Result } from "effect"
import type { Instant } from "../primitives/Instant"
import {
  type CalendarSpec,
  type CalendarYear,
  make as checkSpec,
  minutesOfLocalTime,
  type NamedDate,
  type ResolvedCalendarSpec,
  withDefaults
} from "./CalendarSpec"
import { CalendarYearNotLoaded } from "./CalendarYearNotLoaded"
import { years as cnMainlandYears } from "./CnMainland"
import { type Deadline, isWorkingUnit, type Period, type Progress, type Span, type TimeUnit } from "./Deadline"
import {
  DAY_MS,
  dayOfIsoDate,
  daysFromCivil,
  isoDateOfDay,
  isoWeekdayOfDay,
  yearOfDay,
  ZoneOffsets
} from "./ZoneOffsets"

const MINUTE_MS = 60_000
const HOUR_MS = 3_600_000
const MIN_YEAR = 1
const MAX_YEAR = 9999

const LOADED = 0
const PROVISIONAL = 1
const MISSING = 2
type YearStatus = typeof LOADED | typeof PROVISIONAL | typeof MISSING

/** Everything the calendar knows about one local year, as flat typed arrays. */
interface YearTable {
  readonly year: number
  /** Day number (days since 1970-01-01) of 1 January. */
  readonly firstDay: number
  readonly length: number
  readonly status: YearStatus
  /** `starts[i]`: instant of the start of local day `i`; `starts[length]`: start of next year. */
  readonly starts: Float64Array
  /** 1 on working days. */
  readonly working: Uint8Array
  /** End of a day for deadlines: close of business on a working day with hours, else next midnight. */
  readonly dayEnd: Float64Array
  /** Working intervals as instants, `[start, end]` pairs, `intervalCount` per day (working days only). */
  readonly intervals: Float64Array
  /** `cum[i]`: working time from the start of the year to the start of day `i`. */
  readonly cum: Float64Array
}

interface YearSchedule {
  readonly holidays: ReadonlyMap<number, string>
  readonly makeUpWorkdays: ReadonlyMap<number, string>
}

/** One local day as the calendar sees it. */
export interface CalendarDay {
  /** The local date, `YYYY-MM-DD`. */
  readonly date: string
  /** ISO weekday, 1 = Monday … 7 = Sunday. */
  readonly isoWeekday: number
  /** Whether the day is a working day. */
  readonly working: boolean
  /** The holiday or make-up working day, when the day is one. */
  readonly name?: string
  /** Whether the classification is provisional (year not loaded). */
  readonly provisional: boolean
  /** Instant of the start of the day (local midnight). */
  readonly start: Instant
  /** Instant of the end of the day (next local midnight). */
  readonly end: Instant
}

type CalendarResult<A> = Result.Result<A, CalendarYearNotLoaded>

const toMap = (dates: ReadonlyArray<NamedDate>): Map<number, string> => {
  const map = new Map<number, string>()
  for (const entry of dates) map.set(dayOfIsoDate(entry.date), entry.name)
  return map
}

const checkCount = (n: number, what: string): void => {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`${what}: expected a whole number 0 or more, got ${n}`)
  }
}

const checkInstant = (t: number, what: string): void => {
  if (!Number.isSafeInteger(t)) throw new RangeError(`${what}: expected an Instant (integer epoch ms), got ${t}`)
}

/**
 * A business calendar: time zone, working days and hours, holidays and make-up working
 * days, and deadline arithmetic over them. Build it with {@link make}. See the module
 * documentation for the counting rules.
 *
 * Instances memoize per-year tables internally; they are safe to share and their
 * results depend only on the spec and the arguments.
 */
export class BusinessCalendar {
  /** The spec with every default filled in. */
  readonly spec: ResolvedCalendarSpec
  private readonly zone: ZoneOffsets
  private readonly hours: ReadonlyArray<readonly [number, number]>
  private readonly intervalCount: number
  private readonly workingWeekday: ReadonlyArray<boolean>
  private readonly extraHolidays: ReadonlyMap<number, string>
  private readonly extraMakeUpWorkdays: ReadonlyMap<number, string>
  private readonly schedules: ReadonlyMap<number, YearSchedule>
  private readonly everyYearLoaded: boolean
  private readonly tables = new Map<number, YearTable>()
  private last: YearTable | undefined = undefined
  private at: YearTable | undefined = undefined
  private atIndex = 0
  private provisional = false

  private constructor(spec: CalendarSpec) {
    this.spec = withDefaults(checkSpec(spec))
    this.zone = new ZoneOffsets(this.spec.timeZone)
    this.hours = this.spec.workingHours.map(
      (interval) => [minutesOfLocalTime(interval.start), minutesOfLocalTime(interval.end)] as const
    )
    this.intervalCount = this.hours.length
    const weekdays = [false, false, false, false, false, false, false, false]
    for (const d of this.spec.workingWeekdays) weekdays[d] = true
    this.workingWeekday = weekdays
    this.extraHolidays = toMap(this.spec.holidays)
    this.extraMakeUpWorkdays = toMap(this.spec.makeUpWorkdays)
    const schedules = new Map<number, YearSchedule>()
    const addYear = (y: CalendarYear): void => {
      schedules.set(y.year, { holidays: toMap(y.holidays), makeUpWorkdays: toMap(y.makeUpWorkdays) })
    }
    if (this.spec.base === "cn-mainland") for (const y of cnMainlandYears) addYear(y)
    for (const y of this.spec.years) addYear(y)
    this.schedules = schedules
    this.everyYearLoaded = this.spec.base === "weekdays" && this.spec.years.length === 0
  }

  /**
   * Builds a calendar from a {@link CalendarSpec}. Pure: no I/O. Decode input from files
   * with the `CalendarSpec` schema at the boundary; a spec that breaks its rules here (a
   * literal written in code) throws an `Error` naming each bad field.
   */
  static make(spec: CalendarSpec): BusinessCalendar {
    return new BusinessCalendar(spec)
  }

  /** The IANA time zone of the calendar. */
  get timeZone(): string {
    return this.spec.timeZone
  }

  /** Whether the official schedule of a local year is loaded (see the module docs). */
  isYearLoaded(year: number): boolean {
    return this.everyYearLoaded || this.schedules.has(year)
  }

  // -------------------------------------------------------------------------
  // Deadlines
  // -------------------------------------------------------------------------

  /** Adds a period (`{ amount, unit }`) to an instant; dispatches on the unit. */
  add(start: Instant, period: Period): CalendarResult<Deadline> {
    switch (period.unit) {
      case "calendar-days":
        return this.addCalendarDays(start, period.amount)
      case "working-days":
        return this.addWorkingDays(start, period.amount)
      case "working-hours":
        return this.addWorkingHours(start, period.amount)
      case "minutes":
        return this.addMinutes(start, period.amount)
    }
  }

  /**
   * `n` working days after the local day of `start` (that day not counted): the end of
   * the nth working day after it. `n = 0`: the end of the current day if it is a working
   * day that has not yet ended (close of business not yet passed), else of the next
   * working day. Throws `RangeError` if `n` is not a whole number 0 or more.
   */
  addWorkingDays(start: Instant, n: number): CalendarResult<Deadline> {
    checkCount(n, "working days")
    checkInstant(start, "start")
    this.provisional = false
    this.locate(start)
    let table = this.at!
    let i = n === 0 ? this.atIndex : this.atIndex + 1
    let remaining = n
    for (;;) {
      if (i >= table.length) {
        table = this.table(table.year + 1)
        i = 0
      }
      if (table.status !== LOADED) {
        if (table.status === MISSING) return this.fail(table.year)
        this.provisional = true
      }
      const working = table.working
      const length = table.length
      while (i < length) {
        if (working[i] === 1) {
          if (remaining === 0) {
            if (table.dayEnd[i]! > start) return this.deadline(table.dayEnd[i]!)
          } else if (remaining === 1) {
            return this.deadline(table.dayEnd[i]!)
          } else {
            remaining--
          }
        }
        i++
      }
    }
  }

  /**
   * `n` calendar days after the local day of `start` (that day not counted): the end of
   * the nth day after it, then the calendar's `lastDayRule`. `n = 0` is the end of the
   * current day; once its close of business has passed, the same as `n = 1`.
   * Throws `RangeError` if `n` is not a whole number 0 or more.
   */
  addCalendarDays(start: Instant, n: number): CalendarResult<Deadline> {
    checkCount(n, "calendar days")
    checkInstant(start, "start")
    this.provisional = false
    this.locate(start)
    const day = this.at!.firstDay + this.atIndex + n
    let table = this.table(yearOfDay(day))
    let i = day - table.firstDay
    if (this.spec.lastDayRule === "next-working-day") {
      for (;;) {
        if (i >= table.length) {
          table = this.table(table.year + 1)
          i = 0
        }
        if (table.status === MISSING) return this.fail(table.year)
        if (table.status === PROVISIONAL) this.provisional = true
        if (table.working[i] === 1 && table.dayEnd[i]! > start) return this.deadline(table.dayEnd[i]!)
        i++
      }
    }
    if (this.intervalCount === 0) return this.deadline(table.starts[i + 1]!)
    if (table.status === MISSING) return this.fail(table.year)
    if (table.status === PROVISIONAL) this.provisional = true
    // Only `n = 0` after the close of business can end before the start.
    if (table.dayEnd[i]! <= start) return this.addCalendarDays(start, 1)
    return this.deadline(table.dayEnd[i]!)
  }

  /**
   * `hours` of working time after `start` (see the module docs): the earliest instant by
   * which that much working time has passed. Without working hours set, working days
   * count in whole (24 h each). Throws `RangeError` if `hours` is not a whole number 0
   * or more.
   */
  addWorkingHours(start: Instant, hours: number): CalendarResult<Deadline> {
    checkCount(hours, "working hours")
    return this.advanceWorkingTime(start, hours * HOUR_MS)
  }

  /** `minutes` of elapsed time after `start` (emergencies); never provisional. */
  addMinutes(start: Instant, minutes: number): CalendarResult<Deadline> {
    checkCount(minutes, "minutes")
    checkInstant(start, "start")
    return Result.succeed({ due: (start + minutes * MINUTE_MS) as Instant, provisional: false })
  }

  // -------------------------------------------------------------------------
  // Working time
  // -------------------------------------------------------------------------

  /**
   * Working time between two instants, in milliseconds (negative when `to` is before
   * `from`). Additive: `between(a, b) + between(b, c) = between(a, c)`.
   */
  workingTimeBetween(from: Instant, to: Instant): CalendarResult<Span> {
    checkInstant(from, "from")
    checkInstant(to, "to")
    this.provisional = false
    const ms = from <= to ? this.between(from, to) : -this.between(to, from)
    if (Number.isNaN(ms)) return this.fail(this.failedYear)
    return Result.succeed({ ms, provisional: this.provisional })
  }

  /**
   * The earliest instant at or after `start` by which `ms` of working time have passed
   * since `start`. Throws `RangeError` if `ms` is not a whole number 0 or more.
   */
  advanceWorkingTime(start: Instant, ms: number): CalendarResult<Deadline> {
    checkCount(ms, "working time (ms)")
    checkInstant(start, "start")
    this.provisional = false
    const due = this.advance(start, ms)
    if (Number.isNaN(due)) return this.fail(this.failedYear)
    return this.deadline(due)
  }

  /**
   * Time from `from` to `to` in the measure of `unit`: working time for working units,
   * elapsed time for calendar units.
   */
  measure(from: Instant, to: Instant, unit: TimeUnit): CalendarResult<Span> {
    if (isWorkingUnit(unit)) return this.workingTimeBetween(from, to)
    return Result.succeed({ ms: to - from, provisional: false })
  }

  /** Time left from `now` until `due` in the measure of `unit`; negative when overdue. */
  remaining(now: Instant, due: Instant, unit: TimeUnit): CalendarResult<Span> {
    return this.measure(now, due, unit)
  }

  /**
   * Share of the period from `start` to `due` that has elapsed at `now`, in the measure
   * of `unit`: 0 at the start, 1 when due, above 1 when overdue. A period of zero
   * length counts as 0 before `due` and 1 from `due` on.
   */
  shareElapsed(start: Instant, now: Instant, due: Instant, unit: TimeUnit): CalendarResult<Progress> {
    const total = this.measure(start, due, unit)
    if (Result.isFailure(total)) return Result.fail(total.failure)
    const elapsed = this.measure(start, now, unit)
    if (Result.isFailure(elapsed)) return Result.fail(elapsed.failure)
    const provisional = total.success.provisional || elapsed.success.provisional
    if (total.success.ms === 0) return Result.succeed({ share: now >= due ? 1 : 0, provisional })
    return Result.succeed({ share: elapsed.success.ms / total.success.ms, provisional })
  }

  /**
   * The deadline after a pause from `pausedAt` to `resumedAt` (e.g. waiting for a
   * petitioner's documents): `advance(resumedAt, measure(pausedAt, due))`, which moves
   * the deadline by exactly the working time (or elapsed time, for calendar units)
   * between the pause and the resumption. A deadline already passed when paused is
   * returned unchanged. Throws `RangeError` if `resumedAt` is before `pausedAt`.
   */
  resume(deadline: Deadline, pausedAt: Instant, resumedAt: Instant, unit: TimeUnit): CalendarResult<Deadline> {
    if (resumedAt < pausedAt) {
      throw new RangeError(`resumedAt (${resumedAt}) must not be before pausedAt (${pausedAt})`)
    }
    if (pausedAt >= deadline.due) return Result.succeed(deadline)
    if (!isWorkingUnit(unit)) {
      return Result.succeed({
        due: (deadline.due + (resumedAt - pausedAt)) as Instant,
        provisional: deadline.provisional
      })
    }
    const left = this.workingTimeBetween(pausedAt, deadline.due)
    if (Result.isFailure(left)) return Result.fail(left.failure)
    const moved = this.advanceWorkingTime(resumedAt, left.success.ms)
    if (Result.isFailure(moved)) return moved
    return Result.succeed({
      due: moved.success.due,
      provisional: deadline.provisional || left.success.provisional || moved.success.provisional
    })
  }

  // -------------------------------------------------------------------------
  // Days
  // -------------------------------------------------------------------------

  /** The local date (`YYYY-MM-DD`) of an instant in the calendar's time zone. */
  localDate(t: Instant): string {
    checkInstant(t, "t")
    this.locate(t)
    return isoDateOfDay(this.at!.firstDay + this.atIndex)
  }

  /**
   * The instant of a local date and wall-clock time (`HH:MM`, default `00:00`) in the
   * calendar's time zone. A time skipped by a daylight-saving change reads as the same
   * distance after the change; a repeated time resolves to its first occurrence.
   */
  instantOf(date: string, time = "00:00"): Instant {
    const minutes = minutesOfLocalTime(time)
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(minutes)) {
      throw new RangeError(`expected a local date YYYY-MM-DD and time HH:MM, got ${date} ${time}`)
    }
    return this.zone.wallToUtc(dayOfIsoDate(date) * DAY_MS + minutes * MINUTE_MS) as Instant
  }

  /**
   * The local day containing an instant: date, kind, name, and its bounds. Fails with
   * {@link CalendarYearNotLoaded} for a year not loaded under `whenYearMissing: "fail"`.
   */
  dayAt(t: Instant): CalendarResult<CalendarDay> {
    checkInstant(t, "t")
    this.locate(t)
    const table = this.at!
    const i = this.atIndex
    if (table.status === MISSING) return this.fail(table.year)
    const day = table.firstDay + i
    const name =
      this.extraMakeUpWorkdays.get(day) ??
      this.extraHolidays.get(day) ??
      this.schedules.get(table.year)?.makeUpWorkdays.get(day) ??
      this.schedules.get(table.year)?.holidays.get(day)
    const base = {
      date: isoDateOfDay(day),
      isoWeekday: isoWeekdayOfDay(day),
      working: table.working[i] === 1,
      provisional: table.status === PROVISIONAL,
      start: table.starts[i]! as Instant,
      end: table.starts[i + 1]! as Instant
    }
    return Result.succeed(name === undefined ? base : { ...base, name })
  }

  /** Whether the local day containing `t` is a working day. */
  isWorkingDay(t: Instant): CalendarResult<boolean> {
    return Result.map(this.dayAt(t), (day) => day.working)
  }

  // -------------------------------------------------------------------------
  // Internals
  // -------------------------------------------------------------------------

  private failedYear = 0

  private fail(year: number): Result.Result<never, CalendarYearNotLoaded> {
    return Result.fail(new CalendarYearNotLoaded({ year, base: this.spec.base, timeZone: this.spec.timeZone }))
  }

  private deadline(due: number): CalendarResult<Deadline> {
    return Result.succeed({ due: due as Instant, provisional: this.provisional })
  }

  /** Sets `at` / `atIndex` to the table and day index of the local day containing `t`. */
  private locate(t: number): void {
    let table = this.last
    if (table === undefined || t < table.starts[0]! || t >= table.starts[table.length]!) {
      table = this.table(yearOfDay(Math.floor(t / DAY_MS)))
      while (t < table.starts[0]!) table = this.table(table.year - 1)
      while (t >= table.starts[table.length]!) table = this.table(table.year + 1)
      this.last = table
    }
    const starts = table.starts
    let i = Math.floor((t - starts[0]!) / DAY_MS)
    if (i < 0) i = 0
    else if (i >= table.length) i = table.length - 1
    while (starts[i + 1]! <= t) i++
    while (starts[i]! > t) i--
    this.at = table
    this.atIndex = i
  }

  /** Working time from the start of `table`'s year to `t`, which lies in day `i`. */
  private cumAt(table: YearTable, i: number, t: number): number {
    const base = table.cum[i]!
    if (table.working[i] !== 1) return base
    const k = this.intervalCount
    if (k === 0) return base + (t - table.starts[i]!)
    let acc = base
    const intervals = table.intervals
    for (let j = 0, p = i * k * 2; j < k; j++, p += 2) {
      const s = intervals[p]!
      if (t <= s) break
      const e = intervals[p + 1]!
      acc += Math.min(t, e) - s
    }
    return acc
  }

  /** Marks provisional or records the failed year; true when the table can be used. */
  private usable(table: YearTable): boolean {
    if (table.status === LOADED) return true
    if (table.status === PROVISIONAL) {
      this.provisional = true
      return true
    }
    this.failedYear = table.year
    return false
  }

  /** Working time from `a` to `b`, `a <= b`; NaN when a needed year is missing. */
  private between(a: number, b: number): number {
    if (a === b) return 0
    this.locate(a)
    const ta = this.at!
    const ia = this.atIndex
    if (!this.usable(ta)) return Number.NaN
    const ca = this.cumAt(ta, ia, a)
    this.locate(b)
    const tb = this.at!
    const ib = this.atIndex
    if (tb === ta) return this.cumAt(tb, ib, b) - ca
    let total = ta.cum[ta.length]! - ca
    for (let y = ta.year + 1; y < tb.year; y++) {
      const t = this.table(y)
      if (!this.usable(t)) return Number.NaN
      total += t.cum[t.length]!
    }
    if (b > tb.starts[0]!) {
      if (!this.usable(tb)) return Number.NaN
      total += this.cumAt(tb, ib, b)
    }
    return total
  }

  /** Earliest instant `u >= t` with `ms` of working time in `[t, u]`; NaN when a year is missing. */
  private advance(t: number, ms: number): number {
    if (ms === 0) return t
    this.locate(t)
    let table = this.at!
    let i = this.atIndex
    if (!this.usable(table)) return Number.NaN
    let target = this.cumAt(table, i, t) + ms
    for (;;) {
      const cum = table.cum
      const total = cum[table.length]!
      if (target <= total) {
        // smallest day j >= i whose end reaches the target
        let lo = i
        let hi = table.length - 1
        while (lo < hi) {
          const mid = (lo + hi) >>> 1
          if (cum[mid + 1]! >= target) hi = mid
          else lo = mid + 1
        }
        return this.within(table, lo, target - cum[lo]!)
      }
      target -= total
      table = this.table(table.year + 1)
      i = 0
      if (!this.usable(table)) return Number.NaN
    }
  }

  /** The instant at which `r > 0` ms of working time have passed since the start of working day `j`. */
  private within(table: YearTable, j: number, r: number): number {
    const k = this.intervalCount
    if (k === 0) return table.starts[j]! + r
    const intervals = table.intervals
    let left = r
    for (let x = 0, p = j * k * 2; x < k; x++, p += 2) {
      const s = intervals[p]!
      const length = intervals[p + 1]! - s
      if (left <= length) return s + left
      left -= length
    }
    return table.dayEnd[j]!
  }

  private statusOf(year: number): YearStatus {
    if (this.isYearLoaded(year)) return LOADED
    return this.spec.whenYearMissing === "provisional" ? PROVISIONAL : MISSING
  }

  private isWorking(day: number, schedule: YearSchedule | undefined): boolean {
    if (this.extraMakeUpWorkdays.has(day)) return true
    if (this.extraHolidays.has(day)) return false
    if (schedule !== undefined) {
      if (schedule.makeUpWorkdays.has(day)) return true
      if (schedule.holidays.has(day)) return false
    }
    return this.workingWeekday[isoWeekdayOfDay(day)] === true
  }

  /** The (memoized) table of a local year. */
  private table(year: number): YearTable {
    const cached = this.tables.get(year)
    if (cached !== undefined) return cached
    if (year < MIN_YEAR || year > MAX_YEAR) {
      throw new RangeError(`instant outside the supported years ${MIN_YEAR}-${MAX_YEAR} (year ${year})`)
    }
    const built = this.build(year)
    this.tables.set(year, built)
    return built
  }

  private build(year: number): YearTable {
    const zone = this.zone
    const firstDay = daysFromCivil(year, 1, 1)
    const length = daysFromCivil(year + 1, 1, 1) - firstDay
    const status = this.statusOf(year)
    const k = this.intervalCount
    const starts = new Float64Array(length + 1)
    const working = new Uint8Array(length)
    const dayEnd = new Float64Array(length)
    const intervals = new Float64Array(length * k * 2)
    const cum = new Float64Array(length + 1)

    // Day boundaries: reuse neighbours' boundaries so adjacent tables agree exactly.
    const previous = this.tables.get(year - 1)
    const next = this.tables.get(year + 1)
    let hint: number | undefined
    for (let i = 0; i <= length; i++) {
      const wall = (firstDay + i) * DAY_MS
      let start: number
      if (i === 0 && previous !== undefined) start = previous.starts[previous.length]!
      else if (i === length && next !== undefined) start = next.starts[0]!
      else start = zone.wallToUtc(wall, hint)
      starts[i] = start
      hint = wall - start
    }

    const schedule = this.schedules.get(year)
    for (let i = 0; i < length; i++) {
      const day = firstDay + i
      const dayStart = starts[i]!
      const nextStart = starts[i + 1]!
      const isWorking = status !== MISSING && this.isWorking(day, schedule)
      working[i] = isWorking ? 1 : 0
      let work = 0
      if (!isWorking) {
        dayEnd[i] = nextStart
      } else if (k === 0) {
        dayEnd[i] = nextStart
        work = nextStart - dayStart
      } else {
        const wall = day * DAY_MS
        const offset = wall - dayStart
        const sameOffset = (day + 1) * DAY_MS - nextStart === offset
        let floor = dayStart
        for (let x = 0; x < k; x++) {
          const [startMinute, endMinute] = this.hours[x]!
          const wallStart = wall + startMinute * MINUTE_MS
          const wallEnd = wall + endMinute * MINUTE_MS
          let s = sameOffset ? wallStart - offset : zone.wallToUtc(wallStart, offset)
          let e = sameOffset ? wallEnd - offset : zone.wallToUtc(wallEnd, offset)
          // Keep intervals ordered and inside the day even around a daylight-saving change.
          if (s < floor) s = floor
          if (e > nextStart) e = nextStart
          if (e < s) e = s
          intervals[(i * k + x) * 2] = s
          intervals[(i * k + x) * 2 + 1] = e
          work += e - s
          floor = e
        }
        dayEnd[i] = intervals[(i * k + k - 1) * 2 + 1]!
      }
      cum[i + 1] = cum[i]! + work
    }
    return { year, firstDay, length, status, starts, working, dayEnd, intervals, cum }
  }
}

/** Builds a {@link BusinessCalendar} from a decoded spec (pure). */
export const make = (spec: CalendarSpec): BusinessCalendar => BusinessCalendar.make(spec)
