/**
 * Re-partition with stable ids: given the previous grids (ids and their units) and the
 * units as they are now (new weights, new or removed units, changed communities), keep
 * what still holds and repair locally where bounds broke.
 *
 * - A community whose units, memberships and grid weights did not change keeps every
 *   grid identical (same id, same units).
 * - In a changed community, previous grids keep their units; a grid cut in two keeps
 *   its largest piece; units that are new (or left their grid's community) join the
 *   neighbouring grid they share most boundary with, or, when they form a new area
 *   heavy enough for a grid of their own, get new grids. Then, only where bounds broke:
 *   border units move to neighbours with room (no move is made for shape alone), a
 *   grid still too heavy is split, a grid still too light is merged with a neighbour
 *   or re-split with it into two.
 * - Ids follow the units: each previous id goes to the new grid holding most of its
 *   old weight; grids without one get new ids above the community's high-water mark, so
 *   a retired id is never reused ({@link GridIds}).
 * - The churn report gives the share of weight whose grid id changed.
 *
 * @example
 * ```ts
 * import { Partition, Repartition, Units } from "@gridwork/grid"
 * const before = Partition.partition(units, { min: 750, max: 1250 })
 * const after = Repartition.repartition(Repartition.fromResult(before), Units.withWeights(units, newWeights), {
 *   min: 750, max: 1250
 * })
 * after.churn.weightShare // e.g. 0.012
 * ```
 * @module
 */
import { memberIds, type UnitSet } from "../units/Units"
import * as Bisection from "./Bisection"
import { type ResolvedBounds, resolve, statusOf } from "./Bounds"
import * as Chains from "./Chains"
import { components, Marks } from "./Graph"
import * as GridIds from "./GridIds"
import * as MergeSplit from "./MergeSplit"
import {
  bisectionOptions,
  type Draft,
  decodePartitionOptions,
  finish,
  layoutCommunity,
  type PartitionHooks,
  type PartitionOptions,
  type PartitionResult
} from "./Partition"
import * as Refine from "./Refine"
import * as RegionRepair from "./RegionRepair"

/** A grid of the previous partition. */
export interface PreviousGrid {
  /** Its id. */
  readonly id: string
  /** Its community, when known (otherwise taken from its units). */
  readonly community?: string | undefined
  /** Ids of its units (input features). */
  readonly units: ReadonlyArray<string>
  /** Its weight then, when known (tells whether the community changed). */
  readonly weight?: number | undefined
}

/** The previous partition. */
export interface PreviousGrids {
  readonly grids: ReadonlyArray<PreviousGrid>
  /** Largest id number minted so far per community. */
  readonly highWater: GridIds.HighWater
  /**
   * Whether `highWater` came from the grids file's metadata. When it was only inferred
   * from the ids present (e.g. from an assignments CSV), ids retired before that file
   * cannot be known.
   */
  readonly highWaterKnown: boolean
}

/** How much changed. */
export interface Churn {
  /** Share of the comparable weight whose grid id changed (0 = nothing moved). */
  readonly weightShare: number
  /** Weight of units (present before and now) whose grid id changed. */
  readonly movedWeight: number
  /** Weight of units present before and now. */
  readonly comparableWeight: number
  /** Weight of units that were in no previous grid. */
  readonly newUnitWeight: number
  /** Previous unit ids no longer present. */
  readonly removedUnits: number
  /** Grids with the same id and exactly the same units as before. */
  readonly keptGrids: number
  /** Grids that kept their id but gained or lost units. */
  readonly changedGrids: number
  /** Ids minted in this run. */
  readonly createdGrids: ReadonlyArray<string>
  /** Previous ids no longer in use (never minted again). */
  readonly retiredGrids: ReadonlyArray<string>
  /** Communities whose grids were kept identical without looking further. */
  readonly unchangedCommunities: ReadonlyArray<string>
  /** Communities that were repaired. */
  readonly changedCommunities: ReadonlyArray<string>
}

/** A re-partition: a partition plus its churn. */
export interface RepartitionResult extends PartitionResult {
  readonly churn: Churn
}

/** The previous grids of a result (to re-partition it later without going through files). */
export const fromResult = (result: PartitionResult): PreviousGrids => ({
  grids: result.grids.map((g) => {
    const ids: Array<string> = []
    for (let i = 0; i < g.units.length; i++) for (const id of memberIds(result.units, g.units[i]!)) ids.push(id)
    return { id: g.id, community: g.community, units: ids, weight: g.weight }
  }),
  highWater: result.highWater,
  highWaterKnown: true
})

const sameWeight = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b))

