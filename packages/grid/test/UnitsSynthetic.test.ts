import { describe, expect, it } from "@effect/vitest"
import { SyntheticUnits, Topology, UnitsReader } from "../src"

describe("SyntheticUnits", () => {
  it("is deterministic for a seed and differs across seeds", () => {
    const a = SyntheticUnits.generate({ units: 400, seed: 3 })
    const b = SyntheticUnits.generate({ units: 400, seed: 3 })
    const c = SyntheticUnits.generate({ units: 400, seed: 4 })
    expect(JSON.stringify(a)).toBe(JSON.stringify(b))
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(c))
  })

  it("makes a clean tiling with varied unit sizes, empty units and several communities", () => {
    const collection = SyntheticUnits.generate({ units: 3000, seed: 11, unitsPerCommunity: 500 })
    const { units, issues } = UnitsReader.readUnits(collection, {
      idProperty: SyntheticUnits.properties.id,
      weightProperty: SyntheticUnits.properties.weight,
      communityProperty: SyntheticUnits.properties.community
    })
    expect(issues).toEqual([])
    expect(units.size).toBe(3000)
    expect(units.communities.length).toBeGreaterThanOrEqual(4)
    const areas = Array.from(units.topology.area).sort((x, y) => x - y)
    expect(areas[Math.floor(0.9 * areas.length)]! / areas[Math.floor(0.1 * areas.length)]!).toBeGreaterThan(5)
    expect(Array.from(units.weights).filter((w) => w === 0).length).toBeGreaterThan(200)
    // A Voronoi tiling has about 3 edges per unit.
    expect(Topology.edgeCount(units.topology) / units.size).toBeGreaterThan(2.5)
  })
})
