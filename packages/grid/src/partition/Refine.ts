/**
 * Local-search refinement: moves border units between neighbouring grids of the same
 * community to bring grids within bounds first and to make them compact second, never
 * breaking a grid's contiguity and never emptying a grid.
 *
 * The score of a grid is `P² / (4πA)` (the inverse of its Polsby-Popper score, from the
 * exact perimeter `P` and area `A` of the union of its units in the equal-area plane)
 * plus `balance · ((w - target) / target)²`. A move is taken when it lowers the total
 * bound violation, or keeps it and lowers the total score; in `repair` mode only moves
 * that lower the violation are taken (re-partitioning must not churn for shape alone).
 * Perimeters are updated in O(degree) per move from the shared boundary lengths of the
 * topology; contiguity is checked by a search limited to the grid the unit leaves.
 *
 * A {@link Refiner} keeps its per-grid sums and scratch space between runs, so many small
 * runs (e.g. over two grids at a time) cost only what they touch.
 * Deterministic: units are visited in a FIFO work list seeded in index order.
 * @module
 */
import type { Topology } from "../geometry/Topology"
import type { ResolvedBounds } from "./Bounds"
import { Marks, staysConnectedWithout } from "./Graph"

/** The state refined in place. */
export interface RefineState {
  /** Grid of each unit, `-1` for units that take no part. */
  readonly grid: Int32Array
  /** Community of each grid (moves stay inside a community). */
  readonly gridCommunity: Int32Array
}

/** Settings of one refinement run. */
export interface RefineOptions {
  readonly bounds: ResolvedBounds
  /** `compact`: fix bounds, then improve shapes. `repair`: only fix bounds. */
  readonly mode: "compact" | "repair"
  /** Weight of the balance term (0 = ignore the target inside the bounds). */
  readonly balance: number
  /** Only units with `movable[u] === 1` may move (default: all). */
  readonly movable?: Uint8Array | undefined
  /** Only grids with `activeGrids[g] === 1` may give or take units (default: all). */
  readonly activeGrids?: Uint8Array | undefined
  /** Safety cap on the number of moves (default 200 per unit). */
  readonly maxMoves?: number | undefined
  /** Called now and then with the number of moves made so far. */
  readonly onProgress?: ((moves: number) => void) | undefined
}

/** Per-grid sums kept up to date while refining. */
export interface GridSums {
  readonly weight: Float64Array
  readonly area: Float64Array
  readonly perimeter: Float64Array
  readonly count: Int32Array
}

/** Computes the per-grid weight, area, perimeter (of the union) and unit count. */
export const gridSums = (topology: Topology, weights: Float64Array, grid: Int32Array, gridCount: number): GridSums => {
  const weight = new Float64Array(gridCount)
  const area = new Float64Array(gridCount)
  const perimeter = new Float64Array(gridCount)
  const count = new Int32Array(gridCount)
  const { adjStart, adjIndex, adjLength } = topology
  for (let u = 0; u < grid.length; u++) {
    const g = grid[u]!
    if (g < 0) continue
    weight[g] = weight[g]! + weights[u]!
    area[g] = area[g]! + topology.area[u]!
    count[g] = count[g]! + 1
    let p = topology.perimeter[u]!
    for (let i = adjStart[u]!; i < adjStart[u + 1]!; i++) {
      if (grid[adjIndex[i]!] === g) p -= adjLength[i]!
    }
    perimeter[g] = perimeter[g]! + p
  }
  return { weight, area, perimeter, count }
}

/** Inverse Polsby-Popper `P² / (4πA)`. */
export const shape = (perimeter: number, area: number): number =>
  (perimeter * perimeter) / (4 * Math.PI * Math.max(area, 1e-6))

/** A reusable refinement engine over one grid assignment (mutated in place). */
export class Refiner {
  readonly sums: GridSums
  private readonly marks: Marks
  private readonly stack: Array<number> = []
  private readonly queue: Int32Array
  private readonly inQueue: Uint8Array
  private readonly candGrid: Array<number> = []
  private readonly candLen: Array<number> = []

