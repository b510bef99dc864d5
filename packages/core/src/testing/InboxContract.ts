/**
 * The contract every {@link Inbox} implementation must pass.
 *
 * ```ts
 * // test/InMemoryInbox.test.ts
 * import { InMemoryInbox } from "@gridwork/core"
 * import { inboxContract } from "@gridwork/core/testing"
 *
 * inboxContract("InMemoryInbox", () => InMemoryInbox.layer)
 * ```
 *
 * The layer is built once for the suite (so it may start real resources); every test
 * uses fresh consumer names, so records left by earlier tests do not matter. Tests run
 * with the live clock and never wait for it. SQL implementations add their own test
 * that the effect's writes and the record commit or roll back together.
 * @module
 */
import { assert, layer } from "@effect/vitest"
import { Deferred, Effect, Exit, Fiber, type Layer, Option, Ref, Result } from "effect"
import { Inbox } from "../messaging/Inbox"
import * as Ids from "../primitives/Ids"
import * as Instant from "../primitives/Instant"

/** Options of {@link inboxContract}. */
export interface InboxContractOptions {
  /** How long building and releasing the layer may take (default 60 s). */
  readonly setupTimeout?: number
  /** Calls racing for one message in the concurrency test (default 8). */
  readonly concurrency?: number
}

const freshConsumer = Effect.map(Ids.makeUuidV7, (id) => `consumer-${id.slice(-12)}`)

const failureOf = <A, E>(effect: Effect.Effect<A, E>): Effect.Effect<E> =>
  Effect.flatMap(Effect.result(effect), (result) =>
    Result.isFailure(result)
      ? Effect.succeed(result.failure)
      : Effect.die(new Error(`expected a failure, got ${JSON.stringify(result.success)}`))
  )

/**
 * Registers the inbox contract tests under `describe(name)`. `makeLayer` is called
 * once; its layer is shared by the suite and released after it.
 */
