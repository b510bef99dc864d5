/**
 * Quality measures of a partition, for any assignment of units to grids (ours or
 * another tool's, e.g. METIS), so results can be compared on equal terms:
 * - Polsby-Popper `4πA / P²` per grid, on the dissolved grid geometry in the data's
 *   Lambert azimuthal equal-area projection (1 = circle; holes count in `P`);
 * - contiguity (rook adjacency inside the grid) and community containment;
 * - bounds: share of grids within `[min, max]`, overall and among the grids whose
 *   bounds the data allows (a grid is excused when it holds a unit heavier than `max`,
 *   or lies in a connected part of its community whose total cannot be split into whole
 *   grids within bounds);
 * - every unit assigned exactly once.
 * @module
 */
import * as Dissolve from "../geometry/Dissolve"
import type { UnitSet } from "../units/Units"
import { type GridStatus, partsFor, type ResolvedBounds, statusOf } from "./Bounds"
import { Marks } from "./Graph"
import { communityParts, type PartitionResult } from "./Partition"

/** Measures of one grid. */
export interface GridMetrics {
  /** Grid label (index) in the assignment. */
  readonly label: number
  readonly units: number
  readonly weight: number
  readonly status: GridStatus
  /** Whether the data lets this grid be within bounds (see module docs). */
  readonly dataFeasible: boolean
  /** `4πA / P²` of the dissolved geometry. */
  readonly polsbyPopper: number
  readonly area: number
  readonly perimeter: number
  readonly contiguous: boolean
  /** Number of distinct communities among its units (1 = contained). */
  readonly communities: number
}

/** Summary over all grids. */
export interface Summary {
  readonly grids: number
  /** Share of grids within bounds. */
  readonly withinBounds: number
  /** Share within bounds among grids the data allows to be (`dataFeasible`). */
  readonly withinBoundsFeasible: number
  readonly feasibleGrids: number
  readonly polsbyPopperMedian: number
  readonly polsbyPopperP10: number
  readonly polsbyPopperMean: number
  /** Share of grids that are contiguous. */
  readonly contiguous: number
  /** Share of grids inside one community. */
  readonly singleCommunity: number
  /** Units with no grid (label < 0). */
  readonly unassigned: number
  /** Units listed in more than one grid (only detectable from grid member lists). */
  readonly duplicated: number
  /** Whether every unit is in exactly one grid. */
  readonly assignedOnce: boolean
}

/** Per-grid measures and their summary. */
export interface Evaluation {
  readonly grids: ReadonlyArray<GridMetrics>
  readonly summary: Summary
}

/** Options for {@link evaluate}. */
export interface EvaluateOptions {
  /**
   * `dissolve` (default): Polsby-Popper of the traced grid geometry, as published.
   * `topology`: from unit areas and shared boundary lengths (same value for clean
   * tilings, much faster on very large runs).
   */
  readonly method?: "dissolve" | "topology"
}

const quantile = (sorted: ReadonlyArray<number>, q: number): number => {
  if (sorted.length === 0) return Number.NaN
  const pos = (sorted.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo)
}

/** Units whose grid the data excuses from the bounds (see module docs), as a per-unit flag. */
const excusedUnits = (units: UnitSet, bounds: ResolvedBounds): Uint8Array => {
  const parts = communityParts(units, bounds)
  const out = new Uint8Array(units.size)
  for (let u = 0; u < units.size; u++) {
    const part = parts.label[u]!
    if (part < 0 || !partsFor(parts.total[part]!, bounds).feasible) out[u] = 1
  }
  return out
}

/**
 * Evaluates an assignment of units to grid labels `0 .. gridCount - 1` (`-1` =
 * unassigned). `members`, when given, lists each grid's units as published, so units
 * listed twice are caught.
 */
