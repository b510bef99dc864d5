import { assert, describe, it, layer } from "@effect/vitest"
import { EventStore, Ids, InMemoryOutbox, Instant, Outbox } from "@gridwork/core"
import { Effect, Layer, Result } from "effect"
import * as Publisher from "../src/jetstream/Publisher"
import * as OutboxRelay from "../src/relay/OutboxRelay"
import { eventually } from "./support/Eventually"
import { append, pendingRows, relayAcrossRestart, streamEventIds } from "./support/RelayRestart"
import { client, TestNats } from "./support/TestNats"

const occurredAt = Instant.unsafeFromIso("2026-10-01T08:00:00+08:00")

const freshLocality = Effect.map(Ids.makeUuidV7, (id) => `r${id.replaceAll("-", "").slice(-12)}`)

const outboxLayer = InMemoryOutbox.layer(Outbox.moduleSubjects({ module: "petition", locality: "lanxi" }))

describe("OutboxRelay options", () => {
  it("names the field and the rule of a bad option", () => {
    const cases: ReadonlyArray<readonly [OutboxRelay.OutboxRelayOptions, string]> = [
      [{ batchSize: 0 }, "batchSize"],
      [{ maxInFlight: 1.5 }, "maxInFlight"],
      [{ pollInterval: -1 }, "pollInterval"],
      [{ owner: "has space" }, "owner"],
      [{ retry: { initial: "2 seconds", max: "1 second" } }, "retry.max"]
    ]
    for (const [options, field] of cases) {
      const resolved = OutboxRelay.resolveOptions(options)
      assert.isTrue(Result.isFailure(resolved), field)
      if (Result.isFailure(resolved)) assert.strictEqual(resolved.failure.field, field)
    }
    assert.isTrue(Result.isSuccess(OutboxRelay.resolveOptions({})))
  })
})

layer(TestNats.layer, { timeout: 60_000, excludeTestServices: true })("OutboxRelay on a real nats-server", (it) => {
  it.effect("publishes every outbox row once, in outbox order, and marks them sent", () =>
    Effect.gen(function* () {
      const locality = yield* freshLocality
      const ids = yield* append(300, locality)
      const relay = yield* OutboxRelay.start({ batchSize: 120, maxInFlight: 50 })
      yield* eventually(
        "the outbox is empty",
        Effect.map(pendingRows, (pending) => pending === 0)
      )
      const stream = `GW_${locality.toUpperCase()}_PETITION`
      assert.deepStrictEqual(yield* streamEventIds(stream), ids)
      const stats = yield* relay.stats
      assert.strictEqual(stats.marked, 300)
      assert.strictEqual(stats.published, 300)
      assert.strictEqual(stats.failures, 0)
      // New rows keep flowing while the relay runs.
      const more = yield* append(5, locality)
      yield* eventually(
        "the new rows are sent",
        Effect.map(pendingRows, (pending) => pending === 0)
      )
      assert.deepStrictEqual(yield* streamEventIds(stream), [...ids, ...more])
    }).pipe(
      Effect.scoped,
      Effect.provide(Publisher.layer().pipe(Layer.provideMerge(client()), Layer.merge(outboxLayer)))
    )
  )

  it.effect("one round reports what it read, published and marked", () =>
    Effect.gen(function* () {
      const locality = yield* freshLocality
      assert.strictEqual((yield* OutboxRelay.round()).read, 0)
      yield* append(3, locality)
      const first = yield* OutboxRelay.round({ batchSize: 2 })
      assert.deepStrictEqual(
        { ...first, failed: first.failed.length },
        {
          read: 2,
          published: 2,
          duplicates: 0,
          marked: 2,
          failed: 0
        }
      )
      const second = yield* OutboxRelay.round({ batchSize: 2 })
      assert.strictEqual(second.read, 1)
      assert.strictEqual(yield* pendingRows, 0)
    }).pipe(Effect.provide(Publisher.layer().pipe(Layer.provideMerge(client()), Layer.merge(outboxLayer))))
  )

  it.effect("a row whose subject has no stream stays pending and does not hold back the others", () =>
    Effect.gen(function* () {
      const store = yield* EventStore.EventStore
      const good = yield* append(2, yield* freshLocality)
      const badId = yield* Ids.makeEventId
      // The router below gives this event a two-token subject, valid on the bus but outside gw.<locality>.<module>.<event>.
      yield* store.append(`case-${badId}`, "no-stream", [
        { eventId: badId, type: "Orphaned", schemaVersion: 1, data: {}, metadata: {}, occurredAt }
      ])
      const result = yield* OutboxRelay.round()
      assert.strictEqual(result.read, 3)
      assert.strictEqual(result.marked, 2)
      assert.strictEqual(result.failed.length, 1)
      assert.strictEqual(result.failed[0]!.message.event.eventId, badId)
      assert.strictEqual(result.failed[0]!.error._tag, "PublishRejected")
      const pending = yield* Effect.flatMap(Effect.service(Outbox.Outbox), (outbox) => outbox.pending(10))
      assert.deepStrictEqual(
        pending.map((message) => message.event.eventId),
        [badId]
      )
      assert.strictEqual(good.length, 2)
    }).pipe(
      Effect.provide(
        Publisher.layer().pipe(
          Layer.provideMerge(client()),
          Layer.merge(
            InMemoryOutbox.layer((streamId, event) =>
              event.type === "Orphaned"
                ? "gw.orphan"
                : Outbox.moduleSubjects({ module: "petition", locality: "lanxi" })(streamId, event)
            )
          )
        )
      )
    )
  )
})

describe("OutboxRelay across a server restart", () => {
  it.live(
    "marks rows sent only after the PubAck: with the server down they stay pending, after its restart each is stored once",
    () => relayAcrossRestart(outboxLayer),
    60_000
  )
})
