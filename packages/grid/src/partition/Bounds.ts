/**
 * Grid size bounds: every grid should weigh between `min` and `max` (households or
 * persons), as close to `target` as shapes allow. Also the status and reason codes a
 * grid carries when the data does not let it meet them.
 * @module
 */
import { Schema } from "effect"

/** The fields of {@link GridBounds}, for option structs that include the bounds. */
export const boundsFields = {
  /** Smallest acceptable weight. */
  min: Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0)),
  /** Largest acceptable weight. */
  max: Schema.Finite.check(Schema.isGreaterThan(0)),
  /** Preferred weight; decides the number of grids. Default `(min + max) / 2`. */
  target: Schema.optionalKey(Schema.Finite.check(Schema.isGreaterThan(0)))
}

/** The cross-field rule of {@link GridBounds}: `min <= target <= max`. */
export const boundsCheck = Schema.makeFilter(
  (b: { readonly min: number; readonly max: number; readonly target?: number }) => {
    const issues: Array<Schema.FilterIssue> = []
    if (b.min > b.max) issues.push({ path: ["min"], issue: `min (${b.min}) must not exceed max (${b.max})` })
    if (b.target !== undefined && (b.target < b.min || b.target > b.max)) {
      issues.push({
        path: ["target"],
        issue: `target (${b.target}) must lie between min (${b.min}) and max (${b.max})`
      })
    }
    return issues
  }
)

/** Bounds on a grid's weight. `target` defaults to the midpoint of `min` and `max`. */
export const GridBounds = Schema.Struct(boundsFields).check(boundsCheck)
/** @see {@link GridBounds} */
export type GridBounds = typeof GridBounds.Type

/** Bounds with the target filled in. */
export interface ResolvedBounds {
  readonly min: number
  readonly max: number
  readonly target: number
}

/** Fills in the default target. */
export const resolve = (bounds: GridBounds): ResolvedBounds => ({
  min: bounds.min,
  max: bounds.max,
  target: bounds.target ?? (bounds.min + bounds.max) / 2
})

/** Whether a grid of weight `w` is within, over or under its bounds. */
export const GridStatus = Schema.Literals(["ok", "over", "under"])
/** @see {@link GridStatus} */
export type GridStatus = typeof GridStatus.Type

/**
 * Why a grid is out of bounds:
 * - `unit-exceeds-max`: one unit alone weighs more than `max` (the grid is that unit);
 * - `community-below-min`: the whole community weighs less than `min`;
 * - `island-below-min`: a part of the community not connected to the rest weighs less than `min`;
 * - `no-feasible-split`: the weight of the connected part cannot be divided into whole
 *   grids within bounds (no number of grids k has total / k within `[min, max]`);
 * - `not-converged`: a split looks possible by total weight, but no contiguous one within
 *   bounds was found (units too coarse or shaped against it).
 */
export const ReasonCode = Schema.Literals([
  "unit-exceeds-max",
  "community-below-min",
  "island-below-min",
  "no-feasible-split",
  "not-converged"
])
/** @see {@link ReasonCode} */
export type ReasonCode = typeof ReasonCode.Type

/** `ok`, `over` or `under` for weight `w`. */
export const statusOf = (w: number, b: ResolvedBounds): GridStatus => (w > b.max ? "over" : w < b.min ? "under" : "ok")

/** How far `w` lies outside the bounds (0 inside). */
export const violation = (w: number, b: ResolvedBounds): number => (w > b.max ? w - b.max : w < b.min ? b.min - w : 0)

/**
 * Number of grids for a connected part of total weight `total`: the integer `k`
 * closest to `total / target` with `total / k` inside the bounds (`feasible`), or, when
 * no such `k` exists, the `k` whose average grid is least out of bounds.
 */
export const partsFor = (total: number, b: ResolvedBounds): { readonly k: number; readonly feasible: boolean } => {
  if (total <= 0) return { k: 1, feasible: b.min <= 0 }
  const kMin = Math.max(1, Math.ceil(total / b.max - 1e-9))
  const kMax = b.min > 0 ? Math.floor(total / b.min + 1e-9) : Number.POSITIVE_INFINITY
  const ideal = Math.max(1, Math.round(total / b.target))
  if (kMin <= kMax) return { k: Math.min(Math.max(ideal, kMin), kMax), feasible: true }
  // No whole number of grids fits: take the neighbour of the gap that misses least.
  const under = Math.max(1, kMax)
  const over = kMin
  const missUnder = b.max > 0 ? total / under / b.max - 1 : 0
  const missOver = b.min > 0 ? 1 - total / over / b.min : 0
  return { k: missUnder <= missOver ? under : over, feasible: false }
}