export const evaluate = (
  units: UnitSet,
  assignment: Int32Array,
  bounds: ResolvedBounds,
  options: EvaluateOptions = {},
  members?: ReadonlyArray<ArrayLike<number>>
): Evaluation => {
  const { topology } = units
  let gridCount = 0
  for (let u = 0; u < units.size; u++) gridCount = Math.max(gridCount, assignment[u]! + 1)
  const lists: Array<Array<number>> = Array.from({ length: gridCount }, () => [])
  let unassigned = 0
  for (let u = 0; u < units.size; u++) {
    const g = assignment[u]!
    if (g < 0) unassigned++
    else lists[g]!.push(u)
  }
  let duplicated = 0
  if (members !== undefined) {
    const seenCount = new Int32Array(units.size)
    for (const list of members) for (let i = 0; i < list.length; i++) seenCount[list[i]!] = seenCount[list[i]!]! + 1
    for (let u = 0; u < units.size; u++) {
      if (seenCount[u]! > 1) duplicated++
      if (seenCount[u] === 0 && assignment[u]! >= 0) unassigned++
    }
  }
  const excused = excusedUnits(units, bounds)
  const marks = new Marks(units.size)
  const grids: Array<GridMetrics> = []
  for (let g = 0; g < gridCount; g++) {
    const list = lists[g]!
    if (list.length === 0) continue
    let weight = 0
    let dataFeasible = true
    const communities = new Set<number>()
    for (const u of list) {
      weight += units.weights[u]!
      if (excused[u] === 1) dataFeasible = false
      communities.add(units.community[u]!)
    }
    // Contiguity: search from the first unit inside the grid.
    marks.reset()
    marks.mark(list[0]!)
    const stack = [list[0]!]
    let reached = 1
    while (stack.length > 0) {
      const u = stack.pop()!
      for (let i = topology.adjStart[u]!; i < topology.adjStart[u + 1]!; i++) {
        const v = topology.adjIndex[i]!
        if (assignment[v] === g && !marks.has(v)) {
          marks.mark(v)
          reached++
          stack.push(v)
        }
      }
    }
    let area = 0
    let perimeter = 0
    if (options.method === "topology") {
      for (const u of list) {
        area += topology.area[u]!
        perimeter += topology.perimeter[u]!
        for (let i = topology.adjStart[u]!; i < topology.adjStart[u + 1]!; i++) {
          if (assignment[topology.adjIndex[i]!] === g) perimeter -= topology.adjLength[i]!
        }
      }
    } else {
      const dissolved = Dissolve.dissolve(topology, list)
      area = dissolved.area
      perimeter = dissolved.perimeter
    }
    const status = statusOf(weight, bounds)
    grids.push({
      label: g,
      units: list.length,
      weight,
      status,
      dataFeasible,
      polsbyPopper: perimeter > 0 ? (4 * Math.PI * area) / (perimeter * perimeter) : 0,
      area,
      perimeter,
      contiguous: reached === list.length,
      communities: communities.size
    })
  }
  const pp = grids.map((g) => g.polsbyPopper).sort((a, b) => a - b)
  const feasible = grids.filter((g) => g.dataFeasible)
  const share = (count: number, of: number) => (of === 0 ? 1 : count / of)
  return {
    grids,
    summary: {
      grids: grids.length,
      withinBounds: share(grids.filter((g) => g.status === "ok").length, grids.length),
      withinBoundsFeasible: share(feasible.filter((g) => g.status === "ok").length, feasible.length),
      feasibleGrids: feasible.length,
      polsbyPopperMedian: quantile(pp, 0.5),
      polsbyPopperP10: quantile(pp, 0.1),
      polsbyPopperMean: pp.length === 0 ? Number.NaN : pp.reduce((a, b) => a + b, 0) / pp.length,
      contiguous: share(grids.filter((g) => g.contiguous).length, grids.length),
      singleCommunity: share(grids.filter((g) => g.communities === 1).length, grids.length),
      unassigned,
      duplicated,
      assignedOnce: unassigned === 0 && duplicated === 0
    }
  }
}

/** {@link evaluate} for a partition result (grid labels are indices into `result.grids`). */
export const metrics = (result: PartitionResult, options: EvaluateOptions = {}): Evaluation =>
  evaluate(
    result.units,
    result.assignments,
    result.bounds,
    options,
    result.grids.map((g) => g.units)
  )
