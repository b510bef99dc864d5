/**
 * Reads a grids GeoJSON file (as written by `gridwork-grid partition`): a FeatureCollection
 * whose features are grids with a Polygon or MultiPolygon geometry and these properties:
 *
 * | property    | type                         | meaning                                              |
 * | ----------- | ---------------------------- | ---------------------------------------------------- |
 * | `grid_id`   | non-empty string (required)  | stable grid id, unique in the file                   |
 * | `community` | string, number or null       | community / village the grid belongs to              |
 * | `name`      | string (optional)            | public display name                                  |
 * | `weight`    | number ≥ 0 (optional)        | households or persons in the grid                    |
 * | `units`     | array of string/number ids   | the units (blocks, buildings) the grid is made of    |
 * | `status`    | string (optional)            | `ok`, `over`, `under`, ... as set by the partitioner |
 * | `reason`    | string or null (optional)    | why the status is not `ok`                           |
 *
 * The collection may carry a foreign member `generated_at` (ISO 8601 with offset), used by
 * the audit to flag stale files. Each feature is checked on its own, so one bad feature is
 * reported by index and grid id while the others are still read:
 * - **errors** exclude the feature (not a Feature, missing/empty/duplicate `grid_id`, bad
 *   property types, no or non-polygonal geometry, unclosed ring, coordinates outside
 *   longitude/latitude range);
 * - **warnings** keep it (self-intersecting ring, zero area).
 * @module
 */

import { Instant, LocalityModelError, SchemaProblems } from "@gridwork/core"
import { Effect, FileSystem, Option, Result, Schema, type SchemaIssue } from "effect"
import * as GeoJson from "../geojson/GeoJson"
import * as Ring from "../geometry/Ring"

/** A polygonal grid geometry. */
export type GridGeometry = GeoJson.Polygon | GeoJson.MultiPolygon

/** One grid read from the file. */
export interface Grid {
  /** Stable grid id. */
  readonly gridId: string
  /** Community / village (numbers are turned into strings), or `null` when absent. */
  readonly community: string | null
  /** Public display name, when given. */
  readonly name: string | undefined
  /** Households or persons, when given. */
  readonly weight: number | undefined
  /** Unit ids (numbers turned into strings); empty when the file lists none. */
  readonly units: ReadonlyArray<string>
  /** Partitioner status (`ok`, `over`, `under`, ...), when given. */
  readonly status: string | undefined
  /** Why the status is not `ok`, when given. */
  readonly reason: string | undefined
  /** Polygon or MultiPolygon, WGS84 longitude/latitude. */
  readonly geometry: GridGeometry
  /** Position of the feature in the file (0-based). */
  readonly featureIndex: number
}

/** A problem with one feature. `path` is relative to the file, e.g. `features[3].properties.grid_id`. */
export interface FeatureProblem {
  readonly featureIndex: number
  readonly gridId: string | undefined
  readonly severity: "error" | "warning"
  readonly path: string
  readonly rule: string
  readonly message: string
}

/** The decoded file: the usable grids and every problem found. */
export interface GridsFile {
  readonly grids: ReadonlyArray<Grid>
  readonly problems: ReadonlyArray<FeatureProblem>
  /** The collection's `generated_at`, when present and valid. */
  readonly generatedAt: Instant.Instant | undefined
  /** Number of features in the file. */
  readonly features: number
}

/** The file as a whole cannot be read: not found, not JSON, not a FeatureCollection. */
export class GridsFileError extends Schema.TaggedError<GridsFileError>()("GridsFileError", {
  file: Schema.String,
  message: Schema.String
}) {}

const IdValue = Schema.Union([Schema.String, Schema.Finite])

const GridProperties = Schema.Struct({
  grid_id: Schema.String.check(
    Schema.isPattern(/\S/, { message: "grid_id must be a non-empty string (the stable grid id)" })
  ),
  community: Schema.optionalKey(Schema.NullOr(IdValue)),
  name: Schema.optionalKey(Schema.NullOr(Schema.String)),
  weight: Schema.optionalKey(
    Schema.NullOr(Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0, { message: "weight must be a number ≥ 0" })))
  ),
  units: Schema.optionalKey(Schema.NullOr(Schema.Array(IdValue))),
  status: Schema.optionalKey(Schema.NullOr(Schema.String)),
  reason: Schema.optionalKey(Schema.NullOr(Schema.String))
})

