import { describe, expect, it } from "@effect/vitest"
import { Result } from "effect"
import fc from "fast-check"
import { LookupIndex, PointInPolygon } from "../src"
import { polygon, rectRing, squares } from "./LookupFixtures"
import { providenceBlocks, seededRandom } from "./RealData"

/** Every polygon containing the point, by brute force. */
const containing = (table: PointInPolygon.EdgeTable, x: number, y: number): Array<number> => {
  const out: Array<number> = []
  for (let k = 0; k < table.polygons; k++) if (PointInPolygon.contains(table, k, x, y)) out.push(k)
  return out
}

const expectSameAsBruteForce = (
  table: PointInPolygon.EdgeTable,
  index: LookupIndex.LookupIndex,
  points: ReadonlyArray<readonly [number, number]>
): void => {
  const wrong = points.filter(
    ([x, y]) => LookupIndex.locate(index, x, y) !== PointInPolygon.locateBruteForce(table, x, y)
  )
  expect(wrong).toEqual([])
}

describe("PointInPolygon (half-open rule)", () => {
  it("puts a point on a shared vertical edge in the polygon to its east", () => {
    const table = PointInPolygon.compile(squares(2, 1))
    expect(containing(table, 1, 0.5)).toEqual([1])
    expect(containing(table, 0.999999, 0.5)).toEqual([0])
  })

  it("puts a point on a shared horizontal edge in the polygon to its north", () => {
    const table = PointInPolygon.compile(squares(1, 2))
    expect(containing(table, 0.5, 1)).toEqual([1])
  })

  it("gives every point of a tiling exactly one polygon, vertices and edges included", () => {
    const table = PointInPolygon.compile(squares(4, 3))
    for (let x = 0; x < 4; x += 0.25) {
      for (let y = 0; y < 3; y += 0.25) expect(containing(table, x, y)).toHaveLength(1)
    }
    // The outer east and north sides belong to nobody.
    expect(containing(table, 4, 1.5)).toEqual([])
    expect(containing(table, 1.5, 3)).toEqual([])
  })

  it("gives the same answer whichever way a shared edge is listed", () => {
    // A triangle fan around (0, 0) with slanted shared edges, rings in both orientations.
    const fan: Array<PointInPolygon.PolygonCoordinates> = [
      polygon([
        [0, 0],
        [3, 1],
        [1, 3],
        [0, 0]
      ]),
      polygon([
        [0, 0],
        [-2, 2],
        [1, 3],
        [0, 0]
      ]),
      polygon([
        [0, 0],
        [-2, 2],
        [-1, -3],
        [0, 0]
      ]),
      polygon([
        [0, 0],
        [3, 1],
        [-1, -3],
        [0, 0]
      ])
    ]
    const table = PointInPolygon.compile(fan)
    // Points on the shared slanted edges, computed in floating point.
    for (let t = 0.01; t < 1; t += 0.01) {
      for (const [ex, ey] of [
        [1, 3],
        [-2, 2],
        [-1, -3],
        [3, 1]
      ] as const) {
        expect(containing(table, ex * t, ey * t).length).toBeLessThanOrEqual(1)
      }
    }
    expect(containing(table, 0, 0)).toHaveLength(1)
  })

  it("handles holes and multipolygons with the even-odd rule", () => {
    const donut = polygon(rectRing(0, 0, 4, 4), rectRing(1, 1, 3, 3))
    const multi: PointInPolygon.PolygonCoordinates = {
      type: "MultiPolygon",
      coordinates: [[rectRing(10, 0, 11, 1)], [rectRing(12, 0, 13, 1)]]
    }
    const table = PointInPolygon.compile([donut, multi])
    expect(PointInPolygon.locateBruteForce(table, 0.5, 0.5)).toBe(0)
    expect(PointInPolygon.locateBruteForce(table, 2, 2)).toBe(-1)
    expect(PointInPolygon.locateBruteForce(table, 10.5, 0.5)).toBe(1)
    expect(PointInPolygon.locateBruteForce(table, 11.5, 0.5)).toBe(-1)
    expect(PointInPolygon.locateBruteForce(table, 12.5, 0.5)).toBe(1)
  })

  it("closes unclosed rings and drops zero-length edges", () => {
    const open = polygon([
      [0, 0],
      [1, 0],
      [1, 0],
      [1, 1],
      [0, 1]
    ])
    const table = PointInPolygon.compile([open])
    expect(PointInPolygon.edgeCount(table)).toBe(4)
    expect(PointInPolygon.contains(table, 0, 0.5, 0.5)).toBe(true)
  })
})

