/**
 * Dissolve a set of units of a {@link Topology} into one (Multi)Polygon by boundary-edge
 * tracing: an edge used by two units of the set is interior and cancels; the edges left
 * (used once) are the boundary and are linked into rings. This is exact for a rook-
 * adjacent tiling whose shared boundaries were noded by the topology builder, and far
 * cheaper than a general polygon union.
 *
 * Rings come out with the interior on their left: exteriors counter-clockwise, holes
 * clockwise (RFC 7946). Where two parts of the result touch at a single vertex the
 * tracer takes the sharpest left turn and cuts self-touching rings at the repeated
 * vertex, so every ring is simple. When tracing meets an
 * inconsistency (overlapping or badly oriented input), {@link dissolve} falls back to
 * polyclip-ts union and says so in its result.
 * @module
 */
import * as Polyclip from "polyclip-ts"
import type { Topology } from "./Topology"

/** A dissolved polygon as rings of vertex ids (open rings). */
export interface IdPolygon {
  /** Exterior ring, counter-clockwise. */
  readonly shell: ReadonlyArray<number>
  /** Holes, clockwise. */
  readonly holes: ReadonlyArray<ReadonlyArray<number>>
}

/** GeoJSON position `[lon, lat]`. */
export type LonLat = [number, number]

/** GeoJSON MultiPolygon coordinates: polygons of closed rings. */
export type MultiPolygonCoordinates = Array<Array<Array<LonLat>>>

/** The outcome of {@link dissolve}. */
export interface Dissolved {
  /** MultiPolygon coordinates (closed rings, right-hand rule), longitude/latitude. */
  readonly coordinates: MultiPolygonCoordinates
  /** Area in the projected plane, square metres. */
  readonly area: number
  /** Boundary length in the projected plane, metres (holes included). */
  readonly perimeter: number
  /** `"trace"` normally; `"union"` when tracing failed and polyclip-ts union was used. */
  readonly method: "trace" | "union"
}

const ringArea = (ring: ReadonlyArray<number>, vx: Float64Array, vy: Float64Array): number => {
  let sum = 0
  const n = ring.length
  const ox = vx[ring[0]!]!
  const oy = vy[ring[0]!]!
  for (let i = 0, j = n - 1; i < n; j = i++) {
    sum += (vx[ring[j]!]! - ox) * (vy[ring[i]!]! - oy) - (vx[ring[i]!]! - ox) * (vy[ring[j]!]! - oy)
  }
  return sum / 2
}

const ringLength = (ring: ReadonlyArray<number>, vx: Float64Array, vy: Float64Array): number => {
  let sum = 0
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    sum += Math.hypot(vx[ring[i]!]! - vx[ring[j]!]!, vy[ring[i]!]! - vy[ring[j]!]!)
  }
  return sum
}

const ringContains = (ring: ReadonlyArray<number>, vx: Float64Array, vy: Float64Array, x: number, y: number) => {
  let inside = false
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const xi = vx[ring[i]!]!
    const yi = vy[ring[i]!]!
    const xj = vx[ring[j]!]!
    const yj = vy[ring[j]!]!
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside
  }
  return inside
}

/**
 * Splits a ring that visits a vertex twice into simple rings. The left-most-turn
 * tracing keeps parts that touch at a vertex apart, but a hole touching its exterior
 * at a vertex comes out as one self-touching ring; the loop cut off here is that hole.
 */
const splitAtRepeats = (ring: ReadonlyArray<number>): Array<Array<number>> => {
  const out: Array<Array<number>> = []
  const position = new Map<number, number>()
  const path: Array<number> = []
  for (const v of ring) {
    const i = position.get(v)
    if (i === undefined) {
      position.set(v, path.length)
      path.push(v)
      continue
    }
    const loop = path.slice(i)
    for (let k = i + 1; k < path.length; k++) position.delete(path[k]!)
    path.length = i + 1
    if (loop.length >= 3) out.push(loop)
  }
  if (path.length >= 3) out.push(path)
  return out
}

/**
 * Traces the boundary of `units` into polygons of vertex ids, or returns `undefined`
 * when the edges do not link into closed rings (inconsistent input).
 */
