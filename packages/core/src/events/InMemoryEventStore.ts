/**
 * An in-memory {@link EventStore}: for tests, demos and embedding a module without a
 * database. It keeps every event for the life of the layer and passes the same
 * contract suite as the PostgreSQL store.
 *
 * Appends are serialized by a semaphore and applied in one synchronous step, so
 * concurrent appenders never interleave; reads return frozen envelopes without copying
 * (`data` and `metadata` are deep-copied and frozen on append, so neither the appender
 * nor a reader can change what is stored). Lookups by stream, event id and position
 * are O(1); `readStream` and `readAll` cost only the slice they return.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { EventStore, InMemoryEventStore } from "@gridwork/core"
 *
 * const program = Effect.gen(function* () {
 *   const store = yield* EventStore.EventStore
 *   return yield* store.lastGlobalPosition
 * }).pipe(Effect.provide(InMemoryEventStore.layer))
 *
 * console.log(Effect.runSync(program)) // 0: every layer starts empty
 * ```
 * @module
 */
import { Deferred, Effect, Exit, Layer, Semaphore } from "effect"
import {
  type AppendRequest,
  type AppendResult,
  catchUp,
  checkExpectedVersion,
  defaultBatchSize,
  type EventEnvelope,
  type EventIdConflict,
  EventStore,
  type EventStoreService,
  matchStored,
  type StreamVersionConflict,
  validateAppend,
  validateReadAll,
  validateReadStream
} from "./EventStore"
import { frozenCopy } from "./internal/frozen"

/** Builds a fresh, empty in-memory store. */
export const make: Effect.Effect<EventStoreService> = Effect.gen(function* () {
  const appendLock = yield* Semaphore.make(1)
  /** Every event; `log[p - 1]` has global position `p`. */
  const log: Array<EventEnvelope> = []
  /** The events of each stream; `stream[v - 1]` has stream version `v`. */
  const streams = new Map<string, Array<EventEnvelope>>()
  const byId = new Map<string, EventEnvelope>()
  /** Completed (and replaced) after each append that wrote events, to wake subscribers. */
  let appended = Deferred.makeUnsafe<void>()

  // One synchronous step: nothing else runs between the checks and the writes.
  const commit = ({
    streamId,
    expectedVersion,
    events
  }: AppendRequest): Effect.Effect<AppendResult, StreamVersionConflict | EventIdConflict> => {
    const match = matchStored(
      streamId,
      events,
      events.map((event) => byId.get(event.eventId))
    )
    if (match._tag === "Conflict") return Effect.fail(match.error)
    if (match._tag === "Duplicate") {
      return Effect.succeed({
        streamId,
        streamVersion: match.events.at(-1)!.streamVersion,
        events: match.events,
        duplicate: true
      })
    }
    let stream = streams.get(streamId)
    const actual = stream?.length ?? 0
    const conflict = checkExpectedVersion(streamId, expectedVersion, actual)
    if (conflict !== undefined) return Effect.fail(conflict)
    if (events.length === 0) {
      return Effect.succeed({ streamId, streamVersion: actual, events: [], duplicate: false })
    }
    if (stream === undefined) {
      stream = []
      streams.set(streamId, stream)
    }
    const stored: Array<EventEnvelope> = []
    for (const event of events) {
      const envelope: EventEnvelope = Object.freeze({
        eventId: event.eventId,
        streamId,
        streamVersion: stream.length + 1,
        globalPosition: log.length + 1,
        type: event.type,
        schemaVersion: event.schemaVersion,
        data: frozenCopy(event.data),
        metadata: frozenCopy(event.metadata),
        occurredAt: event.occurredAt
      })
      log.push(envelope)
      stream.push(envelope)
      byId.set(envelope.eventId, envelope)
      stored.push(envelope)
    }
    const wake = appended
    appended = Deferred.makeUnsafe<void>()
    Deferred.doneUnsafe(wake, Exit.void)
    return Effect.succeed({ streamId, streamVersion: stream.length, events: stored, duplicate: false })
  }

  const append: EventStoreService["append"] = (streamId, expectedVersion, events) =>
    validateAppend(streamId, expectedVersion, events).pipe(
      Effect.flatMap((request) => appendLock.withPermits(1)(Effect.suspend(() => commit(request))))
    )

  const readStream: EventStoreService["readStream"] = (streamId, fromVersion = 1) =>
    Effect.map(validateReadStream(streamId, fromVersion), (request) => {
      const stream = streams.get(request.streamId)
      return stream === undefined ? [] : stream.slice(request.fromVersion - 1)
    })

  const readPage = (from: number, limit: number): ReadonlyArray<EventEnvelope> => {
    const start = Math.max(from, 1) - 1
    return log.slice(start, start + limit)
  }

  const readAll: EventStoreService["readAll"] = (fromGlobalPosition, limit) =>
    Effect.map(validateReadAll(fromGlobalPosition, limit), (request) =>
      readPage(request.fromGlobalPosition, request.limit)
    )

  // Checking the length and taking the current signal happen in one synchronous step,
  // so an append cannot slip in between and be missed.
  const awaitPosition = (position: number): Effect.Effect<void> =>
    Effect.suspend(() => (log.length >= position ? Effect.void : Deferred.await(appended)))

  const subscribe: EventStoreService["subscribe"] = (fromGlobalPosition, options) =>
    catchUp(
      { readAll: (next, limit) => Effect.sync(() => readPage(next, limit)), awaitPosition },
      fromGlobalPosition,
      options?.batchSize ?? defaultBatchSize
    )

  return EventStore.of({
    append,
    readStream,
    readAll,
    subscribe,
    lastGlobalPosition: Effect.sync(() => log.length)
  })
})

/** A layer providing a fresh in-memory {@link EventStore}. */
export const layer: Layer.Layer<EventStore> = Layer.effect(EventStore, make)
