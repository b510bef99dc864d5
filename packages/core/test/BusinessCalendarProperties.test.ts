import { describe, expect, it } from "@effect/vitest"
import { Result } from "effect"
import fc from "fast-check"
import { BusinessCalendar, type CalendarSpec, CnMainland, type Deadline, Instant } from "../src"

const DAY = Instant.DAY
const HOUR = Instant.HOUR

const ok = <A, E>(result: Result.Result<A, E>): A => {
  if (Result.isFailure(result)) throw new Error(`expected success, got ${String(result.failure)}`)
  return result.success
}

interface Case {
  readonly name: string
  readonly calendar: BusinessCalendar.BusinessCalendar
  readonly hasHours: boolean
  /** Instants drawn for starts lie in [from, to); amounts are small enough to stay in loaded years. */
  readonly from: number
  readonly to: number
}

const iso = (s: string): number => Date.parse(s)

const mk = (name: string, spec: CalendarSpec.CalendarSpec, from: string, to: string): Case => ({
  name,
  calendar: BusinessCalendar.make(spec),
  hasHours: (spec.workingHours ?? []).length > 0,
  from: iso(from),
  to: iso(to)
})

const office = [
  { start: "08:30", end: "12:00" },
  { start: "14:00", end: "17:30" }
] as const

// The cn-mainland cases start in the shipped years (2025, 2026); long pauses may run into
// 2027, which these calendars count provisionally instead of failing.
const cases: ReadonlyArray<Case> = [
  mk(
    "cn-mainland, whole days",
    { ...CnMainland.spec, whenYearMissing: "provisional" },
    "2025-01-01T00:00:00+08:00",
    "2026-11-01T00:00:00+08:00"
  ),
  mk(
    "cn-mainland, office hours, next-working-day",
    { ...CnMainland.spec, workingHours: office, lastDayRule: "next-working-day", whenYearMissing: "provisional" },
    "2025-01-01T00:00:00+08:00",
    "2026-11-01T00:00:00+08:00"
  ),
  mk(
    "New York, 09:00–17:00",
    {
      timeZone: "America/New_York",
      workingHours: [{ start: "09:00", end: "17:00" }],
      holidays: [{ date: "2026-11-26", name: "Thanksgiving Day" }]
    },
    "2025-01-01T00:00:00-05:00",
    "2030-01-01T00:00:00-05:00"
  ),
  mk(
    "New York, whole days",
    { timeZone: "America/New_York" },
    "2025-01-01T00:00:00-05:00",
    "2030-01-01T00:00:00-05:00"
  ),
  // Santiago moves its clocks at midnight: some local days have no 00:00.
  mk(
    "Santiago, split hours",
    {
      timeZone: "America/Santiago",
      workingHours: [
        { start: "00:00", end: "01:30" },
        { start: "09:00", end: "18:00" }
      ]
    },
    "2025-01-01T00:00:00-03:00",
    "2030-01-01T00:00:00-03:00"
  ),
  // Lord Howe Island moves its clocks by half an hour.
  mk(
    "Lord Howe, Sunday to Thursday",
    {
      timeZone: "Australia/Lord_Howe",
      workingWeekdays: [7, 1, 2, 3, 4],
      workingHours: [{ start: "01:00", end: "03:00" }]
    },
    "2025-01-01T00:00:00+11:00",
    "2030-01-01T00:00:00+11:00"
  )
]

const instantIn = (c: Case) => fc.integer({ min: c.from, max: c.to - 1 }).map((t) => t as Instant.Instant)
const days = fc.integer({ min: 0, max: 25 })
const hours = fc.integer({ min: 0, max: 150 })
const due = (r: Result.Result<Deadline.Deadline, unknown>): number => ok(r).due

