import { assert, describe, it } from "@effect/vitest"
import { Context, Deferred, Effect, Exit, Fiber, Layer, Logger, Ref, Result, Scope, Stream } from "effect"
import { TestClock } from "effect/testing"
import {
  Bus,
  EventStore,
  Ids,
  InMemoryBus,
  InMemoryOutbox,
  Instant,
  Outbox,
  OutboxBusRelay,
  OutboxRelayLoop
} from "../src"
import { occurredAt } from "./BusFixtures"
import { eventually, withPatientClock } from "./PatientClock"

const stores = Layer.mergeAll(
  InMemoryOutbox.layer(Outbox.moduleSubjects({ module: "petition", locality: "lanxi" })),
  InMemoryBus.layer
)

/** Stores `types` as new events of `streamId`; returns their envelopes. */
const append = (streamId: string, types: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const store = yield* EventStore.EventStore
    const events = yield* Effect.forEach(types, (type) =>
      Effect.map(
        Ids.makeEventId,
        (eventId): EventStore.NewEvent => ({ eventId, type, schemaVersion: 1, data: {}, metadata: {}, occurredAt })
      )
    )
    return (yield* store.append(streamId, "any", events)).events
  })

const subjectOf = (event: EventStore.EventEnvelope) =>
  Bus.subjectFor({ locality: "lanxi", module: "petition", eventType: event.type })

/** The first `count` messages the bus holds, in publish order (a new durable receives every retained message). */
const received = (count: number) =>
  Effect.scoped(
    Effect.gen(function* () {
      const bus = yield* Bus.Bus
      const deliveries = yield* bus.subscribe({ durable: `watcher-${yield* Ids.makeEventId}`, subject: "gw.>" })
      const taken = yield* Stream.runCollect(Stream.take(deliveries, count))
      return taken.map((delivery) => delivery.message)
    })
  )

const pendingIds = Effect.flatMap(Outbox.Outbox, (outbox) => outbox.pending(100)).pipe(
  Effect.map((messages) => messages.map((message) => message.event.eventId))
)

/** How the bus in front of the in-memory one misbehaves. */
interface Faults {
  /** Publishes accepted before the bus becomes unavailable. */
  readonly accept: number
  /** Event ids the bus rejects as invalid. */
  readonly rejected: ReadonlySet<string>
  /** Publishes signal `entered`, then wait for `release`. */
  readonly hold?: { readonly entered: Deferred.Deferred<void>; readonly release: Deferred.Deferred<void> } | undefined
}

/** Runs `body` with a `Bus` that applies the faults in the `Ref`, then publishes on the in-memory bus. */
const withFaultyBus = <A, E, R>(body: (faults: Ref.Ref<Faults>) => Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const inner = yield* Bus.Bus
    const faults = yield* Ref.make<Faults>({ accept: Number.POSITIVE_INFINITY, rejected: new Set() })
    const publish: Bus.BusService["publish"] = (message) =>
      Effect.gen(function* () {
        const now = yield* Ref.get(faults)
        if (now.hold !== undefined) {
          yield* Deferred.succeed(now.hold.entered, undefined)
          yield* Deferred.await(now.hold.release)
        }
        if (now.rejected.has(message.event.eventId)) {
          return yield* new Bus.InvalidBusRequest({ operation: "publish", path: "subject", reason: "no stream" })
        }
        if (now.accept <= 0) return yield* new Bus.BusUnavailable({ operation: "publish", cause: "connection lost" })
        yield* Ref.update(faults, (f) => ({ ...f, accept: f.accept - 1 }))
        return yield* inner.publish(message)
      })
    return yield* Effect.provideService(body(faults), Bus.Bus, Bus.Bus.of({ publish, subscribe: inner.subscribe }))
  })

/** Collects `LEVEL: message` lines. */
const capture = () => {
  const lines: Array<string> = []
  const logger = Logger.make<unknown, void>((options) => {
    const parts = Array.isArray(options.message) ? options.message : [options.message]
    lines.push(`${String(options.logLevel).toUpperCase()}: ${parts.map(String).join(" ")}`)
  })
  return { lines, layer: Logger.layer([logger]) }
}