const FeatureShape = Schema.Struct({
  type: Schema.Literal("Feature"),
  geometry: Schema.Unknown,
  properties: Schema.Record(Schema.String, Schema.Unknown)
})

const CollectionShape = Schema.Struct({
  type: Schema.Literal("FeatureCollection"),
  features: Schema.Array(Schema.Unknown),
  generated_at: Schema.optionalKey(Schema.Unknown)
})

const issues = (issue: SchemaIssue.Issue): ReadonlyArray<{ readonly path: string; readonly message: string }> =>
  SchemaProblems.fromIssue(issue).map((p) => ({ path: LocalityModelError.formatPath(p.path), message: p.message }))

const asString = (value: string | number | null | undefined): string | null =>
  value === null || value === undefined ? null : String(value)

const ringsOf = (geometry: GridGeometry): ReadonlyArray<ReadonlyArray<GeoJson.Position>> =>
  geometry.type === "Polygon" ? geometry.coordinates : geometry.coordinates.flat()

/**
 * Decodes a parsed grids file. Fails only when the value is not a FeatureCollection;
 * problems with single features are returned in {@link GridsFile.problems}.
 */
export const decode = (input: unknown, file = "<input>"): Result.Result<GridsFile, GridsFileError> => {
  const collection = Schema.decodeUnknownResult(CollectionShape)(input)
  if (Result.isFailure(collection)) {
    const first = issues(collection.failure.issue)[0]
    return Result.fail(
      new GridsFileError({
        file,
        message: `not a GeoJSON FeatureCollection${first ? ` (${first.path || "root"}: ${first.message})` : ""}`
      })
    )
  }
  const grids: Array<Grid> = []
  const problems: Array<FeatureProblem> = []
  const seen = new Map<string, number>()
  const features = collection.success.features
  features.forEach((raw, featureIndex) => {
    const at = `features[${featureIndex}]`
    const problem = (
      severity: FeatureProblem["severity"],
      path: string,
      rule: string,
      message: string,
      gridId?: string
    ): void => {
      problems.push({ featureIndex, gridId, severity, path: path ? `${at}.${path}` : at, rule, message })
    }
    const feature = Schema.decodeUnknownResult(FeatureShape)(raw, { errors: "all" })
    if (Result.isFailure(feature)) {
      for (const i of issues(feature.failure.issue)) problem("error", i.path, "grid.feature", i.message)
      return
    }
    const properties = Schema.decodeUnknownResult(GridProperties)(feature.success.properties, { errors: "all" })
    if (Result.isFailure(properties)) {
      const id = feature.success.properties.grid_id
      for (const i of issues(properties.failure.issue)) {
        problem("error", `properties.${i.path}`, "grid.property", i.message, typeof id === "string" ? id : undefined)
      }
      return
    }
    const p = properties.success
    const gridId = p.grid_id
    const geometry = Schema.decodeUnknownResult(GeoJson.Geometry)(feature.success.geometry)
    if (Result.isFailure(geometry)) {
      const first = issues(geometry.failure.issue)[0]
      problem(
        "error",
        "geometry",
        "grid.geometry",
        feature.success.geometry === null
          ? "a grid needs a Polygon or MultiPolygon geometry, got null"
          : `invalid geometry${first ? ` at ${first.path || "geometry"}: ${first.message}` : ""}`,
        gridId
      )
      return
    }
    const g = geometry.success
    if (g.type === "Point") {
      problem(
        "error",
        "geometry.type",
        "grid.geometry-type",
        "a grid needs a Polygon or MultiPolygon, got Point",
        gridId
      )
      return
    }
    let bad = false
    ringsOf(g).forEach((ring, r) => {
      const first = ring[0]!
      const last = ring[ring.length - 1]!
      if (first[0] !== last[0] || first[1] !== last[1]) {
        problem("error", "geometry.coordinates", "grid.ring-open", `ring ${r} is not closed (first ≠ last)`, gridId)
        bad = true
      }
      const outside = ring.find((q) => !(q[0] >= -180 && q[0] <= 180 && q[1] >= -90 && q[1] <= 90))
      if (outside !== undefined) {
        problem(
          "error",
          "geometry.coordinates",
          "grid.coordinates-range",
          `ring ${r} has position [${outside[0]}, ${outside[1]}] outside longitude [-180, 180] / latitude [-90, 90]`,
          gridId
        )
        bad = true
      }
    })
    const previous = seen.get(gridId)
    if (previous !== undefined) {
      problem(
        "error",
        "properties.grid_id",
        "grid.duplicate-id",
        `grid_id "${gridId}" is already used by feature ${previous}`,
        gridId
      )
      bad = true
    }
    if (bad) return
    seen.set(gridId, featureIndex)
    let area = 0
    let crossed = false
    ringsOf(g).forEach((ring, r) => {
      const flat = new Float64Array((ring.length - 1) * 2)
      for (let i = 0; i < ring.length - 1; i++) {
        flat[2 * i] = ring[i]![0]
        flat[2 * i + 1] = ring[i]![1]
      }
      area += Math.abs(Ring.signedArea(flat))
      const crossing = Ring.findSelfIntersection(flat)
      if (crossing !== undefined) {
        crossed = true
        problem(
          "warning",
          "geometry.coordinates",
          "grid.ring-self-intersection",
          `ring ${r} intersects itself near [${crossing[0]}, ${crossing[1]}]; lookups use the even-odd rule there`,
          gridId
        )
      }
    })
    // A self-intersecting ring's signed area means little; it is reported already.
    if (area === 0 && !crossed) problem("warning", "geometry", "grid.zero-area", "the geometry has zero area", gridId)
    grids.push({
      gridId,
      community: asString(p.community),
      name: p.name ?? undefined,
      weight: p.weight ?? undefined,
      units: (p.units ?? []).map(String),
      status: p.status ?? undefined,
      reason: p.reason ?? undefined,
      geometry: g,
      featureIndex
    })
  })
  let generatedAt: Instant.Instant | undefined
  const stamp = collection.success.generated_at
  if (stamp !== undefined) {
    const decoded = Schema.decodeUnknownResult(Instant.InstantFromString)(stamp)
    if (Result.isSuccess(decoded)) generatedAt = decoded.success
    else {
      problems.push({
        featureIndex: -1,
        gridId: undefined,
        severity: "warning",
        path: "generated_at",
        rule: "grid.generated-at",
        message: "generated_at is not an ISO 8601 date-time with an offset; ignored"
      })
    }
  }
  return Result.succeed({ grids, problems, generatedAt, features: features.length })
}

