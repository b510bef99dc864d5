import { describe, expect, it } from "@effect/vitest"
import { Bounds, Metrics } from "../src"
import * as Bisection from "../src/partition/Bisection"
import * as Chains from "../src/partition/Chains"
import * as MergeSplit from "../src/partition/MergeSplit"
import { bisectionOptions } from "../src/partition/Partition"
import { Refiner } from "../src/partition/Refine"
import * as RegionRepair from "../src/partition/RegionRepair"
import { readLattice } from "./PartitionFixtures"

/** A lattice read as units, and an assignment given as one row of grid labels per lattice row (south first). */
const setup = (columns: number, rows: number, labels: ReadonlyArray<string>, communities?: ReadonlyArray<number>) => {
  const units = readLattice({ columns, rows })
  const grid = new Int32Array(units.size)
  for (let u = 0; u < units.size; u++) {
    const [, row, column] = units.ids[u]!.match(/^r(\d+)c(\d+)$/)!
    grid[u] = Number(labels[Number(row)]![Number(column)])
  }
  const count = Math.max(...grid) + 1
  const refiner = new Refiner(units.topology, units.weights, units.community, {
    grid,
    gridCommunity: communities === undefined ? new Int32Array(count) : Int32Array.from(communities)
  })
  return { units, grid, count, refiner }
}
const weightsOf = (refiner: Refiner) => Array.from(refiner.sums.weight)

describe("Chains", () => {
  it("refills a light grid through a neighbour sitting at its bound, from a grid with room", () => {
    // Grids 0 | 1 | 2 in a 9 × 1 strip: 10 | 30 | 50 households; bounds 30-50. Grid 1 has
    // nothing to spare, so grid 0 can only be refilled along the chain 0 ← 1 ← 2.
    const { refiner, count } = setup(9, 1, ["011122222"])
    const bounds = Bounds.resolve({ min: 30, max: 50 })
    expect(weightsOf(refiner)).toEqual([10, 30, 50])
    const moved = Chains.repair(refiner, { bounds, active: new Uint8Array(count).fill(1) })
    expect(moved).toBeGreaterThan(0)
    expect(
      weightsOf(refiner)
        .filter((w) => w > 0)
        .every((w) => w >= 30 && w <= 50)
    ).toBe(true)
  })

  it("leaves the assignment untouched when no chain helps", () => {
    // Two light grids in different communities: nothing may move between them.
    const { refiner, count, grid } = setup(2, 1, ["01"], [0, 1])
    const before = Array.from(grid)
    const moved = Chains.repair(refiner, {
      bounds: Bounds.resolve({ min: 25, max: 35 }),
      active: new Uint8Array(count).fill(1)
    })
    expect(moved).toBe(0)
    expect(Array.from(grid)).toEqual(before)
  })
})

describe("RegionRepair", () => {
  it("re-splits a region whose total fits when moves cannot", () => {
    // 1 | 5 units of 10 in a strip; bounds 25-35: the two must become 3 | 3.
    const { units, grid, count } = setup(6, 1, ["011111"])
    const bounds = Bounds.resolve({ min: 25, max: 35 })
    const ws = Bisection.workspace(units.topology, units.weights)
    const touched = RegionRepair.repair(units, grid, count, ws, {
      bounds,
      bisection: bisectionOptions(bounds, 8),
      repairable: () => true,
      communityOf: () => 0,
      addGrid: () => {
        throw new Error("no new grid expected")
      },
      attempt: 0
    })
    expect([...touched].sort()).toEqual([0, 1])
    const m = Metrics.evaluate(units, grid, bounds, { method: "topology" })
    expect(m.summary.withinBounds).toBe(1)
    expect(m.summary.contiguous).toBe(1)
  })
})

describe("MergeSplit", () => {
  it("re-cuts two interlocked grids into compact ones, keeping bounds and contiguity", () => {
    // Two L-shaped grids of 8 squares each in a 4 × 4 block.
    const { units, grid, count, refiner } = setup(4, 4, ["0111", "0111", "0111", "0000"])
    const bounds = Bounds.resolve({ min: 60, max: 100 })
    const before = Metrics.evaluate(units, grid, bounds, { method: "topology" })
    const ws = Bisection.workspace(units.topology, units.weights)
    const recut = MergeSplit.improve(refiner, ws, {
      bounds,
      balance: 1,
      bisection: bisectionOptions(bounds, 8),
      active: new Uint8Array(count).fill(1)
    })
    const after = Metrics.evaluate(units, grid, bounds, { method: "topology" })
    expect(recut).toBeGreaterThan(0)
    expect(after.summary.contiguous).toBe(1)
    expect(after.summary.withinBounds).toBe(1)
    expect(after.summary.polsbyPopperMean).toBeGreaterThan(before.summary.polsbyPopperMean)
  })
})