export const inboxContract = <E>(
  name: string,
  makeLayer: () => Layer.Layer<Inbox, E>,
  options: InboxContractOptions = {}
): void => {
  const racers = options.concurrency ?? 8

  layer(makeLayer(), { excludeTestServices: true, timeout: options.setupTimeout ?? 60_000 })(
    `${name} (Inbox contract)`,
    (it) => {
      it.effect("runs the effect for the first delivery only", () =>
        Effect.gen(function* () {
          const inbox = yield* Inbox
          const consumer = yield* freshConsumer
          const messageId = yield* Ids.makeEventId
          const runs = yield* Ref.make(0)
          const work = Ref.updateAndGet(runs, (n) => n + 1)
          assert.isFalse(yield* inbox.isProcessed(consumer, messageId))
          assert.deepStrictEqual(yield* inbox.processOnce(consumer, messageId, work), Option.some(1))
          assert.isTrue(yield* inbox.isProcessed(consumer, messageId))
          assert.deepStrictEqual(yield* inbox.processOnce(consumer, messageId, work), Option.none())
          assert.deepStrictEqual(yield* inbox.processOnce(consumer, messageId, work), Option.none())
          assert.strictEqual(yield* Ref.get(runs), 1)
          const other = yield* Ids.makeEventId
          assert.deepStrictEqual(
            yield* inbox.processOnce(consumer, other, work),
            Option.some(2),
            "another message runs"
          )
        })
      )

      it.effect("consumers are independent", () =>
        Effect.gen(function* () {
          const inbox = yield* Inbox
          const first = yield* freshConsumer
          const second = yield* freshConsumer
          const messageId = "deadline-7@3"
          assert.deepStrictEqual(yield* inbox.processOnce(first, messageId, Effect.succeed("a")), Option.some("a"))
          assert.isFalse(yield* inbox.isProcessed(second, messageId))
          assert.deepStrictEqual(yield* inbox.processOnce(second, messageId, Effect.succeed("b")), Option.some("b"))
          assert.deepStrictEqual(yield* inbox.processOnce(first, messageId, Effect.succeed("c")), Option.none())
        })
      )

      it.effect("a failing, dying or interrupted effect records nothing, so a redelivery runs it again", () =>
        Effect.gen(function* () {
          const inbox = yield* Inbox
          const consumer = yield* freshConsumer
          const messageId = yield* Ids.makeEventId
          const failure = yield* failureOf(inbox.processOnce(consumer, messageId, Effect.fail("handler failed")))
          assert.strictEqual(failure, "handler failed", "the effect's error is passed on")
          assert.isFalse(yield* inbox.isProcessed(consumer, messageId))

          const died = yield* Effect.exit(inbox.processOnce(consumer, messageId, Effect.die("boom")))
          assert.isTrue(Exit.hasDies(died))
          assert.isFalse(yield* inbox.isProcessed(consumer, messageId))

          const started = yield* Deferred.make<void>()
          const blocked = yield* inbox
            .processOnce(consumer, messageId, Effect.andThen(Deferred.succeed(started, undefined), Effect.never))
            .pipe(Effect.forkChild)
          yield* Deferred.await(started)
          yield* Fiber.interrupt(blocked)
          assert.isFalse(yield* inbox.isProcessed(consumer, messageId))

          assert.deepStrictEqual(yield* inbox.processOnce(consumer, messageId, Effect.succeed(7)), Option.some(7))
          assert.isTrue(yield* inbox.isProcessed(consumer, messageId))
        })
      )

      it.effect("concurrent deliveries of one message run the effect once", () =>
        Effect.gen(function* () {
          const inbox = yield* Inbox
          const consumer = yield* freshConsumer
          const messageId = yield* Ids.makeEventId
          const runs = yield* Ref.make(0)
          const work = Effect.gen(function* () {
            const n = yield* Ref.updateAndGet(runs, (count) => count + 1)
            yield* Effect.yieldNow
            return n
          })
          const results = yield* Effect.forEach(
            Array.from({ length: racers }, (_, index) => index),
            () => inbox.processOnce(consumer, messageId, work),
            { concurrency: "unbounded" }
          )
          assert.strictEqual(yield* Ref.get(runs), 1)
          assert.deepStrictEqual(results.filter(Option.isSome), [Option.some(1)])
        })
      )

      it.effect("a delivery racing a failing one runs the effect after the failure", () =>
        Effect.gen(function* () {
          const inbox = yield* Inbox
          const consumer = yield* freshConsumer
          const messageId = yield* Ids.makeEventId
          const release = yield* Deferred.make<void>()
          const started = yield* Deferred.make<void>()
          const failing = yield* inbox
            .processOnce(
              consumer,
              messageId,
              Effect.gen(function* () {
                yield* Deferred.succeed(started, undefined)
                yield* Deferred.await(release)
                return yield* Effect.fail("first attempt failed")
              })
            )
            .pipe(Effect.result, Effect.forkChild)
          yield* Deferred.await(started)
          const second = yield* inbox.processOnce(consumer, messageId, Effect.succeed("second")).pipe(Effect.forkChild)
          yield* Deferred.succeed(release, undefined)
          assert.isTrue(Result.isFailure(yield* Fiber.join(failing)))
          assert.deepStrictEqual(yield* Fiber.join(second), Option.some("second"))
        })
      )

      it.effect("prune forgets records older than the given instant", () =>
        Effect.gen(function* () {
          const inbox = yield* Inbox
          const consumer = yield* freshConsumer
          const first = yield* Ids.makeEventId
          const second = yield* Ids.makeEventId
          yield* inbox.processOnce(consumer, first, Effect.void)
          yield* inbox.processOnce(consumer, second, Effect.void)
          const now = yield* Instant.now
          yield* inbox.prune(Instant.fromMillis(now - Instant.HOUR))
          assert.isTrue(yield* inbox.isProcessed(consumer, first), "recent records stay")
          const removed = yield* inbox.prune(Instant.fromMillis(now + Instant.HOUR))
          assert.isAtLeast(removed, 2)
          assert.isFalse(yield* inbox.isProcessed(consumer, first))
          assert.isFalse(yield* inbox.isProcessed(consumer, second))
          assert.deepStrictEqual(yield* inbox.processOnce(consumer, first, Effect.succeed(1)), Option.some(1))
        })
      )

      it.effect("rejects bad arguments naming the field, without running the effect", () =>
        Effect.gen(function* () {
          const inbox = yield* Inbox
          const runs = yield* Ref.make(0)
          const work = Ref.update(runs, (n) => n + 1)
          assert.include(yield* failureOf(inbox.processOnce("has space", "m-1", work)), {
            _tag: "InboxInputInvalid",
            field: "consumer"
          })
          assert.include(yield* failureOf(inbox.processOnce("c", "", work)), { field: "messageId" })
          assert.include(yield* failureOf(inbox.processOnce("c", "x".repeat(201), work)), { field: "messageId" })
          assert.include(yield* failureOf(inbox.isProcessed("", "m-1")), { field: "consumer" })
          assert.include(yield* failureOf(inbox.prune(1.5 as Instant.Instant)), { field: "processedBefore" })
          assert.strictEqual(yield* Ref.get(runs), 0)
        })
      )
    }
  )
}