describe("LookupIndex", () => {
  it("answers like the brute force on a tiling, on every edge and vertex, at every raster size", () => {
    const table = PointInPolygon.compile(squares(5, 4))
    const points: Array<[number, number]> = []
    for (let x = -0.5; x <= 5.5; x += 0.125) for (let y = -0.5; y <= 4.5; y += 0.125) points.push([x, y])
    for (const cellsPerEdge of [0.01, 0.3, 1, 4, 50]) {
      const index = LookupIndex.build(table, { cellsPerEdge })
      expectSameAsBruteForce(table, index, points)
    }
  })

  it("returns the lowest index where polygons overlap, and handles holes filled by another polygon", () => {
    const table = PointInPolygon.compile([
      polygon(rectRing(0, 0, 4, 4), rectRing(1, 1, 3, 3)),
      polygon(rectRing(1, 1, 3, 3)),
      polygon(rectRing(2, 2, 6, 6)),
      polygon(rectRing(0, 0, 10, 10))
    ])
    const index = LookupIndex.build(table)
    expect(LookupIndex.locate(index, 2.5, 2.5)).toBe(1)
    expect(LookupIndex.locate(index, 3.5, 3.5)).toBe(0)
    expect(LookupIndex.locate(index, 5, 5)).toBe(2)
    expect(LookupIndex.locate(index, 8, 8)).toBe(3)
    const points: Array<[number, number]> = []
    for (let x = -1; x <= 11; x += 0.25) for (let y = -1; y <= 11; y += 0.25) points.push([x, y])
    expectSameAsBruteForce(table, index, points)
  })

  it("agrees with the brute force on random polygons and random points (property)", () => {
    // Realistic magnitudes: zero or at least 1e-200 (subnormal degrees do not occur).
    const coordinate = fc.double({ min: -10, max: 10, noNaN: true }).filter((v) => v === 0 || Math.abs(v) > 1e-200)
    const ring = fc.array(fc.tuple(coordinate, coordinate), { minLength: 3, maxLength: 9 })
    fc.assert(
      fc.property(
        fc.array(ring, { minLength: 1, maxLength: 6 }),
        fc.array(fc.tuple(coordinate, coordinate), { maxLength: 40 }),
        fc.double({ min: 0.05, max: 20, noNaN: true }),
        (rings, extra, cellsPerEdge) => {
          const geometries = rings.map((r) => polygon([...r, r[0]!]))
          const table = PointInPolygon.compile(geometries)
          const index = LookupIndex.build(table, { cellsPerEdge })
          // Random points, every vertex, and points on every edge.
          const points: Array<readonly [number, number]> = [...extra]
          for (const r of rings) {
            r.forEach((p, i) => {
              const q = r[(i + 1) % r.length]!
              points.push(p, [(p[0] + q[0]) / 2, (p[1] + q[1]) / 2], [p[0], q[1]], [q[0], p[1]])
            })
          }
          for (const [x, y] of points) {
            if (LookupIndex.locate(index, x, y) !== PointInPolygon.locateBruteForce(table, x, y)) return false
          }
          return true
        }
      ),
      { numRuns: 300, seed: 20261121 }
    )
  })

  it("is exact on the Providence census blocks (random points and every vertex)", () => {
    const geometries = providenceBlocks().features.map((f) => f.geometry)
    const table = PointInPolygon.compile(geometries)
    const index = LookupIndex.build(table)
    const random = seededRandom(7)
    const points: Array<[number, number]> = []
    for (let i = 0; i < 20_000; i++) {
      points.push([
        index.minX + random() * (index.maxX - index.minX),
        index.minY + random() * (index.maxY - index.minY)
      ])
    }
    for (const g of geometries.slice(0, 300)) {
      for (const ring of g.type === "Polygon" ? g.coordinates : g.coordinates.flat()) {
        for (const p of ring) points.push([p[0], p[1]])
      }
    }
    expectSameAsBruteForce(table, index, points)
    expect(LookupIndex.stats(index).polygons).toBe(3014)
  })

  it("answers -1 outside the bounding box, for NaN, and for an empty or degenerate set", () => {
    const index = LookupIndex.build(PointInPolygon.compile(squares(2, 2)), { ids: ["a", "b", "c", "d"] })
    expect(LookupIndex.locate(index, -1, 1)).toBe(-1)
    expect(LookupIndex.locate(index, 2, 1)).toBe(-1)
    expect(LookupIndex.locate(index, Number.NaN, 1)).toBe(-1)
    expect(LookupIndex.locateId(index, 1.5, 0.5)).toBe("b")
    expect(LookupIndex.locateId(index, 5, 5)).toBeUndefined()
    const empty = LookupIndex.build(PointInPolygon.compile([]))
    expect(LookupIndex.locate(empty, 0, 0)).toBe(-1)
    const flat = LookupIndex.build(
      PointInPolygon.compile([
        polygon([
          [0, 0],
          [1, 0],
          [2, 0],
          [0, 0]
        ])
      ])
    )
    expect(LookupIndex.locate(flat, 0.5, 0)).toBe(-1)
  })

  it("rejects ids that do not match the polygons", () => {
    expect(() => LookupIndex.build(PointInPolygon.compile(squares(2, 1)), { ids: ["only-one"] })).toThrow(/2 polygons/)
  })

  it("locates many points into a typed array", () => {
    const index = LookupIndex.build(PointInPolygon.compile(squares(3, 1)))
    const out = LookupIndex.locateMany(index, [0.5, 1.5, 2.5, 9], [0.5, 0.5, 0.5, 0.5], new Int32Array(4))
    expect([...out]).toEqual([0, 1, 2, -1])
  })
})

