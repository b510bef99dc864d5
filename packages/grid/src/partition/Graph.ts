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
