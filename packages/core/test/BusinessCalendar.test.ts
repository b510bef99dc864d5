import { describe, expect, it } from "@effect/vitest"
import { Result } from "effect"
import { BusinessCalendar, type CalendarSpec, CnMainland, type Deadline, Instant } from "../src"

const HOUR = Instant.HOUR
const DAY = Instant.DAY

/** An instant of Beijing wall time (China has no daylight saving time). */
const bj = (date: string, time = "00:00"): Instant.Instant => Instant.unsafeFromIso(`${date}T${time}:00+08:00`)
/** Local midnight ending a Beijing date. */
const endOfBj = (date: string): Instant.Instant => (bj(date) + DAY) as Instant.Instant

const ok = <A, E>(result: Result.Result<A, E>): A => {
  if (Result.isFailure(result)) throw new Error(`expected success, got ${String(result.failure)}`)
  return result.success
}
const dueOf = (result: Result.Result<Deadline.Deadline, unknown>): string => Instant.toIso(ok(result).due)

const cn = BusinessCalendar.make(CnMainland.spec)
const officeHours: CalendarSpec.CalendarSpec = {
  ...CnMainland.spec,
  workingHours: [
    { start: "08:30", end: "12:00" },
    { start: "14:00", end: "17:30" }
  ]
}
const cnHours = BusinessCalendar.make(officeHours)

