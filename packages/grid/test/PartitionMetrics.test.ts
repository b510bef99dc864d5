import { describe, expect, it } from "@effect/vitest"
import { Bounds, Metrics, Partition } from "../src"
import { readLattice } from "./PartitionFixtures"

describe("Metrics", () => {
  const units = readLattice({ columns: 4, rows: 2, community: (c) => (c < 2 ? "A" : "B") })
  const bounds = Bounds.resolve({ min: 30, max: 50 })
  const at = (id: string) => units.ids.indexOf(id)

  it("scores a square grid π/4 and a 2×1 grid 2π/9", () => {
    const assignment = new Int32Array(units.size)
    for (const id of ["r0c2", "r1c2"]) assignment[at(id)] = 1
    for (const id of ["r0c3", "r1c3"]) assignment[at(id)] = 2
    // Grid 0 is the 2×2 square of community A.
    const { grids, summary } = Metrics.evaluate(units, assignment, bounds)
    expect(grids[0]!.polsbyPopper).toBeCloseTo(Math.PI / 4, 6)
    expect(grids[1]!.polsbyPopper).toBeCloseTo((4 * Math.PI * 2) / 36, 6)
    expect(summary.contiguous).toBe(1)
    expect(summary.singleCommunity).toBe(1)
    expect(summary.assignedOnce).toBe(true)
    expect(summary.withinBounds).toBeCloseTo(1 / 3, 9) // 40 ok; 20 and 20 under
  })

  it("catches a split grid, a grid across communities and unassigned units", () => {
    const assignment = new Int32Array(units.size)
    assignment[at("r0c0")] = 1
    assignment[at("r1c1")] = 1 // corner-touching only: not contiguous
    assignment[at("r0c2")] = 2
    assignment[at("r0c1")] = 2 // A and B in one grid
    assignment[at("r1c3")] = -1
    const { grids, summary } = Metrics.evaluate(units, assignment, bounds, { method: "topology" })
    expect(grids.find((g) => g.label === 1)!.contiguous).toBe(false)
    expect(grids.find((g) => g.label === 2)!.communities).toBe(2)
    expect(summary.unassigned).toBe(1)
    expect(summary.assignedOnce).toBe(false)
  })

  it("agrees between the dissolve and topology methods on a clean tiling", () => {
    const result = Partition.partition(units, { min: 30, max: 50 })
    const a = Metrics.metrics(result)
    const b = Metrics.metrics(result, { method: "topology" })
    a.grids.forEach((g, i) => {
      expect(g.polsbyPopper).toBeCloseTo(b.grids[i]!.polsbyPopper, 9)
    })
  })

  it("excuses grids the data cannot bring within bounds", () => {
    const heavy = readLattice({ columns: 3, rows: 1, weight: (c) => (c === 0 ? 100 : 20) })
    const result = Partition.partition(heavy, { min: 30, max: 50 })
    const { summary } = Metrics.metrics(result)
    expect(summary.grids).toBe(2)
    expect(summary.feasibleGrids).toBe(1)
    expect(summary.withinBoundsFeasible).toBe(1)
    expect(summary.withinBounds).toBe(0.5)
  })
})
