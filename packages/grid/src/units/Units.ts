/**
 * Units: the smallest pieces a territory is partitioned from (census blocks, buildings,
 * plots, or households turned into Voronoi cells), each with an id, a weight
 * (households or persons) and the community (administrative boundary) it belongs to.
 *
 * A {@link UnitSet} is columnar: unit `i` is `ids[i]`, `weights[i]`,
 * `communities[community[i]]`, and its geometry and rook adjacency live in the shared
 * {@link Topology.Topology}. It is produced by `UnitsReader.readUnits` and consumed by
 * `Partition.partition`, `Repartition.repartition` and `Metrics.evaluate`.
 * @module
 */
import { Schema } from "effect"
import type * as Projection from "../geometry/Projection"
import type * as Topology from "../geometry/Topology"

/** Units, column by column. */
export interface UnitSet {
  /** Number of units. */
  readonly size: number
  /** `"polygon"` when read from polygons, `"point"` when built from points (Voronoi cells). */
  readonly kind: "polygon" | "point"
  /** Unit ids, unique. */
  readonly ids: ReadonlyArray<string>
  /**
   * Source ids per unit when several input features became one unit (points at the same
   * location, e.g. households of one building); `undefined` when every unit is one feature.
   */
  readonly members: ReadonlyArray<ReadonlyArray<string>> | undefined
  /** Weight of each unit (households, persons), finite and non-negative. */
  readonly weights: Float64Array
  /** Index into {@link UnitSet.communities} for each unit. */
  readonly community: Int32Array
  /** Community ids, in order of first appearance. */
  readonly communities: ReadonlyArray<string>
  /** Geometry, measures and rook adjacency. */
  readonly topology: Topology.Topology
  /** The equal-area projection used for the topology. */
  readonly projection: Projection.Projection
}

/** Why a unit was rejected (`error`) or repaired (`warning`). */
export const IssueCode = Schema.Literals([
  "invalid-document",
  "invalid-feature",
  "missing-id",
  "duplicate-id",
  "missing-weight",
  "invalid-weight",
  "missing-community",
  "unknown-community",
  "outside-community",
  "null-geometry",
  "unsupported-geometry",
  "ring-not-closed",
  "ring-too-short",
  "self-intersection",
  "zero-area",
  "geometry-repaired",
  "shared-location",
  "empty-cell",
  "invalid-community-polygon"
])
/** @see {@link IssueCode} */
export type IssueCode = typeof IssueCode.Type

/** `error`: the unit was left out of the run. `warning`: it was kept (repaired or as is). */
export const Severity = Schema.Literals(["error", "warning"])
/** @see {@link Severity} */
export type Severity = typeof Severity.Type

/** One finding about the input, naming the unit (feature index and id when known). */
export class UnitIssue extends Schema.Class<UnitIssue>("@gridwork/grid/units/UnitIssue")({
  code: IssueCode,
  severity: Severity,
  /** Index of the feature in its FeatureCollection (`-1` for document-level findings). */
  featureIndex: Schema.Int,
  /** The unit id, when it could be read. */
  unitId: Schema.optionalKey(Schema.String),
  /** Which file the feature came from: the units or the community polygons. */
  source: Schema.Literals(["units", "communities"]),
  /** What is wrong and what was done about it. */
  message: Schema.String
}) {}

/** The ids of the input features that make up unit `u`. */
export const memberIds = (units: UnitSet, u: number): ReadonlyArray<string> => units.members?.[u] ?? [units.ids[u]!]

/** Total weight of all units. */
export const totalWeight = (units: UnitSet): number => {
  let sum = 0
  for (let u = 0; u < units.size; u++) sum += units.weights[u]!
  return sum
}

/** Map from unit id to unit index. */
export const indexById = (units: UnitSet): ReadonlyMap<string, number> => {
  const map = new Map<string, number>()
  for (let u = 0; u < units.size; u++) map.set(units.ids[u]!, u)
  return map
}

/** Returns a copy of `units` with new weights (same geometry and adjacency). */
export const withWeights = (units: UnitSet, weights: Float64Array): UnitSet => {
  if (weights.length !== units.size) {
    throw new RangeError(`withWeights: expected ${units.size} weights, got ${weights.length}`)
  }
  return { ...units, weights }
}
