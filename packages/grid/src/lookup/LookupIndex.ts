/**
 * A fast, exact point → polygon index over a set of grids (or any polygons).
 *
 * The answer is exactly what the brute-force scan {@link PointInPolygon.locateBruteForce}
 * returns under the documented half-open rule: the lowest polygon index containing the
 * point, or `-1`. Nothing is approximated, including points on shared edges and vertices.
 *
 * ## How it works
 * The bounding box is cut into a uniform raster of cells (about `cellsPerEdge` cells per
 * polygon edge). For each cell the builder classifies every edge of every polygon, in the
 * cell's row, as crossing the cell's column (C), entirely east (F) or entirely west (L) of
 * it, with a safety margin far above floating-point rounding:
 * - a cell that no edge touches is **pure**: it stores the one polygon covering it (or -1),
 *   found by a scanline at the row's centre;
 * - a **mixed** cell stores, per candidate polygon (ascending index), its C edges as
 *   `[xlo, ylo, yhi, slope]` plus a few vertical *pseudo-edges* east of the cell that
 *   reproduce, exactly, the parity of all its F edges as a function of `y` (their count at
 *   the bottom of the row, and the `y` values where that parity flips). A query walks
 *   only these edges, with the same expression as the brute force.
 *
 * A query is two multiplications, one typed-array read for pure cells, and a short loop
 * over a handful of edges otherwise; it allocates nothing. The index is serialized with
 * {@link encode} / {@link decode} into one binary buffer so a service starts without
 * rebuilding it.
 *
 * @example
 * ```ts
 * import { LookupIndex, PointInPolygon } from "@gridwork/grid"
 *
 * const square = { type: "Polygon", coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]] } as const
 * const index = LookupIndex.build(PointInPolygon.compile([square]), { ids: ["G1"] })
 * LookupIndex.locate(index, 0.5, 0.5) // 0
 * LookupIndex.locateId(index, 2, 2)   // undefined
 * ```
 * @module
 */
import { Result, Schema } from "effect"
import { GrowableFloat64, GrowableInt32, GrowableUint8, GrowableUint32 } from "../geometry/GrowableArray"
import { type EdgeTable, edgeCount } from "./PointInPolygon"

/** A built index. Treat as opaque; query it with {@link locate}, {@link locateMany}, {@link locateId}. */
export interface LookupIndex {
  /** Identifier of each polygon, in polygon order (e.g. grid ids). */
  readonly ids: ReadonlyArray<string>
  /** Community (village / neighbourhood) of each polygon, or `null`; carried for lookups. */
  readonly communities: ReadonlyArray<string | null>
  /**
   * Bounding box of all edges, padded by a hair (~1e-9 of its size); points outside
   * `[minX, maxX) × [minY, maxY)` are in no polygon.
   */
  readonly minX: number
  /** @see minX */
  readonly minY: number
  /** @see minX */
  readonly maxX: number
  /** @see minX */
  readonly maxY: number
  /** Raster size. */
  readonly columns: number
  /** @see columns */
  readonly rows: number
  /** Columns per unit of x (`columns / (maxX - minX)`). */
  readonly scaleX: number
  /** Rows per unit of y. */
  readonly scaleY: number
  /** Per cell: polygon index (pure), `-1` (pure, outside), or `-2 - m` for mixed cell `m`. */
  readonly cells: Int32Array
  /** `mixed + 1` offsets into the candidate arrays. */
  readonly mixedStart: Uint32Array
  /** Per mixed cell: the polygon to answer when no candidate contains the point (or -1). */
  readonly mixedFallback: Int32Array
  /** Per candidate: polygon index. */
  readonly candidatePolygon: Int32Array
  /** Per candidate: parity before its edges are counted (0 or 1). */
  readonly candidateBase: Uint8Array
  /** `candidates + 1` offsets into {@link edges} (in edges, not numbers). */
  readonly candidateEdgeStart: Uint32Array
  /** Edges as `[xlo, ylo, yhi, slope]` quadruples. */
  readonly edges: Float64Array
}

