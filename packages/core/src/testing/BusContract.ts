/**
 * The contract every {@link Bus} implementation must pass.
 *
 * ```ts
 * // test/InMemoryBus.test.ts
 * import { InMemoryBus } from "@gridwork/core"
 * import { busContract } from "@gridwork/core/testing"
 *
 * busContract("InMemoryBus", () => InMemoryBus.layer)
 * ```
 *
 * The layer is built once for the suite, inside a scope closed after it, so a factory
 * may start and stop a real server. Tests run one after another with the live clock,
 * on fresh subjects (`gw.<unique locality>.<module>.<event>`) and fresh durable names,
 * so messages already on the bus do not disturb them. Nothing here waits for `ackWait`
 * to expire: implementations must redeliver at once on `nack` and when a
 * subscription's scope closes.
 * @module
 */
import { assert, layer } from "@effect/vitest"
import { Deferred, Effect, Fiber, type Layer, Ref, Result, type Scope, Stream } from "effect"
import { Bus, type BusMessage, type Delivery } from "../events/Bus"
import type { EventEnvelope } from "../events/EventStore"
import * as Ids from "../primitives/Ids"
import * as Instant from "../primitives/Instant"

/** Options of {@link busContract}. */
export interface BusContractOptions {
  /** How long building and releasing the layer may take (default 60 s). */
  readonly setupTimeout?: number
}

const occurredAt = Instant.unsafeFromIso("2026-10-01T08:00:00+08:00")

/** A fresh locality token, so each test owns its subjects. */
const freshLocality = Effect.map(Ids.makeUuidV7, (id) => `t${id.replaceAll("-", "").slice(-16)}`)
const freshDurable = Effect.map(Ids.makeUuidV7, (id) => `d-${id}`)

let position = 0
const message = (subject: string, type = "PetitionRegistered", data: EventEnvelope["data"] = {}) =>
  Effect.map(
    Ids.makeEventId,
    (eventId): BusMessage => ({
      subject,
      event: {
        eventId,
        streamId: `case-${eventId}`,
        streamVersion: 1,
        globalPosition: ++position,
        type,
        schemaVersion: 1,
        data,
        metadata: { correlationId: eventId },
        occurredAt
      }
    })
  )

const eventIds = (items: ReadonlyArray<Delivery | BusMessage>): ReadonlyArray<string> =>
  items.map((item) => ("message" in item ? item.message : item).event.eventId)

const failureOf = <A, E>(effect: Effect.Effect<A, E, Scope.Scope>): Effect.Effect<E> =>
  Effect.flatMap(Effect.result(Effect.scoped(effect)), (result) =>
    Result.isFailure(result) ? Effect.succeed(result.failure) : Effect.die(new Error("expected a failure"))
  )

/** Takes `count` deliveries, acknowledging each. */
const takeAcked = (deliveries: Stream.Stream<Delivery, unknown>, count: number) =>
  deliveries.pipe(
    Stream.take(count),
    Stream.mapEffect((delivery) => Effect.as(delivery.ack, delivery)),
    Stream.runCollect
  )

/**
 * Registers the bus contract tests under `describe(name)`. `makeLayer` is called once;
 * its layer is shared by the suite and released after it.
 */
