/**
 * Graph helpers over the CSR adjacency of a {@link Topology.Topology}, restricted to a
 * subset of units. Subsets are marked with stamps (no clearing between calls), so the
 * helpers stay linear in the subset's size even on 100,000-unit graphs.
 * @module
 */
import type { Topology } from "../geometry/Topology"

/** Reusable per-unit stamp array: `mark(u)` then `has(u)` until the next `reset()`. */
export class Marks {
  private readonly stamps: Int32Array
  private current = 1

  constructor(size: number) {
    this.stamps = new Int32Array(size)
  }

  /** Starts a new, empty set. */
  reset(): void {
    if (++this.current >= 0x7fffffff) {
      this.stamps.fill(0)
      this.current = 1
    }
  }

  /** Adds `u` to the current set. */
  mark(u: number): void {
    this.stamps[u] = this.current
  }

  /** Whether `u` is in the current set. */
  has(u: number): boolean {
    return this.stamps[u] === this.current
  }
}

/**
 * Connected components of the units in `members` (edges between members only). Each
 * component is sorted ascending; components are ordered by their smallest unit.
 * `scratch` and `seen` must be two distinct {@link Marks} of the topology's size.
 */
export const components = (
  topology: Topology,
  members: ArrayLike<number>,
  scratch: Marks,
  seen: Marks
): Array<Int32Array> => {
  scratch.reset()
  for (let k = 0; k < members.length; k++) scratch.mark(members[k]!)
  seen.reset()
  const sorted = Int32Array.from(members).sort()
  const out: Array<Int32Array> = []
  const stack: Array<number> = []
  for (let k = 0; k < sorted.length; k++) {
    const s = sorted[k]!
    if (seen.has(s)) continue
    const component: Array<number> = []
    seen.mark(s)
    stack.push(s)
    while (stack.length > 0) {
      const u = stack.pop()!
      component.push(u)
      for (let i = topology.adjStart[u]!; i < topology.adjStart[u + 1]!; i++) {
        const v = topology.adjIndex[i]!
        if (scratch.has(v) && !seen.has(v)) {
          seen.mark(v)
          stack.push(v)
        }
      }
    }
    out.push(Int32Array.from(component).sort())
  }
  return out
}

/**
 * Whether grid `g` (units with `grid[v] === g`) stays connected once unit `u` leaves
 * it: a search from one of `u`'s neighbours in `g` must reach all the others without
 * passing through `u`. Costs at most the size of `g`; `marks` and `stack` are scratch.
 */
export const staysConnectedWithout = (
  topology: Topology,
  grid: Int32Array,
  u: number,
  g: number,
  marks: Marks,
  stack: Array<number>
): boolean => {
  const { adjStart, adjIndex } = topology
  let first = -1
  let targets = 0
  for (let i = adjStart[u]!; i < adjStart[u + 1]!; i++) {
    if (grid[adjIndex[i]!] === g) {
      if (first < 0) first = adjIndex[i]!
      targets++
    }
  }
  if (targets <= 1) return true
  marks.reset()
  marks.mark(u)
  marks.mark(first)
  stack.length = 0
  stack.push(first)
  let reached = 1
  while (stack.length > 0) {
    const x = stack.pop()!
    for (let i = adjStart[x]!; i < adjStart[x + 1]!; i++) {
      const v = adjIndex[i]!
      if (grid[v] !== g || marks.has(v)) continue
      marks.mark(v)
      for (let k = adjStart[u]!; k < adjStart[u + 1]!; k++) {
        if (adjIndex[k] === v) {
          if (++reached === targets) return true
          break
        }
      }
      stack.push(v)
    }
  }
  return false
}