/** Options of {@link build}. */
export interface BuildOptions {
  /** Identifiers, one per polygon (defaults to `"0"`, `"1"`, ...). */
  readonly ids?: ReadonlyArray<string> | undefined
  /** Community of each polygon (defaults to `null`s). */
  readonly communities?: ReadonlyArray<string | null> | undefined
  /** Raster cells per polygon edge: more cells, more memory, more pure cells. Default 4. */
  readonly cellsPerEdge?: number | undefined
  /** Upper bound on the number of raster cells. Default 8,388,608 (32 MiB of cells). */
  readonly maxCells?: number | undefined
}

/** Sorts `values[0 .. count - 1]` ascending: insertion sort for the usual handful. */
const sortPrefix = (values: Float64Array, count: number): void => {
  if (count > 32) {
    values.subarray(0, count).sort()
    return
  }
  for (let i = 1; i < count; i++) {
    const v = values[i]!
    let j = i - 1
    while (j >= 0 && values[j]! > v) {
      values[j + 1] = values[j]!
      j--
    }
    values[j + 1] = v
  }
}

const emptyIndex = (ids: ReadonlyArray<string>, communities: ReadonlyArray<string | null>): LookupIndex => ({
  ids,
  communities,
  minX: 0,
  minY: 0,
  maxX: 0,
  maxY: 0,
  columns: 1,
  rows: 1,
  scaleX: 0,
  scaleY: 0,
  cells: Int32Array.of(-1),
  mixedStart: Uint32Array.of(0),
  mixedFallback: new Int32Array(0),
  candidatePolygon: new Int32Array(0),
  candidateBase: new Uint8Array(0),
  candidateEdgeStart: Uint32Array.of(0),
  edges: new Float64Array(0)
})

/**
 * Builds the index of the polygons of `table` (polygon `k` gets `ids[k]`). Runs in roughly
 * linear time in the number of edges and raster cells.
 * @throws RangeError when `ids` or `communities` do not have one entry per polygon.
 */
