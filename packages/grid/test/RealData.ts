/**
 * The real data files of the tests, read from the shared data folder next to the
 * repository (never downloaded): the 3,014 census blocks of Providence, RI and the
 * voting precincts of Rhode Island (MGGG Redistricting Lab RI-shapefiles, ODbL 1.0 /
 * DbCL 1.0).
 * @module
 */
import { existsSync, readFileSync } from "node:fs"
import { resolve } from "node:path"
import type { PointInPolygon } from "../src"

/** `<repository>/packages/grid/test` → `<repository>/data` (copied from the shared data set, ODbL). */
export const dataDir = resolve(import.meta.dirname, "../../../data")

/** Path of a real data file; fails loudly when it is missing. */
export const dataPath = (file: string): string => {
  const path = resolve(dataDir, file)
  if (!existsSync(path))
    throw new Error(`test data ${path} is missing (expected the shared data next to the repository)`)
  return path
}

/** Parses a real data file (a fresh copy on every call). */
export const readData = (file: string): unknown => JSON.parse(readFileSync(dataPath(file), "utf8"))

/** The Providence census blocks file. */
export const providenceFile = "providence_blocks.geojson"

/** A Providence census block as stored in the file. */
export interface ProvidenceBlock {
  readonly type: "Feature"
  readonly properties: { GEOID10: string; TOTPOP: number; WARD: string } & Record<string, unknown>
  readonly geometry: PointInPolygon.PolygonCoordinates
}

/** The Providence census blocks (a fresh copy on every call: tests may change it). */
export const providenceBlocks = (): { readonly type: "FeatureCollection"; readonly features: Array<ProvidenceBlock> } =>
  readData(providenceFile) as { type: "FeatureCollection"; features: Array<ProvidenceBlock> }

/** Reader options for Providence: blocks by GEOID10, persons as weight, council wards as communities. */
export const providenceOptions = { idProperty: "GEOID10", weightProperty: "TOTPOP", communityProperty: "WARD" } as const

/** A deterministic pseudo-random sequence in `[0, 1)` (a linear congruential generator). */
export const seededRandom = (seed: number): (() => number) => {
  let state = seed
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff
    return state / 0x80000000
  }
}
