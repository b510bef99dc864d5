/**
 * A seeded generator of synthetic territories for benchmarks, demos and tests: a
 * Voronoi tiling whose cells vary in size and shape (dense round clusters, stretched
 * clusters, rectangular street-block patches, sparse countryside), grouped into
 * communities of varying size, with household counts that follow density, including
 * empty units (parks, water) and a few very heavy ones (large apartment blocks).
 *
 * The output is an ordinary GeoJSON FeatureCollection in longitude/latitude, so it goes
 * through the same reader as real data. Same options, same output.
 * @module
 */
import { Delaunay } from "d3-delaunay"
import * as Projection from "../geometry/Projection"

/** Generator settings. */
export interface SyntheticOptions {
  /** Number of units. */
  readonly units: number
  /** Average number of units per community (default 600). */
  readonly unitsPerCommunity?: number
  /** Mean weight (households) per non-empty unit (default 25). */
  readonly meanWeight?: number
  /** Seed of the pseudo-random generator (default 1). */
  readonly seed?: number
  /** Longitude/latitude of the territory's centre (default `[-71.4, 41.8]`). */
  readonly centre?: readonly [number, number]
}

/** Property names used in the generated features. */
export const properties = { id: "id", weight: "households", community: "community" } as const

/** A generated unit feature. */
export interface SyntheticFeature {
  readonly type: "Feature"
  readonly properties: { readonly id: string; readonly households: number; readonly community: string }
  readonly geometry: { readonly type: "Polygon"; readonly coordinates: Array<Array<[number, number]>> }
}

/** A generated FeatureCollection. */
export interface SyntheticCollection {
  readonly type: "FeatureCollection"
  readonly features: Array<SyntheticFeature>
}

/** Small, fast, seeded PRNG (mulberry32): returns floats in `[0, 1)`. */
export const random = (seed: number): (() => number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const gaussian = (rand: () => number): number => {
  const u = Math.max(rand(), 1e-12)
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand())
}

