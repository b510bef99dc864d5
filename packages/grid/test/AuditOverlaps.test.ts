import { describe, expect, it } from "@effect/vitest"
import { Result } from "effect"
import { AuditOverlaps, GridsReader } from "../src"
import { polygon, rectRing } from "./LookupFixtures"
import { providenceBlocks } from "./RealData"

const d = 0.001

describe("AuditOverlaps", () => {
  it("finds no overlap between neighbours sharing edges, even split into different vertices", () => {
    const grids = [
      { gridId: "a", geometry: polygon(rectRing(0, 0, d, d)) },
      // Shares the edge x = d, with an extra vertex in its middle (a T-junction).
      {
        gridId: "b",
        geometry: polygon([
          [d, 0],
          [2 * d, 0],
          [2 * d, d],
          [d, d],
          [d, d / 2],
          [d, 0]
        ])
      },
      { gridId: "c", geometry: polygon(rectRing(0, d, 2 * d, 2 * d)) }
    ]
    expect(AuditOverlaps.findOverlaps(grids)).toEqual([])
  })

  it("finds crossing, nested, identical and hole-filling overlaps and measures them in m²", () => {
    const grids = [
      { gridId: "base", geometry: polygon(rectRing(0, 0, 4 * d, 4 * d), rectRing(d, d, 3 * d, 3 * d)) },
      { gridId: "in-hole", geometry: polygon(rectRing(d, d, 3 * d, 3 * d)) },
      { gridId: "nested", geometry: polygon(rectRing(0.1 * d, 0.1 * d, 0.5 * d, 0.5 * d)) },
      { gridId: "twin", geometry: polygon(rectRing(0, 0, 4 * d, 4 * d), rectRing(d, d, 3 * d, 3 * d)) },
      { gridId: "cross", geometry: polygon(rectRing(3.5 * d, -d, 5 * d, 5 * d)) }
    ]
    const progress: Array<number> = []
    const found = AuditOverlaps.findOverlaps(grids, { onProgress: (done) => progress.push(done) })
    expect(found.map((o) => `${o.a}/${o.b}`)).toEqual([
      "base/cross",
      "base/nested",
      "base/twin",
      "cross/twin",
      "nested/twin"
    ])
    const area = (a: string, b: string) => found.find((o) => o.a === a && o.b === b)!.area
    // 0.5d × 4d at the equator: about 55.7 m × 442 m.
    expect(area("base", "cross")).toBeGreaterThan(24_000)
    expect(area("base", "cross")).toBeLessThan(25_000)
    expect(area("base", "twin") / area("base", "nested")).toBeCloseTo(12 / 0.16, 3)
    expect(progress.at(-1)).toBe(5)
  })

  it("ignores overlaps smaller than minArea", () => {
    const grids = [
      { gridId: "a", geometry: polygon(rectRing(0, 0, d, d)) },
      { gridId: "b", geometry: polygon(rectRing(d - 1e-6, 0, 2 * d, d)) }
    ]
    expect(AuditOverlaps.findOverlaps(grids)).toHaveLength(1)
    expect(AuditOverlaps.findOverlaps(grids, { minArea: 1000 })).toEqual([])
  })

  it("finds none among the Providence census blocks", () => {
    const collection = providenceBlocks()
    for (const f of collection.features) f.properties.grid_id = f.properties.GEOID10
    const file = Result.getOrThrow(GridsReader.decode(collection))
    expect(file.grids).toHaveLength(3014)
    expect(AuditOverlaps.findOverlaps(file.grids)).toEqual([])
  })
})
