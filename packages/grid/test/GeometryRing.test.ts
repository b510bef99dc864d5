import { describe, expect, it } from "@effect/vitest"
import { Ring } from "../src"

const flat = (points: ReadonlyArray<readonly [number, number]>) => Float64Array.from(points.flat())

describe("Ring", () => {
  const square = flat([
    [0, 0],
    [2, 0],
    [2, 2],
    [0, 2]
  ])

  it("measures signed area (counter-clockwise positive) and perimeter", () => {
    expect(Ring.signedArea(square)).toBe(4)
    expect(Ring.signedArea(Ring.reversed(square))).toBe(-4)
    expect(Ring.perimeter(square)).toBe(8)
    expect(Ring.bbox(square)).toEqual([0, 0, 2, 2])
  })

  it("tests points inside and outside", () => {
    expect(Ring.containsPoint(square, 1, 1)).toBe(true)
    expect(Ring.containsPoint(square, 3, 1)).toBe(false)
  })

  it("finds crossings, overlaps and T-touches, and accepts simple rings", () => {
    expect(Ring.findSelfIntersection(square)).toBeUndefined()
    const bowtie = flat([
      [0, 0],
      [2, 2],
      [2, 0],
      [0, 2]
    ])
    expect(Ring.findSelfIntersection(bowtie)).toBeDefined()
    // A spike that runs back over its own edge.
    const spike = flat([
      [0, 0],
      [4, 0],
      [4, 2],
      [2, 2],
      [2, 0.0],
      [3, 0],
      [0, 2]
    ])
    expect(Ring.findSelfIntersection(spike)).toBeDefined()
    // A vertex touching another edge's interior.
    const touch = flat([
      [0, 0],
      [4, 0],
      [4, 4],
      [2, 0],
      [0, 4]
    ])
    expect(Ring.findSelfIntersection(touch)).toBeDefined()
  })
})