/** Parses JSON text, then {@link decode}s it. */
export const parse = (text: string, file = "<input>"): Result.Result<GridsFile, GridsFileError> => {
  const json = Result.try({
    try: (): unknown => JSON.parse(text),
    catch: (error) =>
      new GridsFileError({ file, message: `not valid JSON: ${error instanceof Error ? error.message : String(error)}` })
  })
  return Result.flatMap(json, (value) => decode(value, file))
}

/**
 * Reads and decodes a grids file. Its modification time is returned as well, so the audit
 * can flag a stale file even without `generated_at`.
 */
export const readFile = Effect.fn("GridsReader.readFile")(function* (path: string) {
  const fs = yield* FileSystem.FileSystem
  const text = yield* fs
    .readFileString(path)
    .pipe(Effect.mapError((error) => new GridsFileError({ file: path, message: `cannot read: ${error.message}` })))
  const info = yield* fs.stat(path).pipe(Effect.option)
  const modifiedAt = Option.flatMap(info, (i) => i.mtime).pipe(
    Option.map((date) => Instant.fromMillis(date.getTime())),
    Option.getOrUndefined
  )
  const file = yield* Effect.fromResult(parse(text, path))
  return { ...file, modifiedAt }
})

/** Summary line for the errors of a file, e.g. to fail a CLI run. */
export const errorsOf = (file: GridsFile): ReadonlyArray<FeatureProblem> =>
  file.problems.filter((p) => p.severity === "error")

/** Human-readable form of a problem: `features[3].properties.grid_id (grid G-1): message [rule]`. */
export const formatProblem = (problem: FeatureProblem): string =>
  `${problem.severity}: ${problem.path}${problem.gridId === undefined ? "" : ` (grid ${problem.gridId})`}: ${problem.message} [${problem.rule}]`