  constructor(
    readonly topology: Topology,
    readonly weights: Float64Array,
    readonly community: Int32Array,
    readonly state: RefineState
  ) {
    const n = topology.size
    this.sums = gridSums(topology, weights, state.grid, state.gridCommunity.length)
    this.marks = new Marks(n)
    this.queue = new Int32Array(Math.max(1, n))
    this.inQueue = new Uint8Array(n)
  }

  /** Score of grid `g` (inverse Polsby-Popper plus balance). */
  cost(g: number, bounds: ResolvedBounds, balance: number): number {
    const d = (this.sums.weight[g]! - bounds.target) / Math.max(bounds.target, 1e-12)
    return shape(this.sums.perimeter[g]!, this.sums.area[g]!) + balance * d * d
  }

  /** Moves unit `u` to grid `to`, keeping the sums exact (no checks). */
  move(u: number, to: number): void {
    const { grid } = this.state
    const from = grid[u]!
    if (from === to) return
    const { adjStart, adjIndex, adjLength } = this.topology
    const { weight, area, perimeter, count } = this.sums
    let sFrom = 0
    let sTo = 0
    for (let i = adjStart[u]!; i < adjStart[u + 1]!; i++) {
      const g = grid[adjIndex[i]!]!
      if (g === from) sFrom += adjLength[i]!
      else if (g === to) sTo += adjLength[i]!
    }
    const w = this.weights[u]!
    const a = this.topology.area[u]!
    const p = this.topology.perimeter[u]!
    if (from >= 0) {
      weight[from] = weight[from]! - w
      area[from] = area[from]! - a
      perimeter[from] = perimeter[from]! - p + 2 * sFrom
      count[from] = count[from]! - 1
    }
    if (to >= 0) {
      weight[to] = weight[to]! + w
      area[to] = area[to]! + a
      perimeter[to] = perimeter[to]! + p - 2 * sTo
      count[to] = count[to]! + 1
    }
    grid[u] = to
  }

  /** Whether removing `u` from grid `g` leaves the rest of `g` connected. */
  staysConnected(u: number, g: number): boolean {
    return staysConnectedWithout(this.topology, this.state.grid, u, g, this.marks, this.stack)
  }

