/**
 * Shared-vertex topology of a polygon tiling, built once and used by partitioning,
 * dissolving and metrics.
 *
 * Steps, all deterministic (input order decides ties):
 * 1. Snap: vertices closer than `snapTolerance` metres (projected) become one vertex,
 *    so `41.828239` and `41.828238999999996` meet.
 * 2. Orient: exterior rings counter-clockwise, holes clockwise (RFC 7946 right-hand rule).
 * 3. Node: a vertex of one unit lying on another unit's edge (a T-junction) is inserted
 *    into that edge, so both sides of a shared boundary have the same edges.
 * 4. Hash edges: two units using the same edge are rook-adjacent; the shared length is
 *    the sum of the edges they share.
 * 5. Fall back to near segments: edges still unmatched are compared with nearly
 *    parallel edges of other units within `nearTolerance` metres (slivers, digitizing
 *    gaps); an overlap of positive length makes the units adjacent.
 *
 * Everything is stored in flat typed arrays (CSR adjacency) so 100,000 units stay small.
 * @module
 */
import Flatbush from "flatbush"
import { GrowableFloat64, GrowableInt32 } from "./GrowableArray"

/** One ring of an input polygon: open (closing position not repeated), in two coordinate systems. */
export interface RingInput {
  /** Projected coordinates `[x0, y0, x1, y1, ...]`, metres. */
  readonly xy: Float64Array
  /** The same positions as `[lon0, lat0, ...]`, degrees (kept for output). */
  readonly lonLat: Float64Array
}

/** A unit's geometry: polygons, each an exterior ring followed by its holes. */
export interface UnitGeometryInput {
  readonly polygons: ReadonlyArray<ReadonlyArray<RingInput>>
}

/** Tolerances, in metres of the projected plane. */
export interface TopologyOptions {
  /** Vertices closer than this are merged; also the distance for T-junction noding. */
  readonly snapTolerance: number
  /** Edges of two units closer than this and nearly parallel make the units adjacent. */
  readonly nearTolerance: number
}

/** Default tolerances: 1 cm snapping, 0.5 m for slivers. */
export const defaultOptions: TopologyOptions = { snapTolerance: 0.01, nearTolerance: 0.5 }

/** Something that was repaired or dropped while building the topology. */
export interface TopologyWarning {
  /** Index of the unit. */
  readonly unit: number
  /** What happened, in words. */
  readonly message: string
}

/**
 * The topology: vertices, rings per unit, per-unit measures and the rook adjacency
 * graph in CSR form (`adjIndex[adjStart[u] .. adjStart[u + 1])` are the neighbours of
 * `u`, ascending, with the shared boundary length in `adjLength`).
 */
export interface Topology {
  /** Number of units. */
  readonly size: number
  /** Projected x of each vertex, metres. */
  readonly vx: Float64Array
  /** Projected y of each vertex, metres. */
  readonly vy: Float64Array
  /** Longitude of each vertex (of the first input position snapped to it), degrees. */
  readonly lon: Float64Array
  /** Latitude of each vertex, degrees. */
  readonly lat: Float64Array
  /** Rings of unit `u` are `unitRingStart[u] .. unitRingStart[u + 1] - 1`. */
  readonly unitRingStart: Int32Array
  /** Vertices of ring `r` are `ringVertex[ringStart[r] .. ringStart[r + 1] - 1]` (open ring). */
  readonly ringStart: Int32Array
  /** Vertex ids of all rings, concatenated. */
  readonly ringVertex: Int32Array
  /** 1 when the ring is a hole (clockwise), 0 for an exterior ring (counter-clockwise). */
  readonly ringHole: Uint8Array
  /** Area of each unit, square metres. */
  readonly area: Float64Array
  /** Boundary length of each unit (all rings), metres. */
  readonly perimeter: Float64Array
  /** Area centroid x of each unit. */
  readonly cx: Float64Array
  /** Area centroid y of each unit. */
  readonly cy: Float64Array
  /** CSR offsets into `adjIndex`, length `size + 1`. */
  readonly adjStart: Int32Array
  /** Neighbour unit indices. */
  readonly adjIndex: Int32Array
  /** Shared boundary length with the neighbour, metres. */
  readonly adjLength: Float64Array
}

/** Result of {@link build}. */
export interface BuildResult {
  readonly topology: Topology
  readonly warnings: ReadonlyArray<TopologyWarning>
}