export const build = (table: EdgeTable, options: BuildOptions = {}): LookupIndex => {
  const polygons = table.polygons
  const ids = options.ids ?? Array.from({ length: polygons }, (_, k) => String(k))
  const communities = options.communities ?? Array.from({ length: polygons }, () => null)
  if (ids.length !== polygons || communities.length !== polygons) {
    throw new RangeError(
      `LookupIndex.build: ${polygons} polygons but ${ids.length} ids and ${communities.length} communities`
    )
  }
  const n = edgeCount(table)
  const { x0, y0, x1, y1, slope } = table
  let minX = Number.POSITIVE_INFINITY
  let minY = Number.POSITIVE_INFINITY
  let maxX = Number.NEGATIVE_INFINITY
  let maxY = Number.NEGATIVE_INFINITY
  for (let e = 0; e < n; e++) {
    const ax = x0[e]!
    const bx = x1[e]!
    if (ax < minX) minX = ax
    if (bx < minX) minX = bx
    if (ax > maxX) maxX = ax
    if (bx > maxX) maxX = bx
    if (y0[e]! < minY) minY = y0[e]!
    if (y1[e]! > maxY) maxY = y1[e]!
  }
  // No edge or no area: no point is inside anything.
  if (!(maxX - minX > 0 && maxY - minY > 0)) return emptyIndex(ids, communities)
  // Pad the box: a crossing computed in floating point may land an ulp beyond the
  // extreme vertex, so a point just east of maxX can still be inside.
  const padX = (maxX - minX) * 1e-9 + 1e-12 * (Math.abs(minX) + Math.abs(maxX))
  const padY = (maxY - minY) * 1e-9 + 1e-12 * (Math.abs(minY) + Math.abs(maxY))
  minX -= padX
  maxX += padX
  minY -= padY
  maxY += padY
  const width = maxX - minX
  const height = maxY - minY

  const cellsPerEdge = options.cellsPerEdge ?? 4
  const maxCells = options.maxCells ?? 8_388_608
  const target = Math.max(1, Math.min(maxCells, Math.round(n * cellsPerEdge)))
  let columns = Math.max(1, Math.min(target, Math.round(Math.sqrt((target * width) / height)) || 1))
  let rows = Math.max(1, Math.min(Math.floor(maxCells / columns), Math.round(target / columns)))
  let scaleX = columns / width
  let scaleY = rows / height
  // Extents so small that their inverse overflows (subnormal): one column / row.
  if (!Number.isFinite(scaleX)) {
    columns = 1
    scaleX = 0
  }
  if (!Number.isFinite(scaleY)) {
    rows = 1
    scaleY = 0
  }
  const cellW = width / columns
  const cellH = height / rows
  // Safety margins: far above rounding (~1e-16 relative), far below a cell.
  const marginX = cellW * 1e-6 + 1e-12 * (Math.abs(minX) + Math.abs(maxX))
  const marginY = cellH * 1e-6 + 1e-12 * (Math.abs(minY) + Math.abs(maxY))

  const edgePolygon = new Int32Array(n)
  for (let k = 0; k < polygons; k++) {
    edgePolygon.fill(k, table.polygonStart[k]!, table.polygonStart[k + 1]!)
  }

  const bandOf = (y: number): number => {
    const r = Math.floor((y - minY) * scaleY)
    return r < 0 ? 0 : r >= rows ? rows - 1 : r
  }
  const columnOf = (x: number): number => {
    const c = Math.floor((x - minX) * scaleX)
    return c < 0 ? 0 : c >= columns ? columns - 1 : c
  }

  // Pass 1: how many (band, edge) entries.
  const bandStart = new Uint32Array(rows + 1)
  for (let e = 0; e < n; e++) {
    const r0 = bandOf(y0[e]! - 2 * marginY)
    const r1 = bandOf(y1[e]! + 2 * marginY)
    for (let r = r0; r <= r1; r++) bandStart[r + 1]!++
  }
  for (let r = 0; r < rows; r++) bandStart[r + 1]! += bandStart[r]!
  const entries = bandStart[rows]!
  const bandEdge = new Int32Array(entries)
  const bandFirst = new Int32Array(entries) // first column where the edge is C; -1: not in band
  const bandLast = new Int32Array(entries)
  const fill = bandStart.slice(0, rows)
  let cellPairs = 0
  // Pass 2: clip each edge to each band it may touch, in edge order (so grouped by polygon).
  for (let e = 0; e < n; e++) {
    const ex0 = x0[e]!
    const ey0 = y0[e]!
    const ex1 = x1[e]!
    const ey1 = y1[e]!
    const horizontal = ey0 === ey1
    const r0 = bandOf(ey0 - 2 * marginY)
    const r1 = bandOf(ey1 + 2 * marginY)
    for (let r = r0; r <= r1; r++) {
      const i = fill[r]!++
      bandEdge[i] = e
      const bandBottom = minY + r * cellH - marginY
      const bandTop = minY + (r + 1) * cellH + marginY
      const a = Math.max(ey0, bandBottom)
      const b = Math.min(ey1, bandTop)
      if (a > b) {
        bandFirst[i] = -1
        bandLast[i] = -2
        continue
      }
      let xa: number
      let xb: number
      if (horizontal) {
        xa = ex0
        xb = ex1
      } else {
        xa = a === ey0 ? ex0 : ex0 + (a - ey0) * slope[e]!
        xb = b === ey1 ? ex1 : ex0 + (b - ey0) * slope[e]!
      }
      const lo = Math.min(xa, xb)
      const hi = Math.max(xa, xb)
      const first = columnOf(lo - marginX)
      const last = columnOf(hi + marginX)
      bandFirst[i] = first
      bandLast[i] = last
      cellPairs += last - first + 1
    }
  }

  const cells = new Int32Array(rows * columns)
  // Sized from the number of (cell, edge) pairs, so they rarely grow.
  const mixedStart = new GrowableUint32(Math.min(rows * columns, cellPairs) + 1)
  const mixedFallback = new GrowableInt32(Math.min(rows * columns, cellPairs))
  const candidatePolygon = new GrowableInt32(cellPairs >> 1)
  const candidateBase = new GrowableUint8(cellPairs >> 1)
  const candidateEdgeStart = new GrowableUint32((cellPairs >> 1) + 1)
  const out = new GrowableFloat64(6 * cellPairs)
  mixedStart.push(0)
  candidateEdgeStart.push(0)

  // Scratch, reused for every band.
  const cellCount = new Int32Array(columns + 1)
  const cellFill = new Int32Array(columns)
  const bucketCount = new Int32Array(columns + 2)
  const bucketFill = new Int32Array(columns + 1)
  const segmentStart = new Int32Array(polygons)
  const segmentEnd = new Int32Array(polygons)
  const inside = new Uint8Array(polygons)
  const stamp = new Int32Array(polygons).fill(-1)
  // Polygons inside at the scanline, as a set with O(1) insert and remove.
  const active = new Int32Array(polygons)
  const activeAt = new Int32Array(polygons)
  let activeCount = 0
  let cellItems = new Int32Array(1024)
  let bucketItems = new Int32Array(1024)
  let toggles = new Float64Array(64)

  for (let r = 0; r < rows; r++) {
    const from = bandStart[r]!
    const to = bandStart[r + 1]!
    const bandBottom = minY + r * cellH - marginY
    const bandTop = minY + (r + 1) * cellH + marginY
    const scanY = minY + (r + 0.5) * cellH

    // Polygon segments of the band list, cell lists, and scanline crossings.
    cellCount.fill(0)
    bucketCount.fill(0)
    let previous = -1
    for (let i = from; i < to; i++) {
      const e = bandEdge[i]!
      const k = edgePolygon[e]!
      if (k !== previous) {
        segmentStart[k] = i
        previous = k
      }
      segmentEnd[k] = i + 1
      const first = bandFirst[i]!
      if (first < 0) continue
      for (let c = first, last = bandLast[i]!; c <= last; c++) cellCount[c + 1]!++
      const ylo = y0[e]!
      if (ylo <= scanY && scanY < y1[e]!) {
        const cross = x0[e]! + (scanY - ylo) * slope[e]!
        const f = Math.floor((cross - minX) * scaleX - 0.5) + 1
        bucketCount[(f < 0 ? 0 : Math.min(f, columns)) + 1]!++
      }
    }
    for (let c = 0; c < columns; c++) cellCount[c + 1]! += cellCount[c]!
    for (let c = 0; c <= columns; c++) bucketCount[c + 1]! += bucketCount[c]!
    if (cellItems.length < cellCount[columns]!) cellItems = new Int32Array(cellCount[columns]! * 2)
    if (bucketItems.length < bucketCount[columns + 1]!) bucketItems = new Int32Array(bucketCount[columns + 1]! * 2)
    cellFill.set(cellCount.subarray(0, columns))
    bucketFill.set(bucketCount.subarray(0, columns + 1))
    for (let i = from; i < to; i++) {
      const first = bandFirst[i]!
      if (first < 0) continue
      for (let c = first, last = bandLast[i]!; c <= last; c++) cellItems[cellFill[c]!++] = i
      const e = bandEdge[i]!
      const ylo = y0[e]!
      if (ylo <= scanY && scanY < y1[e]!) {
        const cross = x0[e]! + (scanY - ylo) * slope[e]!
        const f = Math.floor((cross - minX) * scaleX - 0.5) + 1
        bucketItems[bucketFill[f < 0 ? 0 : Math.min(f, columns)]!++] = edgePolygon[e]!
      }
    }

    for (let c = 0; c < columns; c++) {
      // Scanline state at the cell centre.
      for (let b = bucketCount[c]!, end = bucketCount[c + 1]!; b < end; b++) {
        const k = bucketItems[b]!
        if (inside[k] === 1) {
          inside[k] = 0
          const at = activeAt[k]!
          const moved = active[--activeCount]!
          active[at] = moved
          activeAt[moved] = at
        } else {
          inside[k] = 1
          activeAt[k] = activeCount
          active[activeCount++] = k
        }
      }
      const cell = r * columns + c
      const itemsFrom = cellCount[c]!
      const itemsTo = cellCount[c + 1]!
      for (let j = itemsFrom; j < itemsTo; j++) stamp[edgePolygon[bandEdge[cellItems[j]!]!]!] = cell
      let fallback = -1
      for (let a = 0; a < activeCount; a++) {
        const k = active[a]!
        if (stamp[k] !== cell && (fallback < 0 || k < fallback)) fallback = k
      }
      if (itemsFrom === itemsTo) {
        cells[cell] = fallback
        continue
      }
      const firstCandidate = candidatePolygon.length
      let j = itemsFrom
      while (j < itemsTo) {
        const k = edgePolygon[bandEdge[cellItems[j]!]!]!
        let groupEnd = j + 1
        while (groupEnd < itemsTo && edgePolygon[bandEdge[cellItems[groupEnd]!]!] === k) groupEnd++
        if (fallback >= 0 && k > fallback) break
        // Parity of the edges east of the cell: at the band bottom, and where it flips.
        let base = 0
        let toggleCount = 0
        const segmentFrom = segmentStart[k]!
        const segmentTo = segmentEnd[k]!
        if (toggles.length < 2 * (segmentTo - segmentFrom)) toggles = new Float64Array(4 * (segmentTo - segmentFrom))
        for (let s = segmentFrom; s < segmentTo; s++) {
          if (bandFirst[s]! <= c) continue
          const e = bandEdge[s]!
          const ylo = y0[e]!
          const yhi = y1[e]!
          if (ylo === yhi) continue
          if (ylo <= bandBottom && bandBottom < yhi) base ^= 1
          if (bandBottom < ylo && ylo < bandTop) toggles[toggleCount++] = ylo
          if (bandBottom < yhi && yhi < bandTop) toggles[toggleCount++] = yhi
        }
        const edgesBefore = out.length
        for (let g = j; g < groupEnd; g++) {
          const e = bandEdge[cellItems[g]!]!
          if (y0[e] !== y1[e]) out.push4(x0[e]!, y0[e]!, y1[e]!, slope[e]!)
        }
        if (toggleCount > 0) {
          sortPrefix(toggles, toggleCount)
          let t = 0
          while (t < toggleCount) {
            let u = t + 1
            while (u < toggleCount && toggles[u] === toggles[t]) u++
            if ((u - t) % 2 === 1) out.push4(Number.POSITIVE_INFINITY, toggles[t]!, Number.POSITIVE_INFINITY, 0)
            t = u
          }
        }
        j = groupEnd
        if (out.length === edgesBefore) {
          // Constant over the cell: inside everywhere (it wins) or nowhere (skip it).
          if (base === 1) {
            fallback = k
            break
          }
          continue
        }
        candidatePolygon.push(k)
        candidateBase.push(base)
        candidateEdgeStart.push(out.length / 4)
      }
      if (candidatePolygon.length === firstCandidate) {
        cells[cell] = fallback
      } else {
        cells[cell] = -2 - mixedFallback.length
        mixedFallback.push(fallback)
        mixedStart.push(candidatePolygon.length)
      }
    }
    for (let a = 0; a < activeCount; a++) inside[active[a]!] = 0
    activeCount = 0
  }

  return {
    ids,
    communities,
    minX,
    minY,
    maxX,
    maxY,
    columns,
    rows,
    scaleX,
    scaleY,
    cells,
    mixedStart: mixedStart.view(),
    mixedFallback: mixedFallback.view(),
    candidatePolygon: candidatePolygon.view(),
    candidateBase: candidateBase.view(),
    candidateEdgeStart: candidateEdgeStart.view(),
    edges: out.view()
  }
}