describe("OutboxBusRelay.round", () => {
  it.effect("publishes the pending rows oldest first as stored, then marks them sent", () =>
    Effect.gen(function* () {
      const first = yield* append("petition-1", ["PetitionRegistered", "PetitionRouted"])
      const second = yield* append("petition-2", ["PetitionRegistered"])
      const stored = [...first, ...second]
      const result = yield* OutboxBusRelay.round()
      assert.deepStrictEqual(result, { read: 3, published: 3, duplicates: 0, marked: 3, failed: [], deferred: 0 })
      assert.deepStrictEqual(yield* Outbox.Outbox.use((outbox) => outbox.stats), { pending: 0, sent: 3 })
      assert.deepStrictEqual(
        yield* received(3),
        stored.map((event) => ({ subject: subjectOf(event), event }))
      )
      // Nothing is left: the next round reads nothing.
      assert.strictEqual((yield* OutboxBusRelay.round()).read, 0)
    }).pipe(Effect.provide(stores))
  )

  it.effect("publishes with the event id: a row the bus already holds is a duplicate, and is marked sent", () =>
    Effect.gen(function* () {
      const [event, later] = yield* append("petition-1", ["PetitionRegistered", "PetitionRouted"])
      // A relay that crashed after the publish and before markSent.
      yield* Bus.Bus.use((bus) => bus.publish({ subject: subjectOf(event!), event: event! }))
      const result = yield* OutboxBusRelay.round()
      assert.deepStrictEqual(result, { read: 2, published: 1, duplicates: 1, marked: 2, failed: [], deferred: 0 })
      const messages = yield* received(2)
      assert.deepStrictEqual(
        messages.map((message) => message.event.eventId),
        [event!.eventId, later!.eventId]
      )
    }).pipe(Effect.provide(stores))
  )

  it.effect("when the bus becomes unavailable, marks what it accepted and leaves the rest pending, in order", () =>
    withFaultyBus((faults) =>
      Effect.gen(function* () {
        const stored = yield* append("petition-1", ["PetitionRegistered", "PetitionRouted", "PetitionAccepted"])
        yield* Ref.update(faults, (f) => ({ ...f, accept: 1 }))
        const result = yield* OutboxBusRelay.round()
        assert.strictEqual(result.marked, 1)
        assert.strictEqual(result.deferred, 1)
        assert.deepStrictEqual(
          result.failed.map((failure) => [failure.message.event.eventId, failure.error._tag]),
          [[stored[1]!.eventId, "BusUnavailable"]]
        )
        assert.deepStrictEqual(yield* pendingIds, [stored[1]!.eventId, stored[2]!.eventId])
        // The bus is back: the rest goes out, after the first.
        yield* Ref.update(faults, (f) => ({ ...f, accept: Number.POSITIVE_INFINITY }))
        assert.strictEqual((yield* OutboxBusRelay.round()).marked, 2)
        assert.deepStrictEqual(
          (yield* received(3)).map((message) => message.event.eventId),
          stored.map((event) => event.eventId)
        )
        assert.deepStrictEqual(yield* pendingIds, [])
      })
    ).pipe(Effect.provide(stores))
  )

  it.effect("a row the bus rejects stays pending and does not hold back the rows behind it", () =>
    withFaultyBus((faults) =>
      Effect.gen(function* () {
        const stored = yield* append("petition-1", ["PetitionRegistered", "PetitionRouted", "PetitionAccepted"])
        yield* Ref.update(faults, (f) => ({ ...f, rejected: new Set([stored[0]!.eventId]) }))
        const result = yield* OutboxBusRelay.round()
        assert.strictEqual(result.marked, 2)
        assert.strictEqual(result.deferred, 0)
        assert.deepStrictEqual(
          result.failed.map((failure) => [failure.message.event.eventId, failure.error._tag]),
          [[stored[0]!.eventId, "InvalidBusRequest"]]
        )
        assert.deepStrictEqual(yield* pendingIds, [stored[0]!.eventId])
      })
    ).pipe(Effect.provide(stores))
  )

  it.effect("with an owner, claims the rows with a lease that other relays respect", () =>
    withFaultyBus((faults) =>
      Effect.gen(function* () {
        const stored = yield* append("petition-1", ["PetitionRegistered"])
        yield* Ref.update(faults, (f) => ({ ...f, accept: 0 }))
        const options = { owner: "relay-a", lease: "1 minute" } as const
        assert.strictEqual((yield* OutboxBusRelay.round(options)).failed.length, 1)
        const outbox = yield* Outbox.Outbox
        const claim = (owner: string) =>
          Effect.flatMap(Instant.now, (now) => outbox.claim({ owner, limit: 10, now, leaseMillis: 1 }))
        assert.deepStrictEqual(yield* claim("relay-b"), [])
        yield* Ref.update(faults, (f) => ({ ...f, accept: Number.POSITIVE_INFINITY }))
        assert.strictEqual((yield* OutboxBusRelay.round(options)).marked, 1)
        assert.deepStrictEqual(
          (yield* received(1)).map((message) => message.event.eventId),
          [stored[0]!.eventId]
        )
      })
    ).pipe(Effect.provide(stores))
  )
})

