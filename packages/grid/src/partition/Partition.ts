/**
 * Partition units into service grids: each grid weighs between `min` and `max` (close
 * to `target`), is contiguous (rook adjacency), lies inside one community and is
 * compact. The same input and options always give the same grids and ids.
 *
 * Per community, per connected part:
 * 1. a unit heavier than `max` becomes a grid of its own (`unit-exceeds-max`); small
 *    pieces cut off from the rest by such units join it;
 * 2. a part lighter than `min` becomes one grid (`community-below-min` /
 *    `island-below-min`);
 * 3. otherwise the part gets `k` grids, the whole number closest to `total / target`
 *    with `total / k` inside the bounds (`no-feasible-split` when none exists), laid out
 *    by recursive shortest-cut bisection ({@link Bisection});
 * 4. a local search ({@link Refine}) moves border units to fix bounds, then to raise
 *    compactness, keeping every grid connected; chains of moves through neighbours
 *    ({@link Chains}) fix bounds single moves cannot; neighbouring pairs are re-cut and
 *    kept when their shapes improve ({@link MergeSplit}).
 * Grids left out of bounds say why (`status` and `reason`), instead of failing the run.
 * Ids are `<community>-<n>`, numbered north to south, west to east ({@link GridIds}).
 *
 * @example
 * ```ts
 * import { Partition, UnitsReader } from "@gridwork/grid"
 * const { units } = UnitsReader.readUnits(blocks, {
 *   idProperty: "GEOID10", weightProperty: "TOTPOP", communityProperty: "WARD"
 * })
 * const result = Partition.partition(units, { min: 750, max: 1250 })
 * result.grids[0] // { id: "12-1", community: "12", weight: 1012, status: "ok", ... }
 * ```
 * @module
 */
import { Result, Schema } from "effect"
import { memberIds, type UnitSet } from "../units/Units"
import * as Bisection from "./Bisection"
import * as Bounds from "./Bounds"
import {
  boundsCheck,
  boundsFields,
  type GridStatus,
  partsFor,
  type ReasonCode,
  ReasonCode as ReasonCodeSchema,
  type ResolvedBounds,
  resolve,
  statusOf
} from "./Bounds"
import * as Chains from "./Chains"
import { components, Marks } from "./Graph"
import * as GridIds from "./GridIds"
import * as MergeSplit from "./MergeSplit"
import * as Refine from "./Refine"
import * as RegionRepair from "./RegionRepair"

/** Partition options (numbers are decoded with Schema; callbacks are not). */
export const PartitionOptions = Schema.Struct({
  ...boundsFields,
  /**
   * Weight of staying near `target` against compactness inside the bounds (default 1).
   * Higher keeps grids closer to the target (more slack for later weight changes).
   */
  balance: Schema.optionalKey(Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0))),
  /** Sweep directions per bisection over a half-turn (default 8). */
  directions: Schema.optionalKey(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 64 }))),
  /**
   * Passes of merge-split improvement (each neighbouring pair re-cut and kept when
   * better); 0 turns it off. Default 2.
   */
  passes: Schema.optionalKey(Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 20 })))
}).check(boundsCheck)
/** @see {@link PartitionOptions} */
export type PartitionOptions = typeof PartitionOptions.Type

/** Progress of a long run. */
export interface Progress {
  /** `split`: initial layout; `refine`: local search; `done`: finished. */
  readonly phase: "split" | "refine" | "done"
  /** Work done in this phase (units laid out, or moves made). */
  readonly done: number
  /** Work expected in this phase (an estimate during `refine`). */
  readonly total: number
}

/** Callbacks for a run. */
export interface PartitionHooks {
  /** Called a few hundred times at most; keep it cheap. */
  readonly onProgress?: ((progress: Progress) => void) | undefined
}

/** The options could not be used. */
export class PartitionOptionsError extends Schema.TaggedError<PartitionOptionsError>()("PartitionOptionsError", {
  message: Schema.String
}) {}