/**
 * The lowest polygon index containing `(x, y)` (x = longitude, y = latitude), or `-1`.
 * Exactly the answer of {@link PointInPolygon.locateBruteForce}; allocation-free.
 */
export const locate = (index: LookupIndex, x: number, y: number): number => {
  if (!(x >= index.minX && x < index.maxX && y >= index.minY && y < index.maxY)) return -1
  let c = Math.floor((x - index.minX) * index.scaleX)
  if (c >= index.columns) c = index.columns - 1
  let r = Math.floor((y - index.minY) * index.scaleY)
  if (r >= index.rows) r = index.rows - 1
  const v = index.cells[r * index.columns + c]!
  if (v > -2) return v
  const m = -2 - v
  const edges = index.edges
  const starts = index.candidateEdgeStart
  for (let i = index.mixedStart[m]!, end = index.mixedStart[m + 1]!; i < end; i++) {
    let parity = index.candidateBase[i]!
    // Ring.crossesRay, written out by hand: this loop is the hot path of every lookup.
    for (let o = starts[i]! * 4, stop = starts[i + 1]! * 4; o < stop; o += 4) {
      const ylo = edges[o + 1]!
      if (y >= ylo && y < edges[o + 2]! && x < edges[o]! + (y - ylo) * edges[o + 3]!) parity ^= 1
    }
    if (parity === 1) return index.candidatePolygon[i]!
  }
  return index.mixedFallback[m]!
}