describe("OutboxBusRelay options", () => {
  it("reads 256 rows per round by default; the rest are the loop's defaults", () => {
    const defaults = Result.getOrThrow(OutboxBusRelay.resolveOptions())
    assert.strictEqual(defaults.batchSize, 256)
    assert.deepStrictEqual(defaults, Result.getOrThrow(OutboxRelayLoop.resolveOptions({}, { batchSize: 256 })))
  })

  it.effect("a bad option fails the round and the layer, naming the field", () =>
    Effect.gen(function* () {
      const roundError = yield* Effect.flip(OutboxBusRelay.round({ pollInterval: "0 millis" }))
      assert.include(roundError, { _tag: "RelayOptionsInvalid", field: "pollInterval" })
      const error = yield* Effect.flip(Layer.build(OutboxBusRelay.layer({ batchSize: -1 })))
      assert.include(error, { _tag: "RelayOptionsInvalid", field: "batchSize" })
      assert.strictEqual(error.message, "outbox relay: batchSize: expected a positive integer, got -1")
    }).pipe(Effect.scoped, Effect.provide(stores))
  )
})

/**
 * Appends one event and starts the relay in a scope of its own, with the bus holding
 * its publish until `release`; returns once the relay is inside that publish.
 */
const startHeld = (faults: Ref.Ref<Faults>, options: OutboxBusRelay.Options) =>
  Effect.gen(function* () {
    const hold = { entered: yield* Deferred.make<void>(), release: yield* Deferred.make<void>() }
    yield* Ref.update(faults, (f) => ({ ...f, hold }))
    const [event] = yield* append("petition-1", ["PetitionRegistered"])
    const scope = yield* Scope.make()
    yield* Layer.buildWithScope(OutboxBusRelay.layer(options), scope)
    yield* Deferred.await(hold.entered)
    return { event: event!, scope, release: hold.release }
  })

