/**
 * The relay's "PubAck before markSent" scenario across a nats-server restart, run on
 * any event store + outbox (in memory, or PostgreSQL): rows appended while the server
 * is down stay pending; after the server restarts on the same port and store, they
 * are sent and the stream holds each event once.
 */

import { assert } from "@effect/vitest"
import { EventStore, Ids, Instant, Outbox } from "@gridwork/core"
import { Effect, Layer, Result } from "effect"
import * as CloudEventEnvelope from "../../src/envelope/CloudEventEnvelope"
import * as NatsClient from "../../src/jetstream/NatsClient"
import * as Publisher from "../../src/jetstream/Publisher"
import * as OutboxRelay from "../../src/relay/OutboxRelay"
import { eventually } from "./Eventually"
import { readStream, start } from "./TestNats"

const occurredAt = Instant.unsafeFromIso("2026-10-01T08:00:00+08:00")

/** Appends `count` events, one stream each, routed to `locality` by their metadata. */
export const append = (count: number, locality: string) =>
  Effect.gen(function* () {
    const store = yield* EventStore.EventStore
    const ids: Array<string> = []
    for (let index = 0; index < count; index++) {
      const eventId = yield* Ids.makeEventId
      ids.push(eventId)
      yield* store.append(`case-${eventId}`, "no-stream", [
        {
          eventId,
          type: "PetitionRegistered",
          schemaVersion: 1,
          data: { _tag: "PetitionRegistered", title: `petition ${index}`, village: "v" },
          metadata: { locality, correlationId: eventId },
          occurredAt
        }
      ])
    }
    return ids
  })

/** How many outbox rows are unsent. */
export const pendingRows = Effect.flatMap(Effect.service(Outbox.Outbox), (outbox) =>
  Effect.map(outbox.stats, (stats) => stats.pending)
)

/** The event ids in a stream, in stream order, decoded from their CloudEvents. */
export const streamEventIds = (name: string) =>
  Effect.map(readStream(name), (messages) =>
    messages.map((message) => {
      const decoded = CloudEventEnvelope.decode(message.subject, message.data)
      if (Result.isFailure(decoded)) throw decoded.failure
      return decoded.success.event.eventId as string
    })
  )

/** Runs the scenario with `store` providing the event store and its outbox (built once for the whole scenario). */
export const relayAcrossRestart = <E, R>(store: Layer.Layer<EventStore.EventStore | Outbox.Outbox, E, R>) =>
  Effect.gen(function* () {
    const first = yield* start()
    let server = first
    yield* Effect.addFinalizer(() => Effect.promise(() => server.stop()))
    const locality = `r${(yield* Ids.makeUuidV7).replaceAll("-", "").slice(-12)}`
    const stream = `GW_${locality.toUpperCase()}_PETITION`
    const program = Effect.gen(function* () {
      const relay = yield* OutboxRelay.start({ retry: { initial: 50, max: 500 } })
      const before = yield* append(5, locality)
      yield* eventually(
        "the first rows are sent",
        Effect.map(pendingRows, (pending) => pending === 0)
      )

      yield* Effect.promise(() => first.stop({ keepStore: true }))
      const during = yield* append(5, locality)
      const failuresBefore = (yield* relay.stats).failures
      yield* eventually(
        "the relay failed to publish",
        Effect.map(relay.stats, (stats) => stats.failures > failuresBefore)
      )
      // No PubAck, no mark: every row written while the server is down is still pending.
      assert.strictEqual(yield* pendingRows, 5)

      server = yield* start({ storeDir: first.storeDir, port: first.port })
      yield* eventually(
        "the rows are sent after the restart",
        Effect.map(pendingRows, (pending) => pending === 0)
      )
      const stored = yield* streamEventIds(stream)
      assert.strictEqual(stored.length, 10, "each event stored once")
      assert.deepStrictEqual(new Set(stored), new Set([...before, ...during]))
    })
    yield* program.pipe(
      Effect.scoped,
      Effect.provide(
        Publisher.layer({ modules: [{ locality, module: "petition" }] }).pipe(
          Layer.provideMerge(NatsClient.layer({ url: first.url, reconnectWait: 100, timeout: 1_000 })),
          Layer.merge(store)
        )
      )
    )
  }).pipe(Effect.scoped)
