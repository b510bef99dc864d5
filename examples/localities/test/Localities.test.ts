import { readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { assert, describe, expect, it } from "@effect/vitest"
import { Instant, ModelParser, ModelSummary, ModuleRegistry, ResponsibilityModule } from "@gridwork/core"
import { Result } from "effect"

const folder = join(dirname(fileURLToPath(import.meta.url)), "..")

const load = (name: string) => {
  const result = ModelParser.parseModel(readFileSync(join(folder, name), "utf8"), name, ModuleRegistry.core, {
    readFile: (reference) => Result.succeed(readFileSync(join(folder, reference), "utf8"))
  })
  if (Result.isFailure(result)) assert.fail(result.failure.render())
  return result.success
}

const ruleOf = (model: ReturnType<typeof load>, id: string) => {
  const rule = ResponsibilityModule.deadlinesOf(model).find((d) => d.id === id)
  assert(rule !== undefined, `no deadline ${id}`)
  return rule
}

describe("lanxi-county.yaml", () => {
  const model = load("lanxi-county.yaml")

  it("loads without a problem and renders a summary", () => {
    expect(model.locality.id).toBe("lanxi")
    expect(ModelSummary.render(model)).toContain("Deadlines (8)")
  })

  it("cites the 2022 Regulations on Letters and Visits for the statutory timeline", () => {
    const statutory = ResponsibilityModule.deadlinesOf(model).filter((d) => d.id.startsWith("petition."))
    expect(statutory.map((d) => [d.id, d.within.amount, d.source.article])).toEqual([
      ["petition.register-route", 15, "22"],
      ["petition.acceptance-notice", 15, "25"],
      ["petition.handle", 60, "32"],
      ["petition.review-decision", 30, "35"],
      ["petition.second-review-decision", 30, "36"]
    ])
    expect(statutory.every((d) => d.source.law === "信访工作条例 (2022)")).toBe(true)
  })

  it("computes the handling deadline with the county's calendar", () => {
    // Accepted Monday 28 September 2026, 10:00 Beijing time: 60 calendar days end on
    // Friday 27 November, at the close of business (17:30).
    const accepted = Instant.unsafeFromIso("2026-09-28T10:00:00+08:00")
    const due = Result.getOrThrow(model.businessCalendar.add(accepted, ruleOf(model, "petition.handle").within))
    expect(Instant.toIso(due.due)).toBe("2026-11-27T09:30:00.000Z")
    // A hotline inquiry routed on Wednesday 30 September is due two working days later,
    // across the National Day holiday (1-7 October 2026): Thursday 8 and Friday 9 October, due at the close of the 9th.
    const routed = Instant.unsafeFromIso("2026-09-30T15:00:00+08:00")
    const inquiry = Result.getOrThrow(model.businessCalendar.add(routed, ruleOf(model, "hotline.inquiry").within))
    expect(Instant.toIso(inquiry.due)).toBe("2026-10-09T09:30:00.000Z")
  })
})

describe("riverton-311.yaml", () => {
  const model = load("riverton-311.yaml")

  it("loads without a problem", () => {
    expect(model.locality.id).toBe("riverton")
    expect(model.jurisdictions.atTier("ward")).toHaveLength(6)
  })

  it("counts SLAs in working days around the Independence Day holiday", () => {
    // Reported Thursday 2 July 2026, 10:00 EDT: 3 July is the observed holiday, 4-5 July
    // the weekend, so the third working day is Wednesday 8 July, closing at 17:00 EDT.
    const reported = Instant.unsafeFromIso("2026-07-02T10:00:00-04:00")
    const due = Result.getOrThrow(model.businessCalendar.add(reported, ruleOf(model, "sla.pothole").within))
    expect(Instant.toIso(due.due)).toBe("2026-07-08T21:00:00.000Z")
  })

  it("counts working hours inside 08:00-17:00", () => {
    // Offensive graffiti reported Friday 16:00 EDT: 1 hour on Friday, 7 on Monday, due 15:00 Monday.
    const reported = Instant.unsafeFromIso("2026-03-13T16:00:00-04:00")
    const due = Result.getOrThrow(model.businessCalendar.add(reported, ruleOf(model, "sla.graffiti-offensive").within))
    expect(Instant.toIso(due.due)).toBe("2026-03-16T19:00:00.000Z")
  })
})
