/**
 * Partition jobs: asked for over HTTP, run in the background, watched live.
 *
 * - {@link PartitionJobsShape.request} checks the request against what is stored (the
 *   unit set exists; a `previousVersion` is the version in force, since ids of older
 *   versions may have been retired since), records
 *   {@link GridEvents.PartitionJobRequested} with the version in force as its base, and
 *   queues the job.
 * - A fixed number of runner fibers (`concurrency`, 1-4) take queued jobs in order.
 *   Each loads the unit set (and the base version's grids for a re-partition), runs the
 *   partition in the `ComputePool` (a worker thread), stores the grids GeoJSON, the
 *   lookup index and the assignments, and records {@link GridEvents.PartitionJobCompleted}
 *   — or {@link GridEvents.PartitionJobFailed} with the reason.
 * - Progress lives in memory (a `SubscriptionRef` per job) and is streamed by
 *   {@link PartitionJobsShape.watch} until the job finishes.
 * - When the layer closes (shutdown), running jobs are interrupted (their worker thread
 *   terminated) and every running or queued job is recorded as failed with code
 *   `cancelled`. A job found unfinished in the store that no runner of this process
 *   knows (the process died) is reported as failed with code `interrupted`.
 *
 * Jobs run in one process: run one instance of the grid service per locality.
 *
 * @example
 * ```ts
 * import { Effect, Stream } from "effect"
 * import { PartitionJobs } from "@gridwork/service-grid"
 *
 * const program = Effect.gen(function* () {
 *   const jobs = yield* PartitionJobs.PartitionJobs
 *   yield* Stream.runForEach(jobs.watch(jobId), (update) => Effect.log(update.status, update.progress))
 * })
 * ```
 * @module
 */
import { CommandHandler, EventStore, Ids, Instant } from "@gridwork/core"
import { CommandIds } from "@gridwork/service-kit"
import { Context, Effect, Layer, Option, Queue, Schema, Stream, SubscriptionRef } from "effect"
import { type ComputeFailed, ComputePool } from "../compute/ComputePool"
import type { Progress } from "../compute/ComputeTask"
import {
  type Bounds,
  type FailureCode,
  type JobResult,
  partitionJobCodec,
  streams,
  type UnitSetUploaded
} from "../domain/GridEvents"
import * as PartitionJob from "../domain/PartitionJob"
import { ArtifactStore } from "../storage/ArtifactStore"
import { guard, type StorageUnavailable } from "../storage/StorageUnavailable"
import * as StreamView from "../storage/StreamView"
import { GridVersions } from "./GridVersions"
import { UnitSets } from "./UnitSets"

/** The unit set named by a request does not exist. */
export class UnknownUnitSet extends Schema.TaggedError<UnknownUnitSet>()("UnknownUnitSet", {
  unitSetId: Schema.String
}) {
  override get message(): string {
    return `no unit set ${this.unitSetId}`
  }
}

/** `previousVersion` is not the version in force. */
export class PreviousVersionNotCurrent extends Schema.TaggedError<PreviousVersionNotCurrent>()(
  "PreviousVersionNotCurrent",
  { previousVersion: Schema.Int, current: Schema.Int }
) {
  override get message(): string {
    return this.current === 0
      ? `no grid version is published yet, so there is no version ${this.previousVersion} to keep ids from`
      : `version ${this.previousVersion} is not the version in force (${this.current}); a re-partition keeps the ids of the version in force (ids of older versions may have been retired since)`
  }
}

/** A job's status. */
export type JobStatus = "queued" | "running" | "completed" | "failed"

/** Why a job failed. */
export interface JobFailure {
  readonly code: FailureCode
  readonly reason: string
  readonly failedAt: Instant.Instant | undefined
}

/** A job as callers see it. */
export interface JobView {
  readonly jobId: string
  readonly unitSetId: string
  readonly bounds: Bounds
  readonly previousVersion: number | undefined
  readonly baseVersion: number
  readonly requestedAt: Instant.Instant
  readonly requestedBy: string
  readonly status: JobStatus
  /** While running (and when finished: 100). */
  readonly progress: Progress | undefined
  readonly result: JobResult | undefined
  readonly completedAt: Instant.Instant | undefined
  readonly failure: JobFailure | undefined
}