const cellKey = (ix: number, iy: number): number => Math.imul(ix | 0, 73856093) ^ Math.imul(iy | 0, 19349663)

/** Signed area of a ring given by vertex ids. */
const idRingArea = (ids: ArrayLike<number>, start: number, end: number, vx: Float64Array, vy: Float64Array) => {
  let sum = 0
  for (let i = start, j = end - 1; i < end; j = i++) {
    sum += vx[ids[j]!]! * vy[ids[i]!]! - vx[ids[i]!]! * vy[ids[j]!]!
  }
  return sum / 2
}

/**
 * Builds the topology of `units` (in the same order; unit `i` of the result is input `i`).
 * `onProgress` receives values in `[0, 1]`.
 */
export const build = (
  units: ReadonlyArray<UnitGeometryInput>,
  options: TopologyOptions = defaultOptions,
  onProgress?: (fraction: number) => void
): BuildResult => {
  const warnings: Array<TopologyWarning> = []
  const n = units.length
  const snap = Math.max(0, options.snapTolerance)
  const cell = snap > 0 ? snap : 1e-6
  const snap2 = snap * snap

  // 1. Snap vertices.
  const vxG = new GrowableFloat64()
  const vyG = new GrowableFloat64()
  const lonG = new GrowableFloat64()
  const latG = new GrowableFloat64()
  const buckets = new Map<number, Array<number>>()
  const vertexId = (x: number, y: number, lo: number, la: number): number => {
    const ix = Math.floor(x / cell)
    const iy = Math.floor(y / cell)
    let best = -1
    let bestD = snap2
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        const bucket = buckets.get(cellKey(ix + dx, iy + dy))
        if (bucket === undefined) continue
        for (const v of bucket) {
          const ex = vxG.data[v]! - x
          const ey = vyG.data[v]! - y
          const d = ex * ex + ey * ey
          if (d < bestD || (d === bestD && (best < 0 || v < best))) {
            best = v
            bestD = d
          }
        }
      }
    }
    if (best >= 0) return best
    const id = vxG.length
    vxG.push(x)
    vyG.push(y)
    lonG.push(lo)
    latG.push(la)
    const key = cellKey(ix, iy)
    const bucket = buckets.get(key)
    if (bucket === undefined) buckets.set(key, [id])
    else bucket.push(id)
    return id
  }

  // 2. Rings as vertex ids, oriented.
  const unitRingStart = new Int32Array(n + 1)
  const ringStartG = new GrowableInt32()
  const ringHoleG = new GrowableInt32()
  let ringVertexG = new GrowableInt32()
  const scratch: Array<number> = []
  for (let u = 0; u < n; u++) {
    unitRingStart[u] = ringStartG.length
    for (const polygon of units[u]!.polygons) {
      for (let k = 0; k < polygon.length; k++) {
        const ring = polygon[k]!
        scratch.length = 0
        const m = ring.xy.length >> 1
        for (let i = 0; i < m; i++) {
          const id = vertexId(ring.xy[2 * i]!, ring.xy[2 * i + 1]!, ring.lonLat[2 * i]!, ring.lonLat[2 * i + 1]!)
          if (scratch.length === 0 || scratch[scratch.length - 1] !== id) scratch.push(id)
        }
        while (scratch.length > 1 && scratch[0] === scratch[scratch.length - 1]) scratch.pop()
        const hole = k > 0
        if (scratch.length < 3) {
          warnings.push({
            unit: u,
            message: hole
              ? `a hole collapsed to fewer than 3 vertices after snapping (${snap} m) and was dropped`
              : `a polygon collapsed to fewer than 3 vertices after snapping (${snap} m) and was dropped`
          })
          if (!hole) break
          continue
        }
        const area = idRingArea(scratch, 0, scratch.length, vxG.data, vyG.data)
        if (area === 0) {
          warnings.push({ unit: u, message: `a ${hole ? "hole" : "polygon"} has zero area and was dropped` })
          if (!hole) break
          continue
        }
        if (area > 0 === hole) scratch.reverse()
        ringStartG.push(ringVertexG.length)
        ringHoleG.push(hole ? 1 : 0)
        for (const id of scratch) ringVertexG.push(id)
      }
    }
    if (u % 4096 === 0) onProgress?.((0.3 * u) / Math.max(1, n))
  }
  unitRingStart[n] = ringStartG.length
  ringStartG.push(ringVertexG.length)
  buckets.clear()

  const vx = vxG.toArray()
  const vy = vyG.toArray()
  const lon = lonG.toArray()
  const lat = latG.toArray()
  const V = vx.length
  let ringStart = ringStartG.toArray()
  const ringHole = Uint8Array.from(ringHoleG.toArray())
  const ringCount = ringHole.length
  const ringUnit = new Int32Array(ringCount)
  for (let u = 0; u < n; u++) {
    for (let r = unitRingStart[u]!; r < unitRingStart[u + 1]!; r++) ringUnit[r] = u
  }

  const edgeKey = (a: number, b: number): number => (a < b ? a * V + b : b * V + a)
  const edgeRingOf = (rs: Int32Array, E: number): Int32Array => {
    const out = new Int32Array(E)
    for (let r = 0; r < ringCount; r++) out.fill(r, rs[r]!, rs[r + 1]!)
    return out
  }
  const nextOf = (rv: Int32Array, rs: Int32Array, er: Int32Array, e: number): number => {
    const r = er[e]!
    return e + 1 < rs[r + 1]! ? rv[e + 1]! : rv[rs[r]!]!
  }
  /** A spatial index of the boxes of `edges` (positions in `rv`), each widened by `pad`. */
  const edgeBoxes = (
    edges: ReadonlyArray<number>,
    rv: Int32Array,
    rs: Int32Array,
    er: Int32Array,
    pad: number
  ): Flatbush => {
    const index = new Flatbush(edges.length)
    for (const e of edges) {
      const a = rv[e]!
      const b = nextOf(rv, rs, er, e)
      index.add(
        Math.min(vx[a]!, vx[b]!) - pad,
        Math.min(vy[a]!, vy[b]!) - pad,
        Math.max(vx[a]!, vx[b]!) + pad,
        Math.max(vy[a]!, vy[b]!) + pad
      )
    }
    index.finish()
    return index
  }

  // 3. Node T-junctions (only edges that do not already match another unit's edge).
  {
    const rv = ringVertexG.toArray()
    const E = rv.length
    const er = edgeRingOf(ringStart, E)
    const counts = new Map<number, number>()
    for (let e = 0; e < E; e++) {
      const key = edgeKey(rv[e]!, nextOf(rv, ringStart, er, e))
      counts.set(key, (counts.get(key) ?? 0) + 1)
    }
    const unmatched: Array<number> = []
    for (let e = 0; e < E; e++) {
      if (counts.get(edgeKey(rv[e]!, nextOf(rv, ringStart, er, e))) === 1) unmatched.push(e)
    }
    counts.clear()
    const insertions: Array<{ edge: number; t: number; vertex: number }> = []
    if (unmatched.length > 0 && snap > 0) {
      const index = edgeBoxes(unmatched, rv, ringStart, er, snap)
      const seen = new Uint8Array(V)
      for (const e0 of unmatched) {
        for (const v of [rv[e0]!, nextOf(rv, ringStart, er, e0)]) {
          if (seen[v] === 1) continue
          seen[v] = 1
          const px = vx[v]!
          const py = vy[v]!
          for (const hit of index.search(px, py, px, py)) {
            const e = unmatched[hit]!
            const a = rv[e]!
            const b = nextOf(rv, ringStart, er, e)
            if (a === v || b === v) continue
            const dx = vx[b]! - vx[a]!
            const dy = vy[b]! - vy[a]!
            const len2 = dx * dx + dy * dy
            if (len2 === 0) continue
            const t = ((px - vx[a]!) * dx + (py - vy[a]!) * dy) / len2
            if (t <= 0 || t >= 1) continue
            const qx = vx[a]! + t * dx - px
            const qy = vy[a]! + t * dy - py
            if (qx * qx + qy * qy <= snap2) insertions.push({ edge: e, t, vertex: v })
          }
        }
      }
    }
    if (insertions.length > 0) {
      insertions.sort((p, q) => p.edge - q.edge || p.t - q.t || p.vertex - q.vertex)
      const next = new GrowableInt32()
      const nextStart = new Int32Array(ringCount + 1)
      let k = 0
      for (let r = 0; r < ringCount; r++) {
        nextStart[r] = next.length
        for (let e = ringStart[r]!; e < ringStart[r + 1]!; e++) {
          next.push(rv[e]!)
          while (k < insertions.length && insertions[k]!.edge === e) {
            const v = insertions[k]!.vertex
            if (next.data[next.length - 1] !== v) next.push(v)
            k++
          }
        }
      }
      nextStart[ringCount] = next.length
      ringVertexG = next
      ringStart = nextStart
    }
  }
  onProgress?.(0.5)

  // 4. Hash edges: exact shared edges.
  const ringVertex = ringVertexG.toArray()
  const E = ringVertex.length
  const edgeRing = edgeRingOf(ringStart, E)
  const pairLength = new Map<number, number>()
  const addPair = (u: number, v: number, length: number) => {
    const key = u < v ? u * n + v : v * n + u
    pairLength.set(key, (pairLength.get(key) ?? 0) + length)
  }
  const matched = new Uint8Array(E)
  {
    const first = new Map<number, number>()
    for (let e = 0; e < E; e++) {
      const a = ringVertex[e]!
      const b = nextOf(ringVertex, ringStart, edgeRing, e)
      const key = edgeKey(a, b)
      const other = first.get(key)
      if (other === undefined) {
        first.set(key, e)
        continue
      }
      matched[e] = 1
      matched[other] = 1
      const u = ringUnit[edgeRing[e]!]!
      const w = ringUnit[edgeRing[other]!]!
      if (u !== w) addPair(u, w, Math.hypot(vx[b]! - vx[a]!, vy[b]! - vy[a]!))
    }
  }
  onProgress?.(0.7)

  // 5. Near, nearly parallel segments (slivers and small digitizing gaps).
  const near = Math.max(0, options.nearTolerance)
  if (near > 0) {
    const loose: Array<number> = []
    for (let e = 0; e < E; e++) if (matched[e] === 0) loose.push(e)
    if (loose.length > 1) {
      const index = edgeBoxes(loose, ringVertex, ringStart, edgeRing, near)
      const minSin = Math.sin((20 * Math.PI) / 180)
      // Length of each loose edge already credited to a neighbour: an edge never
      // shares more than its own length, however many near edges it faces.
      const credited = new Float64Array(loose.length)
      for (let i = 0; i < loose.length; i++) {
        const e1 = loose[i]!
        const u1 = ringUnit[edgeRing[e1]!]!
        const a = ringVertex[e1]!
        const b = nextOf(ringVertex, ringStart, edgeRing, e1)
        const ax = vx[a]!
        const ay = vy[a]!
        const len1 = Math.hypot(vx[b]! - ax, vy[b]! - ay)
        if (len1 === 0) continue
        const dx = (vx[b]! - ax) / len1
        const dy = (vy[b]! - ay) / len1
        const hits = index.search(
          Math.min(ax, vx[b]!),
          Math.min(ay, vy[b]!),
          Math.max(ax, vx[b]!),
          Math.max(ay, vy[b]!)
        )
        for (const j of hits) {
          if (j <= i) continue
          const e2 = loose[j]!
          const u2 = ringUnit[edgeRing[e2]!]!
          if (u2 === u1) continue
          const c = ringVertex[e2]!
          const d = nextOf(ringVertex, ringStart, edgeRing, e2)
          const ex = vx[d]! - vx[c]!
          const ey = vy[d]! - vy[c]!
          const len2 = Math.hypot(ex, ey)
          if (len2 === 0) continue
          if (Math.abs(dx * ey - dy * ex) / len2 > minSin) continue
          const tc = (vx[c]! - ax) * dx + (vy[c]! - ay) * dy
          const td = (vx[d]! - ax) * dx + (vy[d]! - ay) * dy
          const hc = dx * (vy[c]! - ay) - dy * (vx[c]! - ax)
          const hd = dx * (vy[d]! - ay) - dy * (vx[d]! - ax)
          const lo = Math.max(0, Math.min(tc, td))
          const hi = Math.min(len1, Math.max(tc, td))
          if (hi - lo <= snap) continue
          const heightAt = (s: number) => (td === tc ? hc : hc + ((hd - hc) * (s - tc)) / (td - tc))
          if (Math.abs(heightAt(lo)) > near || Math.abs(heightAt(hi)) > near) continue
          const overlap = Math.min(hi - lo, len1 - credited[i]!, len2 - credited[j]!)
          if (overlap <= snap) continue
          credited[i] = credited[i]! + overlap
          credited[j] = credited[j]! + overlap
          addPair(u1, u2, overlap)
        }
      }
    }
  }
  onProgress?.(0.85)

  // Per-unit measures.
  const area = new Float64Array(n)
  const perimeter = new Float64Array(n)
  const cx = new Float64Array(n)
  const cy = new Float64Array(n)
  for (let u = 0; u < n; u++) {
    let p = 0
    for (let r = unitRingStart[u]!; r < unitRingStart[u + 1]!; r++) {
      const s = ringStart[r]!
      const t = ringStart[r + 1]!
      // Work relative to the ring's first vertex to keep the products small.
      const ox = vx[ringVertex[s]!]!
      const oy = vy[ringVertex[s]!]!
      let a2 = 0
      let sx = 0
      let sy = 0
      for (let i = s, j = t - 1; i < t; j = i++) {
        const x0 = vx[ringVertex[j]!]! - ox
        const y0 = vy[ringVertex[j]!]! - oy
        const x1 = vx[ringVertex[i]!]! - ox
        const y1 = vy[ringVertex[i]!]! - oy
        const cross = x0 * y1 - x1 * y0
        a2 += cross
        sx += (x0 + x1) * cross
        sy += (y0 + y1) * cross
        p += Math.hypot(x1 - x0, y1 - y0)
      }
      const ringArea = a2 / 2
      area[u] = area[u]! + ringArea
      cx[u] = cx[u]! + sx / 6 + ox * ringArea
      cy[u] = cy[u]! + sy / 6 + oy * ringArea
    }
    perimeter[u] = p
    if (area[u]! > 0) {
      cx[u] = cx[u]! / area[u]!
      cy[u] = cy[u]! / area[u]!
    } else {
      // Degenerate: use the mean of the vertices (or 0,0 when the unit has none).
      let count = 0
      let mx = 0
      let my = 0
      for (let r = unitRingStart[u]!; r < unitRingStart[u + 1]!; r++) {
        for (let i = ringStart[r]!; i < ringStart[r + 1]!; i++) {
          mx += vx[ringVertex[i]!]!
          my += vy[ringVertex[i]!]!
          count++
        }
      }
      cx[u] = count > 0 ? mx / count : 0
      cy[u] = count > 0 ? my / count : 0
    }
  }

  // CSR adjacency, neighbours ascending.
  const degree = new Int32Array(n + 1)
  const keys = Array.from(pairLength.keys()).sort((p, q) => p - q)
  for (const key of keys) {
    const u = Math.floor(key / n)
    const v = key - u * n
    degree[u] = degree[u]! + 1
    degree[v] = degree[v]! + 1
  }
  const adjStart = new Int32Array(n + 1)
  for (let u = 0; u < n; u++) adjStart[u + 1] = adjStart[u]! + degree[u]!
  const fill = adjStart.slice(0, n)
  const adjIndex = new Int32Array(adjStart[n]!)
  const adjLength = new Float64Array(adjStart[n]!)
  for (const key of keys) {
    const u = Math.floor(key / n)
    const v = key - u * n
    const length = pairLength.get(key)!
    const iu = fill[u]!
    const iv = fill[v]!
    adjIndex[iu] = v
    adjLength[iu] = length
    adjIndex[iv] = u
    adjLength[iv] = length
    fill[u] = iu + 1
    fill[v] = iv + 1
  }
  // Keys ascending by (u, v) with u < v: row u first receives its smaller neighbours
  // (ascending), then its larger ones (ascending), so every row is already sorted.
  onProgress?.(1)

  return {
    topology: {
      size: n,
      vx,
      vy,
      lon,
      lat,
      unitRingStart,
      ringStart,
      ringVertex,
      ringHole,
      area,
      perimeter,
      cx,
      cy,
      adjStart,
      adjIndex,
      adjLength
    },
    warnings
  }
}

/** Number of undirected adjacency edges. */
export const edgeCount = (topology: Topology): number => topology.adjIndex.length / 2

/** Shared boundary length between `u` and `v` (0 when not adjacent). */
export const sharedLength = (topology: Topology, u: number, v: number): number => {
  for (let i = topology.adjStart[u]!; i < topology.adjStart[u + 1]!; i++) {
    if (topology.adjIndex[i] === v) return topology.adjLength[i]!
  }
  return 0
}
