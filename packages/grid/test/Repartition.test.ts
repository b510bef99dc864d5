import { describe, expect, it } from "@effect/vitest"
import {
  AssignmentsCsv,
  GridsWriter,
  Partition,
  PreviousGridsReader,
  Repartition,
  type SyntheticUnits,
  Units
} from "../src"
import { expectSound, readLattice } from "./PartitionFixtures"

const bounds = { min: 80, max: 120 } as const

// 10 × 6 squares of 10 households; community A is the west half, B the east half.
const territory = (changes: Partial<SyntheticUnits.LatticeOptions> = {}) =>
  readLattice({ columns: 10, rows: 6, community: (c) => (c < 5 ? "A" : "B"), ...changes })

const gridsOf = (result: Partition.PartitionResult, community: string) =>
  result.grids
    .filter((g) => g.community === community)
    .map((g) => [g.id, Array.from(g.units, (u) => result.units.ids[u])])

describe("Repartition", () => {
  const units = territory()
  const before = Partition.partition(units, bounds)
  const previous = Repartition.fromResult(before)

  it("given nothing changed, keeps every grid identical", () => {
    const after = Repartition.repartition(previous, units, bounds)
    expect(after.grids.map((g) => [g.id, Array.from(g.units)])).toEqual(
      before.grids.map((g) => [g.id, Array.from(g.units)])
    )
    expect(after.churn).toMatchObject({
      weightShare: 0,
      keptGrids: 6,
      changedGrids: 0,
      createdGrids: [],
      retiredGrids: [],
      unchangedCommunities: ["A", "B"],
      changedCommunities: []
    })
  })

  it("given a weight change that keeps bounds, moves nothing (no churn for shape alone)", () => {
    const weights = units.weights.slice()
    weights[units.ids.indexOf("r2c7")] = 14
    const after = Repartition.repartition(previous, Units.withWeights(units, weights), bounds)
    expect(after.churn.weightShare).toBe(0)
    expect(after.churn.changedCommunities).toEqual(["B"])
    expect(gridsOf(after, "A")).toEqual(gridsOf(before, "A"))
    expect(gridsOf(after, "B")).toEqual(gridsOf(before, "B"))
  })

  it("given a grid grows past max, repairs only its community and mints a new id above the high-water mark", () => {
    const target = before.grids.find((g) => g.community === "B")!
    const weights = units.weights.slice()
    for (let i = 0; i < target.units.length; i++) weights[target.units[i]!] = 20 // the grid doubles
    const after = Repartition.repartition(previous, Units.withWeights(units, weights), bounds)
    expectSound(after)
    expect(after.grids.every((g) => g.status === "ok")).toBe(true)
    expect(gridsOf(after, "A")).toEqual(gridsOf(before, "A"))
    expect(after.churn.unchangedCommunities).toEqual(["A"])
    expect(after.churn.createdGrids).toEqual(["B-4"])
    expect(after.churn.retiredGrids).toEqual([])
    expect(after.highWater).toEqual({ A: 3, B: 4 })
    // Ids follow their units: the grown grid's id stays with most of its old weight.
    const overlap = (g: Partition.Grid) =>
      Array.from(g.units).filter((u) => Array.from(target.units).includes(u)).length
    const keeper = after.grids.find((g) => g.id === target.id)!
    expect(overlap(keeper)).toBe(Math.max(...after.grids.map(overlap)))
    expect(after.churn.weightShare).toBeLessThan(0.5)
  })

  it("given a grid shrinks below min, merges it and never reuses the retired id", () => {
    const target = before.grids.find((g) => g.community === "B")!
    const weights = units.weights.slice()
    for (let i = 0; i < target.units.length; i++) weights[target.units[i]!] = 1
    const shrunk = Repartition.repartition(previous, Units.withWeights(units, weights), bounds)
    expectSound(shrunk)
    expect(shrunk.grids.every((g) => g.status === "ok")).toBe(true)
    expect(shrunk.churn.retiredGrids.length).toBe(1)
    const retired = shrunk.churn.retiredGrids[0]!
    // The households come back: a grid is needed again, under a fresh id.
    const grownBack = Repartition.repartition(Repartition.fromResult(shrunk), units, bounds)
    expectSound(grownBack)
    expect(grownBack.grids.map((g) => g.id)).not.toContain(retired)
    expect(grownBack.churn.createdGrids).toEqual(["B-4"])
  })

  it("given new and removed units, places them and reports the churn", () => {
    // Column 10 is new (community B); r0c0 (community A) is gone.
    const grown = territory({ columns: 11, skip: (c, r) => c === 0 && r === 0 })
    const after = Repartition.repartition(previous, grown, bounds)
    expectSound(after)
    expect(after.churn.removedUnits).toBe(1)
    expect(after.churn.newUnitWeight).toBe(60)
    expect(after.churn.changedCommunities).toEqual(["A", "B"])
    expect(after.grids.every((g) => g.status === "ok")).toBe(true)
    expect(after.churn.weightShare).toBeLessThan(0.35)
  })

  it("reads previous grids from the grids GeoJSON (with high-water marks) and from assignments CSV", () => {
    const file = PreviousGridsReader.fromGridsGeoJson(JSON.parse(JSON.stringify(GridsWriter.toGridsGeoJson(before))))
    expect(file.highWaterKnown).toBe(true)
    expect(file.grids).toEqual(previous.grids)
    const csv = PreviousGridsReader.fromAssignments(AssignmentsCsv.parse(AssignmentsCsv.toCsv(before)))
    expect(csv.highWaterKnown).toBe(false)
    expect(csv.highWater).toEqual({ A: 3, B: 3 })
    const viaCsv = Repartition.repartition(csv, units, bounds)
    expect(viaCsv.grids.map((g) => [g.id, Array.from(g.units)])).toEqual(
      before.grids.map((g) => [g.id, Array.from(g.units)])
    )
    expect(() =>
      PreviousGridsReader.fromGridsGeoJson({
        type: "FeatureCollection",
        features: [{ type: "Feature", properties: {} }]
      })
    ).toThrow(/grid_id/)
  })
})