/** A change of a job, as streamed by `watch`. */
export type JobUpdate = JobView

/** What `request` needs. */
export interface JobRequest {
  /** The request's command id; it becomes the job id. */
  readonly commandId: Ids.CommandId
  readonly unitSetId: string
  readonly bounds: Bounds
  readonly previousVersion: number | undefined
  readonly by: string
}

/** The jobs. */
export interface PartitionJobsShape {
  /** Records and queues a job (a retry with the same command id returns the recorded job). */
  readonly request: (
    request: JobRequest
  ) => Effect.Effect<JobView, StorageUnavailable | UnknownUnitSet | PreviousVersionNotCurrent>
  /** A job, if it exists. */
  readonly get: (jobId: string) => Effect.Effect<Option.Option<JobView>, StorageUnavailable>
  /** The job's state now, then every change until it finishes (one element when it has finished). */
  readonly watch: (jobId: string) => Stream.Stream<JobUpdate, StorageUnavailable>
}

interface Live {
  readonly status: JobStatus
  readonly progress: Progress | undefined
}

type Command = PartitionJob.JobCommand & { readonly commandId: Ids.CommandId; readonly by: string }

const handle = CommandHandler.make({
  decider: PartitionJob.decider,
  codec: partitionJobCodec,
  streamId: (command: Command) => streams.partitionJob(command.jobId),
  commandId: (command) => command.commandId,
  envelope: (command, _event, index) => ({
    eventId: CommandIds.eventIdFor(command.commandId, index),
    occurredAt: command.at,
    metadata: { actor: command.by, correlationId: command.jobId }
  })
})

const SYSTEM = "system:grid-partition-runner"

const isFinished = (status: JobStatus) => status === "completed" || status === "failed"

/** The view of a stored job, with the live state of this process when it knows the job. */
export const viewOf = (state: PartitionJob.State, live: Live | undefined): Option.Option<JobView> => {
  if (state._tag === "None") return Option.none()
  const request = state.request
  const base = {
    jobId: request.jobId,
    unitSetId: request.unitSetId,
    bounds: request.bounds,
    previousVersion: request.previousVersion,
    baseVersion: request.baseVersion,
    requestedAt: request.requestedAt,
    requestedBy: request.requestedBy
  }
  switch (state._tag) {
    case "Completed":
      return Option.some({
        ...base,
        status: "completed",
        progress: { phase: "done", percent: 100 },
        result: state.completed.result,
        completedAt: state.completed.completedAt,
        failure: undefined
      })
    case "Failed":
      return Option.some({
        ...base,
        status: "failed",
        progress: live?.progress,
        result: undefined,
        completedAt: undefined,
        failure: { code: state.failed.code, reason: state.failed.reason, failedAt: state.failed.failedAt }
      })
    case "Requested":
      if (live === undefined || isFinished(live.status)) {
        return Option.some({
          ...base,
          status: "failed",
          progress: undefined,
          result: undefined,
          completedAt: undefined,
          failure: {
            code: "interrupted",
            reason: "the service stopped before the job finished; request the partition again",
            failedAt: undefined
          }
        })
      }
      return Option.some({
        ...base,
        status: live.status,
        progress: live.progress,
        result: undefined,
        completedAt: undefined,
        failure: undefined
      })
  }
}