/** One grid of the result. */
export interface Grid {
  /** Stable id, `<community>-<n>`. */
  readonly id: string
  /** The community the grid lies in. */
  readonly community: string
  /** Sum of its units' weights. */
  readonly weight: number
  /** Indices of its units in the {@link UnitSet}, ascending. */
  readonly units: Int32Array
  /** Whether the weight is within the bounds. */
  readonly status: GridStatus
  /** Why it is out of bounds (only when `status` is not `ok`). */
  readonly reason: ReasonCode | undefined
}

/** A grid that is out of bounds, explained. */
export class PartitionIssue extends Schema.Class<PartitionIssue>("@gridwork/grid/partition/PartitionIssue")({
  code: ReasonCodeSchema,
  community: Schema.String,
  gridId: Schema.String,
  weight: Schema.Finite,
  message: Schema.String
}) {}

/** Counts over the result. */
export interface PartitionStats {
  readonly units: number
  readonly communities: number
  readonly grids: number
  readonly ok: number
  readonly over: number
  readonly under: number
  /** Grids whose bounds the data allows (status `ok`, or out of bounds with `not-converged`). */
  readonly feasible: number
  readonly totalWeight: number
  /** Out-of-bounds grids per reason. */
  readonly reasons: Readonly<Partial<Record<ReasonCode, number>>>
}

/** The partition. */
export interface PartitionResult {
  /** The units that were partitioned. */
  readonly units: UnitSet
  /** Bounds used, target filled in. */
  readonly bounds: ResolvedBounds
  /** Grids, ordered by community (first appearance) then by id number. */
  readonly grids: ReadonlyArray<Grid>
  /** Index into `grids` of each unit's grid (`assignments[u]`), every unit exactly once. */
  readonly assignments: Int32Array
  /** One issue per grid out of bounds. */
  readonly issues: ReadonlyArray<PartitionIssue>
  readonly stats: PartitionStats
  /** Largest id number minted per community (carried in the grids file). */
  readonly highWater: GridIds.HighWater
}

/** A grid under construction, before ids are assigned. */
export interface Draft {
  /** Index of its community in the unit set. */
  readonly community: number
  /** Locked drafts (a unit heavier than `max`, an island) never give or take units. */
  readonly locked: boolean
}

const decodeOptions = Schema.decodeUnknownResult(PartitionOptions)

/** Decodes options or throws {@link PartitionOptionsError}. */
export const decodePartitionOptions = (options: unknown): PartitionOptions => {
  const decoded = decodeOptions(options)
  if (Result.isFailure(decoded))
    throw new PartitionOptionsError({ message: `invalid partition options: ${decoded.failure.message}` })
  return decoded.success
}

/** Bisection settings for the bounds. */
export const bisectionOptions = (bounds: ResolvedBounds, directions: number): Bisection.BisectionOptions => ({
  directions,
  window: Math.min(0.1, Math.max(0.01, (0.25 * (bounds.max - bounds.min)) / Math.max(bounds.max + bounds.min, 1e-12))),
  min: bounds.min,
  max: bounds.max
})

/**
 * Lays out drafts for the units of one community (`members`), appending to `drafts` and
 * writing draft indices into `grid`. Units not in `members` are untouched.
 */
export const layoutCommunity = (
  units: UnitSet,
  community: number,
  members: Int32Array,
  bounds: ResolvedBounds,
  ws: Bisection.Workspace,
  options: Bisection.BisectionOptions,
  grid: Int32Array,
  drafts: Array<Draft>
): void => {
  const { topology, weights } = units
  const add = (part: ArrayLike<number>, locked: boolean) => {
    const index = drafts.length
    drafts.push({ community, locked })
    for (let i = 0; i < part.length; i++) grid[part[i]!] = index
    return index
  }
  const heavy: Array<number> = []
  const rest: Array<number> = []
  for (let i = 0; i < members.length; i++) {
    const u = members[i]!
    if (weights[u]! > bounds.max) heavy.push(u)
    else rest.push(u)
  }
  const heavyGrid = new Map<number, number>()
  for (const u of heavy) heavyGrid.set(u, add([u], true))
  const parts = components(topology, rest, ws.scratch, ws.seen)
  for (const part of parts) {
    let total = 0
    for (let i = 0; i < part.length; i++) total += weights[part[i]!]!
    if (total < bounds.min) {
      // Cut off by heavy units? Join the heavy neighbour with the longest shared boundary.
      let best = -1
      let bestLength = 0
      for (let i = 0; i < part.length; i++) {
        const u = part[i]!
        for (let e = topology.adjStart[u]!; e < topology.adjStart[u + 1]!; e++) {
          const g = heavyGrid.get(topology.adjIndex[e]!)
          if (
            g !== undefined &&
            (topology.adjLength[e]! > bestLength || (topology.adjLength[e] === bestLength && g < best))
          ) {
            best = g
            bestLength = topology.adjLength[e]!
          }
        }
      }
      if (best >= 0) {
        for (let i = 0; i < part.length; i++) grid[part[i]!] = best
        continue
      }
      add(part, true)
      continue
    }
    Bisection.split(ws, part, partsFor(total, bounds).k, options, (piece) => {
      add(piece, false)
    })
  }
}