describe("BusinessCalendar, cn-mainland 2026, whole working days", () => {
  it.each([
    // 15 working days across National Day: Sep 29, 30, Oct 8, 9, 10 (Sat, make-up), 12 … 23.
    ["from Mon 28 Sep across National Day", "2026-09-28", "10:00", 15, "2026-10-23"],
    // Both make-up days count: Sun 20 Sep (1), …, Sat 10 Oct (11), … Thu 15 Oct (15).
    ["from Fri 18 Sep over Mid-Autumn and National Day", "2026-09-18", "16:00", 15, "2026-10-15"],
    // The make-up Saturday is a working day.
    ["1 day from Fri 9 Oct is the make-up Saturday", "2026-10-09", "09:00", 1, "2026-10-10"],
    // Spring Festival: Sat 14 Feb (make-up, 1), 15–23 Feb off, 24 … 27 Feb (5).
    ["5 days from Fri 13 Feb over Spring Festival", "2026-02-13", "11:00", 5, "2026-02-27"],
    ["6 days from Fri 13 Feb ends on the make-up Sat 28 Feb", "2026-02-13", "11:00", 6, "2026-02-28"],
    // Starting on a holiday: the day of the start is not counted, the next working day is day 1.
    ["1 day from Sat 3 Oct (holiday)", "2026-10-03", "12:00", 1, "2026-10-08"],
    ["3 days from Sat 3 Oct (holiday) reach the make-up Sat 10 Oct", "2026-10-03", "12:00", 3, "2026-10-10"],
    ["0 days on a holiday is the end of the next working day", "2026-10-01", "08:00", 0, "2026-10-08"],
    ["0 days on a working day is the end of that day", "2026-10-08", "08:00", 0, "2026-10-08"],
    // New Year 2026: 1–3 Jan off, Sun 4 Jan worked.
    ["1 day from Wed 31 Dec 2025 is Sun 4 Jan 2026", "2025-12-31", "17:00", 1, "2026-01-04"],
    // Labour Day: 1–5 May off, Sat 9 May worked.
    ["4 days from Thu 30 Apr", "2026-04-30", "10:00", 4, "2026-05-09"]
  ])("%s", (_label, date, time, n, lastDay) => {
    expect(dueOf(cn.addWorkingDays(bj(date, time), n))).toBe(Instant.toIso(endOfBj(lastDay)))
    expect(ok(cn.addWorkingDays(bj(date, time), n)).provisional).toBe(false)
  })

  it("classifies days with their names", () => {
    expect(ok(cn.dayAt(bj("2026-10-10", "12:00")))).toMatchObject({
      date: "2026-10-10",
      isoWeekday: 6,
      working: true,
      name: "上班（补国庆节假期） make-up working day for National Day"
    })
    expect(ok(cn.dayAt(bj("2026-10-05", "12:00")))).toMatchObject({ working: false, name: "国庆节 National Day" })
    expect(ok(cn.dayAt(bj("2026-10-11", "12:00")))).toMatchObject({ working: false, isoWeekday: 7 })
    expect(ok(cn.dayAt(bj("2026-10-11", "12:00"))).name).toBeUndefined()
    expect(ok(cn.isWorkingDay(bj("2026-02-14", "23:59")))).toBe(true)
    expect(ok(cn.isWorkingDay(bj("2026-02-18", "00:00")))).toBe(false)
    expect(cn.localDate(Instant.unsafeFromIso("2026-10-09T16:00:00Z"))).toBe("2026-10-10")
  })

  it("counts 248 working days in 2026, month by month as in an independent transcription", () => {
    // awfe/ChinaWorkingDay 2026.json lists every working day of 2026.
    const expected = [21, 16, 22, 21, 19, 21, 23, 21, 22, 18, 21, 23]
    const counts = expected.map(() => 0)
    for (let t = bj("2026-01-01", "12:00"); t < bj("2027-01-01"); t = (t + DAY) as Instant.Instant) {
      if (ok(cn.isWorkingDay(t))) {
        const month = Number(cn.localDate(t).slice(5, 7)) - 1
        counts[month] = (counts[month] ?? 0) + 1
      }
    }
    expect(counts).toEqual(expected)
  })

  it("adds calendar days, moving a last day off work with lastDayRule next-working-day", () => {
    const asIs = cn
    const nextWorking = BusinessCalendar.make({ ...CnMainland.spec, lastDayRule: "next-working-day" })
    // 15 calendar days from Tue 22 Sep end on Wed 7 Oct, inside the National Day holiday.
    expect(dueOf(asIs.addCalendarDays(bj("2026-09-22", "10:00"), 15))).toBe(Instant.toIso(endOfBj("2026-10-07")))
    expect(dueOf(nextWorking.addCalendarDays(bj("2026-09-22", "10:00"), 15))).toBe(Instant.toIso(endOfBj("2026-10-08")))
    // A last day on a plain Saturday moves to Monday; on a make-up Saturday it stays.
    expect(dueOf(nextWorking.addCalendarDays(bj("2026-11-02", "10:00"), 5))).toBe(Instant.toIso(endOfBj("2026-11-09")))
    expect(dueOf(nextWorking.addCalendarDays(bj("2026-10-05", "10:00"), 5))).toBe(Instant.toIso(endOfBj("2026-10-10")))
    // A working last day is unchanged by the rule.
    expect(dueOf(nextWorking.addCalendarDays(bj("2026-11-02", "10:00"), 3))).toBe(Instant.toIso(endOfBj("2026-11-05")))
    // With working hours the period ends at the close of business of the last (working) day.
    const withHours = BusinessCalendar.make({ ...officeHours, lastDayRule: "next-working-day" })
    expect(dueOf(withHours.addCalendarDays(bj("2026-09-22", "10:00"), 15))).toBe(
      Instant.toIso(bj("2026-10-08", "17:30"))
    )
    expect(dueOf(cnHours.addCalendarDays(bj("2026-11-02", "10:00"), 3))).toBe(Instant.toIso(bj("2026-11-05", "17:30")))
    // …and at midnight when the last day is not a working day and stays as it is.
    expect(dueOf(cnHours.addCalendarDays(bj("2026-11-02", "10:00"), 5))).toBe(Instant.toIso(endOfBj("2026-11-07")))
  })

  it("adds minutes as elapsed time", () => {
    const t = bj("2026-10-01", "03:00")
    expect(ok(cn.addMinutes(t, 5))).toEqual({ due: t + 5 * 60_000, provisional: false })
    expect(ok(cn.add(t, { amount: 3, unit: "minutes" })).due).toBe(t + 3 * 60_000)
  })

  it("refuses a spec literal that breaks the CalendarSpec rules, naming the field", () => {
    expect(() =>
      BusinessCalendar.make({
        timeZone: "Asia/Shanghai",
        workingHours: [
          { start: "14:00", end: "17:30" },
          { start: "08:30", end: "12:00" }
        ]
      })
    ).toThrow(/must be in order and must not overlap[\s\S]*workingHours/)
    expect(() => BusinessCalendar.make({ timeZone: "Asia/Beijing" })).toThrow(/IANA time zone/)
  })

  it("rejects a negative or fractional amount as a programming error", () => {
    expect(() => cn.addWorkingDays(bj("2026-10-01"), -1)).toThrow(RangeError)
    expect(() => cn.addCalendarDays(bj("2026-10-01"), 1.5)).toThrow(/whole number/)
    expect(() =>
      cn.resume({ due: bj("2026-10-09"), provisional: false }, bj("2026-10-02"), bj("2026-10-01"), "working-days")
    ).toThrow(/resumedAt/)
  })
})

