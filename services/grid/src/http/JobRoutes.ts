/**
 * Partition jobs over HTTP: `POST /v1/partition-jobs` (202, the job runs in the
 * background), `GET /v1/partition-jobs/{jobId}` and `GET /v1/partition-jobs/{jobId}/events`
 * (server-sent events: `progress` while it runs, then `done` or `failed`; a comment
 * every 15 s keeps proxies from closing the stream; `shutdown` if the service stops).
 *
 * @example
 * ```sh
 * curl -N "$GRID/v1/partition-jobs/$JOB/events" -H "Authorization: Bearer $TOKEN"
 * # event: progress
 * # data: {"jobId":"...","status":"running","phase":"refine","percent":57}
 * # event: done
 * # data: {"jobId":"...","status":"completed","result":{"grids":178,...}}
 * ```
 * @module
 */
import { Bounds as GridBounds } from "@gridwork/grid"
import { RequestContext, Route } from "@gridwork/service-kit"
import { Effect, Option, Result, Schema, Stream } from "effect"
import { permissions } from "../config/GridModule"
import { Bounds, ServiceId, VersionNumber } from "../domain/GridEvents"
import { Lifecycle } from "../services/Lifecycle"
import { PartitionJobs } from "../services/PartitionJobs"
import * as Access from "./Access"
import * as Problems from "./Problems"
import { JobView, jobView } from "./Views"

/** The body of `POST /v1/partition-jobs`. */
export const JobRequestBody = Schema.Struct({
  /** The unit set to partition. */
  unitSetId: ServiceId,
  ...Bounds.fields,
  /** Keep the ids of this version (it must be the version in force); absent: from scratch. */
  previousVersion: Schema.optionalKey(VersionNumber)
})
  .check(GridBounds.boundsCheck)
  .annotate({ identifier: "PartitionJobRequest" })

/** `POST /v1/partition-jobs`. */
export const request = Route.post("/v1/partition-jobs", {
  operationId: "requestPartition",
  summary: "Partition a unit set into grids (runs in the background)",
  description:
    "Grids weigh between `min` and `max` (close to `target`, default the midpoint), stay inside one community and are contiguous and compact. With `previousVersion` (the version in force) the ids of grids whose ground did not change are kept and the churn is reported; without it the grids are new (numbered above every id used before). Follow the job at its `events` URL.",
  tags: ["Partition jobs"],
  permission: permissions.partition,
  body: JobRequestBody,
  success: JobView,
  status: 202,
  responseHeaders: (view) => ({ location: `/v1/partition-jobs/${view.jobId}` }),
  handler: ({ body }) =>
    Effect.gen(function* () {
      yield* Access.overLocality
      const jobs = yield* PartitionJobs
      const job = yield* jobs
        .request({
          commandId: yield* RequestContext.commandId,
          unitSetId: body.unitSetId,
          bounds: {
            min: body.min,
            max: body.max,
            ...(body.target === undefined ? {} : { target: body.target })
          },
          previousVersion: body.previousVersion,
          by: yield* Problems.caller
        })
        .pipe(
          Problems.orUnavailable,
          Effect.catchTags({
            UnknownUnitSet: (error) =>
              Effect.fail(Problems.fieldProblem("body", "/unitSetId", "exists", error.message)),
            PreviousVersionNotCurrent: (error) =>
              Effect.fail(Problems.fieldProblem("body", "/previousVersion", "in-force", error.message))
          })
        )
      return jobView(job)
    })
})

const JobParams = Schema.Struct({ jobId: ServiceId })

/** `GET /v1/partition-jobs/{jobId}`. */
export const get = Route.get("/v1/partition-jobs/:jobId", {
  operationId: "getPartitionJob",
  summary: "A partition job: status, progress, result summary or failure",
  tags: ["Partition jobs"],
  permission: permissions.view,
  params: JobParams,
  success: JobView,
  handler: ({ params }) =>
    Effect.gen(function* () {
      yield* Access.inLocality
      const jobs = yield* PartitionJobs
      const found = yield* jobs.get(params.jobId).pipe(Problems.orUnavailable)
      if (Option.isNone(found)) return yield* Problems.notFound(`No partition job ${params.jobId}`)
      return jobView(found.value)
    })
})

const encoder = new TextEncoder()
/** Seconds between keep-alive comments. */
const HEARTBEAT_SECONDS = 15

const sse = (event: string, data: unknown): string => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`

/** `GET /v1/partition-jobs/{jobId}/events`: server-sent events until the job finishes. */
export const events = Route.get("/v1/partition-jobs/:jobId/events", {
  operationId: "watchPartitionJob",
  summary: "Progress of a partition job as server-sent events",
  description:
    "`event: progress` (data: the job with `progress.phase` and `progress.percent`) while it runs, then `event: done` (the job with its result) or `event: failed` (the job with its failure), then the stream ends. For a finished job only the last event is sent. Comments (`: keep-alive`) every 15 s; `event: shutdown` when the service stops (reconnect later).",
  tags: ["Partition jobs"],
  permission: permissions.view,
  params: JobParams,
  produces: { "text/event-stream": undefined },
  handler: ({ params }) =>
    Effect.gen(function* () {
      yield* Access.inLocality
      const jobs = yield* PartitionJobs
      const lifecycle = yield* Lifecycle
      const found = yield* jobs.get(params.jobId).pipe(Problems.orUnavailable)
      if (Option.isNone(found)) return yield* Problems.notFound(`No partition job ${params.jobId}`)
      const updates = jobs.watch(params.jobId).pipe(
        Stream.map((job) => {
          const view = Schema.encodeSync(JobView)(jobView(job))
          return job.status === "completed"
            ? sse("done", view)
            : job.status === "failed"
              ? sse("failed", view)
              : sse("progress", view)
        }),
        Stream.catchTag("StorageUnavailable", (error) => Stream.succeed(sse("error", { message: error.message })))
      )
      // Checks every second whether the service is shutting down; a comment every 15 s.
      const heartbeat = Stream.tick("1 second").pipe(
        Stream.mapEffect(() => lifecycle.draining),
        Stream.zipWithIndex,
        Stream.takeUntil(([draining]) => draining),
        Stream.filterMap(([draining, tick]) =>
          draining
            ? Result.succeed(sse("shutdown", { reason: "the service is shutting down; reconnect later" }))
            : tick > 0 && tick % HEARTBEAT_SECONDS === 0
              ? Result.succeed(": keep-alive\n\n")
              : Result.fail(undefined)
        )
      )
      const body = yield* Stream.toReadableStreamEffect(
        Stream.merge(updates, heartbeat, { haltStrategy: "either" }).pipe(Stream.map((text) => encoder.encode(text)))
      )
      return new Route.RawResponse({
        headers: {
          "content-type": "text/event-stream; charset=utf-8",
          "cache-control": "no-store",
          "x-accel-buffering": "no"
        },
        body
      })
    })
})

/** The job routes. */
export const routes = [request, get, events] as const
