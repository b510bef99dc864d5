/**
 * Writes a partition as a grids GeoJSON FeatureCollection (RFC 7946): one Feature per
 * grid, geometry the dissolved Polygon/MultiPolygon (closed rings, exterior
 * counter-clockwise, holes clockwise), and properties:
 *
 * | property     | meaning                                                     |
 * | ------------ | ----------------------------------------------------------- |
 * | `grid_id`    | stable id `<community>-<n>` (also the Feature `id`)         |
 * | `community`  | the community the grid lies in                              |
 * | `weight`     | households / persons in the grid                            |
 * | `units`      | ids of the input features (units) that make up the grid     |
 * | `unit_count` | number of those ids                                         |
 * | `status`     | `ok`, `over` or `under`                                     |
 * | `reason`     | why it is out of bounds (only when `status` is not `ok`)    |
 *
 * Foreign members: `generated_at` (ISO 8601, from the `Clock` in {@link writeGridsFile})
 * and `gridwork` ({@link GridsMetadata}: id scheme, high-water marks per community, bounds),
 * which a later re-partition needs so retired ids are never minted again.
 * @module
 */
import { Clock, Effect, FileSystem, Schema } from "effect"
import * as Dissolve from "../geometry/Dissolve"
import { GridStatus, ReasonCode } from "../partition/Bounds"
import type { PartitionResult } from "../partition/Partition"
import { memberIds } from "../units/Units"

/** Metadata carried in the `gridwork` foreign member of a grids file. */
export const GridsMetadata = Schema.Struct({
  /** Format version of this member. */
  version: Schema.Literal(1),
  /** `community-sequence`: ids are `<community>-<n>`. */
  idScheme: Schema.Literal("community-sequence"),
  /** Largest `n` ever minted per community (retired ids included). */
  highWater: Schema.Record(Schema.String, Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))),
  /** Bounds the grids were made for. */
  bounds: Schema.Struct({ min: Schema.Finite, max: Schema.Finite, target: Schema.Finite }),
  /** Number of units and their total weight. */
  units: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  weight: Schema.Finite
})
/** @see {@link GridsMetadata} */
export type GridsMetadata = typeof GridsMetadata.Type

/** Properties of a grid feature. */
export const GridProperties = Schema.Struct({
  grid_id: Schema.NonEmptyString,
  community: Schema.String,
  weight: Schema.Finite,
  units: Schema.Array(Schema.String),
  unit_count: Schema.Int,
  status: GridStatus,
  reason: Schema.optionalKey(ReasonCode)
})
/** @see {@link GridProperties} */
export type GridProperties = typeof GridProperties.Type

/** A grid feature as written. */
export interface GridFeature {
  readonly type: "Feature"
  readonly id: string
  readonly properties: GridProperties
  readonly geometry:
    | { readonly type: "Polygon"; readonly coordinates: Array<Array<[number, number]>> }
    | { readonly type: "MultiPolygon"; readonly coordinates: Array<Array<Array<[number, number]>>> }
    | null
}

/** The grids FeatureCollection as written. */
export interface GridsCollection {
  readonly type: "FeatureCollection"
  readonly generated_at?: string
  readonly gridwork: GridsMetadata
  readonly features: ReadonlyArray<GridFeature>
}

/** Options of {@link toGridsGeoJson}. */
export interface GridsGeoJsonOptions {
  /** ISO 8601 timestamp for `generated_at` (omitted when not given). */
  readonly generatedAt?: string | undefined
  /** Called after each grid is dissolved. */
  readonly onProgress?: ((done: number, total: number) => void) | undefined
}

const round = (value: number): number => Number(value.toFixed(6))

/** Builds the grids FeatureCollection of a partition. */
export const toGridsGeoJson = (result: PartitionResult, options: GridsGeoJsonOptions = {}): GridsCollection => {
  const { units } = result
  const features: Array<GridFeature> = result.grids.map((grid, index) => {
    const dissolved = Dissolve.dissolve(units.topology, grid.units)
    const ids: Array<string> = []
    for (let i = 0; i < grid.units.length; i++) for (const id of memberIds(units, grid.units[i]!)) ids.push(id)
    options.onProgress?.(index + 1, result.grids.length)
    const geometry: GridFeature["geometry"] =
      dissolved.coordinates.length === 0
        ? null
        : dissolved.coordinates.length === 1
          ? { type: "Polygon", coordinates: dissolved.coordinates[0]! }
          : { type: "MultiPolygon", coordinates: dissolved.coordinates }
    return {
      type: "Feature",
      id: grid.id,
      properties: {
        grid_id: grid.id,
        community: grid.community,
        weight: round(grid.weight),
        units: ids,
        unit_count: ids.length,
        status: grid.status,
        ...(grid.reason === undefined ? {} : { reason: grid.reason })
      },
      geometry
    }
  })
  return {
    type: "FeatureCollection",
    ...(options.generatedAt === undefined ? {} : { generated_at: options.generatedAt }),
    gridwork: {
      version: 1,
      idScheme: "community-sequence",
      highWater: { ...result.highWater },
      bounds: { ...result.bounds },
      units: units.size,
      weight: round(result.stats.totalWeight)
    },
    features
  }
}

/** The grids file could not be written. */
export class GridsWriteError extends Schema.TaggedError<GridsWriteError>()("GridsWriteError", {
  file: Schema.String,
  message: Schema.String
}) {}

/**
 * Writes the grids GeoJSON of `result` to `path`, stamping `generated_at` with the
 * current time from the `Clock`.
 */
export const writeGridsFile = Effect.fn("GridsWriter.writeGridsFile")(function* (
  path: string,
  result: PartitionResult,
  onProgress?: (done: number, total: number) => void
) {
  const fs = yield* FileSystem.FileSystem
  const now = yield* Clock.currentTimeMillis
  const collection = toGridsGeoJson(result, { generatedAt: new Date(now).toISOString(), onProgress })
  yield* fs
    .writeFileString(path, JSON.stringify(collection))
    .pipe(
      Effect.mapError((error) => new GridsWriteError({ file: path, message: `cannot write ${path}: ${error.message}` }))
    )
})
