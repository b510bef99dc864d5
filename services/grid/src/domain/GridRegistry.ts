/**
 * The grid registry of a locality: which grid version is in force, every version
 * published before, and every grid id ever retired. A pure decider over the
 * `grid-registry:<locality>` stream.
 *
 * Publishing a finished partition job ({@link PublishGridVersion}) is accepted only when:
 * - the job was computed against the version in force now (`baseVersion`), so its churn
 *   and the ids it kept are relative to what is published (otherwise
 *   {@link StaleBaseVersion}: re-run the job);
 * - none of its grid ids was ever retired ({@link RetiredIdReused}): retired ids are
 *   never handed out again, whatever the partitioner did;
 * - the job was not published already ({@link JobAlreadyPublished}).
 *
 * It emits {@link GridVersionPublished} (the next version number) and one
 * {@link GridRetired} per grid id of the replaced version that the new one no longer has,
 * naming the new grids that hold its former units.
 *
 * @example
 * ```ts
 * import { Decider } from "@gridwork/core"
 * import { GridRegistry } from "@gridwork/service-grid"
 *
 * const decision = Decider.run(GridRegistry.decider, history, command)
 * ```
 * @module
 */
import { Decider, type Instant } from "@gridwork/core"
import { Result, Schema } from "effect"
import {
  type Bounds,
  type Churn,
  GridRetired,
  GridVersionPublished,
  type JobResult,
  type RegistryEvent,
  type Sha256
} from "./GridEvents"

/** What the registry remembers of one published version. */
export interface VersionRecord {
  readonly version: number
  readonly jobId: string
  readonly unitSetId: string
  readonly previousVersion: number
  readonly bounds: Bounds
  readonly counts: GridVersionPublished["counts"]
  readonly churn: Churn | undefined
  readonly gridsHash: Sha256
  readonly indexHash: Sha256
  readonly assignmentsHash: Sha256
  readonly publishedAt: Instant.Instant
  readonly publishedBy: string
}

/** A retired grid id. */
export interface RetiredRecord {
  readonly version: number
  readonly successors: ReadonlyArray<string>
  readonly retiredAt: Instant.Instant
}

/** The registry's state. */
export interface State {
  /** The version in force (0: none yet). */
  readonly current: number
  /** Grid ids of the version in force. */
  readonly currentIds: ReadonlySet<string>
  /** Every published version, by number. */
  readonly versions: ReadonlyMap<number, VersionRecord>
  /** Every retired grid id. */
  readonly retired: ReadonlyMap<string, RetiredRecord>
  /** Largest id number ever minted per community. */
  readonly highWater: Readonly<Record<string, number>>
  /** Published jobs and the version each became. */
  readonly jobs: ReadonlyMap<string, number>
}

/** The registry before anything was published. */
export const initialState: State = {
  current: 0,
  currentIds: new Set(),
  versions: new Map(),
  retired: new Map(),
  highWater: {},
  jobs: new Map()
}

/** Publish the result of a finished partition job as the next version. */
export interface PublishGridVersion {
  readonly _tag: "PublishGridVersion"
  readonly jobId: string
  readonly unitSetId: string
  readonly bounds: Bounds
  /** The version the job was computed against (0: none). */
  readonly baseVersion: number
  readonly result: JobResult
  readonly at: Instant.Instant
  readonly by: string
}

/** The job was computed against another version than the one in force. */
export class StaleBaseVersion extends Schema.TaggedError<StaleBaseVersion>()("StaleBaseVersion", {
  jobId: Schema.String,
  baseVersion: Schema.Int,
  current: Schema.Int
}) {
  override get message(): string {
    return `job ${this.jobId} was computed against version ${this.baseVersion}, but version ${this.current} is in force; run the partition again`
  }
}

/** The result would bring retired grid ids back. */
export class RetiredIdReused extends Schema.TaggedError<RetiredIdReused>()("RetiredIdReused", {
  jobId: Schema.String,
  gridIds: Schema.Array(Schema.String)
}) {
  override get message(): string {
    return `job ${this.jobId} uses retired grid ids (${this.gridIds.slice(0, 10).join(", ")}${this.gridIds.length > 10 ? ", ..." : ""}); retired ids are never reused`
  }
}

