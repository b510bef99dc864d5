/**
 * Voronoi cells of points (households, buildings) clipped to their community's polygon,
 * so point data can be partitioned like a polygon tiling.
 *
 * Cells come from d3-delaunay in the projected plane (metres). A cell that the community
 * boundary does not cross is kept as is; the others are intersected with the community
 * polygon by polyclip-ts (a cell may then become several pieces when the community is
 * concave). Neighbouring cells share their Voronoi vertices exactly, so the topology
 * builder finds their common edges by hashing.
 * @module
 */
import { Delaunay } from "d3-delaunay"
import Flatbush from "flatbush"
import * as Polyclip from "polyclip-ts"
import * as Ring from "./Ring"

/** A community area in the projected plane: polygons, each an exterior ring then holes (open rings). */
export interface Shape {
  readonly polygons: ReadonlyArray<ReadonlyArray<Float64Array>>
}

/** A cell: polygons, each an exterior ring then holes (open rings, projected metres). */
export type Cell = ReadonlyArray<ReadonlyArray<Float64Array>>

/** Whether `(x, y)` lies inside `shape` (even-odd over all rings). */
export const shapeContains = (shape: Shape, x: number, y: number): boolean => {
  let inside = false
  for (const polygon of shape.polygons) {
    for (const ring of polygon) if (Ring.containsPoint(ring, x, y)) inside = !inside
  }
  return inside
}

const toPolyclip = (ring: Float64Array): Array<[number, number]> => {
  const out: Array<[number, number]> = []
  for (let i = 0; i < ring.length; i += 2) out.push([ring[i]!, ring[i + 1]!])
  out.push([ring[0]!, ring[1]!])
  return out
}

const fromPolyclip = (ring: ReadonlyArray<readonly [number, number]>): Float64Array => {
  const m = ring.length - 1
  const out = new Float64Array(2 * m)
  for (let i = 0; i < m; i++) {
    out[2 * i] = ring[i]![0]
    out[2 * i + 1] = ring[i]![1]
  }
  return out
}

const segmentHitsConvex = (cell: Float64Array, ax: number, ay: number, bx: number, by: number): boolean => {
  // Inside test against a counter-clockwise convex polygon, then edge crossings.
  const n = cell.length >> 1
  const inside = (x: number, y: number) => {
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const x0 = cell[2 * j]!
      const y0 = cell[2 * j + 1]!
      const x1 = cell[2 * i]!
      const y1 = cell[2 * i + 1]!
      if ((x1 - x0) * (y - y0) - (y1 - y0) * (x - x0) < 0) return false
    }
    return true
  }
  if (inside(ax, ay) || inside(bx, by)) return true
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const cx = cell[2 * j]!
    const cy = cell[2 * j + 1]!
    const dx = cell[2 * i]!
    const dy = cell[2 * i + 1]!
    const d1 = (dx - cx) * (ay - cy) - (dy - cy) * (ax - cx)
    const d2 = (dx - cx) * (by - cy) - (dy - cy) * (bx - cx)
    const d3 = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)
    const d4 = (bx - ax) * (dy - ay) - (by - ay) * (dx - ax)
    if (d1 * d2 <= 0 && d3 * d4 <= 0) return true
  }
  return false
}

/**
 * Voronoi cells of the points `(xs[i], ys[i])` (distinct positions, projected metres)
 * clipped to `shape`. Returns one cell per point, in input order; a cell is empty when
 * its point lies outside the shape and nothing of its Voronoi region is inside.
 */
export const clippedCells = (xs: Float64Array, ys: Float64Array, shape: Shape): Array<Cell> => {
  const n = xs.length
  if (n === 0) return []
  let minX = Number.POSITIVE_INFINITY
  let minY = Number.POSITIVE_INFINITY
  let maxX = Number.NEGATIVE_INFINITY
  let maxY = Number.NEGATIVE_INFINITY
  const edges: Array<number> = []
  for (const polygon of shape.polygons) {
    for (const ring of polygon) {
      const [x0, y0, x1, y1] = Ring.bbox(ring)
      minX = Math.min(minX, x0)
      minY = Math.min(minY, y0)
      maxX = Math.max(maxX, x1)
      maxY = Math.max(maxY, y1)
      const m = ring.length >> 1
      for (let i = 0; i < m; i++) {
        const j = (i + 1) % m
        edges.push(ring[2 * i]!, ring[2 * i + 1]!, ring[2 * j]!, ring[2 * j + 1]!)
      }
    }
  }
  for (let i = 0; i < n; i++) {
    minX = Math.min(minX, xs[i]!)
    minY = Math.min(minY, ys[i]!)
    maxX = Math.max(maxX, xs[i]!)
    maxY = Math.max(maxY, ys[i]!)
  }
  const pad = Math.max(1, 0.01 * Math.max(maxX - minX, maxY - minY))
  const flat = new Float64Array(2 * n)
  for (let i = 0; i < n; i++) {
    flat[2 * i] = xs[i]!
    flat[2 * i + 1] = ys[i]!
  }
  const voronoi = new Delaunay(flat).voronoi([minX - pad, minY - pad, maxX + pad, maxY + pad])
  const edgeCount = edges.length / 4
  const index = new Flatbush(Math.max(1, edgeCount))
  for (let e = 0; e < edgeCount; e++) {
    const ax = edges[4 * e]!
    const ay = edges[4 * e + 1]!
    const bx = edges[4 * e + 2]!
    const by = edges[4 * e + 3]!
    index.add(Math.min(ax, bx), Math.min(ay, by), Math.max(ax, bx), Math.max(ay, by))
  }
  if (edgeCount === 0) index.add(0, 0, 0, 0)
  index.finish()
  const clip: Array<Array<Array<[number, number]>>> = shape.polygons.map((polygon) => polygon.map(toPolyclip))

  const out: Array<Cell> = []
  for (let i = 0; i < n; i++) {
    const polygon = voronoi.cellPolygon(i)
    if (polygon === null || polygon.length < 4) {
      out.push([])
      continue
    }
    let cell: Float64Array = new Float64Array(2 * (polygon.length - 1))
    for (let k = 0; k < polygon.length - 1; k++) {
      cell[2 * k] = polygon[k]![0]
      cell[2 * k + 1] = polygon[k]![1]
    }
    if (Ring.signedArea(cell) < 0) cell = Ring.reversed(cell)
    const [x0, y0, x1, y1] = Ring.bbox(cell)
    let crossed = false
    for (const e of index.search(x0, y0, x1, y1)) {
      if (e >= edgeCount) continue
      if (segmentHitsConvex(cell, edges[4 * e]!, edges[4 * e + 1]!, edges[4 * e + 2]!, edges[4 * e + 3]!)) {
        crossed = true
        break
      }
    }
    if (!crossed) {
      // Entirely inside or entirely outside: probe the cell's vertex-average point.
      let mx = 0
      let my = 0
      const m = cell.length >> 1
      for (let k = 0; k < m; k++) {
        mx += cell[2 * k]!
        my += cell[2 * k + 1]!
      }
      out.push(shapeContains(shape, mx / m, my / m) ? [[cell]] : [])
      continue
    }
    const clipped = Polyclip.intersection([toPolyclip(cell)], clip)
    out.push(
      clipped.map((poly) => poly.map(fromPolyclip).filter((ring) => ring.length >= 6)).filter((p) => p.length > 0)
    )
  }
  return out
}
