/**
 * Overlay grids: special-purpose grids with a lifespan laid over the base partition — a
 * key-project grid, an industry grid, a temporary grid for a demolition area (possibly
 * split into micro-grids whose parent is that overlay).
 *
 * An overlay is active at instant `t` when `validFrom <= t < validUntil` (`validUntil`
 * exclusive; absent = open-ended). Its `parentGridIds` name base grids or other overlays;
 * the audit checks that it lies inside their union.
 *
 * ## File format
 * A GeoJSON FeatureCollection; each feature is one overlay with a Polygon or MultiPolygon
 * and these properties:
 *
 * ```json
 * { "overlay_id": "demo-2026-01", "kind": "demolition", "name": "Eastside demolition area",
 *   "parent_grid_ids": ["G-0012", "G-0013"],
 *   "valid_from": "2026-03-01T00:00:00-05:00", "valid_until": "2026-12-31T00:00:00-05:00" }
 * ```
 *
 * `kind` is a lowercase code; common ones are `key-project`, `industry`, `demolition`,
 * `micro` and `temporary`, but a locality may use its own.
 * @module
 */
import { Instant, LocalityModelError, SchemaProblems } from "@gridwork/core"
import { Result, Schema } from "effect"
import * as GeoJson from "../geojson/GeoJson"

/** Kind of overlay: a lowercase code such as `key-project`, `industry`, `demolition`, `micro`. */
export const OverlayKind = Schema.String.check(
  Schema.isPattern(/^[a-z][a-z0-9-]{0,62}$/, {
    message: "an overlay kind is a lowercase code such as key-project, industry, demolition or micro"
  })
)
/** @see {@link OverlayKind} */
export type OverlayKind = typeof OverlayKind.Type

const NonBlank = Schema.String.check(Schema.isPattern(/\S/, { message: "must be a non-empty string" }))

/** An overlay grid (domain form). */
export class Overlay extends Schema.Class<Overlay>("@gridwork/grid/Overlay")({
  id: NonBlank,
  kind: OverlayKind,
  name: NonBlank,
  geometry: Schema.Union([GeoJson.Polygon, GeoJson.MultiPolygon]),
  parentGridIds: Schema.Array(NonBlank).check(
    Schema.isMinLength(1, { message: "an overlay names at least one parent grid" })
  ),
  validFrom: Instant.Instant,
  validUntil: Schema.optionalKey(Instant.Instant)
}) {}

/** Properties of an overlay feature in a file (snake_case, ISO 8601 instants with offset). */
export const OverlayProperties = Schema.Struct({
  overlay_id: NonBlank,
  kind: OverlayKind,
  name: NonBlank,
  parent_grid_ids: Schema.Array(NonBlank).check(
    Schema.isMinLength(1, { message: "an overlay names at least one parent grid" })
  ),
  valid_from: Instant.InstantFromString,
  valid_until: Schema.optionalKey(Schema.NullOr(Instant.InstantFromString))
})

/** A problem with one overlay feature. */
export interface OverlayProblem {
  readonly featureIndex: number
  readonly path: string
  readonly message: string
}

/** The overlays file could not be read at all. */
export class OverlaysFileError extends Schema.TaggedError<OverlaysFileError>()("OverlaysFileError", {
  file: Schema.String,
  message: Schema.String
}) {}

const Collection = Schema.Struct({
  type: Schema.Literal("FeatureCollection"),
  features: Schema.Array(Schema.Unknown)
})

const Feature = Schema.Struct({
  type: Schema.Literal("Feature"),
  geometry: Schema.Union([GeoJson.Polygon, GeoJson.MultiPolygon]),
  properties: OverlayProperties
})

/**
 * Decodes an overlays FeatureCollection. Fails when the value is not a FeatureCollection;
 * bad features are reported one by one and left out. Duplicate ids and `valid_until`
 * not after `valid_from` are problems too.
 */
export const decodeFile = (
  input: unknown,
  file = "<input>"
): Result.Result<{ overlays: ReadonlyArray<Overlay>; problems: ReadonlyArray<OverlayProblem> }, OverlaysFileError> => {
  const collection = Schema.decodeUnknownResult(Collection)(input)
  if (Result.isFailure(collection)) {
    return Result.fail(new OverlaysFileError({ file, message: "not a GeoJSON FeatureCollection of overlays" }))
  }
  const overlays: Array<Overlay> = []
  const problems: Array<OverlayProblem> = []
  const seen = new Set<string>()
  collection.success.features.forEach((raw, featureIndex) => {
    const decoded = Schema.decodeUnknownResult(Feature)(raw, { errors: "all" })
    if (Result.isFailure(decoded)) {
      for (const p of SchemaProblems.fromIssue(decoded.failure.issue, ["features", featureIndex])) {
        problems.push({ featureIndex, path: LocalityModelError.formatPath(p.path), message: p.message })
      }
      return
    }
    const p = decoded.success.properties
    if (seen.has(p.overlay_id)) {
      problems.push({
        featureIndex,
        path: `features[${featureIndex}].properties.overlay_id`,
        message: `overlay_id "${p.overlay_id}" is used twice`
      })
      return
    }
    if (p.valid_until !== undefined && p.valid_until !== null && p.valid_until <= p.valid_from) {
      problems.push({
        featureIndex,
        path: `features[${featureIndex}].properties.valid_until`,
        message: "valid_until must be after valid_from"
      })
      return
    }
    seen.add(p.overlay_id)
    overlays.push(
      new Overlay({
        id: p.overlay_id,
        kind: p.kind,
        name: p.name,
        geometry: decoded.success.geometry,
        parentGridIds: p.parent_grid_ids,
        validFrom: p.valid_from,
        ...(p.valid_until === undefined || p.valid_until === null ? {} : { validUntil: p.valid_until })
      })
    )
  })
  return Result.succeed({ overlays, problems })
}

/** Whether the overlay is active at `at`: `validFrom <= at < validUntil`. */
export const isActive = (overlay: Overlay, at: Instant.Instant): boolean =>
  overlay.validFrom <= at && (overlay.validUntil === undefined || at < overlay.validUntil)

/** Whether the overlay's lifespan has ended at `at`. */
export const isExpired = (overlay: Overlay, at: Instant.Instant): boolean =>
  overlay.validUntil !== undefined && overlay.validUntil <= at
