/**
 * Published grid versions: the registry (which version is in force, which ids are
 * retired), publishing a finished partition job as the next version, and the artefacts
 * of a version loaded for serving — the grids GeoJSON as stored, each grid's Feature,
 * and the lookup index decoded from its serialized bytes (never rebuilt, so a restart
 * serves lookups as soon as the bytes are read).
 *
 * Publishing runs the {@link GridRegistry} decider through core's `CommandHandler` on the
 * `grid-registry:<locality>` stream: {@link GridEvents.GridVersionPublished} and one
 * {@link GridEvents.GridRetired} per retired id are appended with their outbox rows in
 * one transaction, with event ids derived from the request's command id, so a retried
 * request publishes nothing twice.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { GridVersions } from "@gridwork/service-grid"
 *
 * const program = Effect.gen(function* () {
 *   const versions = yield* GridVersions.GridVersions
 *   const { state } = yield* versions.registry
 *   return state.current
 * })
 * ```
 * @module
 */
import { CommandHandler, EventStore, type Ids, Instant } from "@gridwork/core"
import { LookupIndex } from "@gridwork/grid"
import { CommandIds } from "@gridwork/service-kit"
import { Context, Effect, Layer, Result, Schema, Semaphore } from "effect"
import { Locality } from "../config/Locality"
import { type GridRetired, partitionJobCodec, registryCodec, streams } from "../domain/GridEvents"
import * as GridRegistry from "../domain/GridRegistry"
import * as PartitionJob from "../domain/PartitionJob"
import { ArtifactStore } from "../storage/ArtifactStore"
import { guard, type StorageUnavailable } from "../storage/StorageUnavailable"
import * as StreamView from "../storage/StreamView"

/** No job has this id. */
export class JobNotFound extends Schema.TaggedError<JobNotFound>()("JobNotFound", { jobId: Schema.String }) {
  override get message(): string {
    return `no partition job ${this.jobId}`
  }
}

/** The job has not (or not successfully) finished. */
export class JobNotCompleted extends Schema.TaggedError<JobNotCompleted>()("JobNotCompleted", {
  jobId: Schema.String,
  status: Schema.String
}) {
  override get message(): string {
    return `partition job ${this.jobId} is ${this.status}; only a completed job can be published`
  }
}

/** No version has this number (or none is published yet). */
export class VersionNotFound extends Schema.TaggedError<VersionNotFound>()("VersionNotFound", {
  version: Schema.Int
}) {
  override get message(): string {
    return this.version === 0 ? "no grid version is published yet" : `no grid version ${this.version}`
  }
}

/** A version ready to serve. */
export interface LoadedVersion {
  readonly record: GridRegistry.VersionRecord
  /** The grids GeoJSON, byte for byte as published (its SHA-256 is `record.gridsHash`). */
  readonly grids: Uint8Array
  /** Each grid's Feature as JSON text, by grid id. */
  readonly features: ReadonlyMap<string, string>
  /** Each grid's community. */
  readonly communities: ReadonlyMap<string, string | null>
  /** The point → grid index. */
  readonly index: LookupIndex.LookupIndex
}

/** What a publication did. */
export interface Published {
  readonly version: GridRegistry.VersionRecord
  readonly retired: ReadonlyArray<GridRetired>
  /** True when the request was a retry of a publication already made. */
  readonly duplicate: boolean
}

/** The grid versions. */
export interface GridVersionsShape {
  /** The registry, caught up with the stream. */
  readonly registry: Effect.Effect<StreamView.Snapshot<GridRegistry.State>, StorageUnavailable>
  /** Publishes a completed job as the next version. */
  readonly publish: (input: {
    readonly jobId: string
    readonly commandId: Ids.CommandId
    readonly by: string
  }) => Effect.Effect<Published, StorageUnavailable | JobNotFound | JobNotCompleted | GridRegistry.RegistryError>
  /** A version's artefacts, loaded (and cached); `0` means the version in force. */
  readonly load: (version: number) => Effect.Effect<LoadedVersion, StorageUnavailable | VersionNotFound>
}

const CACHE_SIZE = 3
const decoder = new TextDecoder()

interface FeatureShape {
  readonly properties?: { readonly grid_id?: unknown; readonly community?: unknown } | null
}

