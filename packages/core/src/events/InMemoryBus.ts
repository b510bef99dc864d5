/**
 * An in-memory {@link Bus} for single-process demos and tests. It keeps the same
 * at-least-once rules as the JetStream implementation and passes the same contract:
 * durable consumers with acknowledgements, redelivery on `nack`, after `ackWait` (read
 * from the `Clock`, so `TestClock` drives it) and when a subscription closes; `term`;
 * `maxDeliveries`; publish de-duplication by event id.
 *
 * Settling a delivery that has meanwhile been redelivered (its `ackWait` ran out, or its
 * subscription closed) changes nothing: the newer delivery decides.
 *
 * It retains every published message for the life of the layer (a new durable with
 * `deliver: "all"` sees them all), and de-duplicates publishes forever. Nothing
 * survives the process: for durability use the NATS implementation.
 *
 * @example
 * ```ts
 * import { Console, Deferred, Effect, Fiber } from "effect"
 * import { Bus, Ids, InMemoryBus, Instant } from "@gridwork/core"
 *
 * const program = Effect.gen(function* () {
 *   const handled = yield* Deferred.make<string>()
 *   // Bus.consume acknowledges each message its handler handled; run it in the background.
 *   const consumer = yield* Effect.forkChild(
 *     Bus.consume({ durable: "risk", subject: "gw.lanxi.>" }, (message) => Deferred.succeed(handled, message.event.type))
 *   )
 *   const bus = yield* Bus.Bus
 *   const message: Bus.BusMessage = {
 *     subject: "gw.lanxi.petition.petition-registered",
 *     event: {
 *       eventId: yield* Ids.makeEventId,
 *       streamId: "case-1",
 *       streamVersion: 1,
 *       globalPosition: 1,
 *       type: "PetitionRegistered",
 *       schemaVersion: 1,
 *       data: {},
 *       metadata: {},
 *       occurredAt: yield* Instant.now
 *     }
 *   }
 *   const first = yield* bus.publish(message)
 *   const again = yield* bus.publish(message) // the same event id: de-duplicated
 *   yield* Console.log(first.duplicate, again.duplicate, yield* Deferred.await(handled))
 *   yield* Fiber.interrupt(consumer)
 * }).pipe(Effect.provide(InMemoryBus.layer))
 *
 * Effect.runPromise(program) // false true PetitionRegistered
 * ```
 * @module
 */
import { Deferred, Duration, Effect, Exit, Layer, Stream } from "effect"
import {
  Bus,
  type BusMessage,
  type BusService,
  type Delivery,
  DurableConflict,
  matches,
  type ResolvedSubscribeOptions,
  validatePublish,
  validateSubscribe
} from "./Bus"
import { frozenCopy } from "./internal/frozen"

interface Pending {
  readonly token: number
  readonly owner: number
  readonly deadline: number
}

interface Redelivery {
  readonly sequence: number
  readonly notBefore: number
}

interface Durable {
  readonly options: ResolvedSubscribeOptions
  /** Index in the log of the next message this durable has not looked at yet. */
  cursor: number
  /** Delivery counts of messages delivered at least once and not yet acked or termed. */
  readonly counts: Map<number, number>
  /** Unsettled deliveries, by sequence. */
  readonly pending: Map<number, Pending>
  /** Messages waiting to be delivered again. */
  readonly redeliver: Array<Redelivery>
}

