/**
 * A stream's folded state, kept up to date: each read catches up with the events
 * appended since the last one (one query when nothing changed), so several service
 * instances reading one database see each other's writes, and a restart rebuilds the
 * state from the stream.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { GridEvents, GridRegistry, StreamView } from "@gridwork/service-grid"
 *
 * const program = Effect.gen(function* () {
 *   const view = yield* StreamView.make("grid-registry:providence", GridRegistry.decider, GridEvents.registryCodec)
 *   const { state, version } = yield* view.get
 *   return state.current
 * })
 * ```
 * @module
 */
import { type Decider, EventCodec, EventStore } from "@gridwork/core"
import { Effect, Semaphore } from "effect"
import { guard, type StorageUnavailable } from "./StorageUnavailable"

/** A folded state and the stream version it includes. */
export interface Snapshot<S> {
  readonly state: S
  readonly version: number
}

/** A view of one stream. */
export interface StreamView<S> {
  /** The state with every event appended so far. */
  readonly get: Effect.Effect<Snapshot<S>, StorageUnavailable>
}

/** Reads and folds a whole stream once (for short streams read now and then). */
export const read = <C, E, S, Err>(
  streamId: string,
  decider: Decider.Decider<C, E, S, Err>,
  codec: EventCodec.EventCodec<E>
): Effect.Effect<Snapshot<S>, StorageUnavailable, EventStore.EventStore> =>
  Effect.gen(function* () {
    const store = yield* EventStore.EventStore
    const stored = yield* store.readStream(streamId)
    const events = yield* EventCodec.decodeAll(codec, stored)
    let state = decider.initialState
    for (const event of events) state = decider.evolve(state, event)
    return { state, version: stored.length === 0 ? 0 : stored[stored.length - 1]!.streamVersion }
  }).pipe(guard(`read ${streamId}`))

/** A view of `streamId`, folded with `decider` after decoding with `codec`. */
export const make = <C, E, S, Err>(
  streamId: string,
  decider: Decider.Decider<C, E, S, Err>,
  codec: EventCodec.EventCodec<E>
): Effect.Effect<StreamView<S>, never, EventStore.EventStore> =>
  Effect.gen(function* () {
    const store = yield* EventStore.EventStore
    const lock = yield* Semaphore.make(1)
    let cached: Snapshot<S> = { state: decider.initialState, version: 0 }
    const get = lock
      .withPermits(1)(
        Effect.gen(function* () {
          const fresh = yield* store.readStream(streamId, cached.version + 1)
          if (fresh.length === 0) return cached
          const events = yield* EventCodec.decodeAll(codec, fresh)
          let state = cached.state
          for (const event of events) state = decider.evolve(state, event)
          cached = { state, version: fresh[fresh.length - 1]!.streamVersion }
          return cached
        })
      )
      .pipe(guard(`read ${streamId}`))
    return { get }
  })
