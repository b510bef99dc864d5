/**
 * The life of one partition job, a pure decider over its `partition-job:<id>` stream:
 * requested → completed, or requested → failed (bad input, cancelled at shutdown,
 * interrupted by a crash, or an internal error). A finished job never changes again.
 *
 * @example
 * ```ts
 * import { Decider } from "@gridwork/core"
 * import { PartitionJob } from "@gridwork/service-grid"
 *
 * const state = Decider.fold(PartitionJob.decider, history)
 * PartitionJob.statusOf(state) // "queued" | "completed" | "failed" | "unknown"
 * ```
 * @module
 */
import { Decider, type Instant } from "@gridwork/core"
import { Result, Schema } from "effect"
import {
  type Bounds,
  type FailureCode,
  type JobResult,
  PartitionJobCompleted,
  type PartitionJobEvent,
  PartitionJobFailed,
  PartitionJobRequested
} from "./GridEvents"

/** The job's state. */
export type State =
  | { readonly _tag: "None" }
  | { readonly _tag: "Requested"; readonly request: PartitionJobRequested }
  | { readonly _tag: "Completed"; readonly request: PartitionJobRequested; readonly completed: PartitionJobCompleted }
  | { readonly _tag: "Failed"; readonly request: PartitionJobRequested; readonly failed: PartitionJobFailed }

/** A job that does not exist yet. */
export const initialState: State = { _tag: "None" }

/** Ask for a partition. */
export interface RequestPartition {
  readonly _tag: "RequestPartition"
  readonly jobId: string
  readonly unitSetId: string
  readonly bounds: Bounds
  readonly previousVersion: number | undefined
  readonly baseVersion: number
  readonly at: Instant.Instant
  readonly by: string
}

/** Record the result. */
export interface CompletePartition {
  readonly _tag: "CompletePartition"
  readonly jobId: string
  readonly result: JobResult
  readonly at: Instant.Instant
}

/** Record a failure. */
export interface FailPartition {
  readonly _tag: "FailPartition"
  readonly jobId: string
  readonly code: FailureCode
  readonly reason: string
  readonly at: Instant.Instant
}

/** Commands of a job. */
export type JobCommand = RequestPartition | CompletePartition | FailPartition

/** The command does not fit the job's state. */
export class JobTransitionRefused extends Schema.TaggedError<JobTransitionRefused>()("JobTransitionRefused", {
  jobId: Schema.String,
  command: Schema.String,
  status: Schema.String
}) {
  override get message(): string {
    return `job ${this.jobId}: ${this.command} is not possible when the job is ${this.status}`
  }
}

/** The status name of a state. */
export const statusOf = (state: State): "unknown" | "queued" | "completed" | "failed" => {
  switch (state._tag) {
    case "None":
      return "unknown"
    case "Requested":
      return "queued"
    case "Completed":
      return "completed"
    case "Failed":
      return "failed"
  }
}

const refuse = (command: JobCommand, state: State) =>
  Result.fail(new JobTransitionRefused({ jobId: command.jobId, command: command._tag, status: statusOf(state) }))

const decide = (
  command: JobCommand,
  state: State
): Result.Result<ReadonlyArray<PartitionJobEvent>, JobTransitionRefused> => {
  switch (command._tag) {
    case "RequestPartition":
      if (state._tag !== "None") return refuse(command, state)
      return Result.succeed([
        new PartitionJobRequested({
          jobId: command.jobId,
          unitSetId: command.unitSetId,
          bounds: command.bounds,
          ...(command.previousVersion === undefined ? {} : { previousVersion: command.previousVersion }),
          baseVersion: command.baseVersion,
          requestedAt: command.at,
          requestedBy: command.by
        })
      ])
    case "CompletePartition":
      if (state._tag !== "Requested") return refuse(command, state)
      return Result.succeed([
        new PartitionJobCompleted({ jobId: command.jobId, result: command.result, completedAt: command.at })
      ])
    case "FailPartition":
      if (state._tag !== "Requested") return refuse(command, state)
      return Result.succeed([
        new PartitionJobFailed({
          jobId: command.jobId,
          code: command.code,
          reason: command.reason,
          failedAt: command.at
        })
      ])
  }
}

const evolve = (state: State, event: PartitionJobEvent): State => {
  switch (event._tag) {
    case "PartitionJobRequested":
      return { _tag: "Requested", request: event }
    case "PartitionJobCompleted":
      return state._tag === "Requested" ? { _tag: "Completed", request: state.request, completed: event } : state
    case "PartitionJobFailed":
      return state._tag === "Requested" ? { _tag: "Failed", request: state.request, failed: event } : state
  }
}

/** The job decider. */
export const decider = Decider.make<JobCommand, PartitionJobEvent, State, JobTransitionRefused>({
  initialState,
  decide,
  evolve
})