export const busContract = <E>(
  name: string,
  makeLayer: () => Layer.Layer<Bus, E>,
  options: BusContractOptions = {}
): void => {
  layer(makeLayer(), { excludeTestServices: true, timeout: options.setupTimeout ?? 60_000 })(
    `${name} (Bus contract)`,
    (it) => {
      it.effect("delivers the matching messages to a durable in publish order, exactly as published", () =>
        Effect.gen(function* () {
          const bus = yield* Bus
          const locality = yield* freshLocality
          const first = yield* message(`gw.${locality}.petition.petition-registered`, "PetitionRegistered", {
            title: "Noise",
            tags: ["night"]
          })
          const other = yield* message(`gw.${locality}.mediation.case-opened`, "CaseOpened")
          const second = yield* message(`gw.${locality}.petition.petition-routed`, "PetitionRouted")
          const acks = yield* Effect.forEach([first, other, second], (item) => bus.publish(item))
          assert.deepStrictEqual(
            acks.map((ack) => ack.duplicate),
            [false, false, false]
          )
          assert.isTrue(acks[0]!.sequence < acks[1]!.sequence && acks[1]!.sequence < acks[2]!.sequence)
          const deliveries = yield* bus.subscribe({
            durable: yield* freshDurable,
            subject: `gw.${locality}.petition.>`
          })
          const received = yield* takeAcked(deliveries, 2)
          assert.deepStrictEqual(
            received.map((delivery) => delivery.message),
            [first, second]
          )
          assert.deepStrictEqual(
            received.map((delivery) => delivery.deliveryCount),
            [1, 1]
          )
        })
      )

      it.effect("follows messages published after the subscription started", () =>
        Effect.gen(function* () {
          const bus = yield* Bus
          const locality = yield* freshLocality
          const deliveries = yield* bus.subscribe({
            durable: yield* freshDurable,
            subject: `gw.${locality}.petition.*`
          })
          const consumer = yield* Effect.forkChild(takeAcked(deliveries, 3))
          const published = yield* Effect.forEach([1, 2, 3], () =>
            message(`gw.${locality}.petition.petition-registered`)
          )
          yield* Effect.forEach(published, (item) => bus.publish(item))
          assert.deepStrictEqual(eventIds(yield* Fiber.join(consumer)), eventIds(published))
        })
      )

      it.effect("filters subjects with '*' (one token) and '>' (the rest)", () =>
        Effect.gen(function* () {
          const bus = yield* Bus
          const here = yield* freshLocality
          const there = yield* freshLocality
          const registeredHere = yield* message(`gw.${here}.petition.petition-registered`)
          const routedHere = yield* message(`gw.${here}.petition.petition-routed`)
          const openedHere = yield* message(`gw.${here}.mediation.case-opened`)
          const registeredThere = yield* message(`gw.${there}.petition.petition-registered`)
          const cases: ReadonlyArray<readonly [string, ReadonlyArray<BusMessage>]> = [
            [`gw.${here}.>`, [registeredHere, routedHere, openedHere]],
            [`gw.${here}.petition.*`, [registeredHere, routedHere]],
            [`gw.*.petition.petition-registered`, [registeredHere, registeredThere]],
            [`gw.${here}.mediation.case-opened`, [openedHere]]
          ]
          const subscriptions = yield* Effect.forEach(cases, ([subject]) =>
            Effect.flatMap(freshDurable, (durable) => bus.subscribe({ durable, subject, deliver: "new" }))
          )
          yield* Effect.forEach([registeredHere, routedHere, openedHere, registeredThere], (item) => bus.publish(item))
          // A closing message for each pattern proves nothing else was delivered before it
          // (each closing subject matches its own pattern and none of the later ones).
          for (let index = 0; index < cases.length; index++) {
            const [subject, expected] = cases[index]!
            const closing = yield* message(subject.replaceAll("*", "closing").replace(">", "closing.end"))
            yield* bus.publish(closing)
            const received = yield* takeAcked(subscriptions[index]!, expected.length + 1)
            assert.deepStrictEqual(eventIds(received), eventIds([...expected, closing]), `pattern ${subject}`)
          }
        })
      )

      it.effect("a new subscription to a durable resumes after what was acknowledged", () =>
        Effect.gen(function* () {
          const bus = yield* Bus
          const locality = yield* freshLocality
          const durable = yield* freshDurable
          const subject = `gw.${locality}.petition.>`
          const [m1, m2, m3] = yield* Effect.forEach([1, 2, 3], () =>
            message(`gw.${locality}.petition.petition-registered`)
          )
          yield* bus.publish(m1!)
          yield* bus.publish(m2!)
          const firstRun = yield* Effect.scoped(
            Effect.flatMap(bus.subscribe({ durable, subject }), (deliveries) => takeAcked(deliveries, 2))
          )
          assert.deepStrictEqual(eventIds(firstRun), eventIds([m1!, m2!]))
          yield* bus.publish(m3!)
          const secondRun = yield* Effect.flatMap(bus.subscribe({ durable, subject }), (deliveries) =>
            takeAcked(deliveries, 1)
          )
          assert.deepStrictEqual(eventIds(secondRun), eventIds([m3!]))
        })
      )

      it.effect("nack redelivers the message with a higher delivery count", () =>
        Effect.gen(function* () {
          const bus = yield* Bus
          const locality = yield* freshLocality
          const item = yield* message(`gw.${locality}.petition.petition-registered`)
          yield* bus.publish(item)
          const deliveries = yield* bus.subscribe({ durable: yield* freshDurable, subject: `gw.${locality}.>` })
          const pull = yield* Stream.toPull(deliveries)
          const first = (yield* pull)[0]!
          assert.strictEqual(first.deliveryCount, 1)
          yield* first.nack()
          const again = (yield* pull)[0]!
          assert.strictEqual(again.message.event.eventId, item.event.eventId)
          assert.strictEqual(again.deliveryCount, 2)
          yield* again.nack()
          const third = (yield* pull)[0]!
          assert.strictEqual(third.deliveryCount, 3)
          yield* third.ack
        })
      )

      it.effect("closing a subscription makes its unacknowledged deliveries available again at once", () =>
        Effect.gen(function* () {
          const bus = yield* Bus
          const locality = yield* freshLocality
          const durable = yield* freshDurable
          const subject = `gw.${locality}.petition.*`
          const [m1, m2, m3] = yield* Effect.forEach([1, 2, 3], () =>
            message(`gw.${locality}.petition.petition-registered`)
          )
          yield* bus.publish(m1!)
          yield* bus.publish(m2!)
          yield* Effect.scoped(
            Effect.gen(function* () {
              const pull = yield* Stream.toPull(yield* bus.subscribe({ durable, subject }))
              const first = (yield* pull)[0]!
              const second = (yield* pull)[0]!
              assert.deepStrictEqual(eventIds([first, second]), eventIds([m1!, m2!]))
              yield* second.ack // the first stays unacknowledged
            })
          )
          yield* bus.publish(m3!)
          const pull = yield* Stream.toPull(yield* bus.subscribe({ durable, subject }))
          const redelivered = (yield* pull)[0]!
          assert.strictEqual(redelivered.message.event.eventId, m1!.event.eventId)
          assert.strictEqual(redelivered.deliveryCount, 2)
          yield* redelivered.ack
          const next = (yield* pull)[0]!
          assert.strictEqual(next.message.event.eventId, m3!.event.eventId)
          yield* next.ack
        })
      )

      it.effect("term stops redelivery of a message", () =>
        Effect.gen(function* () {
          const bus = yield* Bus
          const locality = yield* freshLocality
          const durable = yield* freshDurable
          const subject = `gw.${locality}.>`
          const [poison, good, later] = yield* Effect.forEach([1, 2, 3], () =>
            message(`gw.${locality}.petition.petition-registered`)
          )
          yield* bus.publish(poison!)
          yield* bus.publish(good!)
          yield* Effect.scoped(
            Effect.gen(function* () {
              const pull = yield* Stream.toPull(yield* bus.subscribe({ durable, subject }))
              const first = (yield* pull)[0]!
              assert.strictEqual(first.message.event.eventId, poison!.event.eventId)
              yield* first.term
              const second = (yield* pull)[0]!
              assert.strictEqual(second.message.event.eventId, good!.event.eventId)
              yield* second.ack
            })
          )
          yield* bus.publish(later!)
          const resumed = yield* Effect.flatMap(bus.subscribe({ durable, subject }), (deliveries) =>
            takeAcked(deliveries, 1)
          )
          assert.deepStrictEqual(eventIds(resumed), eventIds([later!]))
        })
      )

      it.effect("every durable receives every matching message", () =>
        Effect.gen(function* () {
          const bus = yield* Bus
          const locality = yield* freshLocality
          const subject = `gw.${locality}.petition.>`
          const published = yield* Effect.forEach([1, 2, 3], () => message(`gw.${locality}.petition.petition-routed`))
          yield* Effect.forEach(published, (item) => bus.publish(item))
          const risk = yield* bus.subscribe({ durable: yield* freshDurable, subject })
          const accountability = yield* bus.subscribe({ durable: yield* freshDurable, subject })
          assert.deepStrictEqual(eventIds(yield* takeAcked(risk, 3)), eventIds(published))
          assert.deepStrictEqual(eventIds(yield* takeAcked(accountability, 3)), eventIds(published))
        })
      )

      it.effect("subscriptions sharing a durable split its messages: each goes to exactly one", () =>
        Effect.gen(function* () {
          const bus = yield* Bus
          const locality = yield* freshLocality
          const durable = yield* freshDurable
          const subject = `gw.${locality}.petition.>`
          const total = 20
          const received = yield* Ref.make<ReadonlyArray<string>>([])
          const done = yield* Deferred.make<void>()
          const worker = Effect.gen(function* () {
            const deliveries = yield* bus.subscribe({ durable, subject })
            yield* Stream.runForEach(deliveries, (delivery) =>
              Effect.gen(function* () {
                yield* delivery.ack
                const all = yield* Ref.updateAndGet(received, (ids) => [...ids, delivery.message.event.eventId])
                if (all.length >= total) yield* Deferred.succeed(done, undefined)
                yield* Effect.yieldNow
              })
            )
          })
          const workers = yield* Effect.forEach([1, 2], () => Effect.forkChild(Effect.scoped(worker)))
          const published = yield* Effect.forEach(Array.from({ length: total }), () =>
            message(`gw.${locality}.petition.petition-registered`)
          )
          yield* Effect.forEach(published, (item) => Effect.andThen(bus.publish(item), Effect.yieldNow))
          yield* Deferred.await(done)
          yield* Effect.forEach(workers, Fiber.interrupt)
          const ids = yield* Ref.get(received)
          assert.strictEqual(ids.length, total)
          assert.deepStrictEqual(new Set(ids), new Set(eventIds(published)))
        })
      )

      it.effect("publishing an event id twice stores and delivers it once", () =>
        Effect.gen(function* () {
          const bus = yield* Bus
          const locality = yield* freshLocality
          const subject = `gw.${locality}.petition.petition-registered`
          const m1 = yield* message(subject)
          const m2 = yield* message(subject)
          const first = yield* bus.publish(m1)
          const again = yield* bus.publish(m1)
          assert.isFalse(first.duplicate)
          assert.isTrue(again.duplicate)
          assert.strictEqual(again.sequence, first.sequence)
          yield* bus.publish(m2)
          const deliveries = yield* bus.subscribe({ durable: yield* freshDurable, subject })
          assert.deepStrictEqual(eventIds(yield* takeAcked(deliveries, 2)), eventIds([m1, m2]))
        })
      )

      it.effect("a 'new' durable skips messages published before it existed", () =>
        Effect.gen(function* () {
          const bus = yield* Bus
          const locality = yield* freshLocality
          const subject = `gw.${locality}.petition.petition-registered`
          const old = yield* message(subject)
          const fresh = yield* message(subject)
          yield* bus.publish(old)
          const deliveries = yield* bus.subscribe({ durable: yield* freshDurable, subject, deliver: "new" })
          yield* bus.publish(fresh)
          assert.deepStrictEqual(eventIds(yield* takeAcked(deliveries, 1)), eventIds([fresh]))
        })
      )

      it.effect("rejects bad subjects, patterns, durable names and messages, naming the field", () =>
        Effect.gen(function* () {
          const bus = yield* Bus
          const locality = yield* freshLocality
          const good = yield* message(`gw.${locality}.petition.petition-registered`)
          const durable = yield* freshDurable
          const cases: ReadonlyArray<readonly [Effect.Effect<unknown, unknown, Scope.Scope>, string, string]> = [
            [bus.publish({ ...good, subject: "gw.bad subject" }), "publish", "subject"],
            [bus.publish({ ...good, subject: `gw.${locality}.*` }), "publish", "subject"],
            [bus.publish({ ...good, subject: "" }), "publish", "subject"],
            [
              bus.publish({ ...good, event: { ...good.event, eventId: "nope" as EventEnvelope["eventId"] } }),
              "publish",
              "event.eventId"
            ],
            [bus.publish({ ...good, event: { ...good.event, streamVersion: 0 } }), "publish", "event.streamVersion"],
            [bus.subscribe({ durable, subject: "gw.>.petition" }), "subscribe", "subject"],
            [bus.subscribe({ durable, subject: "gw..petition" }), "subscribe", "subject"],
            [bus.subscribe({ durable: "has space", subject: "gw.>" }), "subscribe", "durable"],
            [bus.subscribe({ durable, subject: "gw.>", maxDeliveries: 0 }), "subscribe", "maxDeliveries"],
            [bus.subscribe({ durable, subject: "gw.>", ackWait: 0 }), "subscribe", "ackWait"]
          ]
          for (const [effect, operation, path] of cases) {
            const error = yield* failureOf(effect)
            assert.include(error, { _tag: "InvalidBusRequest", operation, path }, `${operation} ${path}`)
          }
        })
      )

      it.effect("a durable keeps its subject: another pattern under its name fails with DurableConflict", () =>
        Effect.gen(function* () {
          const bus = yield* Bus
          const locality = yield* freshLocality
          const durable = yield* freshDurable
          yield* Effect.scoped(bus.subscribe({ durable, subject: `gw.${locality}.petition.>` }))
          const error = yield* failureOf(bus.subscribe({ durable, subject: `gw.${locality}.mediation.>` }))
          assert.include(error, {
            _tag: "DurableConflict",
            durable,
            existingSubject: `gw.${locality}.petition.>`,
            requestedSubject: `gw.${locality}.mediation.>`
          })
        })
      )
    }
  )
}
