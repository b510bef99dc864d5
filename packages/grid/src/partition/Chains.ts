/**
 * Bound repair by chains of moves: a grid that is too light takes a border unit from a
 * neighbour, which takes one from its neighbour, and so on until a grid with weight to
 * spare is reached (and the reverse for a grid too heavy). Single moves (see
 * {@link Refine}) cannot do this when every neighbour sits at its bound; a chain moves
 * a handful of units, far fewer than re-splitting the area, which matters when ids
 * must stay with their units.
 *
 * A unit that holds its grid together may still move: the pieces that hang on it (a
 * cul-de-sac) go to the neighbouring grid they share most boundary with. A chain is applied only if it lowers the total bound violation;
 * otherwise it is undone. Grids stay connected and non-empty. Deterministic.
 * @module
 */
import type { ResolvedBounds } from "./Bounds"
import { components, Marks } from "./Graph"
import type { Refiner } from "./Refine"

/** Settings of {@link repair}. */
export interface ChainOptions {
  readonly bounds: ResolvedBounds
  /** Grids that may take part (`1`); others are left alone. */
  readonly active: Uint8Array
  /** Longest chain, in grids (default 8). */
  readonly maxLength?: number
  /** Units that may move (default: all). */
  readonly movable?: Uint8Array | undefined
}

/**
 * Repairs out-of-bounds grids of the refiner's assignment in place with chains of moves
 * (the refiner's sums stay exact). Returns the number of units moved.
 */
