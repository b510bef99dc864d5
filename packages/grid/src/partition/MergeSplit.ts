/**
 * Merge-split improvement: for each pair of neighbouring grids of one community, merge
 * them, cut the union again along its shortest balanced split line ({@link Bisection}),
 * refine the two halves against each other ({@link Refine}), and keep the result only
 * if the pair got better (less bound violation, or the same and a lower score). Single
 * border moves stall in local optima; re-cutting a pair escapes many of them.
 *
 * Deterministic: pairs are visited in index order; a later pass revisits only pairs
 * with a grid that changed in the pass before.
 * @module
 */

import * as Bisection from "./Bisection"
import type { ResolvedBounds } from "./Bounds"
import type { Refiner } from "./Refine"

/** Settings of {@link improve}. */
export interface MergeSplitOptions {
  readonly bounds: ResolvedBounds
  readonly balance: number
  readonly bisection: Bisection.BisectionOptions
  /** Grids that may take part (`1`). */
  readonly active: Uint8Array
  /** Passes over all pairs (stops early when a pass improves nothing). Default 2. */
  readonly passes?: number
  /** Called after each pass with the pass number. */
  readonly onPass?: ((pass: number, accepted: number) => void) | undefined
}

/** Improves the refiner's assignment in place; returns the number of pairs re-cut. */
export const improve = (refiner: Refiner, ws: Bisection.Workspace, options: MergeSplitOptions): number => {
  const { grid, gridCommunity } = refiner.state
  const { topology } = refiner
  const { bounds, balance, active } = options
  const G = gridCommunity.length
  const n = topology.size
  const members: Array<Array<number>> = Array.from({ length: G }, () => [])
  for (let u = 0; u < n; u++) if (grid[u]! >= 0) members[grid[u]!]!.push(u)
  const scale = Math.max(bounds.target, 1e-12)
  const viol = (g: number) => {
    const w = refiner.sums.weight[g]!
    return (w > bounds.max ? w - bounds.max : w < bounds.min ? bounds.min - w : 0) / scale
  }
  const mask = new Uint8Array(G)
  // Pairs are revisited in a later pass only when one of their grids changed.
  let dirty = new Uint8Array(G).fill(1)
  let total = 0
  for (let pass = 0; pass < (options.passes ?? 2); pass++) {
    const changed = new Uint8Array(G)
    // Neighbouring pairs (A < B), same community, both active.
    const pairs = new Set<number>()
    for (let u = 0; u < n; u++) {
      const a = grid[u]!
      if (a < 0 || active[a] !== 1) continue
      for (let i = topology.adjStart[u]!; i < topology.adjStart[u + 1]!; i++) {
        const b = grid[topology.adjIndex[i]!]!
        if (b > a && active[b] === 1 && gridCommunity[b] === gridCommunity[a]) pairs.add(a * G + b)
      }
    }
    const ordered = Array.from(pairs).sort((p, q) => p - q)
    let accepted = 0
    for (const key of ordered) {
      const A = Math.floor(key / G)
      const B = key - A * G
      if (dirty[A] === 0 && dirty[B] === 0) continue
      if (members[A]!.length === 0 || members[B]!.length === 0) continue
      const union = Int32Array.from([...members[A]!, ...members[B]!]).sort()
      if (union.length < 3) continue
      const beforeViol = viol(A) + viol(B)
      const beforeCost = refiner.cost(A, bounds, balance) + refiner.cost(B, bounds, balance)
      const saved = Int32Array.from(union, (u) => grid[u]!)
      const parts: Array<Int32Array> = []
      Bisection.split(ws, union, 2, options.bisection, (part) => parts.push(part))
      if (parts.length !== 2) continue
      // The part overlapping A most becomes A (fewer moves, same result).
      let overlap = 0
      for (let i = 0; i < parts[0]!.length; i++) if (grid[parts[0]![i]!] === A) overlap++
      const [toA, toB] = overlap * 2 >= parts[0]!.length ? [parts[0]!, parts[1]!] : [parts[1]!, parts[0]!]
      for (let i = 0; i < toA.length; i++) refiner.move(toA[i]!, A)
      for (let i = 0; i < toB.length; i++) refiner.move(toB[i]!, B)
      mask[A] = 1
      mask[B] = 1
      refiner.run({ bounds, balance, mode: "compact", activeGrids: mask }, union)
      mask[A] = 0
      mask[B] = 0
      const afterViol = viol(A) + viol(B)
      const afterCost = refiner.cost(A, bounds, balance) + refiner.cost(B, bounds, balance)
      const better =
        afterViol < beforeViol - 1e-12 || (afterViol <= beforeViol + 1e-12 && afterCost < beforeCost - 1e-6)
      if (better) {
        members[A] = []
        members[B] = []
        for (let i = 0; i < union.length; i++) members[grid[union[i]!]!]!.push(union[i]!)
        changed[A] = 1
        changed[B] = 1
        accepted++
      } else {
        for (let i = 0; i < union.length; i++) refiner.move(union[i]!, saved[i]!)
      }
    }
    total += accepted
    dirty = changed
    options.onPass?.(pass, accepted)
    if (accepted === 0) break
  }
  return total
}
