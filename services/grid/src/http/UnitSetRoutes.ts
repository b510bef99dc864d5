/**
 * `POST /v1/unit-sets` (upload a GeoJSON FeatureCollection of units; the property names
 * in the query) and `GET /v1/unit-sets/{unitSetId}` (the record and its report).
 *
 * @example
 * ```sh
 * curl -X POST "$GRID/v1/unit-sets?idProperty=GEOID10&weightProperty=TOTPOP&communityProperty=WARD" \
 *   -H "Authorization: Bearer $TOKEN" -H "Idempotency-Key: $(uuidgen)" \
 *   -H "Content-Type: application/geo+json" --data-binary @providence_blocks.geojson
 * ```
 * @module
 */
import { RequestContext, Route } from "@gridwork/service-kit"
import { Effect, Option, Schema } from "effect"
import { permissions } from "../config/GridModule"
import { ServiceId } from "../domain/GridEvents"
import type { NoUsableUnits, UnitsUnreadable } from "../services/UnitSets"
import { UnitSets } from "../services/UnitSets"
import * as Access from "./Access"
import * as Problems from "./Problems"
import { UnitSetView, unitSetView } from "./Views"

const PropertyName = Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(128))

/** The upload's query: the properties holding id, weight and community, and a name. */
export const UploadQuery = Schema.Struct({
  /** A name for people (e.g. `2020 census blocks`). */
  name: Schema.optionalKey(Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(200))),
  idProperty: Schema.optionalKey(PropertyName),
  weightProperty: Schema.optionalKey(PropertyName),
  communityProperty: Schema.optionalKey(PropertyName)
})

/** A GeoJSON FeatureCollection; features are checked one by one (a bad one is listed, not fatal). */
export const UnitsDocument = Schema.StructWithRest(
  Schema.Struct({ type: Schema.Literal("FeatureCollection"), features: Schema.Array(Schema.Unknown) }),
  [Schema.Record(Schema.String, Schema.Unknown)]
).annotate({ identifier: "UnitsFeatureCollection" })

/** The upload route (time limit 5 minutes: large files are read in a worker thread). */
export const upload = Route.post("/v1/unit-sets", {
  operationId: "uploadUnitSet",
  summary: "Upload units (GeoJSON FeatureCollection) and get their validation report",
  description:
    "Polygons (blocks, buildings, plots) with an id, a weight (households or persons) and a community each, named by the query's property names. Every feature is checked on its own: bad ones are listed in `findings` (severity `error`, left out), the rest are kept. Send `application/json` or `application/geo+json`.",
  tags: ["Units"],
  permission: permissions.partition,
  query: UploadQuery,
  body: UnitsDocument,
  success: UnitSetView,
  status: 201,
  timeoutMs: 5 * 60 * 1000,
  responseHeaders: (view) => ({ location: `/v1/unit-sets/${view.unitSetId}` }),
  errors: {
    NoUsableUnits: {
      status: 422,
      title: "No usable unit",
      detail: (error: NoUsableUnits) =>
        `None of the ${error.features} features is a usable unit; first problems: ${error.findings
          .slice(0, 5)
          .map((f) => `${f.path}: ${f.rule}`)
          .join("; ")}`
    },
    UnitsUnreadable: { status: 422, title: "Units cannot be read", detail: (error: UnitsUnreadable) => error.reason },
    UnitSetExists: { status: 409, title: "Unit set exists" }
  },
  handler: ({ query, body }) =>
    Effect.gen(function* () {
      yield* Access.overLocality
      const unitSets = yield* UnitSets
      const commandId = yield* RequestContext.commandId
      const recorded = yield* unitSets
        .upload({
          commandId,
          name: query.name,
          document: body,
          options: {
            ...(query.idProperty === undefined ? {} : { idProperty: query.idProperty }),
            ...(query.weightProperty === undefined ? {} : { weightProperty: query.weightProperty }),
            ...(query.communityProperty === undefined ? {} : { communityProperty: query.communityProperty })
          },
          by: yield* Problems.caller
        })
        .pipe(Problems.orUnavailable)
      return unitSetView(recorded.unitSet, recorded.report.findings)
    })
})

/** `GET /v1/unit-sets/{unitSetId}`. */
export const get = Route.get("/v1/unit-sets/:unitSetId", {
  operationId: "getUnitSet",
  summary: "A unit set and its validation report",
  tags: ["Units"],
  permission: permissions.view,
  params: Schema.Struct({ unitSetId: ServiceId }),
  success: UnitSetView,
  handler: ({ params }) =>
    Effect.gen(function* () {
      yield* Access.inLocality
      const unitSets = yield* UnitSets
      const found = yield* unitSets.get(params.unitSetId).pipe(Problems.orUnavailable)
      if (Option.isNone(found)) return yield* Problems.notFound(`No unit set ${params.unitSetId}`)
      const report = yield* unitSets.report(found.value).pipe(Problems.orUnavailable)
      return unitSetView(found.value, report.findings)
    })
})

/** The unit-set routes. */
export const routes = [upload, get] as const
