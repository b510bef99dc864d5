/**
 * An in-memory {@link Inbox}: for tests, demos and embedding a consumer without a
 * database. Records live as long as the layer.
 *
 * Calls for the same `(consumer, messageId)` pair run one at a time (a later call
 * waits for the running one, then sees its record); calls for different pairs run
 * concurrently. A pair is recorded, with the `Clock` time, only after its effect
 * succeeded.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Inbox, InMemoryInbox } from "@gridwork/core"
 *
 * const program = Effect.gen(function* () {
 *   const inbox = yield* Inbox.Inbox
 *   yield* inbox.processOnce("risk", "event-1", Effect.log("once")) // Option.some(undefined)
 *   return yield* inbox.processOnce("risk", "event-1", Effect.log("never")) // Option.none()
 * }).pipe(Effect.provide(InMemoryInbox.layer))
 * ```
 * @module
 */
import { Clock, Deferred, Effect, Exit, Layer, Option } from "effect"
import { checkInstant, checkPair, Inbox, type InboxShape } from "./Inbox"

/** Builds an empty in-memory inbox. */
export const make: Effect.Effect<InboxShape> = Effect.sync(() => {
  /** Recorded pairs and when. */
  const done = new Map<string, number>()
  /** Pairs whose effect is running, with a signal completed when it ends. */
  const running = new Map<string, Deferred.Deferred<void>>()
  const keyOf = (consumer: string, messageId: string) => `${consumer}\u0000${messageId}`

  const processOnce: InboxShape["processOnce"] = <A, E, R>(
    consumer: string,
    messageId: string,
    effect: Effect.Effect<A, E, R>
  ) => {
    const key = keyOf(consumer, messageId)
    const attempt: Effect.Effect<Option.Option<A>, E, R> = Effect.uninterruptibleMask((restore) =>
      Effect.suspend(() => {
        if (done.has(key)) return Effect.succeed(Option.none())
        const busy = running.get(key)
        if (busy !== undefined) return Effect.andThen(restore(Deferred.await(busy)), attempt)
        const gate = Deferred.makeUnsafe<void>()
        running.set(key, gate)
        return restore(effect).pipe(
          Effect.tap(() => Effect.flatMap(Clock.currentTimeMillis, (now) => Effect.sync(() => done.set(key, now)))),
          Effect.map(Option.some),
          Effect.ensuring(
            Effect.sync(() => {
              running.delete(key)
              Deferred.doneUnsafe(gate, Exit.void)
            })
          )
        )
      })
    )
    const problem = checkPair(consumer, messageId)
    return problem === undefined ? attempt : Effect.fail(problem)
  }

  return Inbox.of({
    processOnce,
    isProcessed: (consumer, messageId) => {
      const problem = checkPair(consumer, messageId)
      return problem === undefined ? Effect.sync(() => done.has(keyOf(consumer, messageId))) : Effect.fail(problem)
    },
    prune: (processedBefore) => {
      const problem = checkInstant("processedBefore", processedBefore)
      if (problem !== undefined) return Effect.fail(problem)
      return Effect.sync(() => {
        let removed = 0
        for (const [key, at] of done) {
          if (at < processedBefore) {
            done.delete(key)
            removed++
          }
        }
        return removed
      })
    }
  })
})

/** A layer with a fresh in-memory {@link Inbox}. */
export const layer: Layer.Layer<Inbox> = Layer.effect(Inbox, make)
