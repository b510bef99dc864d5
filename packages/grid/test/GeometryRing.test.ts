import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import { PointInPolygon, Ring } from "../src"

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

  it("puts a point on an edge shared by two rings in exactly one of them, as PointInPolygon does", () => {
    const east = flat([
      [2, 0],
      [4, 0],
      [4, 2],
      [2, 2]
    ])
    expect([Ring.containsPoint(square, 2, 1), Ring.containsPoint(east, 2, 1)]).toEqual([false, true])
    expect([Ring.containsPoint(square, 2, 0), Ring.containsPoint(east, 2, 0)]).toEqual([false, true])
    expect(Ring.crossesRay(1, 1, 2, 0, 2, 0)).toBe(true)
    expect(Ring.crossesRay(1, 2, 2, 0, 2, 0)).toBe(false)
  })

  it("agrees with PointInPolygon.contains on every point, vertices and points on edges included", () => {
    const coordinate = fc.double({ min: -71.5, max: -71.3, noNaN: true })
    fc.assert(
      fc.property(
        fc.array(fc.tuple(coordinate, coordinate), { minLength: 3, maxLength: 9 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 9 }),
        (ring, fractions) => {
          const xy = flat(ring)
          const table = PointInPolygon.compile([{ type: "Polygon", coordinates: [ring] }])
          // Vertices, and points on each edge where the crossing rule puts them (x computed
          // from the lower endpoint, as the rule does): no slack for a different formula.
          const points: Array<readonly [number, number]> = [...ring]
          ring.forEach(([ax, ay], i) => {
            const [bx, by] = ring[(i + 1) % ring.length]!
            const [xlo, ylo, xhi, yhi] = ay <= by ? [ax, ay, bx, by] : [bx, by, ax, ay]
            for (const f of fractions) {
              const y = ylo + f * (yhi - ylo)
              points.push([yhi === ylo ? xlo + f * (xhi - xlo) : xlo + (y - ylo) * ((xhi - xlo) / (yhi - ylo)), y])
            }
          })
          return points.every(([x, y]) => Ring.containsPoint(xy, x, y) === PointInPolygon.contains(table, 0, x, y))
        }
      ),
      { numRuns: 300, seed: 20261122 }
    )
  })

  it("tells proper crossings from touches, and measures the distance to a segment", () => {
    expect(Ring.crossProperly(0, 0, 2, 2, 0, 2, 2, 0)).toBe(true)
    expect(Ring.crossProperly(0, 0, 2, 2, 1, 1, 3, 0)).toBe(false) // T-touch
    expect(Ring.crossProperly(0, 0, 2, 0, 1, 0, 3, 0)).toBe(false) // collinear overlap
    expect(Ring.crossProperly(0, 0, 1, 0, 2, 1, 2, -1)).toBe(false)
    expect(Ring.orient(0, 0, 1, 0, 0, 1)).toBeGreaterThan(0)
    expect(Ring.segmentDistanceSquared(1, 2, 0, 0, 2, 0)).toBe(4)
    expect(Ring.segmentDistanceSquared(5, 4, 0, 0, 2, 0)).toBe(25)
    expect(Ring.segmentDistanceSquared(3, 4, 0, 0, 0, 0)).toBe(25)
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