export const repair = (refiner: Refiner, options: ChainOptions): number => {
  const { bounds, active } = options
  const { topology, weights } = refiner
  const { grid, gridCommunity } = refiner.state
  const { weight: gw, count: gc } = refiner.sums
  const { min, max } = bounds
  const maxLength = options.maxLength ?? 8
  const n = topology.size
  const gridCount = gridCommunity.length
  const { adjStart, adjIndex, adjLength } = topology
  const members: Array<Set<number>> = Array.from({ length: gridCount }, () => new Set<number>())
  for (let u = 0; u < n; u++) if (grid[u]! >= 0) members[grid[u]!]!.add(u)
  const viol = (w: number) => (w > max ? w - max : w < min ? min - w : 0)
  const canMove = (u: number) => options.movable === undefined || options.movable[u] === 1
  const staysConnected = (u: number, g: number) => refiner.staysConnected(u, g)
  const scratchA = new Marks(n)
  const scratchB = new Marks(n)
  const move = (u: number, to: number) => {
    members[grid[u]!]!.delete(u)
    members[to]!.add(u)
    refiner.move(u, to)
  }

  /**
   * What moves when `u` leaves `from` for `to`: `u` itself, and every piece of `from`
   * that would be cut off from its heaviest remaining part (a cul-de-sac hanging on `u`),
   * each to the neighbouring grid it shares the longest boundary with (possibly `to`,
   * through `u`). Pairs of unit and destination.
   */
  const groupOf = (u: number, from: number, to: number): Array<readonly [number, number]> => {
    if (staysConnected(u, from)) return [[u, to]]
    const rest = Array.from(members[from]!).filter((v) => v !== u)
    const pieces = components(topology, rest, scratchA, scratchB)
    let keep = 0
    let keepWeight = -1
    pieces.forEach((piece, p) => {
      let w = 0
      for (let i = 0; i < piece.length; i++) w += weights[piece[i]!]!
      if (w > keepWeight) {
        keep = p
        keepWeight = w
      }
    })
    const group: Array<readonly [number, number]> = [[u, to]]
    pieces.forEach((piece, p) => {
      if (p === keep) return
      const shared = new Map<number, number>()
      for (let i = 0; i < piece.length; i++) {
        const v = piece[i]!
        for (let e = adjStart[v]!; e < adjStart[v + 1]!; e++) {
          const w = adjIndex[e]!
          const g = w === u ? to : grid[w]!
          if (g < 0 || g === from || active[g] !== 1 || gridCommunity[g] !== gridCommunity[from]) continue
          shared.set(g, (shared.get(g) ?? 0) + adjLength[e]!)
        }
      }
      let dest = to
      let longest = -1
      for (const [g, length] of shared) {
        if (length > longest || (length === longest && g < dest)) {
          dest = g
          longest = length
        }
      }
      for (let i = 0; i < piece.length; i++) group.push([piece[i]!, dest])
    })
    return group
  }

  /** Best unit of `from` (with what must go with it) to hand to `to`, aiming at weight `need`. */
  const pick = (
    from: number,
    to: number,
    need: number,
    toCap: number
  ): Array<readonly [number, number]> | undefined => {
    let best: Array<readonly [number, number]> | undefined
    let bestScore = Number.POSITIVE_INFINITY
    if (gc[from]! <= 1) return undefined
    const sorted = Array.from(members[from]!).sort((p, q) => p - q)
    for (const u of sorted) {
      if (weights[u]! <= 0 || !canMove(u) || gw[to]! + weights[u]! > toCap) continue
      let shared = 0
      let own = 0
      for (let i = adjStart[u]!; i < adjStart[u + 1]!; i++) {
        const g = grid[adjIndex[i]!]!
        if (g === to) shared += adjLength[i]!
        else if (g === from) own += adjLength[i]!
      }
      if (shared <= 0) continue
      // Closest to the need; then the unit that sits most on the receiving side.
      const lower = Math.abs(weights[u]! - need) / Math.max(need, 1e-9) - 1e-3 * (shared / (shared + own + 1e-9))
      if (lower >= bestScore) continue
      const group = groupOf(u, from, to)
      if (group.length >= gc[from]! || group.some(([v]) => !canMove(v))) continue
      let w = 0
      for (const [v, dest] of group) if (dest === to) w += weights[v]!
      if (gw[to]! + w > toCap) continue
      const score = Math.abs(w - need) / Math.max(need, 1e-9) - 1e-3 * (shared / (shared + own + 1e-9))
      if (score < bestScore) {
        best = group
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

  /**
   * The path from `x` to the nearest grid (breadth first, outside `used`) that can give
   * (or take) `need`; when none can within reach, to the one with the most to spare.
   */
  const pathFrom = (x: number, under: boolean, need: number, used: ReadonlySet<number>): Array<number> | undefined => {
    const parent = new Map<number, number>([[x, -1]])
    const pathTo = (h: number) => {
      const path: Array<number> = []
      for (let q = h; q >= 0; q = parent.get(q)!) path.push(q)
      return path.reverse()
    }
    let partial = -1
    let partialSpare = 0
    let frontier = [x]
    for (let depth = 1; depth < maxLength && frontier.length > 0; depth++) {
      const next: Array<number> = []
      for (const g of frontier) {
        for (const h of neighbours(g)) {
          if (parent.has(h) || used.has(h)) continue
          parent.set(h, g)
          next.push(h)
          const spare = under ? gw[h]! - min : max - gw[h]!
          if (spare >= need) return pathTo(h)
          if (spare > partialSpare) {
            partial = h
            partialSpare = spare
          }
        }
      }
      frontier = next
    }
    return partial >= 0 ? pathTo(partial) : undefined
  }

  /** Moves made and grids touched by one attempt, with their violation before it. */
  interface Attempt {
    readonly used: Set<number>
    before: number
    readonly log: Array<readonly [number, number]>
  }
  /** Violation of a grid; an emptied (merged away) grid has none. */
  const violOf = (g: number) => (gc[g] === 0 ? 0 : viol(gw[g]!))
  const attempt = (start: number): Attempt => ({ used: new Set([start]), before: violOf(start), log: [] })
  const touch = (t: Attempt, g: number) => {
    if (t.used.has(g)) return
    t.used.add(g)
    t.before += violOf(g)
  }
  const transfer = (t: Attempt, u: number, dest: number) => {
    touch(t, dest)
    t.log.push([u, grid[u]!])
    move(u, dest)
  }
  let moved = 0
  /** Keeps the attempt when it lowered the violation of the grids it touched, else undoes it. */
  const settle = (t: Attempt): boolean => {
    let after = 0
    for (const g of t.used) after += violOf(g)
    if (after < t.before - 1e-9) {
      moved += t.log.length
      return true
    }
    for (let k = t.log.length - 1; k >= 0; k--) move(t.log[k]![0], t.log[k]![1])
    return false
  }
  /**
   * Follows paths from `x` to grids with room; when granular moves leave the last grid of
   * a path out of bounds in turn, continues from it (a longer chain), up to maxLength grids.
   */
  const chainFrom = (t: Attempt, start: number, under: boolean): void => {
    let x = start
    let ok = true
    while (ok && violOf(x) > 0 && t.used.size < maxLength) {
      const need = under ? min - gw[x]! : gw[x]! - max
      const path = pathFrom(x, under, need, t.used)
      if (path === undefined) return
      for (let i = 0; i + 1 < path.length && ok; i++) {
        const a = path[i]!
        const b = path[i + 1]!
        touch(t, b)
        let guard = 0
        while ((under ? gw[a]! < min : gw[a]! > max) && guard++ < 64) {
          const group = under ? pick(b, a, min - gw[a]!, max) : pick(a, b, gw[a]! - max, Number.POSITIVE_INFINITY)
          if (group === undefined) {
            ok = false
            break
          }
          for (const [u, dest] of group) transfer(t, u, dest)
        }
      }
      x = path[path.length - 1]!
    }
  }
  const sharedBoundary = (g: number, h: number) => {
    let length = 0
    for (const u of members[g]!) {
      for (let i = adjStart[u]!; i < adjStart[u + 1]!; i++) if (grid[adjIndex[i]!] === h) length += adjLength[i]!
    }
    return length
  }

  for (let d = 0; d < gridCount; d++) {
    if (active[d] !== 1 || violOf(d) === 0) continue
    const under = gw[d]! < min
    const direct = attempt(d)
    chainFrom(direct, d, under)
    if (settle(direct) || !under) continue
    // A light grid that cannot be refilled: merge it into a neighbour, then pass the
    // neighbour's excess on (the grid's units may only fit together with a neighbour's).
    const byBoundary = neighbours(d)
      .map((g) => [g, sharedBoundary(d, g)] as const)
      .sort((p, q) => q[1] - p[1] || p[0] - q[0])
    for (const [g] of byBoundary.slice(0, 3)) {
      const merge = attempt(d)
      touch(merge, g)
      for (const u of Array.from(members[d]!).sort((p, q) => p - q)) transfer(merge, u, g)
      if (gw[g]! > max) chainFrom(merge, g, false)
      if (settle(merge)) break
    }
  }
  return moved
}
