import { describe, expect, it } from "@effect/vitest"
import { Partition, UnitsReader } from "../src"
import { expectSound, readLattice } from "./PartitionFixtures"
import { providenceFile, providenceOptions, readData } from "./RealData"

describe("Partition", () => {
  // 10 × 10 squares of 10 households: community A is the west half, B the east half.
  const lattice = readLattice({ columns: 10, rows: 10, community: (c) => (c < 5 ? "A" : "B") })

  it("makes contiguous grids within bounds, inside one community, with readable ids", () => {
    const result = Partition.partition(lattice, { min: 80, max: 120 })
    expectSound(result)
    expect(result.grids.map((g) => g.id)).toEqual([
      "A-1",
      "A-2",
      "A-3",
      "A-4",
      "A-5",
      "B-1",
      "B-2",
      "B-3",
      "B-4",
      "B-5"
    ])
    expect(result.grids.every((g) => g.status === "ok")).toBe(true)
    expect(result.issues).toEqual([])
    expect(result.highWater).toEqual({ A: 5, B: 5 })
    expect(result.stats).toMatchObject({ units: 100, grids: 10, ok: 10, totalWeight: 1000 })
  })

  it("is deterministic: same input and options, same grids and ids", () => {
    const a = Partition.partition(lattice, { min: 80, max: 120, target: 110 })
    const b = Partition.partition(readLattice({ columns: 10, rows: 10, community: (c) => (c < 5 ? "A" : "B") }), {
      min: 80,
      max: 120,
      target: 110
    })
    expect(b.grids.map((g) => [g.id, Array.from(g.units)])).toEqual(a.grids.map((g) => [g.id, Array.from(g.units)]))
    expect(Array.from(b.assignments)).toEqual(Array.from(a.assignments))
  })

  it("says why a grid is out of bounds instead of failing", () => {
    const units = readLattice({
      columns: 12,
      rows: 4,
      // A: 4×4 with one 500-household block; C: 2×2 of 5 households (20 < min);
      // E: 2×2 of 35 (140: one grid is too heavy, two are too light); D, F: plain.
      community: (c, r) => (c < 4 ? "A" : c < 6 ? (r < 2 ? "C" : "E") : c < 8 ? "D" : "F"),
      weight: (c, r) => (c === 1 && r === 1 ? 500 : c < 4 ? 10 : c < 6 ? (r < 2 ? 5 : 35) : 10),
      skip: (c, r) => c === 7 && r === 1
    })
    const result = Partition.partition(units, { min: 80, max: 120 })
    expectSound(result)
    const reasons = (community: string) =>
      result.grids.filter((g) => g.community === community).map((g) => [g.status, g.reason ?? null, g.weight])
    expect(reasons("A")).toContainEqual(["over", "unit-exceeds-max", 500])
    expect(reasons("C")).toEqual([["under", "community-below-min", 20]])
    // 140 misses by less as two grids of 70 (12.5% under) than as one of 140 (16.7% over).
    expect(reasons("E")).toEqual([
      ["under", "no-feasible-split", 70],
      ["under", "no-feasible-split", 70]
    ])
    expect(result.issues.map((i) => i.code).sort()).toEqual(
      result.grids
        .filter((g) => g.reason !== undefined)
        .map((g) => g.reason)
        .sort()
    )
    expect(result.issues.find((i) => i.code === "unit-exceeds-max")?.message).toContain(
      "a single unit weighs more than max 120"
    )
  })

  it("reports a light island cut off from the rest of its community", () => {
    const units = readLattice({
      columns: 12,
      rows: 2,
      community: () => "A",
      skip: (c) => c === 9
    })
    // 9 × 2 = 180 households on the west side, 2 × 2 = 40 on the east island.
    const result = Partition.partition(units, { min: 80, max: 120 })
    expectSound(result)
    expect(result.grids.filter((g) => g.reason === "island-below-min").map((g) => g.weight)).toEqual([40])
    expect(result.grids.filter((g) => g.status === "ok").length).toBe(2)
  })

  it("rejects unusable options with the rule broken", () => {
    expect(() => Partition.partition(lattice, { min: 130, max: 120 })).toThrow(
      /min \(130\) must not exceed max \(120\)/
    )
    expect(() => Partition.partition(lattice, { min: 80, max: 120, target: 200 })).toThrow(
      Partition.PartitionOptionsError
    )
  })

  it("reports progress through the phases", () => {
    const phases = new Set<string>()
    Partition.partition(lattice, { min: 80, max: 120 }, { onProgress: (p) => phases.add(p.phase) })
    expect(phases.has("split")).toBe(true)
    expect(phases.has("done")).toBe(true)
  })

  it("partitions Providence (750-1,250 persons inside each ward) soundly and compactly", () => {
    const { units } = UnitsReader.readUnits(readData(providenceFile), providenceOptions)
    const result = Partition.partition(units, { min: 750, max: 1250 })
    const m = expectSound(result)
    expect(result.stats.reasons["unit-exceeds-max"]).toBe(2)
    expect(result.grids.filter((g) => g.reason === "unit-exceeds-max").map((g) => g.weight)).toEqual([1873, 1372])
    expect(m.summary.withinBoundsFeasible).toBeGreaterThanOrEqual(0.97)
    // A quality floor, well below what the benchmark reports, to catch regressions.
    expect(m.summary.polsbyPopperMedian).toBeGreaterThan(0.45)
    const again = Partition.partition(units, { min: 750, max: 1250 })
    expect(Array.from(again.assignments)).toEqual(Array.from(result.assignments))
    expect(again.grids.map((g) => g.id)).toEqual(result.grids.map((g) => g.id))
  })

  it("explains RI precincts, which are often larger than a grid", () => {
    const { units } = UnitsReader.readUnits(readData("ri_precincts.geojson"), {
      idProperty: "NAME",
      weightProperty: "TOTPOP",
      communityProperty: "HDIST"
    })
    const result = Partition.partition(units, { min: 750, max: 1250 })
    expectSound(result)
    expect(result.stats.reasons["unit-exceeds-max"]).toBeGreaterThan(300)
    for (const grid of result.grids) {
      if (grid.reason === "unit-exceeds-max") {
        expect(Array.from(grid.units).some((u) => units.weights[u]! > 1250)).toBe(true)
      }
    }
    expect(result.issues.length).toBe(result.grids.filter((g) => g.status !== "ok").length)
  })
})
