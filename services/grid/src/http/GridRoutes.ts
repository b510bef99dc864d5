/**
 * Grids over HTTP: `GET /v1/grids` (a version's grids GeoJSON, byte for byte as
 * published, `ETag` = its SHA-256), `GET /v1/grids/{gridId}` (one grid's Feature; 410
 * for a retired id, naming the grids that hold its former units) and `GET
 * /v1/locate?lon=&lat=` (the grid of a point, its community, jurisdiction chain and
 * role-level staff and public contact lines, from the serialized lookup index).
 *
 * @example
 * ```sh
 * curl "$GRID/v1/locate?lon=-71.4128&lat=41.824" -H "Authorization: Bearer $TOKEN"
 * ```
 * @module
 */

import { LookupIndex } from "@gridwork/grid"
import { HttpProblem, RequestContext, Route } from "@gridwork/service-kit"
import { Effect, Option, Schema } from "effect"
import { permissions } from "../config/GridModule"
import { Locality } from "../config/Locality"
import { GridId, VersionNumber } from "../domain/GridEvents"
import { GridVersions, type LoadedVersion } from "../services/GridVersions"
import { Rosters } from "../services/Rosters"
import * as Access from "./Access"
import * as Problems from "./Problems"
import * as VersionInForce from "./VersionInForce"
import { LocateView } from "./Views"

const GEOJSON = "application/geo+json"

const VersionQuery = Schema.Struct({
  /** A published version (default: the version in force). */
  version: Schema.optionalKey(Schema.NumberFromString.pipe(Schema.decodeTo(VersionNumber)))
})

/** Loads a version; 404 when none is published or the number is unknown. */
const loadVersion = (version: number | undefined) =>
  Effect.gen(function* () {
    if (version === undefined) return yield* VersionInForce.load
    yield* Access.inLocality
    const versions = yield* GridVersions
    return yield* versions.load(version).pipe(
      Problems.orUnavailable,
      Effect.catchTag("VersionNotFound", (error) =>
        Effect.fail(Problems.fieldProblem("query", "/version", "exists", error.message))
      )
    )
  })

const etagOf = (loaded: LoadedVersion) => `"${loaded.record.gridsHash}"`

const notModified = (etag: string) =>
  Effect.map(
    RequestContext.header("if-none-match"),
    (header) => Option.isSome(header) && header.value.split(",").some((tag) => tag.trim() === etag)
  )

/** `GET /v1/grids`. */
export const collection = Route.get("/v1/grids", {
  operationId: "getGrids",
  summary: "A grid version as a GeoJSON FeatureCollection (default: the version in force)",
  description:
    "Served exactly as published: its SHA-256 is the version's `gridsHash` and the `ETag`. Each feature: `grid_id`, `community`, `weight`, `units`, `unit_count`, `status`, `reason`; the collection carries `generated_at` and the `gridwork` metadata (high-water marks, bounds).",
  tags: ["Grids"],
  permission: permissions.view,
  query: VersionQuery,
  produces: { [GEOJSON]: undefined },
  handler: ({ query }) =>
    Effect.gen(function* () {
      const loaded = yield* loadVersion(query.version)
      const etag = etagOf(loaded)
      const headers = { etag, "grid-version": String(loaded.record.version), "cache-control": "no-cache" }
      if (yield* notModified(etag)) return new Route.RawResponse({ status: 304, headers, body: null })
      return new Route.RawResponse({ headers: { ...headers, "content-type": GEOJSON }, body: loaded.grids })
    })
})

/** `GET /v1/grids/{gridId}`. */
export const grid = Route.get("/v1/grids/:gridId", {
  operationId: "getGrid",
  summary: "One grid as a GeoJSON Feature",
  description: "404 for an id never used, 410 for a retired id (the detail names the grids holding its former units).",
  tags: ["Grids"],
  permission: permissions.view,
  params: Schema.Struct({ gridId: GridId }),
  query: VersionQuery,
  produces: { [GEOJSON]: undefined },
  handler: ({ params, query }) =>
    Effect.gen(function* () {
      const loaded = yield* loadVersion(query.version)
      const feature = loaded.features.get(params.gridId)
      if (feature === undefined) {
        const versions = yield* GridVersions
        const { state } = yield* versions.registry.pipe(Problems.orUnavailable)
        const retired = state.retired.get(params.gridId)
        if (retired !== undefined && query.version === undefined) {
          return yield* new HttpProblem.HttpProblem({
            status: 410,
            type: "urn:gridwork:problem:grid-retired",
            title: "Grid retired",
            detail: `Grid ${params.gridId} was retired in version ${retired.version}${
              retired.successors.length === 0 ? "" : `; its units are now in ${retired.successors.join(", ")}`
            }`
          })
        }
        return yield* Problems.notFound(`No grid ${params.gridId} in version ${loaded.record.version}`)
      }
      return new Route.RawResponse({
        headers: {
          "content-type": GEOJSON,
          "grid-version": String(loaded.record.version),
          etag: `"${loaded.record.gridsHash}:${params.gridId}"`
        },
        body: feature
      })
    })
})

const Longitude = Schema.NumberFromString.pipe(
  Schema.decodeTo(Schema.Finite.check(Schema.isBetween({ minimum: -180, maximum: 180 })))
)
const Latitude = Schema.NumberFromString.pipe(
  Schema.decodeTo(Schema.Finite.check(Schema.isBetween({ minimum: -90, maximum: 90 })))
)

/** `GET /v1/locate`. */
export const locate = Route.get("/v1/locate", {
  operationId: "locate",
  summary: "The grid of a point (WGS 84), its jurisdictions and its role-level staff and public contacts",
  description:
    "No personal data: the staff is given as roles and head counts, the contacts are the grid's posted worker and supervision lines. 404 when the point is in no grid.",
  tags: ["Grids"],
  permission: permissions.view,
  query: Schema.Struct({ lon: Longitude, lat: Latitude }),
  success: LocateView,
  handler: ({ query }) =>
    Effect.gen(function* () {
      const loaded = yield* loadVersion(undefined)
      const gridId = LookupIndex.locateId(loaded.index, query.lon, query.lat)
      if (gridId === undefined) {
        return yield* new HttpProblem.HttpProblem({
          status: 404,
          type: "urn:gridwork:problem:outside-grids",
          title: "Point outside every grid",
          detail: `(${query.lon}, ${query.lat}) is in no grid of version ${loaded.record.version}`
        })
      }
      const locality = yield* Locality
      const rosters = yield* Rosters
      const { state } = yield* rosters.view.pipe(Problems.orUnavailable)
      const roster = state.grids.get(gridId)
      const counts = new Map<string, Set<string>>()
      for (const member of roster?.members ?? []) {
        const persons = counts.get(member.role) ?? new Set<string>()
        persons.add(member.personId)
        counts.set(member.role, persons)
      }
      const community = loaded.communities.get(gridId) ?? null
      return {
        lon: query.lon,
        lat: query.lat,
        version: loaded.record.version,
        gridId,
        community,
        jurisdictions: locality.jurisdictionsOf(community),
        staff: [...counts].map(([role, persons]) => ({ role, count: persons.size })),
        contacts: roster?.contacts ?? []
      }
    })
})

/** The grid routes. */
export const routes = [collection, grid, locate] as const