/** {@link locate} for many points: `out[i]` receives the polygon of `(xs[i], ys[i])`. */
export const locateMany = (
  index: LookupIndex,
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  out: Int32Array
): Int32Array => {
  const count = Math.min(xs.length, ys.length, out.length)
  for (let i = 0; i < count; i++) out[i] = locate(index, xs[i]!, ys[i]!)
  return out
}

/** The id of the polygon containing `(x, y)`, or `undefined`. */
export const locateId = (index: LookupIndex, x: number, y: number): string | undefined => {
  const k = locate(index, x, y)
  return k < 0 ? undefined : index.ids[k]
}

/** Sizes of an index, for logs and benchmarks. */
export interface Stats {
  readonly polygons: number
  readonly cells: number
  readonly pureCells: number
  readonly mixedCells: number
  readonly candidates: number
  readonly edges: number
  readonly bytes: number
}

/** Counts cells, candidates and stored edges of an index. */
export const stats = (index: LookupIndex): Stats => {
  const mixedCells = index.mixedFallback.length
  const bytes =
    index.cells.byteLength +
    index.mixedStart.byteLength +
    index.mixedFallback.byteLength +
    index.candidatePolygon.byteLength +
    index.candidateBase.byteLength +
    index.candidateEdgeStart.byteLength +
    index.edges.byteLength
  return {
    polygons: index.ids.length,
    cells: index.cells.length,
    pureCells: index.cells.length - mixedCells,
    mixedCells,
    candidates: index.candidatePolygon.length,
    edges: index.edges.length / 4,
    bytes
  }
}

