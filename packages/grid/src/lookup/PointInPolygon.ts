/**
 * Exact point-in-polygon with one deterministic rule for boundaries, shared by the brute
 * force reference and the fast {@link LookupIndex}.
 *
 * ## The rule (half-open crossing number)
 *
 * A point `(x, y)` is inside a polygon when a ray from it towards +x crosses the
 * polygon's edges an odd number of times (even-odd rule over every ring, so holes and
 * the parts of a MultiPolygon need no special case). An edge with lower endpoint
 * `(xlo, ylo)` and upper endpoint `(xhi, yhi)` is crossed when
 *
 * ```
 * ylo <= y < yhi  and  x < xlo + (y - ylo) * slope,   slope = (xhi - xlo) / (yhi - ylo)
 * ```
 *
 * evaluated in IEEE double arithmetic exactly as written ({@link Ring.crossesRay}, which
 * `Ring.containsPoint` and {@link LookupIndex} use too). Horizontal edges are never
 * crossed. Every edge is oriented by its lower endpoint first, so an edge shared by two
 * polygons (listed in opposite directions) gives both of them the same answer.
 *
 * Consequences, for a tiling whose neighbours share vertices exactly:
 * - a point on a shared edge belongs to the polygon on its **east** side (+x);
 * - a point on a shared horizontal edge belongs to the polygon on its **north** side (+y);
 * - a shared vertex belongs to exactly one of the polygons around it;
 * - so every point of the tiled area lies in exactly one polygon, and points on the
 *   outer boundary belong to the tiling only on its west/south sides.
 *
 * Where neighbours do not share vertices (a vertex of one lies in the middle of the
 * other's edge), rounding may leave slivers ~1e-15 degrees wide in both or neither.
 * @module
 */
import type { Position } from "../geojson/GeoJson"
import * as Ring from "../geometry/Ring"

/** Polygon rings as GeoJSON coordinates: a Polygon (`rings`) or a MultiPolygon (parts). */
export type PolygonCoordinates =
  | { readonly type: "Polygon"; readonly coordinates: ReadonlyArray<ReadonlyArray<Position>> }
  | { readonly type: "MultiPolygon"; readonly coordinates: ReadonlyArray<ReadonlyArray<ReadonlyArray<Position>>> }

/**
 * The edges of many polygons in flat typed arrays, each edge stored lower endpoint first
 * (`y0 < y1`, or `y0 === y1 && x0 <= x1` for a horizontal edge). Edges of polygon `k` are
 * `polygonStart[k] .. polygonStart[k + 1] - 1`. Zero-length edges are dropped; an
 * unclosed ring is closed implicitly.
 */
export interface EdgeTable {
  /** Number of polygons. */
  readonly polygons: number
  /** `polygons + 1` offsets into the edge arrays. */
  readonly polygonStart: Uint32Array
  /** Lower (or western, for horizontal edges) endpoint. */
  readonly x0: Float64Array
  /** @see x0 */
  readonly y0: Float64Array
  /** Upper (or eastern) endpoint. */
  readonly x1: Float64Array
  /** @see x1 */
  readonly y1: Float64Array
  /** `(x1 - x0) / (y1 - y0)`; `0` for horizontal edges (never used for them). */
  readonly slope: Float64Array
  /** Bounding box per polygon: `minX, minY, maxX, maxY` at `4k`; empty polygons hold `NaN`. */
  readonly bbox: Float64Array
}

/** Number of edges in an {@link EdgeTable}. */
export const edgeCount = (table: EdgeTable): number => table.polygonStart[table.polygons] ?? 0

const ringsOf = (geometry: PolygonCoordinates): ReadonlyArray<ReadonlyArray<Position>> =>
  geometry.type === "Polygon" ? geometry.coordinates : geometry.coordinates.flat()

