import { describe, expect, it } from "@effect/vitest"
import { Result, Schema } from "effect"
import { Bounds } from "../src"

const b = Bounds.resolve({ min: 750, max: 1250 })

describe("Bounds", () => {
  it("defaults the target to the midpoint", () => {
    expect(b).toEqual({ min: 750, max: 1250, target: 1000 })
    expect(Bounds.resolve({ min: 300, max: 500, target: 450 }).target).toBe(450)
  })

  it("classifies weights and measures how far out they are", () => {
    expect([
      Bounds.statusOf(749, b),
      Bounds.statusOf(750, b),
      Bounds.statusOf(1250, b),
      Bounds.statusOf(1251, b)
    ]).toEqual(["under", "ok", "ok", "over"])
    expect([Bounds.violation(700, b), Bounds.violation(1000, b), Bounds.violation(1300, b)]).toEqual([50, 0, 50])
  })

  it("picks the number of grids nearest total / target with an in-bounds average", () => {
    expect(Bounds.partsFor(10_000, b)).toEqual({ k: 10, feasible: true })
    expect(Bounds.partsFor(1_300, b)).toEqual({ k: 1, feasible: false }) // 1 × 1300 over, 2 × 650 under: over misses less
    expect(Bounds.partsFor(1_400, b)).toEqual({ k: 2, feasible: false }) // 2 × 700 misses less than 1 × 1400
    expect(Bounds.partsFor(1_800, b)).toEqual({ k: 2, feasible: true })
    expect(Bounds.partsFor(600, b)).toEqual({ k: 1, feasible: false })
    // Close to a bound: round(total / target) would leave the bounds, so k moves inside.
    expect(Bounds.partsFor(2_600, Bounds.resolve({ min: 750, max: 1250, target: 1250 }))).toEqual({
      k: 3,
      feasible: true
    })
  })

  it("decodes bounds with Schema and names the broken rule", () => {
    const decode = Schema.decodeUnknownResult(Bounds.GridBounds)
    expect(Result.isSuccess(decode({ min: 300, max: 500 }))).toBe(true)
    const bad = decode({ min: 600, max: 500 })
    expect(Result.isFailure(bad) && bad.failure.message).toContain("min (600) must not exceed max (500)")
    const target = decode({ min: 300, max: 500, target: 600 })
    expect(Result.isFailure(target) && target.failure.message).toContain(
      "target (600) must lie between min (300) and max (500)"
    )
    expect(Result.isFailure(decode({ min: -1, max: 500 }))).toBe(true)
  })
})
