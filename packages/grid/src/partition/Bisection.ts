/**
 * Initial partition of a connected set of units into `k` connected parts of nearly
 * equal weight by recursive bisection.
 *
 * Each bisection sweeps a line across the set in several directions: side A grows from
 * the unit farthest back along the direction, always taking the frontier unit that lies
 * farthest back (a priority queue), so A stays connected and looks like a half-plane
 * cut. A prefix is best when both sides' average part weight lies within the bounds and
 * within a small window of the average, and then when its cut (shared boundary length
 * with B) is shortest; pieces of B cut off from B's main part are handed to A so both
 * sides are connected. The best over all directions is kept ("shortest split-line"),
 * which yields compact parts; when no cut can meet the bounds (units hanging together,
 * too coarse), the most balanced one is. `k` is split as `floor(k / 2)` and
 * `ceil(k / 2)`, both ways round when `k` is odd.
 *
 * Deterministic: ties are broken by unit index.
 * @module
 */
import type { Topology } from "../geometry/Topology"
import { components, Marks } from "./Graph"
import { MinHeap } from "./MinHeap"

/** Scratch space shared by every bisection over one topology. */
export interface Workspace {
  readonly topology: Topology
  readonly weights: Float64Array
  readonly inSet: Marks
  readonly inA: Marks
  readonly queued: Marks
  readonly scratch: Marks
  readonly seen: Marks
  readonly heap: MinHeap
  readonly order: Int32Array
}

/** Allocates a workspace for `topology` with unit `weights`. */
export const workspace = (topology: Topology, weights: Float64Array): Workspace => ({
  topology,
  weights,
  inSet: new Marks(topology.size),
  inA: new Marks(topology.size),
  queued: new Marks(topology.size),
  scratch: new Marks(topology.size),
  seen: new Marks(topology.size),
  heap: new MinHeap(1024),
  order: new Int32Array(topology.size)
})

/** Bisection settings. */
export interface BisectionOptions {
  /** Number of sweep directions over a half-turn (each swept from both ends). */
  readonly directions: number
  /** Relative balance window for a side's average part weight, e.g. 0.06. */
  readonly window: number
  /** Bounds on a part's weight (a side of `k` parts should weigh `k·min .. k·max`). */
  readonly min: number
  readonly max: number
}

/** How good a split is: 0 feasible and balanced, 1 feasible, 2 balanced, 3 neither. */
interface Score {
  readonly rank: number
  readonly error: number
  readonly cut: number
}

const scoreOf = (
  wA: number,
  total: number,
  kA: number,
  kB: number,
  options: BisectionOptions
): { readonly rank: number; readonly error: number } => {
  const average = total / (kA + kB)
  const a = wA / kA
  const b = (total - wA) / kB
  const error = Math.max(Math.abs(a - average), Math.abs(b - average)) / Math.max(average, 1e-12)
  const feasible = a >= options.min && a <= options.max && b >= options.min && b <= options.max
  const balanced = error <= options.window
  return { rank: feasible ? (balanced ? 0 : 1) : balanced ? 2 : 3, error }
}

interface Candidate extends Score {
  readonly a: Int32Array
  readonly b: Int32Array
  readonly kA: number
  readonly kB: number
  readonly cut: number
}

const weightOf = (ws: Workspace, members: ArrayLike<number>): number => {
  let sum = 0
  for (let i = 0; i < members.length; i++) sum += ws.weights[members[i]!]!
  return sum
}

/** Shared boundary length between the marked `inA` units and the rest of `inSet`. */
const cutOf = (ws: Workspace, a: Int32Array): number => {
  const { adjStart, adjIndex, adjLength } = ws.topology
  let cut = 0
  for (let k = 0; k < a.length; k++) {
    const u = a[k]!
    for (let i = adjStart[u]!; i < adjStart[u + 1]!; i++) {
      const v = adjIndex[i]!
      if (ws.inSet.has(v) && !ws.inA.has(v)) cut += adjLength[i]!
    }
  }
  return cut
}

/** A sweep's chosen prefix, before side B's connectivity is checked. */
interface Prefix extends Score {
  readonly theta: number
  readonly kA: number
  readonly length: number
}

/**
 * Grows side A along direction `theta` and picks the prefix length (left in
 * `ws.order`); `inSet` must mark `members`.
 */