describe("OutboxBusRelay.layer", () => {
  it.effect("relays rows appended while it runs, backs off while the bus is unavailable, then catches up", () =>
    withFaultyBus((faults) =>
      Effect.gen(function* () {
        const context = yield* Layer.build(
          OutboxBusRelay.layer({ pollInterval: "1 second", retry: { initial: "10 seconds", max: "40 seconds" } })
        )
        const relay = Context.get(context, OutboxBusRelay.OutboxBusRelay)
        const marked = (count: number) => Effect.map(relay.stats, (stats) => stats.marked === count)

        const first = yield* append("petition-1", ["PetitionRegistered", "PetitionRouted"])
        yield* TestClock.adjust("1 second")
        yield* eventually(marked(2))

        // The bus goes away: the row stays pending through the failed round and the backoff.
        yield* Ref.update(faults, (f) => ({ ...f, accept: 0 }))
        const [late] = yield* append("petition-1", ["PetitionAccepted"])
        yield* TestClock.adjust("1 second")
        yield* eventually(Effect.map(relay.stats, (stats) => stats.failures === 1))
        assert.deepStrictEqual(yield* pendingIds, [late!.eventId])

        // Retried after retry.initial, then after twice as long.
        const failures = Effect.map(relay.stats, (stats) => stats.failures)
        yield* TestClock.adjust("10 seconds")
        yield* eventually(Effect.map(failures, (count) => count === 2))
        yield* Ref.update(faults, (f) => ({ ...f, accept: Number.POSITIVE_INFINITY }))
        yield* TestClock.adjust("19 seconds")
        assert.strictEqual(yield* failures, 2)
        assert.deepStrictEqual(yield* pendingIds, [late!.eventId])
        yield* TestClock.adjust("1 second")
        yield* eventually(marked(3))
        assert.deepStrictEqual(yield* pendingIds, [])
        const stats = yield* relay.stats
        assert.deepStrictEqual(
          { ...stats, lastError: stats.lastError?.includes("connection lost") },
          { rounds: 4, published: 3, duplicates: 0, marked: 3, failures: 2, stuck: 0, lastError: true }
        )
        assert.deepStrictEqual(
          (yield* received(3)).map((message) => message.event.eventId),
          [...first, late!].map((event) => event.eventId)
        )
      })
    ).pipe(Effect.scoped, Effect.provide(stores), withPatientClock)
  )

  it.effect("counts a rejected row as stuck and logs it once, while the rows behind it go out", () => {
    const logs = capture()
    return withFaultyBus((faults) =>
      Effect.gen(function* () {
        const [poison] = yield* append("petition-1", ["PetitionRegistered"])
        yield* Ref.update(faults, (f) => ({ ...f, rejected: new Set([poison!.eventId]) }))
        const context = yield* Layer.build(OutboxBusRelay.layer({ pollInterval: "1 second" }))
        const relay = Context.get(context, OutboxBusRelay.OutboxBusRelay)
        yield* eventually(Effect.map(relay.stats, (stats) => stats.stuck === 1))
        // It stays pending for an operator; rows behind it still go out.
        const [next] = yield* append("petition-1", ["PetitionRouted"])
        yield* TestClock.adjust("1 second")
        yield* eventually(Effect.map(relay.stats, (stats) => stats.marked === 1))
        assert.deepStrictEqual(yield* pendingIds, [poison!.eventId])
        assert.deepStrictEqual(
          (yield* received(1)).map((message) => message.event.eventId),
          [next!.eventId]
        )
        assert.strictEqual((yield* relay.stats).stuck, 1)
        yield* TestClock.adjust("5 seconds")
        assert.isAbove((yield* relay.stats).rounds, 3)
        assert.deepStrictEqual(
          logs.lines.filter((line) => line.includes(poison!.eventId)),
          [
            `ERROR: outbox relay: event ${poison!.eventId} can never be published as it is; it stays pending: publish: subject: no stream`
          ]
        )
      })
    ).pipe(Effect.scoped, Effect.provide(stores), Effect.provide(logs.layer), withPatientClock)
  })

  it.effect("closing the layer lets the round in progress finish and mark its rows", () =>
    withFaultyBus((faults) =>
      Effect.gen(function* () {
        const { event, scope, release } = yield* startHeld(faults, {})
        // Closing has begun (it runs until it waits for the relay) before the bus answers.
        const closing = yield* Effect.forkChild(Scope.close(scope, Exit.void), { startImmediately: true })
        yield* Ref.update(faults, (f) => ({ ...f, hold: undefined }))
        yield* Deferred.succeed(release, undefined)
        yield* Fiber.join(closing)
        assert.deepStrictEqual(yield* Outbox.Outbox.use((outbox) => outbox.stats), { pending: 0, sent: 1 })
        assert.deepStrictEqual(
          (yield* received(1)).map((message) => message.event.eventId),
          [event.eventId]
        )
      })
    ).pipe(Effect.provide(stores), withPatientClock)
  )

  it.effect("a round that outlasts stopTimeout is interrupted; its rows stay pending", () =>
    withFaultyBus((faults) =>
      Effect.gen(function* () {
        const { event, scope, release } = yield* startHeld(faults, { stopTimeout: "5 seconds" })
        const closed = yield* Deferred.make<void>()
        yield* Effect.forkChild(Effect.andThen(Scope.close(scope, Exit.void), Deferred.succeed(closed, undefined)), {
          startImmediately: true
        })
        // Closing waits for the round, at most stopTimeout of the clock.
        for (let second = 0; second < 60 && !(yield* Deferred.isDone(closed)); second++) {
          yield* TestClock.adjust("1 second")
        }
        assert.isTrue(yield* Deferred.isDone(closed))
        assert.deepStrictEqual(yield* pendingIds, [event.eventId])
        // The relay is gone: nothing publishes the row any more.
        yield* Deferred.succeed(release, undefined)
        yield* TestClock.adjust("1 minute")
        assert.deepStrictEqual(yield* pendingIds, [event.eventId])
      })
    ).pipe(Effect.provide(stores), withPatientClock)
  )
})