  /**
   * Runs the local search. `seeds` limits the initial work list (default: every unit
   * on a border); the list grows only through units that move and their neighbours.
   * Returns the number of moves made.
   */
  run(options: RefineOptions, seeds?: ArrayLike<number>): number {
    const { topology, weights, community } = this
    const { grid, gridCommunity } = this.state
    const n = topology.size
    if (n === 0) return 0
    const { weight: gw, area: ga, perimeter: gp, count: gc } = this.sums
    const { adjStart, adjIndex, adjLength } = topology
    const { min, max, target } = options.bounds
    const balance = options.balance
    const repair = options.mode === "repair"
    const movable = options.movable
    const active = options.activeGrids
    const maxMoves = options.maxMoves ?? 200 * n
    const scale = Math.max(target, 1e-12)
    const viol = (w: number) => (w > max ? w - max : w < min ? min - w : 0) / scale
    const cost = (p: number, a: number, w: number) => {
      const d = (w - target) / scale
      return shape(p, a) + balance * d * d
    }
    const queue = this.queue
    const inQueue = this.inQueue
    let head = 0
    let size = 0
    const push = (u: number) => {
      if (inQueue[u] === 1) return
      inQueue[u] = 1
      queue[(head + size) % n] = u
      size++
    }
    const canMove = (u: number) =>
      grid[u]! >= 0 && (movable === undefined || movable[u] === 1) && (active === undefined || active[grid[u]!] === 1)
    const onBorder = (u: number) => {
      for (let i = adjStart[u]!; i < adjStart[u + 1]!; i++) {
        const v = adjIndex[i]!
        if (grid[v]! >= 0 && grid[v] !== grid[u] && community[v] === community[u]) return true
      }
      return false
    }
    if (seeds === undefined) {
      for (let u = 0; u < n; u++) if (canMove(u) && onBorder(u)) push(u)
    } else {
      for (let k = 0; k < seeds.length; k++) {
        const u = seeds[k]!
        if (canMove(u) && onBorder(u)) push(u)
      }
    }

    const candGrid = this.candGrid
    const candLen = this.candLen
    let moves = 0
    while (size > 0 && moves < maxMoves) {
      const u = queue[head]!
      head = (head + 1) % n
      size--
      inQueue[u] = 0
      if (!canMove(u)) continue
      const A = grid[u]!
      if (gc[A]! <= 1) continue
      candGrid.length = 0
      candLen.length = 0
      let sA = 0
      for (let i = adjStart[u]!; i < adjStart[u + 1]!; i++) {
        const v = adjIndex[i]!
        const g = grid[v]!
        if (g < 0) continue
        if (g === A) {
          sA += adjLength[i]!
          continue
        }
        if (gridCommunity[g] !== gridCommunity[A] || (active !== undefined && active[g] !== 1)) continue
        const k = candGrid.indexOf(g)
        if (k < 0) {
          candGrid.push(g)
          candLen.push(adjLength[i]!)
        } else candLen[k] = candLen[k]! + adjLength[i]!
      }
      if (candGrid.length === 0) continue
      const wu = weights[u]!
      const au = topology.area[u]!
      const pu = topology.perimeter[u]!
      const wA1 = gw[A]! - wu
      const aA1 = ga[A]! - au
      const pA1 = gp[A]! - pu + 2 * sA
      const violA0 = viol(gw[A]!)
      const violA1 = viol(wA1)
      const costA0 = repair ? 0 : cost(gp[A]!, ga[A]!, gw[A]!)
      const costA1 = repair ? 0 : cost(pA1, aA1, wA1)
      let bestB = -1
      let bestK = -1
      let bestDV = 0
      let bestDC = 0
      for (let k = 0; k < candGrid.length; k++) {
        const B = candGrid[k]!
        const wB1 = gw[B]! + wu
        const dv = violA1 + viol(wB1) - violA0 - viol(gw[B]!)
        if (dv > 1e-12) continue
        let dc = 0
        if (!repair) {
          const pB1 = gp[B]! + pu - 2 * candLen[k]!
          dc = costA1 + cost(pB1, ga[B]! + au, wB1) - costA0 - cost(gp[B]!, ga[B]!, gw[B]!)
        }
        const acceptable = dv < -1e-12 || (!repair && dc < -1e-9)
        if (!acceptable) continue
        if (bestB < 0 || dv < bestDV - 1e-12 || (Math.abs(dv - bestDV) <= 1e-12 && dc < bestDC)) {
          bestB = B
          bestK = k
          bestDV = dv
          bestDC = dc
        }
      }
      if (bestB < 0) continue
      if (!this.staysConnected(u, A)) continue
      const B = bestB
      const sB = candLen[bestK]!
      gw[A] = wA1
      ga[A] = aA1
      gp[A] = pA1
      gc[A] = gc[A]! - 1
      gw[B] = gw[B]! + wu
      ga[B] = ga[B]! + au
      gp[B] = gp[B]! + pu - 2 * sB
      gc[B] = gc[B]! + 1
      grid[u] = B
      moves++
      if (moves % 4096 === 0) options.onProgress?.(moves)
      for (let i = adjStart[u]!; i < adjStart[u + 1]!; i++) {
        const v = adjIndex[i]!
        if (canMove(v) && community[v] === community[u]) push(v)
      }
      push(u)
    }
    // Leave the work list empty for the next run.
    while (size > 0) {
      inQueue[queue[head]!] = 0
      head = (head + 1) % n
      size--
    }
    return moves
  }
}