/**
 * Explains why a grid of `status` made of `members` is out of bounds, from the data
 * alone (so any partition of the same units gets the same explanation). `parts` are the
 * connected parts of each community once units heavier than `max` are set aside.
 */
export const diagnose = (
  units: UnitSet,
  bounds: ResolvedBounds,
  parts: CommunityParts,
  members: ArrayLike<number>,
  status: GridStatus
): ReasonCode | undefined => {
  if (status === "ok") return undefined
  let part = -1
  for (let i = 0; i < members.length; i++) {
    const u = members[i]!
    if (units.weights[u]! > bounds.max) return "unit-exceeds-max"
    if (part < 0) part = parts.label[u]!
  }
  if (part < 0) return "not-converged"
  const total = parts.total[part]!
  if (total < bounds.min) return parts.whole[part] === 1 ? "community-below-min" : "island-below-min"
  return partsFor(total, bounds).feasible ? "not-converged" : "no-feasible-split"
}

/** Connected parts of every community, units heavier than `max` set aside. */
export interface CommunityParts {
  /** Part of each unit (`-1` for heavy units). */
  readonly label: Int32Array
  /** Total weight per part. */
  readonly total: Float64Array
  /** 1 when the part is its whole community (no other part, no heavy unit). */
  readonly whole: Uint8Array
}

/** Computes {@link CommunityParts}. */
export const communityParts = (units: UnitSet, bounds: ResolvedBounds): CommunityParts => {
  const label = new Int32Array(units.size).fill(-1)
  const totals: Array<number> = []
  const whole: Array<number> = []
  const scratch = new Marks(units.size)
  const seen = new Marks(units.size)
  for (const members of unitsByCommunity(units)) {
    const light: Array<number> = []
    for (let i = 0; i < members.length; i++) if (units.weights[members[i]!]! <= bounds.max) light.push(members[i]!)
    const found = components(units.topology, light, scratch, seen)
    for (const part of found) {
      let total = 0
      for (let i = 0; i < part.length; i++) {
        total += units.weights[part[i]!]!
        label[part[i]!] = totals.length
      }
      totals.push(total)
      whole.push(found.length === 1 && light.length === members.length ? 1 : 0)
    }
  }
  return { label, total: Float64Array.from(totals), whole: Uint8Array.from(whole) }
}

const reasonText = (reason: ReasonCode, bounds: ResolvedBounds): string => {
  switch (reason) {
    case "unit-exceeds-max":
      return `a single unit weighs more than max ${bounds.max}`
    case "community-below-min":
      return `the whole community weighs less than min ${bounds.min}`
    case "island-below-min":
      return `this part of the community is not connected to the rest and weighs less than min ${bounds.min}`
    case "no-feasible-split":
      return `the connected part's total weight cannot be divided into grids of ${bounds.min}-${bounds.max}`
    case "not-converged":
      return "no contiguous split within bounds was found (units may be too coarse)"
  }
}

/**
 * Numbers grids per community north to south, west to east, and builds the result.
 * `ids[d]` overrides the id of draft `d` (re-partition keeps old ids).
 */
