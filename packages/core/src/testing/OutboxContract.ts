/**
 * The contract every {@link Outbox} implementation (with the event store that fills
 * it) must pass.
 *
 * ```ts
 * // test/InMemoryOutbox.test.ts
 * import { InMemoryOutbox } from "@gridwork/core"
 * import { outboxContract } from "@gridwork/core/testing"
 *
 * outboxContract("InMemoryOutbox", (subjectOf) => InMemoryOutbox.layer(subjectOf))
 * ```
 *
 * `makeLayer` receives the {@link SubjectOf} router the suite relies on
 * ({@link contractSubjects}) and must give an event store whose appends write outbox
 * rows with it. The layer is built once for the suite (so it may start real
 * resources); each test first marks every leftover row sent, uses fresh stream ids and
 * passes every instant explicitly, so nothing waits. Nothing else may write to the
 * store while the suite runs.
 * @module
 */
import { assert, expect, layer } from "@effect/vitest"
import { Effect, type Layer, Result } from "effect"
import type { BusMessage } from "../events/Bus"
import { type EventEnvelope, EventStore, type NewEvent } from "../events/EventStore"
import { moduleSubjects, Outbox, type SubjectOf } from "../messaging/Outbox"
import * as Ids from "../primitives/Ids"
import * as Instant from "../primitives/Instant"

/** Options of {@link outboxContract}. */
export interface OutboxContractOptions {
  /** How long building and releasing the layer may take (default 60 s). */
  readonly setupTimeout?: number
}

/**
 * The router the suite uses: module `contract`, default locality `testville`, and
 * events of type `PrivateNoted` unpublished.
 */
export const contractSubjects: SubjectOf = moduleSubjects({
  module: "contract",
  locality: "testville",
  privateTypes: ["PrivateNoted"]
})

const occurredAt = Instant.unsafeFromIso("2026-10-01T08:00:00+08:00")
/** Rows left by earlier tests are marked sent at this instant (far in the future). */
const drainedAt = Instant.fromMillis(4_000_000_000_000)
const at = Instant.fromMillis

const newEvent = (type = "ThingHappened", metadata: NewEvent["metadata"] = {}) =>
  Effect.map(
    Ids.makeEventId,
    (eventId): NewEvent => ({ eventId, type, schemaVersion: 1, data: {}, metadata, occurredAt })
  )

const newEvents = (count: number) => Effect.all(Array.from({ length: count }, () => newEvent()))

const freshStream = () => Effect.map(Ids.makeUuidV7, (id) => `outbox-${id}`)

const failureOf = <A, E>(effect: Effect.Effect<A, E>): Effect.Effect<E> =>
  Effect.flatMap(Effect.result(effect), (result) =>
    Result.isFailure(result)
      ? Effect.succeed(result.failure)
      : Effect.die(new Error(`expected a failure, got ${JSON.stringify(result.success)}`))
  )

const idsOf = (items: ReadonlyArray<{ readonly eventId: string }>) => items.map((item) => item.eventId)
const eventIdsOf = (messages: ReadonlyArray<BusMessage>) => messages.map((message) => message.event.eventId)
const messagesOf = (events: ReadonlyArray<EventEnvelope>, subject: (event: EventEnvelope) => string) =>
  events.map((event): BusMessage => ({ subject: subject(event), event }))

/** Marks every unsent row sent, so a test starts from an empty queue. */
const drain = Effect.gen(function* () {
  const outbox = yield* Outbox
  for (;;) {
    const pending = yield* outbox.pending(1_000)
    if (pending.length === 0) return
    yield* outbox.markSent(eventIdsOf(pending), drainedAt)
  }
})

/**
 * Registers the outbox contract tests under `describe(name)`. `makeLayer` is called
 * once; its layer is shared by the suite and released after it.
 */