describe("BusinessCalendar, working hours 08:30–12:00 and 14:00–17:30", () => {
  it.each([
    ["across lunch", "2026-11-03", "11:00", 2, "2026-11-03", "15:00"],
    ["starting in the lunch break", "2026-11-03", "12:30", 1, "2026-11-03", "15:00"],
    ["overnight, ending exactly at the close of a morning", "2026-11-03", "11:00", 8, "2026-11-04", "12:00"],
    ["over a weekend", "2026-11-06", "17:00", 1, "2026-11-09", "09:00"],
    ["over National Day", "2026-09-30", "16:00", 3, "2026-10-08", "10:00"],
    ["starting before opening", "2026-11-03", "07:00", 7, "2026-11-03", "17:30"],
    ["starting after closing", "2026-11-03", "20:00", 1, "2026-11-04", "09:30"]
  ])("%s", (_label, date, time, hours, dueDate, dueTime) => {
    expect(dueOf(cnHours.addWorkingHours(bj(date, time), hours))).toBe(Instant.toIso(bj(dueDate, dueTime)))
  })

  it("ends working days at the close of business", () => {
    expect(dueOf(cnHours.addWorkingDays(bj("2026-11-03", "09:00"), 1))).toBe(Instant.toIso(bj("2026-11-04", "17:30")))
    expect(dueOf(cnHours.addWorkingDays(bj("2026-09-30", "09:00"), 3))).toBe(Instant.toIso(bj("2026-10-10", "17:30")))
  })

  it("measures working time between instants", () => {
    const span = ok(cnHours.workingTimeBetween(bj("2026-11-03", "11:00"), bj("2026-11-04", "09:00")))
    expect(span).toEqual({ ms: 1 * HOUR + 3.5 * HOUR + 0.5 * HOUR, provisional: false })
    expect(ok(cnHours.workingTimeBetween(bj("2026-11-04", "09:00"), bj("2026-11-03", "11:00"))).ms).toBe(-5 * HOUR)
    expect(ok(cnHours.workingTimeBetween(bj("2026-10-02"), bj("2026-10-07", "23:00"))).ms).toBe(0)
  })
})

describe("BusinessCalendar, a US city (America/New_York, daylight saving time)", () => {
  const ny = (local: string) => Instant.unsafeFromIso(local)
  const city = BusinessCalendar.make({
    timeZone: "America/New_York",
    workingHours: [{ start: "09:00", end: "17:00" }],
    holidays: [
      { date: "2026-11-26", name: "Thanksgiving Day" },
      { date: "2026-11-27", name: "Day after Thanksgiving" }
    ]
  })

  it("converts local times on both sides of a change, and through the gap", () => {
    expect(city.instantOf("2026-03-06", "17:00")).toBe(ny("2026-03-06T17:00:00-05:00"))
    expect(city.instantOf("2026-03-09", "09:00")).toBe(ny("2026-03-09T09:00:00-04:00"))
    expect(city.instantOf("2026-03-08", "02:30")).toBe(ny("2026-03-08T03:30:00-04:00"))
    expect(city.instantOf("2026-11-01", "01:30")).toBe(ny("2026-11-01T01:30:00-04:00"))
    const short = ok(city.dayAt(ny("2026-03-08T12:00:00-04:00")))
    expect(short.end - short.start).toBe(23 * HOUR)
    const long = ok(city.dayAt(ny("2026-11-01T12:00:00-05:00")))
    expect(long.end - long.start).toBe(25 * HOUR)
  })

  it("adds working days and hours across the spring change", () => {
    expect(dueOf(city.addWorkingDays(ny("2026-03-06T10:00:00-05:00"), 2))).toBe(
      Instant.toIso(ny("2026-03-10T17:00:00-04:00"))
    )
    expect(dueOf(city.addWorkingHours(ny("2026-03-06T15:00:00-05:00"), 4))).toBe(
      Instant.toIso(ny("2026-03-09T11:00:00-04:00"))
    )
  })

  it("adds working days across the autumn change and configured holidays", () => {
    expect(dueOf(city.addWorkingDays(ny("2026-10-30T10:00:00-04:00"), 1))).toBe(
      Instant.toIso(ny("2026-11-02T17:00:00-05:00"))
    )
    expect(dueOf(city.addWorkingDays(ny("2026-11-25T10:00:00-05:00"), 2))).toBe(
      Instant.toIso(ny("2026-12-01T17:00:00-05:00"))
    )
  })

  it("counts real elapsed hours on a 23-hour day when every day is working", () => {
    const everyDay = BusinessCalendar.make({ timeZone: "America/New_York", workingWeekdays: [1, 2, 3, 4, 5, 6, 7] })
    const start = ny("2026-03-07T12:00:00-05:00")
    expect(ok(everyDay.addWorkingHours(start, 24)).due).toBe(start + 24 * HOUR)
    expect(dueOf(everyDay.addWorkingDays(start, 1))).toBe(Instant.toIso(ny("2026-03-09T00:00:00-04:00")))
  })

  it("treats every year as loaded for the weekdays base without a year list", () => {
    const result = ok(city.addWorkingDays(ny("2031-12-30T10:00:00-05:00"), 5))
    expect(result.provisional).toBe(false)
    expect(city.isYearLoaded(2031)).toBe(true)
  })
})