/** The job is published already. */
export class JobAlreadyPublished extends Schema.TaggedError<JobAlreadyPublished>()("JobAlreadyPublished", {
  jobId: Schema.String,
  version: Schema.Int
}) {
  override get message(): string {
    return `job ${this.jobId} is published already as version ${this.version}`
  }
}

/** Why a publication is refused. */
export type RegistryError = StaleBaseVersion | RetiredIdReused | JobAlreadyPublished

/** Commands of the registry. */
export type RegistryCommand = PublishGridVersion

const decide = (command: RegistryCommand, state: State): Result.Result<ReadonlyArray<RegistryEvent>, RegistryError> => {
  const publishedAs = state.jobs.get(command.jobId)
  if (publishedAs !== undefined) {
    return Result.fail(new JobAlreadyPublished({ jobId: command.jobId, version: publishedAs }))
  }
  if (command.baseVersion !== state.current) {
    return Result.fail(
      new StaleBaseVersion({ jobId: command.jobId, baseVersion: command.baseVersion, current: state.current })
    )
  }
  const reused = command.result.gridIds.filter((id) => state.retired.has(id))
  if (reused.length > 0) return Result.fail(new RetiredIdReused({ jobId: command.jobId, gridIds: reused }))
  const version = state.current + 1
  const next = new Set(command.result.gridIds)
  const retiring = [...state.currentIds].filter((id) => !next.has(id)).sort()
  const successors = new Map(command.result.successors.map((s) => [s.gridId, s.successors]))
  const created = command.result.gridIds.filter((id) => !state.currentIds.has(id)).length
  const result = command.result
  const published = new GridVersionPublished({
    version,
    jobId: command.jobId,
    unitSetId: command.unitSetId,
    previousVersion: state.current,
    bounds: command.bounds,
    counts: {
      grids: result.grids,
      units: result.units,
      totalWeight: result.totalWeight,
      ok: result.ok,
      over: result.over,
      under: result.under,
      created,
      retired: retiring.length
    },
    ...(result.churn === undefined ? {} : { churn: result.churn }),
    gridsHash: result.gridsHash,
    indexHash: result.indexHash,
    assignmentsHash: result.assignmentsHash,
    gridIds: result.gridIds,
    highWater: mergeHighWater(state.highWater, result.highWater),
    publishedAt: command.at,
    publishedBy: command.by
  })
  const retired = retiring.map(
    (gridId) => new GridRetired({ gridId, version, successors: successors.get(gridId) ?? [], retiredAt: command.at })
  )
  return Result.succeed([published, ...retired])
}

/** The larger mark per community of two high-water records. */
export const mergeHighWater = (
  a: Readonly<Record<string, number>>,
  b: Readonly<Record<string, number>>
): Record<string, number> => {
  const out: Record<string, number> = { ...a }
  for (const [community, n] of Object.entries(b)) out[community] = Math.max(out[community] ?? 0, n)
  return Object.fromEntries(Object.entries(out).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
}

const evolve = (state: State, event: RegistryEvent): State => {
  switch (event._tag) {
    case "GridVersionPublished": {
      const versions = new Map(state.versions)
      versions.set(event.version, {
        version: event.version,
        jobId: event.jobId,
        unitSetId: event.unitSetId,
        previousVersion: event.previousVersion,
        bounds: event.bounds,
        counts: event.counts,
        churn: event.churn,
        gridsHash: event.gridsHash,
        indexHash: event.indexHash,
        assignmentsHash: event.assignmentsHash,
        publishedAt: event.publishedAt,
        publishedBy: event.publishedBy
      })
      const jobs = new Map(state.jobs)
      jobs.set(event.jobId, event.version)
      return {
        ...state,
        current: event.version,
        currentIds: new Set(event.gridIds),
        versions,
        jobs,
        highWater: mergeHighWater(state.highWater, event.highWater)
      }
    }
    case "GridRetired": {
      const retired = new Map(state.retired)
      retired.set(event.gridId, { version: event.version, successors: event.successors, retiredAt: event.retiredAt })
      return { ...state, retired }
    }
  }
}

/** The registry decider. */
export const decider = Decider.make<RegistryCommand, RegistryEvent, State, RegistryError>({
  initialState,
  decide,
  evolve
})