// ---------------------------------------------------------------------------------------
// Binary encoding

const MAGIC = 0x494c5747 // "GWLI" little-endian
/** Version of the binary layout written by {@link encode}. */
export const FORMAT_VERSION = 1

/** Decoding a serialized index failed: the buffer is not an index or is damaged. */
export class LookupIndexDecodeError extends Schema.TaggedError<LookupIndexDecodeError>()("LookupIndexDecodeError", {
  message: Schema.String
}) {}

const Header = Schema.Struct({
  ids: Schema.Array(Schema.String),
  communities: Schema.Array(Schema.NullOr(Schema.String)),
  minX: Schema.Finite,
  minY: Schema.Finite,
  maxX: Schema.Finite,
  maxY: Schema.Finite,
  columns: Schema.Int.check(Schema.isGreaterThan(0)),
  rows: Schema.Int.check(Schema.isGreaterThan(0)),
  scaleX: Schema.Finite,
  scaleY: Schema.Finite,
  mixed: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  candidates: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  edges: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
})

const align8 = (n: number): number => (n + 7) & ~7

/**
 * Serializes an index: `"GWLI"`, a little-endian u32 version, a u32 header length, a JSON
 * header (ids, communities, raster geometry, counts), then the typed arrays, each aligned
 * to 8 bytes, in platform byte order (little-endian on every supported platform).
 */
export const encode = (index: LookupIndex): Uint8Array => {
  const header = new TextEncoder().encode(
    JSON.stringify({
      ids: index.ids,
      communities: index.communities,
      minX: index.minX,
      minY: index.minY,
      maxX: index.maxX,
      maxY: index.maxY,
      columns: index.columns,
      rows: index.rows,
      scaleX: index.scaleX,
      scaleY: index.scaleY,
      mixed: index.mixedFallback.length,
      candidates: index.candidatePolygon.length,
      edges: index.edges.length / 4
    })
  )
  const arrays: ReadonlyArray<ArrayBufferView> = [
    index.cells,
    index.mixedStart,
    index.mixedFallback,
    index.candidatePolygon,
    index.candidateBase,
    index.candidateEdgeStart,
    index.edges
  ]
  let size = align8(12 + header.length)
  for (const array of arrays) size += align8(array.byteLength)
  const bytes = new Uint8Array(size)
  const view = new DataView(bytes.buffer)
  view.setUint32(0, MAGIC, true)
  view.setUint32(4, FORMAT_VERSION, true)
  view.setUint32(8, header.length, true)
  bytes.set(header, 12)
  let offset = align8(12 + header.length)
  for (const array of arrays) {
    bytes.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), offset)
    offset += align8(array.byteLength)
  }
  return bytes
}