describe("LookupIndex encoding", () => {
  const table = PointInPolygon.compile([...squares(3, 3), polygon(rectRing(0.5, 0.5, 2.5, 2.5))])
  const index = LookupIndex.build(table, {
    ids: Array.from({ length: 10 }, (_, k) => `G-${k}`),
    communities: Array.from({ length: 10 }, (_, k) => (k % 2 === 0 ? "east" : null))
  })

  it("round-trips: the decoded index answers exactly like the original", () => {
    const bytes = LookupIndex.encode(index)
    // Decoding from an unaligned slice of a larger buffer works too.
    const padded = new Uint8Array(bytes.length + 3)
    padded.set(bytes, 3)
    const decoded = Result.getOrThrow(LookupIndex.decode(padded.subarray(3)))
    // And from a Node Buffer (whose slices are views into a shared pool), as read from a file.
    const fromBuffer = Result.getOrThrow(
      LookupIndex.decode(Buffer.concat([Buffer.from("xyz"), Buffer.from(bytes)]).subarray(3))
    )
    expect(LookupIndex.locate(fromBuffer, 1.5, 1.5)).toBe(LookupIndex.locate(index, 1.5, 1.5))
    expect(decoded.ids).toEqual(index.ids)
    expect(decoded.communities).toEqual(index.communities)
    for (let x = -0.25; x <= 3.25; x += 0.0625) {
      for (let y = -0.25; y <= 3.25; y += 0.0625) {
        expect(LookupIndex.locate(decoded, x, y)).toBe(LookupIndex.locate(index, x, y))
      }
    }
  })

  it("rejects foreign, truncated, damaged and future-version buffers with a reason", () => {
    const bytes = LookupIndex.encode(index)
    const failure = (input: Uint8Array): string => {
      const result = LookupIndex.decode(input)
      if (Result.isSuccess(result)) throw new Error("expected a failure")
      return result.failure.message
    }
    expect(failure(new TextEncoder().encode("hello world, not an index"))).toMatch(/magic/)
    expect(failure(bytes.subarray(0, bytes.length - 16))).toMatch(/truncated/)
    const future = bytes.slice()
    new DataView(future.buffer).setUint32(4, 99, true)
    expect(failure(future)).toMatch(/version 99/)
    const damaged = bytes.slice()
    const headerLength = new DataView(damaged.buffer).getUint32(8, true)
    const cellsAt = (12 + headerLength + 7) & ~7
    new DataView(damaged.buffer).setInt32(cellsAt, 1_000_000, true)
    expect(failure(damaged)).toMatch(/cell refers to nothing/)
  })
})
