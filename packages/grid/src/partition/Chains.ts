/**
 * Bound repair by chains of moves: a grid that is too light takes a border unit from a
 * neighbour, which takes one from its neighbour, and so on until a grid with weight to
 * spare is reached (and the reverse for a grid too heavy). Single moves (see
 * {@link Refine}) cannot do this when every neighbour sits at its bound; a chain moves
 * a handful of units, far fewer than re-splitting the area, which matters when ids
 * must stay with their units.
 *
 * A chain is applied only if it lowers the total bound violation; otherwise it is
 * undone. Grids stay connected and non-empty. Deterministic.
 * @module
 */
import type { Topology } from "../geometry/Topology"
import type { ResolvedBounds } from "./Bounds"
import { Marks } from "./Graph"

/** Settings of {@link repair}. */
export interface ChainOptions {
  readonly bounds: ResolvedBounds
  /** Grids that may take part (`1`); others are left alone. */
  readonly active: Uint8Array
  /** Community of each grid (chains stay inside one). */
  readonly gridCommunity: Int32Array
  /** Longest chain, in grids (default 8). */
  readonly maxLength?: number
  /** Units that may move (default: all). */
  readonly movable?: Uint8Array | undefined
}

/**
 * Repairs out-of-bounds grids of `grid` (unit → grid) in place with chains of moves.
 * Returns the number of units moved.
 */
export const repair = (topology: Topology, weights: Float64Array, grid: Int32Array, options: ChainOptions): number => {
  const { bounds, active, gridCommunity } = options
  const { min, max } = bounds
  const maxLength = options.maxLength ?? 8
  const n = topology.size
  const gridCount = gridCommunity.length
  const { adjStart, adjIndex, adjLength } = topology
  const gw = new Float64Array(gridCount)
  const gc = new Int32Array(gridCount)
  const members: Array<Set<number>> = Array.from({ length: gridCount }, () => new Set<number>())
  for (let u = 0; u < n; u++) {
    const g = grid[u]!
    if (g < 0) continue
    gw[g] = gw[g]! + weights[u]!
    gc[g] = gc[g]! + 1
    members[g]!.add(u)
  }
  const viol = (w: number) => (w > max ? w - max : w < min ? min - w : 0)
  const marks = new Marks(n)
  const stack: Array<number> = []
  const canMove = (u: number) => options.movable === undefined || options.movable[u] === 1

  const staysConnected = (u: number, g: number): boolean => {
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
            reached++
            break
          }
        }
        if (reached === targets) return true
        stack.push(v)
      }
    }
    return false
  }

  const move = (u: number, to: number) => {
    const from = grid[u]!
    gw[from] = gw[from]! - weights[u]!
    gc[from] = gc[from]! - 1
    members[from]!.delete(u)
    gw[to] = gw[to]! + weights[u]!
    gc[to] = gc[to]! + 1
    members[to]!.add(u)
    grid[u] = to
  }

  /** Best unit of `from` to hand to `to`, aiming at weight `need`, or -1. */
  const pick = (from: number, to: number, need: number, toCap: number): number => {
    let best = -1
    let bestScore = Number.POSITIVE_INFINITY
    if (gc[from]! <= 1) return -1
    const sorted = Array.from(members[from]!).sort((p, q) => p - q)
    for (const u of sorted) {
      const w = weights[u]!
      if (w <= 0 || !canMove(u) || gw[to]! + w > toCap) continue
      let shared = 0
      let own = 0
      for (let i = adjStart[u]!; i < adjStart[u + 1]!; i++) {
        const g = grid[adjIndex[i]!]!
        if (g === to) shared += adjLength[i]!
        else if (g === from) own += adjLength[i]!
      }
      if (shared <= 0) continue
      // Closest to the need; then the unit that sits most on the receiving side.
      const score = Math.abs(w - need) / Math.max(need, 1e-9) - 1e-3 * (shared / (shared + own + 1e-9))
      if (score < bestScore && staysConnected(u, from)) {
        best = u
        bestScore = score
      }
    }
    return best
  }

  const neighbours = (g: number): Array<number> => {
    const out = new Set<number>()
    for (const u of members[g]!) {
      for (let i = adjStart[u]!; i < adjStart[u + 1]!; i++) {
        const h = grid[adjIndex[i]!]!
        if (h >= 0 && h !== g && active[h] === 1 && gridCommunity[h] === gridCommunity[g]) out.add(h)
      }
    }
    return Array.from(out).sort((p, q) => p - q)
  }

  let moved = 0
  for (let d = 0; d < gridCount; d++) {
    if (active[d] !== 1) continue
    for (let attempt = 0; attempt < 4 && viol(gw[d]!) > 0; attempt++) {
      const under = gw[d]! < min
      const need = under ? min - gw[d]! : gw[d]! - max
      // Breadth-first search for the nearest grid with enough to spare (or room to take).
      const parent = new Map<number, number>([[d, -1]])
      let frontier = [d]
      let found = -1
      for (let depth = 1; depth < maxLength && found < 0 && frontier.length > 0; depth++) {
        const next: Array<number> = []
        for (const g of frontier) {
          for (const h of neighbours(g)) {
            if (parent.has(h)) continue
            parent.set(h, g)
            next.push(h)
            const spare = under ? gw[h]! - min : max - gw[h]!
            if (found < 0 && spare >= need) found = h
          }
        }
        frontier = next
      }
      if (found < 0) break
      const path: Array<number> = []
      for (let g = found; g >= 0; g = parent.get(g)!) path.push(g)
      path.reverse() // d ... found
      const before = path.reduce((s, g) => s + viol(gw[g]!), 0)
      const log: Array<readonly [number, number]> = []
      let ok = true
      if (under) {
        // Pull along the path: each grid refills from the next one.
        for (let i = 0; i + 1 < path.length && ok; i++) {
          const a = path[i]!
          const b = path[i + 1]!
          let guard = 0
          while (gw[a]! < min && guard++ < 64) {
            const u = pick(b, a, min - gw[a]!, max)
            if (u < 0) {
              ok = false
              break
            }
            log.push([u, b])
            move(u, a)
          }
        }
      } else {
        // Push along the path: each grid hands its excess to the next one.
        for (let i = 0; i + 1 < path.length && ok; i++) {
          const a = path[i]!
          const b = path[i + 1]!
          let guard = 0
          while (gw[a]! > max && guard++ < 64) {
            const u = pick(a, b, gw[a]! - max, Number.POSITIVE_INFINITY)
            if (u < 0) {
              ok = false
              break
            }
            log.push([u, a])
            move(u, b)
          }
        }
      }
      const after = path.reduce((s, g) => s + viol(gw[g]!), 0)
      if (!ok || after >= before - 1e-9) {
        for (let k = log.length - 1; k >= 0; k--) move(log[k]![0], log[k]![1])
        break
      }
      moved += log.length
    }
  }
  return moved
}
