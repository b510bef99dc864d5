/**
 * Grid versions over HTTP: `POST /v1/grid-versions` publishes a completed partition
 * job as the version in force (events `GridVersionPublished` and one `GridRetired` per
 * retired id, stored with their outbox rows and relayed to
 * `gw.<locality>.grid.grid-version-published` / `...grid-retired`), `GET
 * /v1/grid-versions` lists them, `GET /v1/grid-versions/{version}` shows one.
 *
 * @example
 * ```sh
 * curl -X POST "$GRID/v1/grid-versions" -H "Authorization: Bearer $TOKEN" \
 *   -H "Idempotency-Key: $(uuidgen)" -H "Content-Type: application/json" -d "{\"jobId\":\"$JOB\"}"
 * ```
 * @module
 */
import { RequestContext, Route } from "@gridwork/service-kit"
import { Effect, Schema } from "effect"
import { permissions } from "../config/GridModule"
import { ServiceId, VersionNumber } from "../domain/GridEvents"
import type * as GridRegistry from "../domain/GridRegistry"
import { GridVersions, type JobNotCompleted } from "../services/GridVersions"
import * as Access from "./Access"
import * as Problems from "./Problems"
import { PublicationView, VersionListView, VersionView, versionView } from "./Views"

/** `POST /v1/grid-versions`. */
export const publish = Route.post("/v1/grid-versions", {
  operationId: "publishGridVersion",
  summary: "Publish a completed partition job as the grid version in force",
  description:
    "Refused (409) when another version was published after the job was requested (run it again), when the job is published already, or when it would bring back a retired grid id (retired ids are never reused).",
  tags: ["Grid versions"],
  permission: permissions.publish,
  body: Schema.Struct({ jobId: ServiceId }).annotate({ identifier: "GridPublicationRequest" }),
  success: PublicationView,
  status: 201,
  responseHeaders: (view) => ({ location: `/v1/grid-versions/${view.version.version}` }),
  errors: {
    JobNotCompleted: {
      status: 409,
      title: "Job not completed",
      detail: (error: JobNotCompleted) => error.message
    },
    StaleBaseVersion: {
      status: 409,
      title: "Another version was published meanwhile",
      detail: (error: GridRegistry.StaleBaseVersion) => error.message
    },
    RetiredIdReused: {
      status: 409,
      title: "Retired grid ids are never reused",
      detail: (error: GridRegistry.RetiredIdReused) => error.message
    },
    JobAlreadyPublished: {
      status: 409,
      title: "Job already published",
      detail: (error: GridRegistry.JobAlreadyPublished) => error.message
    }
  },
  handler: ({ body }) =>
    Effect.gen(function* () {
      yield* Access.overLocality
      const versions = yield* GridVersions
      const published = yield* versions
        .publish({ jobId: body.jobId, commandId: yield* RequestContext.commandId, by: yield* Problems.caller })
        .pipe(
          Problems.orUnavailable,
          Effect.catchTag("JobNotFound", (error) =>
            Effect.fail(Problems.fieldProblem("body", "/jobId", "exists", error.message))
          )
        )
      const { state } = yield* versions.registry.pipe(Problems.orUnavailable)
      return {
        version: versionView(published.version, state.current),
        retired: published.retired.map((r) => ({ gridId: r.gridId, successors: r.successors }))
      }
    })
})

/** `GET /v1/grid-versions`. */
export const list = Route.get("/v1/grid-versions", {
  operationId: "listGridVersions",
  summary: "Every published grid version, newest first",
  tags: ["Grid versions"],
  permission: permissions.view,
  success: VersionListView,
  handler: () =>
    Effect.gen(function* () {
      yield* Access.inLocality
      const versions = yield* GridVersions
      const { state } = yield* versions.registry.pipe(Problems.orUnavailable)
      return {
        current: state.current,
        versions: [...state.versions.values()]
          .sort((a, b) => b.version - a.version)
          .map((record) => versionView(record, state.current))
      }
    })
})

/** `GET /v1/grid-versions/{version}`. */
export const get = Route.get("/v1/grid-versions/:version", {
  operationId: "getGridVersion",
  summary: "One published grid version",
  tags: ["Grid versions"],
  permission: permissions.view,
  params: Schema.Struct({ version: Schema.NumberFromString.pipe(Schema.decodeTo(VersionNumber)) }),
  success: VersionView,
  handler: ({ params }) =>
    Effect.gen(function* () {
      yield* Access.inLocality
      const versions = yield* GridVersions
      const { state } = yield* versions.registry.pipe(Problems.orUnavailable)
      const record = state.versions.get(params.version)
      if (record === undefined) return yield* Problems.notFound(`No grid version ${params.version}`)
      return versionView(record, state.current)
    })
})

/** The version routes. */
export const routes = [publish, list, get] as const