describe("BusinessCalendar, pauses, remaining time and progress", () => {
  it("moves a working-days deadline by exactly the working time of the pause", () => {
    // 15 working days from Mon 7 Sep 2026 end with Mon 28 Sep (Sun 20 Sep worked, 25–27 Sep off).
    const deadline = ok(cn.addWorkingDays(bj("2026-09-07", "09:00"), 15))
    expect(deadline.due).toBe(endOfBj("2026-09-28"))
    // Paused Mon 14 Sep 10:00, resumed Mon 21 Sep 10:00: 14 h + 4 × 24 h + Sun 20 Sep + 10 h = 6 days of work.
    const pausedAt = bj("2026-09-14", "10:00")
    const resumedAt = bj("2026-09-21", "10:00")
    expect(ok(cn.workingTimeBetween(pausedAt, resumedAt)).ms).toBe(6 * DAY)
    const resumed = ok(cn.resume(deadline, pausedAt, resumedAt, "working-days"))
    // Six working days after Mon 28 Sep: 29, 30 Sep, 8, 9, 10 (Sat), 12 Oct.
    expect(resumed).toEqual({ due: endOfBj("2026-10-12"), provisional: false })
  })

  it("moves a calendar-days deadline by the elapsed time of the pause", () => {
    const deadline = ok(cn.addCalendarDays(bj("2026-09-07", "09:00"), 15))
    const resumed = ok(cn.resume(deadline, bj("2026-09-10", "09:00"), bj("2026-09-12", "21:00"), "calendar-days"))
    expect(resumed.due - deadline.due).toBe(60 * HOUR)
  })

  it("leaves a deadline that had already passed when paused unchanged", () => {
    const deadline = ok(cn.addWorkingDays(bj("2026-09-07", "09:00"), 1))
    expect(ok(cn.resume(deadline, bj("2026-09-10"), bj("2026-09-20"), "working-days"))).toEqual(deadline)
  })

  it("reports remaining time and the share elapsed in the unit's measure", () => {
    const start = bj("2026-11-07", "10:00") // Saturday
    const deadline = ok(cn.addWorkingDays(start, 2)) // end of Tue 10 Nov
    const now = bj("2026-11-09", "12:00")
    expect(ok(cn.remaining(now, deadline.due, "working-days")).ms).toBe(36 * HOUR)
    expect(ok(cn.shareElapsed(start, now, deadline.due, "working-days")).share).toBe(0.25)
    expect(ok(cn.shareElapsed(start, bj("2026-11-12"), deadline.due, "working-days")).share).toBe(1.5)
    expect(ok(cn.remaining(bj("2026-11-12"), deadline.due, "working-days")).ms).toBe(-24 * HOUR)
    expect(ok(cn.remaining(now, deadline.due, "calendar-days")).ms).toBe(deadline.due - now)
  })
})