/** The grid-versions service. */
export class GridVersions extends Context.Service<GridVersions, GridVersionsShape>()(
  "@gridwork/service-grid/services/GridVersions"
) {
  /** Needs the event store, the artefact store and the locality. */
  static readonly layer = Layer.effect(
    GridVersions,
    Effect.gen(function* () {
      const store = yield* EventStore.EventStore
      const artifacts = yield* ArtifactStore
      const locality = yield* Locality
      const registryStream = streams.registry(locality.id)
      const view = yield* StreamView.make(registryStream, GridRegistry.decider, registryCodec)
      const cache = new Map<number, LoadedVersion>()
      const loading = yield* Semaphore.make(1)

      const handle = CommandHandler.make({
        decider: GridRegistry.decider,
        codec: registryCodec,
        streamId: () => registryStream,
        commandId: (command: GridRegistry.PublishGridVersion & { readonly commandId: Ids.CommandId }) =>
          command.commandId,
        envelope: (command, _event, index) => ({
          eventId: CommandIds.eventIdFor(command.commandId, index),
          occurredAt: command.at,
          metadata: { actor: command.by, locality: locality.id, causationId: command.jobId }
        })
      })

      const loadUncached = (record: GridRegistry.VersionRecord) =>
        Effect.gen(function* () {
          const grids = yield* artifacts.get(record.gridsHash)
          const indexBytes = yield* artifacts.get(record.indexHash)
          const index = LookupIndex.decode(indexBytes)
          if (Result.isFailure(index)) {
            return yield* Effect.die(new Error(`version ${record.version}: ${index.failure.message}`))
          }
          const document = JSON.parse(decoder.decode(grids)) as { readonly features: ReadonlyArray<FeatureShape> }
          const features = new Map<string, string>()
          const communities = new Map<string, string | null>()
          for (const feature of document.features) {
            const id = feature.properties?.grid_id
            if (typeof id !== "string") continue
            features.set(id, JSON.stringify(feature))
            const community = feature.properties?.community
            communities.set(
              id,
              typeof community === "string" ? community : community == null ? null : String(community)
            )
          }
          return { record, grids, features, communities, index: index.success } satisfies LoadedVersion
        }).pipe(guard(`load grid version ${record.version}`))

      const load = (requested: number) =>
        Effect.gen(function* () {
          const { state } = yield* view.get
          const version = requested === 0 ? state.current : requested
          const record = state.versions.get(version)
          if (record === undefined) return yield* new VersionNotFound({ version })
          const cached = cache.get(version)
          if (cached !== undefined) return cached
          return yield* loading.withPermits(1)(
            Effect.suspend(() => {
              const again = cache.get(version)
              if (again !== undefined) return Effect.succeed(again)
              return Effect.tap(loadUncached(record), (loaded) =>
                Effect.sync(() => {
                  cache.set(version, loaded)
                  while (cache.size > CACHE_SIZE) {
                    const oldest = [...cache.keys()].filter((v) => v !== state.current).sort((a, b) => a - b)[0]
                    if (oldest === undefined) break
                    cache.delete(oldest)
                  }
                })
              )
            })
          )
        })

      const publish = (input: { readonly jobId: string; readonly commandId: Ids.CommandId; readonly by: string }) =>
        Effect.gen(function* () {
          const job = (yield* StreamView.read(
            streams.partitionJob(input.jobId),
            PartitionJob.decider,
            partitionJobCodec
          ).pipe(Effect.provideService(EventStore.EventStore, store))).state
          if (job._tag === "None") return yield* new JobNotFound({ jobId: input.jobId })
          if (job._tag !== "Completed") {
            return yield* new JobNotCompleted({ jobId: input.jobId, status: PartitionJob.statusOf(job) })
          }
          const handled = yield* handle({
            _tag: "PublishGridVersion",
            commandId: input.commandId,
            jobId: input.jobId,
            unitSetId: job.request.unitSetId,
            bounds: job.request.bounds,
            baseVersion: job.request.baseVersion,
            result: job.completed.result,
            at: yield* Instant.now,
            by: input.by
          }).pipe(
            guard("publish a grid version", ["StaleBaseVersion", "RetiredIdReused", "JobAlreadyPublished"]),
            Effect.provideService(EventStore.EventStore, store)
          )
          const events = yield* Effect.forEach(handled.events, (envelope) =>
            Effect.fromResult(registryCodec.decode(envelope)).pipe(Effect.orDie)
          )
          const published = events.find((e) => e._tag === "GridVersionPublished")
          const version = published === undefined ? undefined : handled.state.versions.get(published.version)
          if (version === undefined) return yield* Effect.die(new Error("publication produced no GridVersionPublished"))
          const retired = events.filter((e): e is GridRetired => e._tag === "GridRetired")
          yield* Effect.ignore(load(version.version))
          return { version, retired, duplicate: handled.duplicate }
        })

      return GridVersions.of({ registry: view.get, publish, load })
    })
  )
}
