/**
 * Shared fixtures for the partition tests: synthetic lattices read as units, the
 * invariants every partition must keep, and RFC 7946 ring checks.
 * @module
 */
import { expect } from "@effect/vitest"
import { Metrics, type Partition, SyntheticUnits, UnitsReader } from "../src"

/** Reader options for `SyntheticUnits.lattice` / `generate` output. */
export const latticeOptions = {
  idProperty: "id",
  weightProperty: "households",
  communityProperty: "community"
} as const

/** A synthetic lattice (`SyntheticUnits.lattice`) read as units. */
export const readLattice = (options: SyntheticUnits.LatticeOptions): UnitsReader.ReadUnitsResult["units"] =>
  UnitsReader.readUnits(SyntheticUnits.lattice(options), latticeOptions).units

/**
 * Checks the invariants of every partition: each unit in exactly one grid, every grid
 * contiguous and inside one community, a reason exactly when a grid is out of bounds.
 * Returns the metrics for further checks.
 */
export const expectSound = (result: Partition.PartitionResult): Metrics.Evaluation => {
  const m = Metrics.metrics(result, { method: "topology" })
  expect(m.summary.assignedOnce).toBe(true)
  expect(m.summary.contiguous).toBe(1)
  expect(m.summary.singleCommunity).toBe(1)
  for (const grid of result.grids) {
    expect(grid.status === "ok").toBe(grid.reason === undefined)
    for (let i = 0; i < grid.units.length; i++) {
      expect(result.units.communities[result.units.community[grid.units[i]!]!]).toBe(grid.community)
    }
  }
  return m
}

/** A closed ring of `[lon, lat]` positions. */
export type LonLatRing = ReadonlyArray<readonly [number, number]>

/** Signed area in degrees² (positive = counter-clockwise). */
export const lonLatArea = (ring: LonLatRing): number => {
  let sum = 0
  for (let i = 0; i + 1 < ring.length; i++) sum += ring[i]![0] * ring[i + 1]![1] - ring[i + 1]![0] * ring[i]![1]
  return sum / 2
}

/** RFC 7946: rings closed, at least 4 positions, exterior counter-clockwise, holes clockwise. */
export const expectValidRings = (polygons: ReadonlyArray<ReadonlyArray<LonLatRing>>): void => {
  for (const polygon of polygons) {
    polygon.forEach((ring, k) => {
      expect(ring.length).toBeGreaterThanOrEqual(4)
      expect(ring[0]).toEqual(ring[ring.length - 1])
      if (k === 0) expect(lonLatArea(ring)).toBeGreaterThan(0)
      else expect(lonLatArea(ring)).toBeLessThan(0)
    })
  }
}
