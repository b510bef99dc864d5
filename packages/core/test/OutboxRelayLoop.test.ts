import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Result } from "effect"
import { EventStore, Ids, InMemoryOutbox, Outbox, OutboxRelayLoop } from "../src"
import { occurredAt } from "./BusFixtures"

const settings = Result.getOrThrow(OutboxRelayLoop.resolveOptions({}, { batchSize: 10 }))

describe("OutboxRelayLoop options", () => {
  it("applies the relay's batch size and the documented defaults", () => {
    assert.deepStrictEqual(settings, {
      batchSize: 10,
      pollMillis: 100,
      retryInitialMillis: 200,
      retryMaxMillis: 10_000,
      owner: undefined,
      leaseMillis: 60_000,
      stopMillis: 10_000
    })
    const custom = OutboxRelayLoop.resolveOptions(
      { batchSize: 3, pollInterval: "2 seconds", retry: { initial: 5, max: "1 minute" }, owner: "relay-a.1" },
      { batchSize: 10 }
    )
    assert.deepStrictEqual(
      Result.map(custom, (s) => [s.batchSize, s.pollMillis, s.retryInitialMillis, s.retryMaxMillis, s.owner]),
      Result.succeed([3, 2_000, 5, 60_000, "relay-a.1"])
    )
  })

  it("names the field and the rule of a bad option", () => {
    const cases: ReadonlyArray<readonly [OutboxRelayLoop.Options, string, string]> = [
      [{ batchSize: 0 }, "batchSize", "expected a positive integer, got 0"],
      [{ batchSize: 1.5 }, "batchSize", "expected a positive integer, got 1.5"],
      [{ pollInterval: "0 millis" }, "pollInterval", "expected a finite, positive duration"],
      [{ pollInterval: "forever" as never }, "pollInterval", "expected a finite, positive duration"],
      [{ retry: { initial: "1 second", max: "1 milli" } }, "retry.max", "must be at least retry.initial"],
      [{ retry: { initial: -1 } }, "retry.initial", "expected a finite, positive duration"],
      [{ owner: "relay a" }, "owner", "an owner name is 1-64 letters, digits, '_', '-' or '.'"],
      [{ lease: Number.POSITIVE_INFINITY }, "lease", "expected a finite, positive duration"],
      [{ stopTimeout: 0 }, "stopTimeout", "expected a finite, positive duration"]
    ]
    for (const [options, field, rule] of cases) {
      const result = OutboxRelayLoop.resolveOptions(options, { batchSize: 10 })
      assert.isTrue(Result.isFailure(result), field)
      if (Result.isFailure(result)) {
        assert.include(result.failure, { _tag: "RelayOptionsInvalid", field, rule })
        assert.strictEqual(result.failure.message, `outbox relay: ${field}: ${rule}`)
      }
    }
  })

  it("backs off from retry.initial, doubling up to retry.max", () => {
    const retry = { retryInitialMillis: 200, retryMaxMillis: 1_000 }
    assert.deepStrictEqual(
      [1, 2, 3, 4, 5, 100].map((failures) => OutboxRelayLoop.backoffMillis(retry, failures)),
      [200, 400, 800, 1_000, 1_000, 1_000]
    )
  })
})

describe("OutboxRelayLoop.round", () => {
  it.effect("marks only the rows the publish step accepted; rows it did not try stay pending", () =>
    Effect.gen(function* () {
      const store = yield* EventStore.EventStore
      const events = yield* Effect.forEach(["PetitionRegistered", "PetitionRouted", "PetitionAccepted"], (type) =>
        Effect.map(
          Ids.makeEventId,
          (eventId): EventStore.NewEvent => ({ eventId, type, schemaVersion: 1, data: {}, metadata: {}, occurredAt })
        )
      )
      yield* store.append("petition-1", "no-stream", events)
      const seen: Array<number> = []
      // Accepts the first row as a duplicate, fails the second, leaves the third untried.
      const publish: OutboxRelayLoop.PublishPage<string, never> = (rows) =>
        Effect.sync(() => {
          seen.push(rows.length)
          return [Result.succeed({ duplicate: true }), Result.fail("down")]
        })
      const result = yield* OutboxRelayLoop.round(settings, publish)
      assert.deepStrictEqual(seen, [3])
      assert.deepStrictEqual(
        { ...result, failed: result.failed.map((failure) => [failure.message.event.eventId, failure.error]) },
        { read: 3, published: 0, duplicates: 1, marked: 1, failed: [[events[1]!.eventId, "down"]], deferred: 1 }
      )
      const pending = yield* Outbox.Outbox.use((outbox) => outbox.pending(10))
      assert.deepStrictEqual(
        pending.map((message) => message.event.eventId),
        [events[1]!.eventId, events[2]!.eventId]
      )
    }).pipe(
      Effect.provide(
        Layer.fresh(InMemoryOutbox.layer(Outbox.moduleSubjects({ module: "petition", locality: "lanxi" })))
      )
    )
  )
})