const grow = (
  ws: Workspace,
  members: Int32Array,
  total: number,
  k: number,
  kA: number,
  theta: number,
  options: BisectionOptions
): Prefix | undefined => {
  const { topology, weights, inSet, inA, queued, heap, order } = ws
  const { adjStart, adjIndex, adjLength, cx, cy } = topology
  const m = members.length
  const c = Math.cos(theta)
  const s = Math.sin(theta)
  let seed = members[0]!
  let seedKey = cx[seed]! * c + cy[seed]! * s
  for (let i = 1; i < m; i++) {
    const u = members[i]!
    const key = cx[u]! * c + cy[u]! * s
    if (key < seedKey) {
      seed = u
      seedKey = key
    }
  }
  const kB = k - kA
  const targetA = (total * kA) / k
  // Sweep while A may still be balanced or within bounds.
  const stop = Math.max(targetA * (1 + options.window), Math.min(kA * options.max, total - kB * options.min))
  inA.reset()
  queued.reset()
  heap.clear()
  heap.push(seed, seedKey)
  queued.mark(seed)
  let length = 0
  let wA = 0
  let cut = 0
  let best: Prefix | undefined
  while (heap.size > 0 && length < m - kB) {
    const u = heap.pop()
    inA.mark(u)
    order[length++] = u
    wA += weights[u]!
    for (let i = adjStart[u]!; i < adjStart[u + 1]!; i++) {
      const v = adjIndex[i]!
      if (!inSet.has(v)) continue
      if (inA.has(v)) cut -= adjLength[i]!
      else {
        cut += adjLength[i]!
        if (!queued.has(v)) {
          queued.mark(v)
          heap.push(v, cx[v]! * c + cy[v]! * s)
        }
      }
    }
    if (length >= kA) {
      const { rank, error } = scoreOf(wA, total, kA, kB, options)
      const candidate = { theta, kA, length, cut: Math.max(0, cut), rank, error }
      if (better(candidate, best)) best = candidate
    }
    if (wA > stop) break
  }
  return best
}

/**
 * Turns the prefix `ws.order[0 .. length)` into sides A and B, handing pieces cut off
 * from B's main part to A so both sides are connected.
 */
const finish = (
  ws: Workspace,
  members: Int32Array,
  total: number,
  k: number,
  kA: number,
  chosen: number,
  options: BisectionOptions
): Candidate | undefined => {
  const { topology, inA, order } = ws
  const m = members.length
  const kB = k - kA
  inA.reset()
  const aList: Array<number> = []
  for (let i = 0; i < chosen; i++) {
    inA.mark(order[i]!)
    aList.push(order[i]!)
  }
  const rest: Array<number> = []
  for (let i = 0; i < m; i++) if (!inA.has(members[i]!)) rest.push(members[i]!)
  if (rest.length === 0) return undefined
  const parts = components(topology, rest, ws.scratch, ws.seen)
  let main = parts[0]!
  let mainWeight = weightOf(ws, main)
  for (let p = 1; p < parts.length; p++) {
    const w = weightOf(ws, parts[p]!)
    if (w > mainWeight || (w === mainWeight && parts[p]!.length > main.length)) {
      main = parts[p]!
      mainWeight = w
    }
  }
  for (const part of parts) {
    if (part === main) continue
    for (let i = 0; i < part.length; i++) {
      inA.mark(part[i]!)
      aList.push(part[i]!)
    }
  }
  const a = Int32Array.from(aList).sort()
  const b = main
  if (a.length < kA || b.length < kB) return undefined
  const { rank, error } = scoreOf(total - mainWeight, total, kA, kB, options)
  return { a, b, kA, kB, rank, error, cut: cutOf(ws, a) }
}

/** Prefixes fully checked per bisection. */
const FINALISTS = 3

/** Lower rank first; then the shorter cut among balanced splits, the smaller error among the others. */
const better = (x: Score, y: Score | undefined): boolean => {
  if (y === undefined) return true
  if (x.rank !== y.rank) return x.rank < y.rank
  if (x.rank === 0 || x.rank === 2) {
    return x.cut < y.cut * (1 - 1e-9) || (x.cut <= y.cut * (1 + 1e-9) && x.error < y.error)
  }
  return x.error < y.error || (x.error === y.error && x.cut < y.cut)
}

/**
 * Splits the connected set `members` into `k` connected parts and calls `emit` for each
 * part (sorted unit indices). Fewer parts come out when the set has too few units.
 */
export const split = (
  ws: Workspace,
  members: Int32Array,
  k: number,
  options: BisectionOptions,
  emit: (part: Int32Array) => void
): void => {
  const parts = Math.min(k, members.length)
  if (parts <= 1) {
    emit(members)
    return
  }
  const total = weightOf(ws, members)
  const k1 = Math.floor(parts / 2)
  const k2 = parts - k1
  const shares = k1 === k2 ? [k1] : [k1, k2]
  ws.inSet.reset()
  for (let i = 0; i < members.length; i++) ws.inSet.mark(members[i]!)
  // Cheap pass: every direction's best prefix. Then the full check (side B connected)
  // for the few most promising ones only.
  const prefixes: Array<Prefix> = []
  for (let d = 0; d < options.directions; d++) {
    for (const flip of [0, 1]) {
      const theta = (Math.PI * d) / options.directions + flip * Math.PI
      for (const kA of shares) {
        const prefix = grow(ws, members, total, parts, kA, theta, options)
        if (prefix !== undefined) prefixes.push(prefix)
      }
    }
  }
  prefixes.sort((x, y) => (better(x, y) ? -1 : better(y, x) ? 1 : 0))
  let best: Candidate | undefined
  for (const prefix of prefixes.slice(0, FINALISTS)) {
    grow(ws, members, total, parts, prefix.kA, prefix.theta, options)
    const candidate = finish(ws, members, total, parts, prefix.kA, prefix.length, options)
    if (candidate !== undefined && better(candidate, best)) best = candidate
  }
  if (best === undefined) {
    emit(members)
    return
  }
  split(ws, best.a, best.kA, options, emit)
  split(ws, best.b, best.kB, options, emit)
}