export const finish = (
  units: UnitSet,
  bounds: ResolvedBounds,
  grid: Int32Array,
  drafts: ReadonlyArray<Draft>,
  ids: ReadonlyArray<string | undefined>,
  minter: GridIds.Minter
): PartitionResult => {
  const { topology, weights } = units
  const count = drafts.length
  const members: Array<Array<number>> = Array.from({ length: count }, () => [])
  for (let u = 0; u < units.size; u++) {
    const g = grid[u]!
    if (g < 0) throw new Error(`partition: unit ${units.ids[u]} was left without a grid`)
    members[g]!.push(u)
  }
  const live = drafts.map((_, d) => d).filter((d) => members[d]!.length > 0)
  const centroid = new Map<number, readonly [number, number]>()
  for (const d of live) {
    let a = 0
    let x = 0
    let y = 0
    for (const u of members[d]!) {
      const w = Math.max(topology.area[u]!, 1e-9)
      a += w
      x += topology.cx[u]! * w
      y += topology.cy[u]! * w
    }
    centroid.set(d, [x / a, y / a])
  }
  // Existing ids first (they fix the numbering); new grids in reading order.
  const order = [...live].sort((p, q) => {
    const cp = drafts[p]!.community
    const cq = drafts[q]!.community
    if (cp !== cq) return cp - cq
    const ip = ids[p]
    const iq = ids[q]
    if ((ip === undefined) !== (iq === undefined)) return ip === undefined ? 1 : -1
    const [xp, yp] = centroid.get(p)!
    const [xq, yq] = centroid.get(q)!
    return yq - yp || xp - xq || p - q
  })
  const assignedId = new Map<number, string>()
  for (const d of order) {
    const existing = ids[d]
    if (existing !== undefined) {
      minter.observe(existing)
      assignedId.set(d, existing)
    }
  }
  for (const d of order) {
    if (!assignedId.has(d)) assignedId.set(d, minter.mint(units.communities[drafts[d]!.community]!))
  }
  // Final order: community, then id number.
  const finalOrder = [...order].sort((p, q) => {
    const cp = drafts[p]!.community
    const cq = drafts[q]!.community
    if (cp !== cq) return cp - cq
    const np = GridIds.parse(assignedId.get(p)!)?.n ?? 0
    const nq = GridIds.parse(assignedId.get(q)!)?.n ?? 0
    return np - nq || (assignedId.get(p)! < assignedId.get(q)! ? -1 : 1)
  })
  const parts = communityParts(units, bounds)
  const assignments = new Int32Array(units.size)
  const grids: Array<Grid> = []
  const issues: Array<PartitionIssue> = []
  const reasons: Partial<Record<ReasonCode, number>> = {}
  let ok = 0
  let over = 0
  let under = 0
  let feasible = 0
  let totalWeight = 0
  finalOrder.forEach((d, index) => {
    const list = Int32Array.from(members[d]!)
    let weight = 0
    for (let i = 0; i < list.length; i++) {
      weight += weights[list[i]!]!
      assignments[list[i]!] = index
    }
    totalWeight += weight
    const status = statusOf(weight, bounds)
    const reason = diagnose(units, bounds, parts, list, status)
    const id = assignedId.get(d)!
    const community = units.communities[drafts[d]!.community]!
    if (status === "ok") ok++
    else if (status === "over") over++
    else under++
    if (status === "ok" || reason === "not-converged") feasible++
    if (reason !== undefined) {
      reasons[reason] = (reasons[reason] ?? 0) + 1
      issues.push(
        new PartitionIssue({
          code: reason,
          community,
          gridId: id,
          weight,
          message: `grid ${id} (community ${community}) weighs ${Number(weight.toFixed(6))}, ${status} bounds ${bounds.min}-${bounds.max}: ${reasonText(reason, bounds)}`
        })
      )
    }
    grids.push({ id, community, weight, units: list, status, reason })
  })
  return {
    units,
    bounds,
    grids,
    assignments,
    issues,
    stats: {
      units: units.size,
      communities: units.communities.length,
      grids: grids.length,
      ok,
      over,
      under,
      feasible,
      totalWeight,
      reasons
    },
    highWater: minter.highWater()
  }
}

/** Units of each community, ascending. */
export const unitsByCommunity = (units: UnitSet): Array<Int32Array> => {
  const counts = new Int32Array(units.communities.length)
  for (let u = 0; u < units.size; u++) counts[units.community[u]!] = counts[units.community[u]!]! + 1
  const out = Array.from(counts, (c) => new Int32Array(c))
  const fill = new Int32Array(units.communities.length)
  for (let u = 0; u < units.size; u++) {
    const c = units.community[u]!
    out[c]![fill[c]!] = u
    fill[c] = fill[c]! + 1
  }
  return out
}

