/**
 * Time-zone arithmetic for the business calendar: the UTC offset of an IANA zone at an
 * instant, and the instant of a local wall-clock time, from the runtime's `Intl`
 * time-zone database. No string formatting happens on the deadline hot paths: the
 * calendar calls this module once or twice per local day when it first builds the
 * table of a year, and caches the result.
 *
 * Wall-clock times are written as "local milliseconds": the epoch milliseconds the same
 * wall-clock reading would have in UTC (so `Date.UTC(y, m - 1, d, h, mi)`).
 * @module
 */

/** Milliseconds in a (nominal) day. */
export const DAY_MS = 86_400_000

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`). */
export const daysFromCivil = (year: number, month: number, day: number): number => {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const mp = (month + 9) % 12
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146_097 + doe - 719_468
}

/** The year of a day count since 1970-01-01 (H. Hinnant's `civil_from_days`, year only). */
export const yearOfDay = (days: number): number => {
  const z = days + 719_468
  const era = Math.floor(z / 146_097)
  const doe = z - era * 146_097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  return yoe + era * 400 + (mp >= 10 ? 1 : 0)
}

/** `YYYY-MM-DD` of a day count since 1970-01-01. */
export const isoDateOfDay = (days: number): string => new Date(days * DAY_MS).toISOString().slice(0, 10)

/** Day count since 1970-01-01 of a `YYYY-MM-DD` string (assumed valid). */
export const dayOfIsoDate = (date: string): number =>
  daysFromCivil(Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10)))

/** ISO weekday (1 = Monday … 7 = Sunday) of a day count since 1970-01-01 (a Thursday). */
export const isoWeekdayOfDay = (days: number): number => ((((days + 3) % 7) + 7) % 7) + 1

/** Offsets of one IANA time zone, backed by a cached `Intl.DateTimeFormat`. */
export class ZoneOffsets {
  private readonly formatter: Intl.DateTimeFormat

  constructor(readonly timeZone: string) {
    this.formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric"
    })
  }

  /** Milliseconds to add to a UTC instant to read the local wall clock at that instant. */
  offsetAt(utcMs: number): number {
    const wholeSeconds = utcMs - (((utcMs % 1000) + 1000) % 1000)
    const field: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {}
    for (const part of this.formatter.formatToParts(wholeSeconds)) field[part.type] = Number(part.value)
    const { year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0 } = field
    const wall = daysFromCivil(year, month, day) * DAY_MS + hour * 3_600_000 + minute * 60_000 + second * 1000
    return wall - wholeSeconds
  }

  /**
   * The instant of a local wall-clock time, disambiguated like Temporal's `"compatible"`:
   * a time that occurs twice (clocks set back) resolves to the earlier instant; a time
   * that does not exist (clocks set forward) resolves to the instant the same distance
   * after the transition (so 02:30 on a spring-forward night reads 03:30).
   *
   * `hint` is an offset likely to be right (e.g. the previous day's); it saves the
   * full search when it is.
   */
  wallToUtc(wallMs: number, hint?: number): number {
    if (hint !== undefined) {
      const guess = wallMs - hint
      if (this.offsetAt(guess) === hint && this.offsetAt(guess - 1) === hint) return guess
    }
    const before = this.offsetAt(wallMs - DAY_MS)
    const after = this.offsetAt(wallMs + DAY_MS)
    const early = wallMs - before
    const late = wallMs - after
    const earlyValid = this.offsetAt(early) === before
    const lateValid = this.offsetAt(late) === after
    if (earlyValid && lateValid) return Math.min(early, late)
    if (earlyValid) return early
    if (lateValid) return late
    // In a gap: shift forward by the length of the gap.
    return early
  }
}
