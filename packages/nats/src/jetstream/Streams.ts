/**
 * Ensuring a JetStream stream exists with Gridwork's settings: created when missing,
 * updated when its limits differ, left alone when they match. Safe to run at every
 * start, from every replica (a concurrent creation is retried as an update).
 *
 * Every stream uses **file storage**, limits retention with `discard: old`, and a
 * **duplicate window** (default {@link DEFAULT_DUPLICATE_WINDOW}, 2 minutes): inside
 * the window JetStream drops a second publish of the same `Nats-Msg-Id` (the event
 * id) and answers with the original sequence and `duplicate: true`. Outside the
 * window a republished event is stored again, which is why consumers keep an inbox:
 * PostgreSQL is the system of record, JetStream the transport. Note that JetStream
 * acknowledges a publish once the message is in the stream's memory, before it is
 * fsynced to disk (unless the server runs with `sync_interval: always`), so a PubAck
 * is never a durability guarantee: the outbox row stays the source of truth.
 *
 * The window should exceed the longest time a relay may take to republish after a
 * crash (its poll interval plus backoff); 2 minutes covers the relay's defaults.
 *
 * @example
 * ```ts
 * import { Duration, Effect } from "effect"
 * import { NatsClient, Streams, StreamLayout } from "@gridwork/nats"
 *
 * const program = Effect.gen(function* () {
 *   const client = yield* NatsClient.NatsClient
 *   const placement = StreamLayout.forModule(StreamLayout.perModule, { locality: "lanxi", module: "petition" })
 *   yield* Streams.ensure(client.manager, placement, { ...Streams.defaultSettings, maxAge: Duration.days(30) })
 * })
 * ```
 * @module
 */
import {
  DiscardPolicy,
  JetStreamApiError,
  type JetStreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
  type StreamInfo
} from "@nats-io/jetstream"
import { Duration, Effect, Schema } from "effect"
import { type NatsUnavailable, wrap } from "./NatsUnavailable"
import type { StreamPlacement } from "./StreamLayout"

/** The default duplicate window: 2 minutes. */
export const DEFAULT_DUPLICATE_WINDOW: Duration.Duration = Duration.minutes(2)

/** The tunable settings of Gridwork streams. */
export interface StreamSettings {
  /** How long JetStream remembers a `Nats-Msg-Id` to drop duplicates (default 2 minutes). */
  readonly duplicateWindow: Duration.Duration
  /** Messages older than this are removed (default: kept until `maxBytes`). */
  readonly maxAge?: Duration.Duration | undefined
  /** The stream's size limit in bytes; the oldest messages go first (default: none). */
  readonly maxBytes?: number | undefined
  /** Copies kept in a cluster (default 1; 3 in a three-node cluster). */
  readonly replicas: number
}

/** File storage, 2-minute duplicate window, no age or size limit, one replica. */
export const defaultSettings: StreamSettings = { duplicateWindow: DEFAULT_DUPLICATE_WINDOW, replicas: 1 }

/** The stream exists with settings Gridwork cannot change in place (other subjects, memory storage, overlapping subjects). */
export class StreamConflict extends Schema.TaggedError<StreamConflict>()("StreamConflict", {
  stream: Schema.String,
  reason: Schema.String
}) {
  /** Names the stream and the conflict. */
  override get message(): string {
    return `stream ${this.stream}: ${this.reason}`
  }
}

const nanos = (duration: Duration.Duration): number => Math.round(Duration.toMillis(duration)) * 1_000_000

/** The JetStream configuration of a Gridwork stream. */
export const streamConfig = (placement: StreamPlacement, settings: StreamSettings): Partial<StreamConfig> => ({
  name: placement.name,
  subjects: [placement.subjects],
  storage: StorageType.File,
  retention: RetentionPolicy.Limits,
  discard: DiscardPolicy.Old,
  duplicate_window: nanos(settings.duplicateWindow),
  max_age: settings.maxAge === undefined ? 0 : nanos(settings.maxAge),
  max_bytes: settings.maxBytes ?? -1,
  num_replicas: settings.replicas
})