/** Generates a synthetic territory. */
export const generate = (options: SyntheticOptions): SyntheticCollection => {
  const n = Math.max(1, Math.floor(options.units))
  const rand = random(options.seed ?? 1)
  const meanWeight = options.meanWeight ?? 25
  const perCommunity = Math.max(1, options.unitsPerCommunity ?? 600)
  // Side of the square territory: ~1 ha per unit on average.
  const side = Math.sqrt(n) * 100
  const xs = new Float64Array(n)
  const ys = new Float64Array(n)
  const density = new Float64Array(n)
  const clusters = Math.max(1, Math.round(n / 2500))
  const clusterX = Array.from({ length: clusters }, () => side * (0.1 + 0.8 * rand()))
  const clusterY = Array.from({ length: clusters }, () => side * (0.1 + 0.8 * rand()))
  const clusterR = Array.from({ length: clusters }, () => side * (0.03 + 0.08 * rand()))
  const clusterAngle = Array.from({ length: clusters }, () => Math.PI * rand())
  const clusterStretch = Array.from({ length: clusters }, () => 1 + 3 * rand() * rand())
  const patches = Math.max(1, Math.round(n / 5000))
  const patchX = Array.from({ length: patches }, () => side * (0.05 + 0.7 * rand()))
  const patchY = Array.from({ length: patches }, () => side * (0.05 + 0.7 * rand()))
  const patchW = Array.from({ length: patches }, () => side * (0.08 + 0.15 * rand()))
  const patchH = Array.from({ length: patches }, () => side * (0.05 + 0.12 * rand()))
  const clamp = (v: number) => Math.min(side * 0.999, Math.max(side * 0.001, v))
  for (let i = 0; i < n; i++) {
    const r = rand()
    if (r < 0.35) {
      // Sparse background.
      xs[i] = side * rand()
      ys[i] = side * rand()
      density[i] = 0.4
    } else if (r < 0.8) {
      // Round or stretched cluster.
      const c = Math.floor(rand() * clusters)
      const a = gaussian(rand) * clusterR[c]! * clusterStretch[c]!
      const b = gaussian(rand) * clusterR[c]!
      const cos = Math.cos(clusterAngle[c]!)
      const sin = Math.sin(clusterAngle[c]!)
      xs[i] = clamp(clusterX[c]! + a * cos - b * sin)
      ys[i] = clamp(clusterY[c]! + a * sin + b * cos)
      density[i] = 1.6
    } else {
      // Street-block patch: a jittered rectangular lattice of long blocks.
      const p = Math.floor(rand() * patches)
      const cols = 3 * Math.max(2, Math.round(Math.sqrt((n * 0.2) / patches / 3)))
      const rows = Math.max(2, Math.round(cols / 3))
      const col = Math.floor(rand() * cols)
      const row = Math.floor(rand() * rows)
      xs[i] = clamp(patchX[p]! + ((col + 0.5 + 0.15 * (rand() - 0.5)) * patchW[p]!) / cols)
      ys[i] = clamp(patchY[p]! + ((row + 0.5 + 0.15 * (rand() - 0.5)) * patchH[p]!) / rows)
      density[i] = 1.2
    }
  }
  // Keep sites at least a few metres apart (no sliver cells): move a site that lands
  // too close to an earlier one to a fresh random spot nearby, a few tries at most.
  const spacing = 4
  const buckets = new Map<number, Array<number>>()
  const keyOf = (x: number, y: number) => Math.floor(x / spacing) * 1_000_003 + Math.floor(y / spacing)
  const tooClose = (x: number, y: number) => {
    const bx = Math.floor(x / spacing)
    const by = Math.floor(y / spacing)
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (const j of buckets.get((bx + dx) * 1_000_003 + by + dy) ?? []) {
          if ((xs[j]! - x) ** 2 + (ys[j]! - y) ** 2 < spacing * spacing) return true
        }
      }
    }
    return false
  }
  for (let i = 0; i < n; i++) {
    for (let attempt = 0; tooClose(xs[i]!, ys[i]!); attempt++) {
      const reach = attempt < 8 ? 5 * spacing : side / 4
      xs[i] = clamp(xs[i]! + reach * (rand() - 0.5))
      ys[i] = clamp(ys[i]! + reach * (rand() - 0.5))
    }
    const key = keyOf(xs[i]!, ys[i]!)
    const bucket = buckets.get(key)
    if (bucket === undefined) buckets.set(key, [i])
    else bucket.push(i)
  }
  const flat = new Float64Array(2 * n)
  for (let i = 0; i < n; i++) {
    flat[2 * i] = xs[i]!
    flat[2 * i + 1] = ys[i]!
  }
  const voronoi = new Delaunay(flat).voronoi([0, 0, side, side])

  // Communities: nearest of K weighted seeds (a power diagram), so sizes vary.
  const k = Math.max(1, Math.round(n / perCommunity))
  const seedX = Array.from({ length: k }, () => side * rand())
  const seedY = Array.from({ length: k }, () => side * rand())
  const seedW = Array.from({ length: k }, () => (side / Math.sqrt(k)) ** 2 * 0.6 * rand())
  const width = String(k).length
  const communityOf = (x: number, y: number): string => {
    let best = 0
    let bestD = Number.POSITIVE_INFINITY
    for (let c = 0; c < k; c++) {
      const d = (x - seedX[c]!) ** 2 + (y - seedY[c]!) ** 2 - seedW[c]!
      if (d < bestD) {
        bestD = d
        best = c
      }
    }
    return `C${String(best + 1).padStart(width, "0")}`
  }

  const centre = options.centre ?? [-71.4, 41.8]
  const projection = Projection.make(centre[0], centre[1])
  const idWidth = String(n).length
  const features: Array<SyntheticFeature> = []
  for (let i = 0; i < n; i++) {
    const cell = voronoi.cellPolygon(i)
    if (cell === null) continue
    const ring: Array<[number, number]> = cell.map(([x, y]) => {
      const [lon, lat] = projection.inverse(x - side / 2, y - side / 2)
      return [lon, lat]
    })
    const r = rand()
    const weight =
      r < 0.15
        ? 0
        : r > 0.998
          ? Math.round(meanWeight * (15 + 30 * rand()))
          : Math.max(1, Math.round(meanWeight * density[i]! * Math.exp(0.6 * gaussian(rand) - 0.18)))
    features.push({
      type: "Feature",
      properties: {
        id: `U${String(i + 1).padStart(idWidth, "0")}`,
        households: weight,
        community: communityOf(xs[i]!, ys[i]!)
      },
      geometry: { type: "Polygon", coordinates: [ring] }
    })
  }
  return { type: "FeatureCollection", features }
}

/** Settings of {@link lattice}. */
export interface LatticeOptions {
  readonly columns: number
  readonly rows: number
  /** Side of each square, metres (default 100). */
  readonly cellSize?: number
  /** Longitude/latitude of the south-west corner (default `[-71.4, 41.8]`). */
  readonly origin?: readonly [number, number]
  /** Weight of the cell at `(column, row)` (default 10). */
  readonly weight?: (column: number, row: number) => number
  /** Community of the cell (default `"A"`). */
  readonly community?: (column: number, row: number) => string
  /** Leave a cell out (a hole in the territory). */
  readonly skip?: (column: number, row: number) => boolean
}

/**
 * A rectangular lattice of square units (ids `r<row>c<column>`, row 0 in the south):
 * handy for small, exactly known examples and tests. Neighbouring squares share their
 * corner positions exactly.
 */
export const lattice = (options: LatticeOptions): SyntheticCollection => {
  const size = options.cellSize ?? 100
  const origin = options.origin ?? [-71.4, 41.8]
  const projection = Projection.make(origin[0], origin[1])
  const corner = (column: number, row: number): [number, number] => {
    const [lon, lat] = projection.inverse(column * size, row * size)
    return [lon, lat]
  }
  const features: Array<SyntheticFeature> = []
  for (let row = 0; row < options.rows; row++) {
    for (let column = 0; column < options.columns; column++) {
      if (options.skip?.(column, row) === true) continue
      features.push({
        type: "Feature",
        properties: {
          id: `r${row}c${column}`,
          households: options.weight?.(column, row) ?? 10,
          community: options.community?.(column, row) ?? "A"
        },
        geometry: {
          type: "Polygon",
          coordinates: [
            [
              corner(column, row),
              corner(column + 1, row),
              corner(column + 1, row + 1),
              corner(column, row + 1),
              corner(column, row)
            ]
          ]
        }
      })
    }
  }
  return { type: "FeatureCollection", features }
}