/** Builds a fresh, empty in-memory bus. */
export const make: Effect.Effect<BusService> = Effect.sync(() => {
  /** Every published message; `log[s - 1]` has sequence `s`. */
  const log: Array<BusMessage> = []
  const sequenceById = new Map<string, number>()
  const durables = new Map<string, Durable>()
  let tokens = 0
  let owners = 0
  /** Completed (and replaced) whenever there may be something new to deliver. */
  let signal = Deferred.makeUnsafe<void>()

  const wake = (): void => {
    const current = signal
    signal = Deferred.makeUnsafe<void>()
    Deferred.doneUnsafe(current, Exit.void)
  }

  const requeue = (durable: Durable, sequence: number, notBefore: number): void => {
    if ((durable.counts.get(sequence) ?? 0) >= durable.options.maxDeliveries) {
      durable.counts.delete(sequence)
      return
    }
    durable.redeliver.push({ sequence, notBefore })
  }

  const expire = (durable: Durable, now: number): void => {
    for (const [sequence, pending] of durable.pending) {
      if (pending.deadline <= now) {
        durable.pending.delete(sequence)
        requeue(durable, sequence, now)
      }
    }
  }

  const settle =
    (durable: Durable, sequence: number, token: number, outcome: "ack" | "term" | "nack") =>
    (delayMillis = 0): Effect.Effect<void> =>
      Effect.clockWith((clock) =>
        Effect.sync(() => {
          const pending = durable.pending.get(sequence)
          // A late settlement of a delivery that was already redelivered changes nothing.
          if (pending === undefined || pending.token !== token) return
          durable.pending.delete(sequence)
          if (outcome === "nack") {
            requeue(durable, sequence, clock.currentTimeMillisUnsafe() + Math.max(0, delayMillis))
            wake()
          } else {
            durable.counts.delete(sequence)
          }
        })
      )

  const deliver = (durable: Durable, sequence: number, owner: number, now: number): Delivery => {
    const deliveryCount = (durable.counts.get(sequence) ?? 0) + 1
    durable.counts.set(sequence, deliveryCount)
    const token = ++tokens
    durable.pending.set(sequence, { token, owner, deadline: now + durable.options.ackWaitMillis })
    const nack = settle(durable, sequence, token, "nack")
    return {
      message: log[sequence - 1]!,
      deliveryCount,
      ack: settle(durable, sequence, token, "ack")(),
      term: settle(durable, sequence, token, "term")(),
      nack: (delay) =>
        Effect.suspend(() => {
          const duration = delay === undefined ? Duration.zero : Duration.fromInputUnsafe(delay)
          return nack(Duration.toMillis(duration))
        })
    }
  }

  const next = (durable: Durable, owner: number, now: number): Delivery | undefined => {
    expire(durable, now)
    let best = -1
    for (let index = 0; index < durable.redeliver.length; index++) {
      const candidate = durable.redeliver[index]!
      if (candidate.notBefore <= now && (best === -1 || candidate.sequence < durable.redeliver[best]!.sequence)) {
        best = index
      }
    }
    if (best !== -1) {
      const [chosen] = durable.redeliver.splice(best, 1)
      return deliver(durable, chosen!.sequence, owner, now)
    }
    while (durable.cursor < log.length) {
      const sequence = ++durable.cursor
      if (matches(durable.options.subject, log[sequence - 1]!.subject)) return deliver(durable, sequence, owner, now)
    }
    return undefined
  }

  const earliest = (durable: Durable): number | undefined => {
    let at: number | undefined
    for (const pending of durable.pending.values())
      at = at === undefined ? pending.deadline : Math.min(at, pending.deadline)
    for (const entry of durable.redeliver) at = at === undefined ? entry.notBefore : Math.min(at, entry.notBefore)
    return at
  }

  const pull = (durable: Durable, owner: number): Effect.Effect<Delivery> =>
    Effect.clockWith((clock) =>
      Effect.suspend(() => {
        const now = clock.currentTimeMillisUnsafe()
        const delivery = next(durable, owner, now)
        if (delivery !== undefined) return Effect.succeed(delivery)
        // Taking the signal right after finding nothing, in the same synchronous step,
        // means no publish or nack can slip in unnoticed.
        const woken = Deferred.await(signal)
        const until = earliest(durable)
        const wait = until === undefined ? woken : Effect.raceFirst(woken, Effect.sleep(Math.max(0, until - now)))
        return Effect.andThen(
          wait,
          Effect.suspend(() => pull(durable, owner))
        )
      })
    )

  const release = (durable: Durable, owner: number, now: number): void => {
    for (const [sequence, pending] of durable.pending) {
      if (pending.owner === owner) {
        durable.pending.delete(sequence)
        requeue(durable, sequence, now)
      }
    }
    wake()
  }

  const publish: BusService["publish"] = (message) =>
    Effect.flatMap(validatePublish(message), (valid) =>
      Effect.sync(() => {
        const existing = sequenceById.get(valid.event.eventId)
        if (existing !== undefined) return { sequence: existing, duplicate: true }
        log.push(frozenCopy(valid))
        sequenceById.set(valid.event.eventId, log.length)
        wake()
        return { sequence: log.length, duplicate: false }
      })
    )

  const attach = (options: ResolvedSubscribeOptions): Effect.Effect<Durable, DurableConflict> =>
    Effect.suspend(() => {
      const existing = durables.get(options.durable)
      if (existing !== undefined) {
        return existing.options.subject === options.subject
          ? Effect.succeed(existing)
          : Effect.fail(
              new DurableConflict({
                durable: options.durable,
                existingSubject: existing.options.subject,
                requestedSubject: options.subject
              })
            )
      }
      const durable: Durable = {
        options,
        cursor: options.deliver === "all" ? 0 : log.length,
        counts: new Map(),
        pending: new Map(),
        redeliver: []
      }
      durables.set(options.durable, durable)
      return Effect.succeed(durable)
    })

  const subscribe: BusService["subscribe"] = (options) =>
    Effect.gen(function* () {
      const resolved = yield* validateSubscribe(options)
      const durable = yield* attach(resolved)
      const owner = ++owners
      yield* Effect.addFinalizer(() =>
        Effect.clockWith((clock) => Effect.sync(() => release(durable, owner, clock.currentTimeMillisUnsafe())))
      )
      return Stream.fromEffectRepeat(pull(durable, owner))
    })

  return Bus.of({ publish, subscribe })
})

/** A layer providing a fresh in-memory {@link Bus}. */
export const layer: Layer.Layer<Bus> = Layer.effect(Bus, make)