const decodeOrProblem = (bytes: Uint8Array): LookupIndex | string => {
  if (bytes.byteLength < 12) return `a lookup index is at least 12 bytes, got ${bytes.byteLength}`
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (view.getUint32(0, true) !== MAGIC) return "not a Gridwork lookup index (magic bytes GWLI missing)"
  const version = view.getUint32(4, true)
  if (version !== FORMAT_VERSION) {
    return `lookup index format version ${version} is not supported (expected ${FORMAT_VERSION}); rebuild the index`
  }
  const headerLength = view.getUint32(8, true)
  if (12 + headerLength > bytes.byteLength) return "lookup index header is truncated"
  const headerResult = Schema.decodeUnknownExit(Schema.fromJsonString(Header))(
    new TextDecoder().decode(bytes.subarray(12, 12 + headerLength))
  )
  if (headerResult._tag === "Failure") return "lookup index header is not valid JSON of the expected shape"
  const h = headerResult.value
  if (h.communities.length !== h.ids.length) return "lookup index header: ids and communities differ in length"
  let offset = align8(12 + headerLength)
  // Copies into fresh, aligned buffers (the input may be any slice of a file buffer).
  const take = (count: number, width: number): ArrayBuffer | undefined => {
    const length = count * width
    if (offset + length > bytes.byteLength) return undefined
    // An explicit copy: `Buffer#slice` would return a view into a shared pool.
    const copy = new Uint8Array(length)
    copy.set(bytes.subarray(offset, offset + length))
    offset += align8(length)
    return copy.buffer
  }
  const cellsBuffer = take(h.columns * h.rows, 4)
  const mixedStartBuffer = take(h.mixed + 1, 4)
  const mixedFallbackBuffer = take(h.mixed, 4)
  const candidatePolygonBuffer = take(h.candidates, 4)
  const candidateBaseBuffer = take(h.candidates, 1)
  const candidateEdgeStartBuffer = take(h.candidates + 1, 4)
  const edgesBuffer = take(h.edges * 4, 8)
  if (
    cellsBuffer === undefined ||
    mixedStartBuffer === undefined ||
    mixedFallbackBuffer === undefined ||
    candidatePolygonBuffer === undefined ||
    candidateBaseBuffer === undefined ||
    candidateEdgeStartBuffer === undefined ||
    edgesBuffer === undefined
  ) {
    return "lookup index is truncated"
  }
  const cells = new Int32Array(cellsBuffer)
  const mixedStart = new Uint32Array(mixedStartBuffer)
  const mixedFallback = new Int32Array(mixedFallbackBuffer)
  const candidatePolygon = new Int32Array(candidatePolygonBuffer)
  const candidateBase = new Uint8Array(candidateBaseBuffer)
  const candidateEdgeStart = new Uint32Array(candidateEdgeStartBuffer)
  const edges = new Float64Array(edgesBuffer)

  // Structural checks, so a damaged file fails here and never in a query.
  const polygons = h.ids.length
  for (const v of cells) if (v >= polygons || v < -1 - h.mixed) return "lookup index: a cell refers to nothing"
  for (const v of mixedFallback) if (v >= polygons || v < -1) return "lookup index: bad mixed-cell fallback"
  for (const v of candidatePolygon) if (v >= polygons || v < 0) return "lookup index: bad candidate polygon"
  for (const v of candidateBase) if (v > 1) return "lookup index: bad candidate parity"
  const monotone = (array: Uint32Array, last: number): boolean => {
    if (array[0] !== 0 || array[array.length - 1] !== last) return false
    for (let i = 1; i < array.length; i++) if (array[i]! < array[i - 1]!) return false
    return true
  }
  if (!monotone(mixedStart, h.candidates)) return "lookup index: mixed-cell offsets are damaged"
  if (!monotone(candidateEdgeStart, h.edges)) return "lookup index: candidate edge offsets are damaged"
  return {
    ids: h.ids,
    communities: h.communities,
    minX: h.minX,
    minY: h.minY,
    maxX: h.maxX,
    maxY: h.maxY,
    columns: h.columns,
    rows: h.rows,
    scaleX: h.scaleX,
    scaleY: h.scaleY,
    cells,
    mixedStart,
    mixedFallback,
    candidatePolygon,
    candidateBase,
    candidateEdgeStart,
    edges
  }
}

/** Reads an index written by {@link encode}, checking its structure. */
export const decode = (bytes: Uint8Array): Result.Result<LookupIndex, LookupIndexDecodeError> => {
  const decoded = decodeOrProblem(bytes)
  return typeof decoded === "string"
    ? Result.fail(new LookupIndexDecodeError({ message: decoded }))
    : Result.succeed(decoded)
}