export const outboxContract = <E>(
  name: string,
  makeLayer: (subjectOf: SubjectOf) => Layer.Layer<EventStore | Outbox, E>,
  options: OutboxContractOptions = {}
): void => {
  layer(makeLayer(contractSubjects), { excludeTestServices: true, timeout: options.setupTimeout ?? 60_000 })(
    `${name} (Outbox contract)`,
    (it) => {
      it.effect("each appended event gets one message with its subject, in global order", () =>
        Effect.gen(function* () {
          yield* drain
          const store = yield* EventStore
          const outbox = yield* Outbox
          const streamA = yield* freshStream()
          const streamB = yield* freshStream()
          const first = yield* store.append(streamA, "no-stream", yield* newEvents(2))
          const second = yield* store.append(streamB, "no-stream", [
            yield* newEvent("PetitionRegistered", { locality: "lanxi" })
          ])
          const third = yield* store.append(streamA, 2, [yield* newEvent("StageV2Started")])
          const pending = yield* outbox.pending(100)
          assert.deepStrictEqual(pending, [
            ...messagesOf(first.events, () => "gw.testville.contract.thing-happened"),
            ...messagesOf(second.events, () => "gw.lanxi.contract.petition-registered"),
            ...messagesOf(third.events, () => "gw.testville.contract.stage-v2-started")
          ])
          assert.deepStrictEqual(pending.at(-1)!.event, (yield* store.readStream(streamA, 3))[0])
          assert.deepStrictEqual(eventIdsOf(yield* outbox.pending(2)), idsOf(first.events), "limit keeps the oldest")
          expect(yield* outbox.stats).toMatchObject({ pending: 4 })
        })
      )

      it.effect("private events, failed appends and retries add no message", () =>
        Effect.gen(function* () {
          yield* drain
          const store = yield* EventStore
          const outbox = yield* Outbox
          const streamId = yield* freshStream()
          const hidden = yield* newEvent("PrivateNoted")
          const shown = yield* newEvent()
          const batch = yield* store.append(streamId, "no-stream", [hidden, shown])
          assert.deepStrictEqual(eventIdsOf(yield* outbox.pending(100)), [shown.eventId])
          const conflict = yield* failureOf(store.append(streamId, 0, yield* newEvents(1)))
          assert.strictEqual(conflict._tag, "StreamVersionConflict")
          const retry = yield* store.append(streamId, "no-stream", [hidden, shown])
          assert.isTrue(retry.duplicate)
          assert.deepStrictEqual(retry.events, batch.events)
          assert.deepStrictEqual(eventIdsOf(yield* outbox.pending(100)), [shown.eventId])
        })
      )

      it.effect("an event routed to an invalid subject fails the append, naming it, and writes nothing", () =>
        Effect.gen(function* () {
          yield* drain
          const store = yield* EventStore
          const outbox = yield* Outbox
          const streamId = yield* freshStream()
          const before = yield* store.lastGlobalPosition
          const good = yield* newEvent()
          const bad = yield* newEvent("ThingHappened", { locality: "no spaces allowed" })
          const error = yield* failureOf(store.append(streamId, "no-stream", [good, bad]))
          assert.include(error, { _tag: "InvalidStoreRequest", operation: "append", path: "events[1]" })
          assert.strictEqual(yield* store.lastGlobalPosition, before)
          assert.deepStrictEqual(yield* store.readStream(streamId), [])
          assert.deepStrictEqual(yield* outbox.pending(100), [])
        })
      )

      it.effect("markSent removes messages from the queue, once, and ignores unknown ids", () =>
        Effect.gen(function* () {
          yield* drain
          const store = yield* EventStore
          const outbox = yield* Outbox
          const before = yield* outbox.stats
          const stored = (yield* store.append(yield* freshStream(), "no-stream", yield* newEvents(4))).events
          assert.deepStrictEqual(yield* outbox.stats, { pending: 4, sent: before.sent })
          const unknown = yield* Ids.makeEventId
          assert.strictEqual(yield* outbox.markSent([stored[1]!.eventId, stored[2]!.eventId, unknown], at(1_000)), 2)
          assert.strictEqual(yield* outbox.markSent([stored[1]!.eventId], at(2_000)), 0, "already sent")
          assert.strictEqual(yield* outbox.markSent([], at(2_000)), 0)
          assert.deepStrictEqual(eventIdsOf(yield* outbox.pending(100)), idsOf([stored[0]!, stored[3]!]))
          assert.deepStrictEqual(yield* outbox.stats, { pending: 2, sent: before.sent + 2 })
        })
      )

      it.effect("claim leases messages to one owner until the lease runs out", () =>
        Effect.gen(function* () {
          yield* drain
          const store = yield* EventStore
          const outbox = yield* Outbox
          const stored = (yield* store.append(yield* freshStream(), "no-stream", yield* newEvents(5))).events
          const ids = idsOf(stored)
          const claimA = yield* outbox.claim({ owner: "relay-a", limit: 2, now: at(10_000), leaseMillis: 1_000 })
          assert.deepStrictEqual(eventIdsOf(claimA), ids.slice(0, 2))
          const claimB = yield* outbox.claim({ owner: "relay-b", limit: 10, now: at(10_500), leaseMillis: 1_000 })
          assert.deepStrictEqual(eventIdsOf(claimB), ids.slice(2), "another owner skips leased messages")
          assert.deepStrictEqual(
            yield* outbox.claim({ owner: "relay-c", limit: 10, now: at(10_999), leaseMillis: 1_000 }),
            [],
            "every message is leased"
          )
          const againA = yield* outbox.claim({ owner: "relay-a", limit: 10, now: at(10_600), leaseMillis: 1_000 })
          assert.deepStrictEqual(eventIdsOf(againA), ids.slice(0, 2), "an owner gets its own leases back")
          assert.strictEqual(yield* outbox.markSent(ids.slice(2, 4), at(10_700)), 2)
          // relay-a renewed its lease until 11_600; relay-b's ran out at 11_500
          const claimC = yield* outbox.claim({ owner: "relay-c", limit: 10, now: at(11_500), leaseMillis: 1_000 })
          assert.deepStrictEqual(eventIdsOf(claimC), [ids[4]!])
          const late = yield* outbox.claim({ owner: "relay-c", limit: 10, now: at(11_600), leaseMillis: 1_000 })
          assert.deepStrictEqual(
            eventIdsOf(late),
            [ids[0]!, ids[1]!, ids[4]!],
            "oldest first, expired leases taken over"
          )
          assert.deepStrictEqual(
            eventIdsOf(yield* outbox.pending(10)),
            [ids[0]!, ids[1]!, ids[4]!],
            "pending ignores leases"
          )
          assert.deepStrictEqual(claimA[0], { subject: "gw.testville.contract.thing-happened", event: stored[0]! })
        })
      )

      it.effect("prune removes only messages sent before the given instant", () =>
        Effect.gen(function* () {
          yield* drain
          const store = yield* EventStore
          const outbox = yield* Outbox
          // sent messages from earlier tests were marked at instants ≥ 1_000 and < drainedAt
          const stored = (yield* store.append(yield* freshStream(), "no-stream", yield* newEvents(3))).events
          yield* outbox.markSent([stored[0]!.eventId], at(100))
          yield* outbox.markSent([stored[1]!.eventId], at(200))
          const before = yield* outbox.stats
          assert.strictEqual(yield* outbox.prune(at(100)), 0, "strictly before")
          assert.strictEqual(yield* outbox.prune(at(150)), 1)
          assert.deepStrictEqual(yield* outbox.stats, { pending: 1, sent: before.sent - 1 })
          assert.strictEqual(yield* outbox.prune(at(201)), 1)
          assert.deepStrictEqual(eventIdsOf(yield* outbox.pending(10)), [stored[2]!.eventId], "unsent stays")
          assert.strictEqual(yield* outbox.markSent([stored[0]!.eventId], at(300)), 0, "a pruned row is gone")
          const all = yield* outbox.prune(Instant.fromMillis(drainedAt + 1))
          assert.strictEqual(all, before.sent - 2)
          assert.deepStrictEqual(yield* outbox.stats, { pending: 1, sent: 0 })
        })
      )

      it.effect("concurrent appenders: one message per event, the queue in global order", () =>
        Effect.gen(function* () {
          yield* drain
          const store = yield* EventStore
          const outbox = yield* Outbox
          yield* Effect.forEach(
            Array.from({ length: 6 }, (_, index) => index),
            () =>
              Effect.gen(function* () {
                const streamId = yield* freshStream()
                for (let version = 0; version < 8; version++) {
                  yield* store.append(streamId, version, yield* newEvents(1))
                  yield* Effect.yieldNow
                }
              }),
            { concurrency: "unbounded" }
          )
          const pending = yield* outbox.pending(1_000)
          assert.strictEqual(pending.length, 48)
          assert.strictEqual(new Set(eventIdsOf(pending)).size, 48)
          const positions = pending.map((message) => message.event.globalPosition)
          assert.deepStrictEqual(
            positions,
            [...positions].sort((x, y) => x - y)
          )
          const head = yield* store.lastGlobalPosition
          assert.deepStrictEqual(
            positions,
            Array.from({ length: 48 }, (_, index) => head - 47 + index)
          )
        })
      )

      it.effect("rejects bad arguments naming the field", () =>
        Effect.gen(function* () {
          const outbox = yield* Outbox
          const claim = { owner: "relay-a", limit: 1, now: at(1), leaseMillis: 1 }
          assert.include(yield* failureOf(outbox.pending(0)), { _tag: "OutboxInputInvalid", field: "limit" })
          assert.include(yield* failureOf(outbox.pending(1.5)), { _tag: "OutboxInputInvalid", field: "limit" })
          assert.include(yield* failureOf(outbox.claim({ ...claim, owner: "has space" })), { field: "owner" })
          assert.include(yield* failureOf(outbox.claim({ ...claim, limit: -1 })), { field: "limit" })
          assert.include(yield* failureOf(outbox.claim({ ...claim, now: Number.NaN as Instant.Instant })), {
            field: "now"
          })
          assert.include(yield* failureOf(outbox.claim({ ...claim, leaseMillis: 0 })), { field: "leaseMillis" })
          assert.include(yield* failureOf(outbox.markSent([], 1.5 as Instant.Instant)), { field: "at" })
          assert.include(yield* failureOf(outbox.markSent([42 as unknown as string], at(1))), {
            field: "eventIds[0]"
          })
          assert.include(yield* failureOf(outbox.prune(Number.POSITIVE_INFINITY as Instant.Instant)), {
            field: "sentBefore"
          })
        })
      )
    }
  )
}