/**
 * Re-partitions `units` starting from `previous`.
 * @throws `PartitionOptionsError` when the options are invalid.
 */
export const repartition = (
  previous: PreviousGrids,
  units: UnitSet,
  options: PartitionOptions,
  hooks: PartitionHooks = {}
): RepartitionResult => {
  const opts = decodePartitionOptions(options)
  const bounds: ResolvedBounds = resolve(opts)
  const balance = opts.balance ?? 1
  const onProgress = hooks.onProgress
  const n = units.size
  const { topology, weights } = units
  const G = previous.grids.length

  // Previous grid of each unit (by member vote when points were grouped).
  const unitOfMember = new Map<string, number>()
  for (let u = 0; u < n; u++) for (const id of memberIds(units, u)) unitOfMember.set(id, u)
  const prevOf = new Int32Array(n).fill(-1)
  const votes = new Map<number, number>()
  const expected = new Int32Array(G)
  const present = new Int32Array(G)
  let removedUnits = 0
  previous.grids.forEach((grid, g) => {
    expected[g] = grid.units.length
    for (const id of grid.units) {
      const u = unitOfMember.get(id)
      if (u === undefined) {
        removedUnits++
        continue
      }
      present[g] = present[g]! + 1
      const key = u * (G + 1) + g
      const count = (votes.get(key) ?? 0) + 1
      votes.set(key, count)
      const current = prevOf[u]!
      if (current < 0 || count > (votes.get(u * (G + 1) + current) ?? 0)) prevOf[u] = g
    }
  })
  votes.clear()

  // Community of each previous grid: as recorded, else the most common among its units.
  const communityIndex = new Map(units.communities.map((c, i) => [c, i]))
  const prevCommunity = new Int32Array(G).fill(-1)
  const prevWeight = new Float64Array(G)
  const prevUnits: Array<Array<number>> = Array.from({ length: G }, () => [])
  for (let u = 0; u < n; u++) {
    const g = prevOf[u]!
    if (g < 0) continue
    prevUnits[g]!.push(u)
    prevWeight[g] = prevWeight[g]! + weights[u]!
  }
  previous.grids.forEach((grid, g) => {
    if (grid.community !== undefined) {
      prevCommunity[g] = communityIndex.get(grid.community) ?? -1
      return
    }
    const counts = new Map<number, number>()
    for (const u of prevUnits[g]!) counts.set(units.community[u]!, (counts.get(units.community[u]!) ?? 0) + 1)
    let best = -1
    let bestCount = 0
    for (const [c, count] of counts) {
      if (count > bestCount || (count === bestCount && c < best)) {
        best = c
        bestCount = count
      }
    }
    prevCommunity[g] = best
  })

  // Which communities changed.
  const C = units.communities.length
  const changed = new Uint8Array(C)
  for (let u = 0; u < n; u++) {
    const g = prevOf[u]!
    if (g < 0 || prevCommunity[g] !== units.community[u]) {
      changed[units.community[u]!] = 1
      if (g >= 0 && prevCommunity[g]! >= 0) changed[prevCommunity[g]!] = 1
    }
  }
  previous.grids.forEach((grid, g) => {
    const c = prevCommunity[g]!
    if (c < 0) return
    const weightKnown = grid.weight !== undefined
    const differs =
      present[g] !== expected[g] ||
      (weightKnown ? !sameWeight(prevWeight[g]!, grid.weight!) : statusOf(prevWeight[g]!, bounds) !== "ok")
    if (differs) changed[c] = 1
  })

  // Drafts from previous grids.
  const grid = new Int32Array(n).fill(-1)
  const drafts: Array<Draft> = []
  const frozen: Array<boolean> = []
  for (let g = 0; g < G; g++) {
    const c = prevCommunity[g]!
    if (c < 0) continue
    const members = prevUnits[g]!.filter((u) => units.community[u] === c)
    if (members.length === 0) continue
    const d = drafts.length
    const heavyAlone = members.length === 1 && weights[members[0]!]! > bounds.max
    drafts.push({ community: c, locked: changed[c] === 0 || heavyAlone })
    frozen.push(changed[c] === 0)
    for (const u of members) grid[u] = d
  }

  const scratch = new Marks(n)
  const seen = new Marks(n)
  const ws = Bisection.workspace(topology, weights)
  const bis = bisectionOptions(bounds, opts.directions ?? 8)
  const weightOf = (list: ArrayLike<number>) => {
    let sum = 0
    for (let i = 0; i < list.length; i++) sum += weights[list[i]!]!
    return sum
  }
  const membersOf = (): Array<Array<number>> => {
    const out: Array<Array<number>> = Array.from({ length: drafts.length }, () => [])
    for (let u = 0; u < n; u++) if (grid[u]! >= 0) out[grid[u]!]!.push(u)
    return out
  }
  const addDraft = (community: number, locked: boolean) => {
    drafts.push({ community, locked })
    frozen.push(false)
    return drafts.length - 1
  }
  const movable = new Uint8Array(n)
  for (let u = 0; u < n; u++) if (changed[units.community[u]!] === 1) movable[u] = 1

  // Split drafts that lost their connection; set heavy units apart.
  {
    const lists = membersOf()
    lists.forEach((list, d) => {
      if (frozen[d] || list.length === 0) return
      const c = drafts[d]!.community
      if (list.length > 1) {
        for (const u of list) {
          if (weights[u]! > bounds.max) grid[u] = addDraft(c, true)
        }
      }
      const rest = list.filter((u) => grid[u] === d)
      if (rest.length === 0) return
      const parts = components(topology, rest, scratch, seen)
      if (parts.length <= 1) return
      let keep = 0
      for (let p = 1; p < parts.length; p++) {
        const wp = weightOf(parts[p]!)
        const wk = weightOf(parts[keep]!)
        if (wp > wk || (wp === wk && parts[p]!.length > parts[keep]!.length)) keep = p
      }
      parts.forEach((part, p) => {
        if (p !== keep) for (let i = 0; i < part.length; i++) grid[part[i]!] = -1
      })
    })
  }

  // Place units without a grid: small pieces join neighbours, larger new areas get new grids.
  for (let c = 0; c < C; c++) {
    if (changed[c] === 0) continue
    const loose: Array<number> = []
    for (let u = 0; u < n; u++) if (units.community[u] === c && grid[u]! < 0) loose.push(u)
    if (loose.length === 0) continue
    const pieces = components(topology, loose, scratch, seen)
    const absorb: Array<number> = []
    for (const piece of pieces) {
      let heavy = false
      for (let i = 0; i < piece.length; i++) if (weights[piece[i]!]! > bounds.max) heavy = true
      if (weightOf(piece) >= bounds.min || heavy) layoutCommunity(units, c, piece, bounds, ws, bis, grid, drafts)
      else for (let i = 0; i < piece.length; i++) absorb.push(piece[i]!)
    }
    while (frozen.length < drafts.length) frozen.push(false)
    // Grow into the pieces from neighbouring (unlocked) drafts, longest shared boundary first.
    const queue: Array<number> = []
    const queued = new Marks(n)
    queued.reset()
    for (const u of absorb) {
      for (let i = topology.adjStart[u]!; i < topology.adjStart[u + 1]!; i++) {
        const v = topology.adjIndex[i]!
        if (grid[v]! >= 0 && units.community[v] === c && !drafts[grid[v]!]!.locked) {
          queue.push(u)
          queued.mark(u)
          break
        }
      }
    }
    for (let q = 0; q < queue.length; q++) {
      const u = queue[q]!
      let best = -1
      let bestLength = -1
      for (let i = topology.adjStart[u]!; i < topology.adjStart[u + 1]!; i++) {
        const v = topology.adjIndex[i]!
        const d = grid[v]!
        if (d < 0 || units.community[v] !== c || drafts[d]!.locked) continue
        if (topology.adjLength[i]! > bestLength || (topology.adjLength[i] === bestLength && d < best)) {
          best = d
          bestLength = topology.adjLength[i]!
        }
      }
      if (best < 0) continue
      grid[u] = best
      for (let i = topology.adjStart[u]!; i < topology.adjStart[u + 1]!; i++) {
        const v = topology.adjIndex[i]!
        if (grid[v]! < 0 && units.community[v] === c && !queued.has(v)) {
          queued.mark(v)
          queue.push(v)
        }
      }
    }
    // Whatever no grid could reach (an island of new units) gets grids of its own.
    const left = absorb.filter((u) => grid[u]! < 0)
    if (left.length > 0) layoutCommunity(units, c, Int32Array.from(left), bounds, ws, bis, grid, drafts)
    while (frozen.length < drafts.length) frozen.push(false)
  }

  // Repair bounds where they broke, locally: single moves, then chains of moves, then
  // re-splitting the smallest region of neighbouring grids whose total can be split.
  const activeOf = (pick: (d: number) => boolean) => Uint8Array.from(drafts, (_, d) => (pick(d) ? 1 : 0))
  const repairable = (d: number) => !frozen[d] && !drafts[d]!.locked
  for (let round = 0; round < 6; round++) {
    const repairing = activeOf(repairable)
    const repairer = new Refine.Refiner(topology, weights, units.community, {
      grid,
      gridCommunity: Int32Array.from(drafts, (d) => d.community)
    })
    repairer.run({
      mode: "repair",
      balance,
      bounds,
      movable,
      activeGrids: repairing,
      onProgress: (m) => onProgress?.({ phase: "refine", done: m, total: Math.max(m, n) })
    })
    Chains.repair(repairer, { bounds, active: repairing, movable })
    const touched = RegionRepair.repair(units, grid, drafts.length, ws, {
      bounds,
      bisection: bis,
      repairable,
      communityOf: (d) => drafts[d]!.community,
      addGrid: (community) => addDraft(community, false),
      attempt: round
    })
    if (touched.size === 0) {
      const left = membersOf().some(
        (list, d) => repairable(d) && list.length > 0 && statusOf(weightOf(list), bounds) !== "ok"
      )
      if (!left) break
      continue
    }
    // Shape the re-split grids among themselves only.
    const touchedUnits = new Uint8Array(n)
    for (let u = 0; u < n; u++) if (grid[u]! >= 0 && touched.has(grid[u]!)) touchedUnits[u] = 1
    const touchedGrids = activeOf((d) => touched.has(d))
    const refiner = new Refine.Refiner(topology, weights, units.community, {
      grid,
      gridCommunity: Int32Array.from(drafts, (d) => d.community)
    })
    refiner.run({ mode: "compact", balance, bounds, movable: touchedUnits, activeGrids: touchedGrids })
    MergeSplit.improve(refiner, ws, { bounds, balance, bisection: bis, active: touchedGrids, passes: opts.passes ?? 2 })
  }

  // Ids follow the units: previous ids go to the draft holding most of their old weight.
  const finalLists = membersOf()
  const overlaps: Array<{ d: number; g: number; score: number }> = []
  finalLists.forEach((list, d) => {
    const byPrev = new Map<number, number>()
    for (const u of list) {
      const g = prevOf[u]!
      if (g >= 0) byPrev.set(g, (byPrev.get(g) ?? 0) + weights[u]! + 1e-9)
    }
    for (const [g, score] of byPrev) overlaps.push({ d, g, score })
  })
  overlaps.sort((p, q) => q.score - p.score || p.g - q.g || p.d - q.d)
  const ids: Array<string | undefined> = new Array(drafts.length).fill(undefined)
  const usedPrev = new Uint8Array(G)
  for (const { d, g } of overlaps) {
    if (ids[d] !== undefined || usedPrev[g] === 1) continue
    ids[d] = previous.grids[g]!.id
    usedPrev[g] = 1
  }
  const minter = new GridIds.Minter(previous.highWater)
  for (const g of previous.grids) minter.observe(g.id)
  const result = finish(units, bounds, grid, drafts, ids, minter)
  onProgress?.({ phase: "done", done: n, total: n })

  // Churn.
  const previousIds = new Set(previous.grids.map((g) => g.id))
  const finalIds = new Set(result.grids.map((g) => g.id))
  let movedWeight = 0
  let comparableWeight = 0
  let newUnitWeight = 0
  for (let u = 0; u < n; u++) {
    const g = prevOf[u]!
    if (g < 0) {
      newUnitWeight += weights[u]!
      continue
    }
    comparableWeight += weights[u]!
    if (result.grids[result.assignments[u]!]!.id !== previous.grids[g]!.id) movedWeight += weights[u]!
  }
  const previousById = new Map(previous.grids.map((g, i) => [g.id, i]))
  let keptGrids = 0
  let changedGrids = 0
  for (const grid of result.grids) {
    const g = previousById.get(grid.id)
    if (g === undefined) continue
    let same = grid.units.length === prevUnits[g]!.length && present[g] === expected[g]
    if (same) for (let i = 0; i < grid.units.length; i++) if (prevOf[grid.units[i]!] !== g) same = false
    if (same) keptGrids++
    else changedGrids++
  }
  return {
    ...result,
    churn: {
      weightShare: comparableWeight > 0 ? movedWeight / comparableWeight : 0,
      movedWeight,
      comparableWeight,
      newUnitWeight,
      removedUnits,
      keptGrids,
      changedGrids,
      createdGrids: result.grids.filter((g) => !previousIds.has(g.id)).map((g) => g.id),
      retiredGrids: previous.grids.filter((g) => !finalIds.has(g.id)).map((g) => g.id),
      unchangedCommunities: units.communities.filter((_, c) => changed[c] === 0),
      changedCommunities: units.communities.filter((_, c) => changed[c] === 1)
    }
  }
}