/** The partition-jobs service. */
export class PartitionJobs extends Context.Service<PartitionJobs, PartitionJobsShape>()(
  "@gridwork/service-grid/services/PartitionJobs"
) {
  /** Runs `concurrency` jobs at a time (1-4). Needs the stores, the compute pool and the other services. */
  static layer(options: { readonly concurrency: number }) {
    return Layer.effect(
      PartitionJobs,
      Effect.gen(function* () {
        const store = yield* EventStore.EventStore
        const artifacts = yield* ArtifactStore
        const pool = yield* ComputePool
        const unitSets = yield* UnitSets
        const versions = yield* GridVersions
        const concurrency = Math.max(1, Math.min(4, Math.floor(options.concurrency)))
        const live = new Map<string, SubscriptionRef.SubscriptionRef<Live>>()
        const queue = yield* Queue.unbounded<string>()

        const readJob = (jobId: string) =>
          StreamView.read(streams.partitionJob(jobId), PartitionJob.decider, partitionJobCodec).pipe(
            Effect.provideService(EventStore.EventStore, store)
          )

        const record = (command: PartitionJob.JobCommand) =>
          Effect.gen(function* () {
            const commandId = yield* Ids.makeCommandId
            return yield* handle({ ...command, commandId, by: SYSTEM }).pipe(
              guard(`record ${command._tag}`),
              Effect.provideService(EventStore.EventStore, store)
            )
          })

        /** Publishes a job's state to its watchers; a finished job is forgotten (its events tell the rest). */
        const settle = (jobId: string, status: JobStatus, progress: Progress | undefined) =>
          Effect.gen(function* () {
            const ref = live.get(jobId)
            if (ref === undefined) return
            yield* SubscriptionRef.set(ref, { status, progress })
            if (isFinished(status)) live.delete(jobId)
          })

        const fail = (jobId: string, code: FailureCode, reason: string) =>
          Effect.gen(function* () {
            const at = yield* Instant.now
            yield* Effect.logWarning(`partition job ${jobId} failed (${code}): ${reason}`)
            yield* record({ _tag: "FailPartition", jobId, code, reason, at }).pipe(
              Effect.catch((error) => Effect.logError(`could not record the failure of job ${jobId}`, error))
            )
            const ref = live.get(jobId)
            yield* settle(jobId, "failed", ref === undefined ? undefined : (yield* SubscriptionRef.get(ref)).progress)
          })

        const loadInputs = (request: PartitionJob.State & { readonly _tag: "Requested" }) =>
          Effect.gen(function* () {
            const unitSet = yield* unitSets.get(request.request.unitSetId)
            if (Option.isNone(unitSet)) return Option.none()
            const { state } = yield* versions.registry
            const previousVersion = request.request.previousVersion
            const previous =
              previousVersion === undefined
                ? undefined
                : yield* artifacts.get(state.versions.get(previousVersion)!.gridsHash).pipe(guard("read grids"))
            return Option.some({ unitSet: unitSet.value as UnitSetUploaded, registry: state, previous })
          })

        const execute = (jobId: string) =>
          Effect.gen(function* () {
            const { state } = yield* readJob(jobId)
            if (state._tag !== "Requested") return
            yield* settle(jobId, "running", { phase: "load", percent: 0 })
            const inputs = yield* loadInputs(state)
            if (Option.isNone(inputs)) return yield* fail(jobId, "invalid-input", "the unit set is gone")
            const { unitSet, registry, previous } = inputs.value
            if (registry.current !== state.request.baseVersion) {
              return yield* fail(
                jobId,
                "invalid-input",
                `version ${registry.current} was published after this job was requested (against version ${state.request.baseVersion}); request the partition again`
              )
            }
            const units = yield* unitSets.document(unitSet)
            const output = yield* pool.run(
              {
                _tag: "Partition",
                units,
                options: unitSet.options,
                bounds: state.request.bounds,
                ...(previous === undefined ? {} : { previous }),
                reserved: { highWater: { ...registry.highWater }, hasHistory: registry.versions.size > 0 },
                generatedAt: Instant.toIso(yield* Instant.now)
              },
              (progress) => settle(jobId, "running", progress)
            )
            const gridsHash = yield* artifacts.put(output.grids).pipe(guard("store grids"))
            const indexHash = yield* artifacts.put(output.index).pipe(guard("store the lookup index"))
            const assignmentsHash = yield* artifacts.put(output.assignments).pipe(guard("store assignments"))
            yield* record({
              _tag: "CompletePartition",
              jobId,
              result: { ...output.summary, gridsHash, indexHash, assignmentsHash },
              at: yield* Instant.now
            })
            yield* Effect.logInfo(`partition job ${jobId} completed: ${output.summary.grids} grids`)
            yield* settle(jobId, "completed", { phase: "done", percent: 100 })
          }).pipe(
            Effect.catchTag("ComputeFailed", (error: ComputeFailed) =>
              fail(jobId, error.code === "invalid-input" ? "invalid-input" : "internal", error.message)
            ),
            Effect.catchTag("StorageUnavailable", (error) => fail(jobId, "internal", error.message)),
            Effect.catchDefect((defect) =>
              Effect.andThen(
                Effect.logError(`partition job ${jobId} crashed`, defect),
                fail(jobId, "internal", "an unexpected error occurred (see the service log)")
              )
            ),
            Effect.onInterrupt(() =>
              fail(jobId, "cancelled", "the service shut down while the job was running; request it again")
            )
          )

        // Registered before the runners, so it runs after they are interrupted: every job
        // still queued when the service stops is recorded as cancelled.
        yield* Effect.addFinalizer(() =>
          Effect.gen(function* () {
            const waiting = yield* Queue.clear(queue)
            for (const jobId of waiting) {
              yield* fail(jobId, "cancelled", "the service shut down before the job started; request it again")
            }
          })
        )
        for (let i = 0; i < concurrency; i++) {
          yield* Effect.forkScoped(Effect.forever(Effect.flatMap(Queue.take(queue), execute)))
        }

        const get = (jobId: string) =>
          Effect.gen(function* () {
            const { state } = yield* readJob(jobId)
            const ref = live.get(jobId)
            return viewOf(state, ref === undefined ? undefined : yield* SubscriptionRef.get(ref))
          })

        const request = (input: JobRequest) =>
          Effect.gen(function* () {
            const jobId = input.commandId
            const existing = yield* get(jobId)
            if (Option.isSome(existing)) return existing.value
            const unitSet = yield* unitSets.get(input.unitSetId)
            if (Option.isNone(unitSet)) return yield* new UnknownUnitSet({ unitSetId: input.unitSetId })
            const { state } = yield* versions.registry
            if (input.previousVersion !== undefined && input.previousVersion !== state.current) {
              return yield* new PreviousVersionNotCurrent({
                previousVersion: input.previousVersion,
                current: state.current
              })
            }
            const ref = yield* SubscriptionRef.make<Live>({ status: "queued", progress: undefined })
            live.set(jobId, ref)
            const handled = yield* handle({
              _tag: "RequestPartition",
              commandId: input.commandId,
              jobId,
              unitSetId: input.unitSetId,
              bounds: input.bounds,
              previousVersion: input.previousVersion,
              baseVersion: state.current,
              at: yield* Instant.now,
              by: input.by
            }).pipe(
              guard("record a partition job"),
              Effect.provideService(EventStore.EventStore, store),
              Effect.tapError(() => Effect.sync(() => live.delete(jobId)))
            )
            yield* Queue.offer(queue, jobId)
            return Option.getOrThrow(viewOf(handled.state, { status: "queued", progress: undefined }))
          })

        const watch = (jobId: string): Stream.Stream<JobUpdate, StorageUnavailable> =>
          Stream.unwrap(
            Effect.gen(function* () {
              const ref = live.get(jobId)
              const now = yield* get(jobId)
              if (Option.isNone(now)) return Stream.empty
              if (ref === undefined || isFinished(now.value.status)) return Stream.succeed(now.value)
              const changes = SubscriptionRef.changes(ref).pipe(
                Stream.takeUntil((current) => isFinished(current.status)),
                Stream.mapEffect((current) =>
                  isFinished(current.status)
                    ? Effect.map(get(jobId), (view) => Option.getOrElse(view, () => now.value))
                    : Effect.succeed({ ...now.value, status: current.status, progress: current.progress })
                )
              )
              return changes
            })
          )

        return PartitionJobs.of({ request, get, watch })
      })
    )
  }
}
