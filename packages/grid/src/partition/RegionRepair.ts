/**
 * Region repair: when moves and chains of moves cannot bring a grid within bounds (its
 * units are coarse, or hang together in a way single moves cannot undo), re-split the
 * smallest region of neighbouring grids whose total weight can be divided into grids
 * within bounds. The region starts with the grid (a light grid takes at least one
 * neighbour) and grows by the neighbour sharing the longest boundary; a later attempt
 * (`attempt`) starts from a larger region. A re-split is kept only if it lowers the
 * region's total bound violation; otherwise the region is left as it was.
 *
 * Pieces go to the region's grids by largest shared weight, so ids stay with their units;
 * extra pieces become new grids, grids left without a piece end empty (merged away).
 * Deterministic.
 * @module
 */
import type { UnitSet } from "../units/Units"
import * as Bisection from "./Bisection"
import { partsFor, type ResolvedBounds, violation } from "./Bounds"

/** Settings of {@link repair}. */
export interface RegionRepairOptions {
  readonly bounds: ResolvedBounds
  readonly bisection: Bisection.BisectionOptions
  /** Grids that may be re-split. */
  readonly repairable: (grid: number) => boolean
  /** Community of a grid (regions stay inside one). */
  readonly communityOf: (grid: number) => number
  /** Creates a new grid in a community and returns its index. */
  readonly addGrid: (community: number) => number
  /** 0 for the first attempt; each further attempt starts from one more grid. */
  readonly attempt: number
  /** Largest region, in grids (default 8). */
  readonly maxRegion?: number
}

/**
 * Re-splits regions around out-of-bounds grids of `grid` (unit → grid index, mutated in
 * place, `gridCount` grids). Returns the grids that changed.
 */
export const repair = (
  units: UnitSet,
  grid: Int32Array,
  gridCount: number,
  ws: Bisection.Workspace,
  options: RegionRepairOptions
): Set<number> => {
  const { topology, weights } = units
  const { bounds, repairable, communityOf } = options
  const maxRegion = options.maxRegion ?? 8
  const n = units.size
  const lists: Array<Array<number>> = Array.from({ length: gridCount }, () => [])
  for (let u = 0; u < n; u++) if (grid[u]! >= 0) lists[grid[u]!]!.push(u)
  const weightOf = (list: ArrayLike<number>) => {
    let sum = 0
    for (let i = 0; i < list.length; i++) sum += weights[list[i]!]!
    return sum
  }
  const touched = new Set<number>()
  const sharedWith = (region: ReadonlySet<number>): Map<number, number> => {
    const out = new Map<number, number>()
    for (const r of region) {
      for (const u of lists[r]!) {
        for (let i = topology.adjStart[u]!; i < topology.adjStart[u + 1]!; i++) {
          const e = grid[topology.adjIndex[i]!]!
          if (e < 0 || region.has(e) || touched.has(e) || !repairable(e) || communityOf(e) !== communityOf(r)) continue
          out.set(e, (out.get(e) ?? 0) + topology.adjLength[i]!)
        }
      }
    }
    return out
  }
  for (let d = 0; d < gridCount; d++) {
    const list = lists[d]!
    if (!repairable(d) || list.length === 0 || touched.has(d)) continue
    const w = weightOf(list)
    if (violation(w, bounds) === 0) continue
    const under = w < bounds.min
    const smallest = (under ? 2 : 1) + options.attempt
    const region = new Set<number>([d])
    let total = w
    while (region.size < maxRegion && (!partsFor(total, bounds).feasible || region.size < smallest)) {
      let best = -1
      let bestLength = -1
      for (const [e, length] of sharedWith(region)) {
        if (length > bestLength || (length === bestLength && e < best)) {
          best = e
          bestLength = length
        }
      }
      if (best < 0) break
      region.add(best)
      total += weightOf(lists[best]!)
    }
    if (region.size === 1 && list.length < 2) continue
    const regionGrids = Array.from(region).sort((p, q) => p - q)
    const union = Int32Array.from(regionGrids.flatMap((r) => lists[r]!)).sort()
    const before = regionGrids.reduce((sum, r) => sum + violation(weightOf(lists[r]!), bounds), 0)
    const pieces: Array<Int32Array> = []
    Bisection.split(ws, union, Math.max(1, partsFor(total, bounds).k), options.bisection, (piece) => pieces.push(piece))
    const after = pieces.reduce((sum, piece) => sum + violation(weightOf(piece), bounds), 0)
    if (after >= before - 1e-9) continue
    // Each piece goes to the region grid it overlaps most.
    const pairs: Array<{ p: number; r: number; score: number }> = []
    pieces.forEach((piece, p) => {
      const byGrid = new Map<number, number>()
      for (let i = 0; i < piece.length; i++) {
        const r = grid[piece[i]!]!
        byGrid.set(r, (byGrid.get(r) ?? 0) + weights[piece[i]!]! + 1e-9)
      }
      for (const [r, score] of byGrid) pairs.push({ p, r, score })
    })
    pairs.sort((x, y) => y.score - x.score || x.p - y.p || x.r - y.r)
    const pieceGrid = new Int32Array(pieces.length).fill(-1)
    const taken = new Set<number>()
    for (const { p, r } of pairs) {
      if (pieceGrid[p] !== -1 || taken.has(r)) continue
      pieceGrid[p] = r
      taken.add(r)
    }
    for (const r of regionGrids) {
      lists[r] = []
      touched.add(r)
    }
    pieces.forEach((piece, p) => {
      let target = pieceGrid[p]!
      if (target < 0) {
        target = options.addGrid(communityOf(d))
        lists[target] = []
      }
      for (let i = 0; i < piece.length; i++) {
        grid[piece[i]!] = target
        lists[target]!.push(piece[i]!)
      }
      touched.add(target)
    })
  }
  return touched
}
