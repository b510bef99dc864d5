import { assert, describe, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { TestClock } from "effect/testing"
import { Inbox, InMemoryInbox, Instant } from "../src"
import { inboxContract } from "../src/testing"

inboxContract("InMemoryInbox", () => InMemoryInbox.layer)

describe("InMemoryInbox", () => {
  it.effect("records each pair with the Clock's time, so prune cuts exactly there", () =>
    Effect.gen(function* () {
      const inbox = yield* Inbox.Inbox
      yield* TestClock.setTime(1_000)
      yield* inbox.processOnce("risk", "m-1", Effect.void)
      yield* TestClock.setTime(2_000)
      yield* inbox.processOnce("risk", "m-2", Effect.void)
      assert.strictEqual(yield* inbox.prune(Instant.fromMillis(1_000)), 0)
      assert.strictEqual(yield* inbox.prune(Instant.fromMillis(1_001)), 1)
      assert.isFalse(yield* inbox.isProcessed("risk", "m-1"))
      assert.isTrue(yield* inbox.isProcessed("risk", "m-2"))
      assert.deepStrictEqual(yield* inbox.processOnce("risk", "m-2", Effect.succeed(1)), Option.none())
    }).pipe(Effect.provide(InMemoryInbox.layer))
  )

  it.effect("each layer is a separate inbox", () =>
    Effect.gen(function* () {
      const once = Effect.flatMap(Inbox.Inbox, (inbox) => inbox.processOnce("risk", "m-1", Effect.succeed(1)))
      assert.deepStrictEqual(yield* Effect.provide(once, InMemoryInbox.layer), Option.some(1))
      assert.deepStrictEqual(yield* Effect.provide(once, InMemoryInbox.layer), Option.some(1))
    })
  )
})