describe("BusinessCalendar, years without a loaded schedule", () => {
  const lateDecember = bj("2026-12-30", "10:00")

  it("fails with CalendarYearNotLoaded naming the year and how to add it", () => {
    const result = cn.addWorkingDays(lateDecember, 3)
    expect(Result.isFailure(result)).toBe(true)
    if (Result.isFailure(result)) {
      expect(result.failure._tag).toBe("CalendarYearNotLoaded")
      expect(result.failure.year).toBe(2027)
      expect(result.failure.message).toContain("calendar.years")
      expect(result.failure.message).toContain('whenYearMissing to "provisional"')
    }
    expect(Result.isFailure(cn.workingTimeBetween(lateDecember, bj("2027-01-05")))).toBe(true)
    expect(Result.isFailure(cnHours.addWorkingHours(lateDecember, 20))).toBe(true)
    expect(Result.isFailure(cn.dayAt(bj("2027-03-01")))).toBe(true)
  })

  it("does not need a year it never counts in", () => {
    // The end of 31 Dec 2026 is midnight on 1 Jan 2027: no 2027 day is counted.
    expect(ok(cn.addWorkingDays(lateDecember, 1))).toEqual({ due: bj("2027-01-01"), provisional: false })
    expect(ok(cn.workingTimeBetween(lateDecember, bj("2027-01-01"))).ms).toBe(14 * HOUR + 24 * HOUR)
    // Starting in 2024 (not shipped) and counting only in 2025: 1 Jan 2025 is a holiday.
    expect(ok(cn.addWorkingDays(bj("2024-12-31", "10:00"), 1))).toEqual({
      due: endOfBj("2025-01-02"),
      provisional: false
    })
    // Elapsed-time units never need a schedule.
    expect(ok(cn.remaining(lateDecember, bj("2027-06-01"), "calendar-days")).provisional).toBe(false)
    expect(ok(cn.addCalendarDays(lateDecember, 40)).due).toBe(endOfBj("2027-02-08"))
  })

  it("counts weekends only and marks the result provisional under whenYearMissing provisional", () => {
    const provisional = BusinessCalendar.make({ ...CnMainland.spec, whenYearMissing: "provisional" })
    // Thu 31 Dec (1), Fri 1 Jan 2027 counted as a plain Friday (2), Mon 4 Jan (3).
    expect(ok(provisional.addWorkingDays(lateDecember, 3))).toEqual({ due: endOfBj("2027-01-04"), provisional: true })
    expect(ok(provisional.workingTimeBetween(lateDecember, bj("2027-01-05"))).provisional).toBe(true)
    expect(ok(provisional.dayAt(bj("2027-01-01", "12:00")))).toMatchObject({ working: true, provisional: true })
    // Within loaded years nothing is provisional.
    expect(ok(provisional.addWorkingDays(bj("2026-12-01"), 3)).provisional).toBe(false)
  })

  it("is exact and non-provisional once the year is added as data", () => {
    // A locality-supplied year (test fixture: New Year's Day is a statutory holiday every year).
    const withYear = BusinessCalendar.make({
      ...CnMainland.spec,
      whenYearMissing: "provisional",
      years: [{ year: 2027, holidays: [{ date: "2027-01-01", name: "元旦 New Year's Day" }], makeUpWorkdays: [] }]
    })
    expect(withYear.isYearLoaded(2027)).toBe(true)
    expect(ok(withYear.addWorkingDays(lateDecember, 3))).toEqual({ due: endOfBj("2027-01-05"), provisional: false })
  })

  it("lets a weekdays calendar with a year list fail outside its years", () => {
    const listed = BusinessCalendar.make({
      timeZone: "Europe/Berlin",
      years: [{ year: 2026, holidays: [{ date: "2026-12-25", name: "Weihnachten" }], makeUpWorkdays: [] }]
    })
    expect(listed.isYearLoaded(2027)).toBe(false)
    const result = listed.addWorkingDays(Instant.unsafeFromIso("2026-12-30T10:00:00+01:00"), 3)
    expect(Result.isFailure(result) && result.failure.year).toBe(2027)
  })
})
