import { describe, expect, it } from "@effect/vitest"
import { Result, Schema } from "effect"
import { CalendarSpec, CnMainland } from "../src"

const decodeError = (input: unknown): string => {
  const result = CalendarSpec.decodeUnknown(input)
  if (Result.isSuccess(result)) throw new Error("expected a decoding failure")
  return result.failure
}

describe("CalendarSpec", () => {
  it("decodes a full calendar section and keeps optional fields optional", () => {
    const result = CalendarSpec.decodeUnknown({
      timeZone: "Asia/Shanghai",
      base: "cn-mainland",
      workingWeekdays: [1, 2, 3, 4, 5],
      workingHours: [
        { start: "08:30", end: "12:00" },
        { start: "14:00", end: "17:30" }
      ],
      holidays: [{ date: "2026-03-03", name: "三月三 (local holiday)" }],
      makeUpWorkdays: [],
      years: [{ year: 2027, holidays: [{ date: "2027-01-01", name: "元旦" }], makeUpWorkdays: [] }],
      whenYearMissing: "provisional",
      lastDayRule: "next-working-day"
    })
    expect(Result.isSuccess(result)).toBe(true)
    const minimal = Result.getOrThrow(CalendarSpec.decodeUnknown({ timeZone: "America/New_York" }))
    expect(minimal).toEqual({ timeZone: "America/New_York" })
    expect(CalendarSpec.withDefaults(minimal)).toEqual({
      timeZone: "America/New_York",
      base: "weekdays",
      workingWeekdays: [1, 2, 3, 4, 5],
      workingHours: [],
      holidays: [],
      makeUpWorkdays: [],
      years: [],
      whenYearMissing: "fail",
      lastDayRule: "as-is"
    })
  })

  it("rejects an unknown or fixed-offset time zone with a readable rule", () => {
    for (const timeZone of ["Mars/Olympus_Mons", "+08:00", "Beijing", ""]) {
      const message = decodeError({ timeZone })
      expect(message).toContain("Expected an IANA time zone such as Asia/Shanghai")
      expect(message).toContain('["timeZone"]')
    }
  })

  it("names every bad field and the rule it broke", () => {
    const message = decodeError({
      timeZone: "Asia/Shanghai",
      base: "cn",
      workingWeekdays: [1, 8],
      workingHours: [{ start: "13:00", end: "12:00" }],
      holidays: [{ date: "2026-02-30", name: "" }],
      years: [{ year: 2026, holidays: [{ date: "2025-01-01", name: "元旦" }], makeUpWorkdays: [] }],
      lastDayRule: "later"
    })
    expect(message).toContain('Expected "cn-mainland" | "weekdays"\n  at ["base"]')
    expect(message).toContain('an ISO weekday from 1 (Monday) to 7 (Sunday)\n  at ["workingWeekdays"][1]')
    expect(message).toContain('A working interval must end after it starts (got 13:00-12:00)\n  at ["workingHours"][0]')
    expect(message).toContain('a calendar date YYYY-MM-DD such as 2026-10-01\n  at ["holidays"][0]["date"]')
    expect(message).toContain('["holidays"][0]["name"]')
    expect(message).toContain('Expected a date in 2026, got 2025-01-01\n  at ["years"][0]["holidays"][0]["date"]')
    expect(message).toContain('["lastDayRule"]')
  })

  it("rejects overlapping working hours, repeated weekdays and years, and a date both off and worked", () => {
    const message = decodeError({
      timeZone: "Asia/Shanghai",
      workingWeekdays: [1, 1],
      workingHours: [
        { start: "08:00", end: "12:00" },
        { start: "11:00", end: "17:00" }
      ],
      holidays: [{ date: "2026-10-10", name: "x" }],
      makeUpWorkdays: [{ date: "2026-10-10", name: "y" }],
      years: [
        { year: 2027, holidays: [], makeUpWorkdays: [] },
        { year: 2027, holidays: [], makeUpWorkdays: [] }
      ]
    })
    expect(message).toContain('Weekday 1 is listed twice\n  at ["workingWeekdays"][1]')
    expect(message).toContain("must not overlap")
    expect(message).toContain('Year 2027 is listed twice\n  at ["years"][1]["year"]')
    expect(message).toContain(
      '2026-10-10 is listed both as a holiday and as a make-up working day\n  at ["makeUpWorkdays"][0]["date"]'
    )
  })

  it("accepts 24:00 as the end of a working interval but not as anything later", () => {
    expect(
      Result.isSuccess(
        CalendarSpec.decodeUnknown({ timeZone: "UTC", workingHours: [{ start: "00:00", end: "24:00" }] })
      )
    ).toBe(true)
    expect(decodeError({ timeZone: "UTC", workingHours: [{ start: "00:00", end: "24:30" }] })).toContain(
      "a local time HH:MM between 00:00 and 24:00"
    )
  })

  it("make throws a readable error on an invalid literal", () => {
    expect(() => CalendarSpec.make({ timeZone: "Nowhere/Special" })).toThrow(/IANA time zone/)
  })
})

describe("CnMainland shipped schedules", () => {
  it("decode with the CalendarYear schema a locality uses for a new year", () => {
    for (const year of CnMainland.years) {
      expect(Schema.decodeUnknownSync(CalendarSpec.CalendarYear)(year)).toEqual(year)
    }
    expect(CnMainland.shippedYears).toEqual([2025, 2026])
  })

  it("match the State Council notices: day counts and weekend make-up days", () => {
    const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay()
    // 2025 (国办发明电〔2024〕12号): 1 + 8 + 3 + 5 + 3 + 8 days off; 5 make-up days.
    expect(CnMainland.CnMainland2025.holidays).toHaveLength(28)
    expect(CnMainland.CnMainland2025.makeUpWorkdays.map((d) => d.date)).toEqual([
      "2025-01-26",
      "2025-02-08",
      "2025-04-27",
      "2025-09-28",
      "2025-10-11"
    ])
    // 2026 (国办发明电〔2025〕7号): 3 + 9 + 3 + 5 + 3 + 3 + 7 days off; 6 make-up days.
    expect(CnMainland.CnMainland2026.holidays).toHaveLength(33)
    expect(CnMainland.CnMainland2026.makeUpWorkdays.map((d) => d.date)).toEqual([
      "2026-01-04",
      "2026-02-14",
      "2026-02-28",
      "2026-05-09",
      "2026-09-20",
      "2026-10-10"
    ])
    for (const year of CnMainland.years) {
      for (const day of year.makeUpWorkdays) expect([0, 6]).toContain(weekday(day.date))
    }
  })
})
