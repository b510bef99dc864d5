/**
 * Shared fixtures for the partition tests: the real data files (read from the shared
 * data folder next to the repository, never downloaded), reader options for the
 * synthetic lattices, and RFC 7946 ring checks.
 */
import { existsSync, readFileSync } from "node:fs"
import { resolve } from "node:path"
import { expect } from "@effect/vitest"

/** `/work/main/packages/grid/test` → `/work/shared/data`. */
export const dataDir = resolve(import.meta.dirname, "../../../../shared/data")

/** Parses a real data file; fails loudly when it is missing. */
export const readData = (file: string): unknown => {
  const path = resolve(dataDir, file)
  if (!existsSync(path))
    throw new Error(`test data ${path} is missing (expected the shared data next to the repository)`)
  return JSON.parse(readFileSync(path, "utf8"))
}

/** Reader options for `SyntheticUnits.lattice` / `generate` output. */
export const latticeOptions = {
  idProperty: "id",
  weightProperty: "households",
  communityProperty: "community"
} as const

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