/**
 * Partitions `units` into grids.
 * @throws {@link PartitionOptionsError} when the options are invalid (e.g. `min > max`).
 */
export const partition = (units: UnitSet, options: PartitionOptions, hooks: PartitionHooks = {}): PartitionResult => {
  const opts = decodePartitionOptions(options)
  const bounds = resolve(opts)
  const onProgress = hooks.onProgress
  const ws = Bisection.workspace(units.topology, units.weights)
  const bis = bisectionOptions(bounds, opts.directions ?? 8)
  const grid = new Int32Array(units.size).fill(-1)
  const drafts: Array<Draft> = []
  const byCommunity = unitsByCommunity(units)
  let laid = 0
  byCommunity.forEach((members, c) => {
    layoutCommunity(units, c, members, bounds, ws, bis, grid, drafts)
    laid += members.length
    onProgress?.({ phase: "split", done: laid, total: units.size })
  })
  const balance = opts.balance ?? 1
  const gridCommunity = Int32Array.from(drafts, (d) => d.community)
  let unlocked = Uint8Array.from(drafts, (d) => (d.locked ? 0 : 1))
  const progress = (m: number) => onProgress?.({ phase: "refine", done: m, total: Math.max(m, units.size) })
  let refiner = new Refine.Refiner(units.topology, units.weights, units.community, { grid, gridCommunity })
  const refineAll = () => refiner.run({ bounds, mode: "compact", balance, activeGrids: unlocked, onProgress: progress })
  refineAll()
  // Grids still out of bounds: chains of moves through neighbours with room, then
  // re-splitting small regions around them; tidy shapes after each.
  for (let attempt = 0; attempt < 4; attempt++) {
    if (Chains.repair(refiner, { bounds, active: unlocked }) > 0) refineAll()
    const touched = RegionRepair.repair(units, grid, drafts.length, ws, {
      bounds,
      bisection: bis,
      repairable: (d) => drafts[d]!.locked === false,
      communityOf: (d) => drafts[d]!.community,
      addGrid: (community) => {
        drafts.push({ community, locked: false })
        return drafts.length - 1
      },
      attempt
    })
    if (touched.size === 0) {
      // Nothing re-split: stop when nothing is left to repair, else try larger regions.
      if (!drafts.some((d, i) => !d.locked && Bounds.violation(refiner.sums.weight[i]!, bounds) > 0)) break
      continue
    }
    refiner = new Refine.Refiner(units.topology, units.weights, units.community, {
      grid,
      gridCommunity: Int32Array.from(drafts, (d) => d.community)
    })
    unlocked = Uint8Array.from(drafts, (d) => (d.locked ? 0 : 1))
    refineAll()
  }
  // Re-cut neighbouring pairs where that gives better shapes.
  MergeSplit.improve(refiner, ws, {
    bounds,
    balance,
    bisection: bis,
    active: unlocked,
    passes: opts.passes ?? 2,
    onPass: (pass) => onProgress?.({ phase: "refine", done: pass + 1, total: opts.passes ?? 2 })
  })
  onProgress?.({ phase: "done", done: units.size, total: units.size })
  return finish(units, bounds, grid, drafts, [], new GridIds.Minter())
}

/** Every input feature id with its grid id (points grouped into one unit are listed one by one). */
export const assignmentPairs = (result: PartitionResult): Array<readonly [unitId: string, gridId: string]> => {
  const out: Array<readonly [string, string]> = []
  for (let u = 0; u < result.units.size; u++) {
    const gridId = result.grids[result.assignments[u]!]!.id
    for (const id of memberIds(result.units, u)) out.push([id, gridId])
  }
  return out
}

/** The grid of the unit with id `unitId`, or `undefined`. */
export const gridOf = (result: PartitionResult, unitId: string): Grid | undefined => {
  const u = result.units.ids.indexOf(unitId)
  return u < 0 ? undefined : result.grids[result.assignments[u]!]
}
