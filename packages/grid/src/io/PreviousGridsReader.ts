/**
 * Reads the previous grids a re-partition starts from: a grids GeoJSON written by
 * {@link GridsWriter} (ids, communities, unit lists, weights and the `gridwork`
 * high-water marks), or an assignments CSV (`unit_id,grid_id`).
 *
 * Prefer the grids file: only it carries the high-water marks that guarantee a retired
 * id is never minted again. From a CSV the marks are inferred from the ids present.
 * @module
 */
import { Effect, FileSystem, Result, Schema } from "effect"
import type { HighWater } from "../partition/GridIds"
import * as GridIds from "../partition/GridIds"
import type { PreviousGrid, PreviousGrids } from "../partition/Repartition"
import type { AssignmentRow } from "./AssignmentsCsv"
import { GridsMetadata } from "./GridsWriter"

const UnitId = Schema.Union([Schema.NonEmptyString, Schema.Finite])

/** The part of a grids file a re-partition needs. */
export const PreviousGridsDocument = Schema.Struct({
  type: Schema.Literal("FeatureCollection"),
  gridwork: Schema.optionalKey(GridsMetadata),
  features: Schema.Array(
    Schema.Struct({
      type: Schema.Literal("Feature"),
      properties: Schema.Struct({
        grid_id: Schema.NonEmptyString,
        community: Schema.optionalKey(Schema.NullOr(Schema.Union([Schema.String, Schema.Finite]))),
        weight: Schema.optionalKey(Schema.Finite),
        units: Schema.Array(UnitId)
      })
    })
  )
})

/** The previous grids could not be read. */
export class PreviousGridsError extends Schema.TaggedError<PreviousGridsError>()("PreviousGridsError", {
  file: Schema.optionalKey(Schema.String),
  message: Schema.String
}) {}

const decode = Schema.decodeUnknownResult(PreviousGridsDocument)

const inferHighWater = (ids: Iterable<string>): HighWater => {
  const minter = new GridIds.Minter()
  for (const id of ids) minter.observe(id)
  return minter.highWater()
}

/**
 * Previous grids from a parsed grids GeoJSON.
 * @throws {@link PreviousGridsError} naming the feature and property at fault.
 */
export const fromGridsGeoJson = (document: unknown): PreviousGrids => {
  const decoded = decode(document)
  if (Result.isFailure(decoded)) {
    throw new PreviousGridsError({
      message: `not a grids file (grid_id and units per feature): ${decoded.failure.message}`
    })
  }
  const seen = new Set<string>()
  const grids: Array<PreviousGrid> = decoded.success.features.map((f, i) => {
    const p = f.properties
    if (seen.has(p.grid_id)) {
      throw new PreviousGridsError({ message: `features[${i}].properties.grid_id: "${p.grid_id}" appears twice` })
    }
    seen.add(p.grid_id)
    return {
      id: p.grid_id,
      community: p.community === undefined || p.community === null ? undefined : String(p.community),
      units: p.units.map(String),
      weight: p.weight
    }
  })
  const meta = decoded.success.gridwork
  return meta === undefined
    ? { grids, highWater: inferHighWater(seen), highWaterKnown: false }
    : { grids, highWater: meta.highWater, highWaterKnown: true }
}

/** Previous grids from assignment rows (communities are taken from the units later). */
export const fromAssignments = (rows: ReadonlyArray<AssignmentRow>): PreviousGrids => {
  const byGrid = new Map<string, Array<string>>()
  for (const row of rows) {
    const list = byGrid.get(row.grid_id)
    if (list === undefined) byGrid.set(row.grid_id, [row.unit_id])
    else list.push(row.unit_id)
  }
  return {
    grids: Array.from(byGrid, ([id, units]) => ({ id, units })),
    highWater: inferHighWater(byGrid.keys()),
    highWaterKnown: false
  }
}

/** Reads previous grids from a grids GeoJSON file. */
export const readGridsFile = Effect.fn("PreviousGridsReader.readGridsFile")(function* (path: string) {
  const fs = yield* FileSystem.FileSystem
  const text = yield* fs
    .readFileString(path)
    .pipe(
      Effect.mapError(
        (error) => new PreviousGridsError({ file: path, message: `cannot read ${path}: ${error.message}` })
      )
    )
  return yield* Effect.try({
    try: () => fromGridsGeoJson(JSON.parse(text)),
    catch: (error) =>
      new PreviousGridsError({
        file: path,
        message: `${path}: ${error instanceof PreviousGridsError ? error.message : error instanceof Error ? error.message : String(error)}`
      })
  })
})