describe.each(cases)("BusinessCalendar properties: $name", (c) => {
  const cal = c.calendar

  it("is monotonic in the start and the amount, for every unit", () => {
    fc.assert(
      fc.property(
        instantIn(c),
        fc.integer({ min: 0, max: 20 * DAY }),
        days,
        days,
        hours,
        hours,
        (t1, dt, n1, n2, h1, h2) => {
          const t2 = Math.min(t1 + dt, c.to - 1) as Instant.Instant
          const [nLow, nHigh] = n1 <= n2 ? [n1, n2] : [n2, n1]
          const [hLow, hHigh] = h1 <= h2 ? [h1, h2] : [h2, h1]
          expect(due(cal.addWorkingDays(t1, nLow))).toBeLessThanOrEqual(due(cal.addWorkingDays(t2, nHigh)))
          expect(due(cal.addCalendarDays(t1, nLow))).toBeLessThanOrEqual(due(cal.addCalendarDays(t2, nHigh)))
          expect(due(cal.addWorkingHours(t1, hLow))).toBeLessThanOrEqual(due(cal.addWorkingHours(t2, hHigh)))
          expect(due(cal.addWorkingDays(t1, nLow))).toBeGreaterThan(t1)
        }
      )
    )
  })

  it("lands working days at the end of the nth working day after the start day", () => {
    fc.assert(
      fc.property(instantIn(c), days, (t, n) => {
        const deadline = ok(cal.addWorkingDays(t, n))
        const last = ok(cal.dayAt((deadline.due - 1) as Instant.Instant))
        expect(last.working).toBe(true)
        if (!c.hasHours) expect(deadline.due).toBe(last.end)
        // Count the working days after the start day, walking day by day.
        let counted = 0
        let day = ok(cal.dayAt(t))
        // Zero days: today while working time is left in it, else the next working day.
        const workLeftToday = day.working && ok(cal.workingTimeBetween(t, day.end)).ms > 0
        if (n === 0 && workLeftToday) {
          expect(last.date).toBe(day.date)
          return
        }
        while (day.date !== last.date) {
          day = ok(cal.dayAt(day.end))
          if (day.working) counted++
        }
        expect(counted).toBe(Math.max(n, 1))
      })
    )
  })

  it("moves a deadline by exactly the working time of a pause", () => {
    fc.assert(
      fc.property(
        instantIn(c),
        days,
        hours,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 30 * DAY }),
        fc.boolean(),
        (t, n, h, at, pause, byHours) => {
          const unit = byHours ? "working-hours" : "working-days"
          const deadline = ok(byHours ? cal.addWorkingHours(t, h) : cal.addWorkingDays(t, n))
          const pausedAt = (t + Math.floor((deadline.due - t) * at)) as Instant.Instant
          const resumedAt = (pausedAt + pause) as Instant.Instant
          const resumed = ok(cal.resume(deadline, pausedAt, resumedAt, unit))
          if (pausedAt >= deadline.due) {
            expect(resumed).toEqual(deadline)
            return
          }
          expect(ok(cal.workingTimeBetween(deadline.due, resumed.due)).ms).toBe(
            ok(cal.workingTimeBetween(pausedAt, resumedAt)).ms
          )
          // Remaining working time is preserved across the pause.
          expect(ok(cal.remaining(resumedAt, resumed.due, unit)).ms).toBe(
            ok(cal.remaining(pausedAt, deadline.due, unit)).ms
          )
        }
      )
    )
  })

  it("splits a period exactly: elapsed + remaining = total, in every unit's measure", () => {
    fc.assert(
      fc.property(
        instantIn(c),
        days,
        fc.integer({ min: -5 * DAY, max: 60 * DAY }),
        fc.constantFrom("working-days", "working-hours", "calendar-days", "minutes") as fc.Arbitrary<Deadline.TimeUnit>,
        (start, n, offset, unit) => {
          const dueAt = due(cal.addWorkingDays(start, n)) as Instant.Instant
          const now = Math.max(c.from, start + offset) as Instant.Instant
          const total = ok(cal.measure(start, dueAt, unit)).ms
          const elapsed = ok(cal.measure(start, now, unit)).ms
          const remaining = ok(cal.remaining(now, dueAt, unit)).ms
          expect(elapsed + remaining).toBe(total)
          const share = ok(cal.shareElapsed(start, now, dueAt, unit)).share
          if (total !== 0) expect(share).toBeCloseTo(elapsed / total, 12)
        }
      )
    )
  })

  it("advances working time to the earliest instant that reaches it", () => {
    fc.assert(
      fc.property(instantIn(c), fc.integer({ min: 0, max: 10 * DAY }), (t, ms) => {
        const reached = due(cal.advanceWorkingTime(t, ms))
        expect(ok(cal.workingTimeBetween(t, reached as Instant.Instant)).ms).toBe(ms)
        if (ms > 0) {
          expect(ok(cal.workingTimeBetween(t, (reached - 1) as Instant.Instant)).ms).toBeLessThan(ms)
        }
      })
    )
  })

  it("counts working hours as real hours of working time", () => {
    fc.assert(
      fc.property(instantIn(c), hours, (t, h) => {
        expect(ok(cal.workingTimeBetween(t, due(cal.addWorkingHours(t, h)) as Instant.Instant)).ms).toBe(h * HOUR)
      })
    )
  })
})

describe("BusinessCalendar against an independent model of the cn-mainland schedule", () => {
  const cal = BusinessCalendar.make(CnMainland.spec)
  const off = new Set(CnMainland.years.flatMap((y) => y.holidays.map((d) => d.date)))
  const worked = new Set(CnMainland.years.flatMap((y) => y.makeUpWorkdays.map((d) => d.date)))
  const shift = (date: string, k: number) =>
    new Date(Date.parse(`${date}T00:00:00Z`) + k * DAY).toISOString().slice(0, 10)
  const isWorking = (date: string) => {
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay()
    return worked.has(date) || (!off.has(date) && weekday >= 1 && weekday <= 5)
  }
  /** Beijing is UTC+8 all year: the local date is the UTC date eight hours later. */
  const localDate = (t: number) => new Date(t + 8 * HOUR).toISOString().slice(0, 10)

  it("agrees on N working days (day of the start not counted, end at midnight)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: iso("2025-01-01T00:00:00+08:00"), max: iso("2026-11-01T00:00:00+08:00") }),
        fc.integer({ min: 1, max: 30 }),
        (t, n) => {
          let date = localDate(t)
          for (let k = 0; k < n; ) {
            date = shift(date, 1)
            if (isWorking(date)) k++
          }
          expect(ok(cal.addWorkingDays(t as Instant.Instant, n)).due).toBe(
            Date.parse(`${shift(date, 1)}T00:00:00+08:00`)
          )
        }
      ),
      { numRuns: 300 }
    )
  })

  it("agrees on the kind of every day of 2025 and 2026", () => {
    for (let date = "2025-01-01"; date < "2027-01-01"; date = shift(date, 1)) {
      expect(ok(cal.isWorkingDay(Date.parse(`${date}T12:00:00+08:00`) as Instant.Instant))).toBe(isWorking(date))
    }
  })
})