export const traceIds = (topology: Topology, units: ArrayLike<number>): ReadonlyArray<IdPolygon> | undefined => {
  const { unitRingStart, ringStart, ringVertex, vx, vy } = topology
  const V = vx.length
  // Directed edge multiset with cancellation of opposite pairs.
  const counts = new Map<number, number>()
  const order: Array<number> = []
  for (let k = 0; k < units.length; k++) {
    const u = units[k]!
    for (let r = unitRingStart[u]!; r < unitRingStart[u + 1]!; r++) {
      const s = ringStart[r]!
      const t = ringStart[r + 1]!
      for (let e = s; e < t; e++) {
        const a = ringVertex[e]!
        const b = e + 1 < t ? ringVertex[e + 1]! : ringVertex[s]!
        const reverse = b * V + a
        const rc = counts.get(reverse)
        if (rc !== undefined && rc > 0) {
          counts.set(reverse, rc - 1)
          continue
        }
        const key = a * V + b
        const c = counts.get(key)
        if (c === undefined) order.push(key)
        counts.set(key, (c ?? 0) + 1)
      }
    }
  }
  const from: Array<number> = []
  const to: Array<number> = []
  for (const key of order) {
    const c = counts.get(key)!
    const a = Math.floor(key / V)
    const b = key - a * V
    for (let i = 0; i < c; i++) {
      from.push(a)
      to.push(b)
    }
  }
  const m = from.length
  if (m === 0) return []
  const outgoing = new Map<number, Array<number>>()
  for (let e = 0; e < m; e++) {
    const list = outgoing.get(from[e]!)
    if (list === undefined) outgoing.set(from[e]!, [e])
    else list.push(e)
  }
  const used = new Uint8Array(m)
  const rings: Array<Array<number>> = []
  for (let start = 0; start < m; start++) {
    if (used[start] === 1) continue
    const ring: Array<number> = [from[start]!]
    used[start] = 1
    let current = start
    let guard = 0
    for (;;) {
      if (++guard > m + 1) return undefined
      const v = to[current]!
      const candidates = outgoing.get(v) ?? []
      const inX = vx[v]! - vx[from[current]!]!
      const inY = vy[v]! - vy[from[current]!]!
      let best = -1
      let bestTurn = Number.NEGATIVE_INFINITY
      for (const e of candidates) {
        if (used[e] === 1 && e !== start) continue
        const outX = vx[to[e]!]! - vx[v]!
        const outY = vy[to[e]!]! - vy[v]!
        const turn = Math.atan2(inX * outY - inY * outX, inX * outX + inY * outY)
        if (turn > bestTurn || (turn === bestTurn && e < best)) {
          bestTurn = turn
          best = e
        }
      }
      if (best < 0) return undefined
      if (best === start) break
      used[best] = 1
      ring.push(v)
      current = best
    }
    for (const piece of splitAtRepeats(ring)) rings.push(piece)
  }
  const shells: Array<{ ring: Array<number>; area: number; holes: Array<Array<number>> }> = []
  const holes: Array<Array<number>> = []
  for (const ring of rings) {
    const area = ringArea(ring, vx, vy)
    if (area > 0) shells.push({ ring, area, holes: [] })
    else if (area < 0) holes.push(ring)
  }
  for (const hole of holes) {
    // Probe the midpoint of the hole's first edge: it is off every other ring's edges.
    const x = (vx[hole[0]!]! + vx[hole[1]!]!) / 2
    const y = (vy[hole[0]!]! + vy[hole[1]!]!) / 2
    let owner: (typeof shells)[number] | undefined
    for (const shell of shells) {
      if ((owner === undefined || shell.area < owner.area) && ringContains(shell.ring, vx, vy, x, y)) owner = shell
    }
    if (owner === undefined) return undefined
    owner.holes.push(hole)
  }
  return shells.map((s) => ({ shell: s.ring, holes: s.holes }))
}

const closedLonLat = (ring: ReadonlyArray<number>, topology: Topology): Array<LonLat> => {
  const out: Array<LonLat> = ring.map((v) => [topology.lon[v]!, topology.lat[v]!])
  out.push([topology.lon[ring[0]!]!, topology.lat[ring[0]!]!])
  return out
}

const signedLonLatArea = (ring: ReadonlyArray<LonLat>): number => {
  let sum = 0
  for (let i = 0; i + 1 < ring.length; i++) {
    sum += ring[i]![0] * ring[i + 1]![1] - ring[i + 1]![0] * ring[i]![1]
  }
  return sum / 2
}

const unionFallback = (topology: Topology, units: ArrayLike<number>): MultiPolygonCoordinates => {
  const geoms: Array<Array<Array<[number, number]>>> = []
  for (let k = 0; k < units.length; k++) {
    const u = units[k]!
    let current: Array<Array<[number, number]>> | undefined
    for (let r = topology.unitRingStart[u]!; r < topology.unitRingStart[u + 1]!; r++) {
      const ids = Array.from(topology.ringVertex.subarray(topology.ringStart[r]!, topology.ringStart[r + 1]!))
      const ring = closedLonLat(ids, topology)
      if (topology.ringHole[r] === 0) {
        current = [ring]
        geoms.push(current)
      } else current?.push(ring)
    }
  }
  if (geoms.length === 0) return []
  const [head, ...rest] = geoms
  const result = Polyclip.union(head!, ...rest)
  // Normalise orientation: exterior counter-clockwise, holes clockwise.
  return result.map((polygon) =>
    polygon.map((ring, i) => {
      const area = signedLonLatArea(ring)
      return (i === 0 ? area < 0 : area > 0) ? [...ring].reverse() : ring
    })
  )
}

/**
 * Dissolves `units` into MultiPolygon coordinates with the projected area and
 * perimeter of the result (for Polsby-Popper).
 */
export const dissolve = (topology: Topology, units: ArrayLike<number>): Dissolved => {
  const traced = traceIds(topology, units)
  if (traced !== undefined) {
    let area = 0
    let perimeter = 0
    const coordinates: MultiPolygonCoordinates = []
    for (const polygon of traced) {
      area += ringArea(polygon.shell, topology.vx, topology.vy)
      perimeter += ringLength(polygon.shell, topology.vx, topology.vy)
      const rings = [closedLonLat(polygon.shell, topology)]
      for (const hole of polygon.holes) {
        area += ringArea(hole, topology.vx, topology.vy)
        perimeter += ringLength(hole, topology.vx, topology.vy)
        rings.push(closedLonLat(hole, topology))
      }
      coordinates.push(rings)
    }
    return { coordinates, area, perimeter, method: "trace" }
  }
  let area = 0
  let perimeter = 0
  for (let k = 0; k < units.length; k++) {
    area += topology.area[units[k]!]!
    perimeter += topology.perimeter[units[k]!]!
  }
  // Interior boundaries do not count: subtract twice the shared length inside the set.
  const inSet = new Set<number>(Array.from({ length: units.length }, (_, k) => units[k]!))
  for (const u of inSet) {
    for (let i = topology.adjStart[u]!; i < topology.adjStart[u + 1]!; i++) {
      if (inSet.has(topology.adjIndex[i]!)) perimeter -= topology.adjLength[i]!
    }
  }
  return { coordinates: unionFallback(topology, units), area, perimeter, method: "union" }
}