/** Compiles polygons (in order: polygon `k` is `geometries[k]`) into an {@link EdgeTable}. */
export const compile = (geometries: ReadonlyArray<PolygonCoordinates>): EdgeTable => {
  let capacity = 0
  for (const geometry of geometries) for (const ring of ringsOf(geometry)) capacity += ring.length
  const x0 = new Float64Array(capacity)
  const y0 = new Float64Array(capacity)
  const x1 = new Float64Array(capacity)
  const y1 = new Float64Array(capacity)
  const slope = new Float64Array(capacity)
  const polygonStart = new Uint32Array(geometries.length + 1)
  const bbox = new Float64Array(geometries.length * 4).fill(Number.NaN)
  let n = 0
  geometries.forEach((geometry, k) => {
    polygonStart[k] = n
    let minX = Number.POSITIVE_INFINITY
    let minY = Number.POSITIVE_INFINITY
    let maxX = Number.NEGATIVE_INFINITY
    let maxY = Number.NEGATIVE_INFINITY
    for (const ring of ringsOf(geometry)) {
      const last = ring.length - 1
      if (last < 1) continue
      const first = ring[0]!
      const closing = ring[last]!
      const closed = first[0] === closing[0] && first[1] === closing[1]
      const end = closed ? last : last + 1
      for (let i = 0; i < end; i++) {
        const a = ring[i]!
        const b = ring[i + 1 > last ? 0 : i + 1]!
        const ax = a[0]
        const ay = a[1]
        const bx = b[0]
        const by = b[1]
        if (ax < minX) minX = ax
        if (ax > maxX) maxX = ax
        if (ay < minY) minY = ay
        if (ay > maxY) maxY = ay
        if (ax === bx && ay === by) continue
        if (ay < by || (ay === by && ax <= bx)) {
          x0[n] = ax
          y0[n] = ay
          x1[n] = bx
          y1[n] = by
        } else {
          x0[n] = bx
          y0[n] = by
          x1[n] = ax
          y1[n] = ay
        }
        slope[n] = y0[n] === y1[n] ? 0 : (x1[n]! - x0[n]!) / (y1[n]! - y0[n]!)
        n++
      }
    }
    if (minX <= maxX) {
      bbox[4 * k] = minX
      bbox[4 * k + 1] = minY
      bbox[4 * k + 2] = maxX
      bbox[4 * k + 3] = maxY
    }
  })
  polygonStart[geometries.length] = n
  return {
    polygons: geometries.length,
    polygonStart,
    x0: x0.slice(0, n),
    y0: y0.slice(0, n),
    x1: x1.slice(0, n),
    y1: y1.slice(0, n),
    slope: slope.slice(0, n),
    bbox
  }
}

/** Whether polygon `k` of the table contains `(x, y)` under the half-open rule (see module doc). */
export const contains = (table: EdgeTable, k: number, x: number, y: number): boolean => {
  const { x0, y0, y1, slope } = table
  const end = table.polygonStart[k + 1]!
  let inside = false
  for (let e = table.polygonStart[k]!; e < end; e++) {
    if (Ring.crossesRay(x, y, x0[e]!, y0[e]!, y1[e]!, slope[e]!)) inside = !inside
  }
  return inside
}

/**
 * Brute force reference: the lowest polygon index containing `(x, y)`, or `-1`. Scans every
 * polygon (bounding box first). Slow on purpose: it is what the index is checked against.
 *
 * The box test is exact in `y`; in `x` it is widened by a hair, because a crossing computed
 * in floating point may land an ulp east of the polygon's easternmost vertex.
 */
export const locateBruteForce = (table: EdgeTable, x: number, y: number): number => {
  const { bbox } = table
  for (let k = 0; k < table.polygons; k++) {
    const o = 4 * k
    const minX = bbox[o]!
    const maxX = bbox[o + 2]!
    const pad = (maxX - minX) * 1e-9 + 1e-12 * (Math.abs(minX) + Math.abs(maxX))
    if (y >= bbox[o + 1]! && y <= bbox[o + 3]! && x >= minX - pad && x <= maxX + pad && contains(table, k, x, y)) {
      return k
    }
  }
  return -1
}