/** JetStream API error codes this module reacts to. */
const STREAM_NOT_FOUND = 10059
const STREAM_NAME_IN_USE = 10058
const SUBJECTS_OVERLAP = 10065

const apiCode = (error: unknown): number | undefined => (error instanceof JetStreamApiError ? error.code : undefined)

/** Which of the tunable settings of an existing stream differ from the wanted ones. */
const differences = (config: StreamConfig, wanted: Partial<StreamConfig>): ReadonlyArray<string> =>
  (["duplicate_window", "max_age", "max_bytes", "num_replicas"] as const).filter((key) => config[key] !== wanted[key])

/** A replica created the stream between our lookup and our creation. */
class CreatedConcurrently {
  readonly _tag = "CreatedConcurrently"
}

/**
 * Creates the stream, or updates its limits when they differ; returns its info.
 * Fails with {@link StreamConflict} when the stream holds other subjects, uses memory
 * storage, or its subjects overlap another stream's.
 */
export const ensure = (
  manager: JetStreamManager,
  placement: StreamPlacement,
  settings: StreamSettings = defaultSettings
): Effect.Effect<StreamInfo, StreamConflict | NatsUnavailable> => {
  const wanted = { ...streamConfig(placement, settings), name: placement.name }
  const operation = `ensure stream ${placement.name}`
  const conflict = (reason: string) => new StreamConflict({ stream: placement.name, reason })

  const create: Effect.Effect<StreamInfo, StreamConflict | NatsUnavailable | CreatedConcurrently> = Effect.tryPromise({
    try: () => manager.streams.add(wanted),
    catch: (error) => {
      const code = apiCode(error)
      if (code === SUBJECTS_OVERLAP) {
        return conflict(
          `its subjects ${placement.subjects} overlap another stream's: one server holds one stream layout (per module, or a single stream)`
        )
      }
      return code === STREAM_NAME_IN_USE ? new CreatedConcurrently() : wrap(operation)(error)
    }
  }).pipe(Effect.tap(() => Effect.logInfo(`created stream ${placement.name} (${placement.subjects})`)))

  const check = (info: StreamInfo): Effect.Effect<StreamInfo, StreamConflict | NatsUnavailable> => {
    const config = info.config
    if (!config.subjects?.includes(placement.subjects)) {
      return Effect.fail(
        conflict(
          `holds ${JSON.stringify(config.subjects ?? [])}, not ${placement.subjects} (two localities or modules map to this name, or it was created by hand)`
        )
      )
    }
    if (config.storage !== StorageType.File) {
      return Effect.fail(conflict("uses memory storage; Gridwork streams use file storage: recreate it"))
    }
    const changed = differences(config, wanted)
    if (changed.length === 0) return Effect.succeed(info)
    return Effect.tryPromise({
      try: () => manager.streams.update(placement.name, { ...config, ...wanted, subjects: config.subjects }),
      catch: wrap(`${operation} (update ${changed.join(", ")})`)
    }).pipe(Effect.tap(() => Effect.logInfo(`updated stream ${placement.name}: ${changed.join(", ")}`)))
  }

  const attempt: Effect.Effect<StreamInfo, StreamConflict | NatsUnavailable | CreatedConcurrently> = Effect.tryPromise({
    try: () => manager.streams.info(placement.name),
    catch: (error) => error
  }).pipe(
    Effect.matchEffect({
      onFailure: (error) => (apiCode(error) === STREAM_NOT_FOUND ? create : Effect.fail(wrap(operation)(error))),
      onSuccess: check
    })
  )

  const lookAgain = (error: StreamConflict | NatsUnavailable | CreatedConcurrently) =>
    error instanceof CreatedConcurrently
      ? Effect.mapError(attempt, (again) =>
          again instanceof CreatedConcurrently ? wrap(operation)(new Error("stream name in use")) : again
        )
      : Effect.fail(error)
  return Effect.catch(attempt, lookAgain)
}
