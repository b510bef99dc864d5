/**
 * Initial partition of a connected set of units into `k` connected parts of nearly
 * equal weight by recursive bisection.
 *
 * Each bisection sweeps a line across the set in several directions: side A grows from
 * the unit farthest back along the direction, always taking the frontier unit that lies
 * farthest back (a priority queue), so A stays connected and looks like a half-plane
 * cut. Among the prefixes whose weight is within a small window of A's share, the one
 * with the shortest cut (shared boundary length with B) wins; pieces of B cut off from
 * B's main part are handed to A so both sides are connected. The shortest cut over all
 * directions is kept ("shortest split-line"), which yields compact parts. `k` is split
 * as `floor(k / 2)` and `ceil(k / 2)`, both ways round when `k` is odd.
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
}

interface Candidate {
  readonly a: Int32Array
  readonly b: Int32Array
  readonly kA: number
  readonly kB: number
  readonly error: number
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

/** One sweep; `inSet` must mark `members`. */
const sweep = (
  ws: Workspace,
  members: Int32Array,
  total: number,
  k: number,
  kA: number,
  theta: number,
  window: number
): Candidate | undefined => {
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
  const targetA = (total * kA) / k
  const lo = targetA * (1 - window)
  const hi = targetA * (1 + window)
  inA.reset()
  queued.reset()
  heap.clear()
  heap.push(seed, seedKey)
  queued.mark(seed)
  let length = 0
  let wA = 0
  let cut = 0
  let best = -1
  let bestCut = Number.POSITIVE_INFINITY
  let bestDev = Number.POSITIVE_INFINITY
  let fallback = -1
  let fallbackDev = Number.POSITIVE_INFINITY
  const kB = k - kA
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
    if (length < kA) continue
    const dev = Math.abs(wA - targetA)
    if (dev < fallbackDev) {
      fallbackDev = dev
      fallback = length
    }
    if (wA >= lo && wA <= hi) {
      if (cut < bestCut * (1 - 1e-9) || (cut <= bestCut * (1 + 1e-9) && dev < bestDev)) {
        best = length
        bestCut = cut
        bestDev = dev
      }
    }
    if (wA > hi) break
  }
  const chosen = best >= 0 ? best : fallback
  if (chosen < 1) return undefined
  // Side A: the chosen prefix; B: the rest, with pieces cut off from B's main part given to A.
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
  const wAfinal = total - mainWeight
  const average = total / k
  const error =
    Math.max(Math.abs(wAfinal / kA - average), Math.abs(mainWeight / kB - average)) / Math.max(average, 1e-12)
  return { a, b, kA, kB, error, cut: cutOf(ws, a) }
}

const better = (x: Candidate, y: Candidate | undefined, window: number): boolean => {
  if (y === undefined) return true
  const xIn = x.error <= window
  const yIn = y.error <= window
  if (xIn !== yIn) return xIn
  if (xIn) return x.cut < y.cut * (1 - 1e-9) || (x.cut <= y.cut * (1 + 1e-9) && x.error < y.error)
  return x.error < y.error
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
  let best: Candidate | undefined
  for (let d = 0; d < options.directions; d++) {
    for (const flip of [0, 1]) {
      const theta = (Math.PI * d) / options.directions + flip * Math.PI
      for (const kA of shares) {
        ws.inSet.reset()
        for (let i = 0; i < members.length; i++) ws.inSet.mark(members[i]!)
        const candidate = sweep(ws, members, total, parts, kA, theta, options.window)
        if (candidate !== undefined && better(candidate, best, options.window)) best = candidate
      }
    }
  }
  if (best === undefined) {
    emit(members)
    return
  }
  split(ws, best.a, best.kA, options, emit)
  split(ws, best.b, best.kB, options, emit)
}
