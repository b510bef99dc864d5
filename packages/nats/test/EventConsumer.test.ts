import { assert, layer } from "@effect/vitest"
import { Bus, InMemoryInbox } from "@gridwork/core"
import { headers as natsHeaders } from "@nats-io/transport-node"
import { Context, Deferred, Effect, Exit, Layer, Ref, Result, Scope } from "effect"
import * as JetStreamBus from "../src/bus/JetStreamBus"
import * as EventConsumer from "../src/consumer/EventConsumer"
import * as CloudEventEnvelope from "../src/envelope/CloudEventEnvelope"
import * as NatsClient from "../src/jetstream/NatsClient"
import * as Publisher from "../src/jetstream/Publisher"
import { eventually } from "./support/Eventually"
import {
  codec,
  freshLocality,
  makeProjection,
  messageOf,
  type PetitionEvent,
  PetitionRegistered,
  publishRegistered
} from "./support/Petitions"
import { client, readStream, TestNats } from "./support/TestNats"

const base = Publisher.layer().pipe(Layer.provideMerge(client()), Layer.merge(InMemoryInbox.layer))

const streamOf = (locality: string, module = "petition") => `GW_${locality.toUpperCase()}_${module.toUpperCase()}`

const consumerInfo = (locality: string, durable: string) =>
  Effect.flatMap(Effect.service(NatsClient.NatsClient), (nats) =>
    Effect.promise(() => nats.manager.consumers.info(streamOf(locality), durable))
  )

/** A second connection, open for the scope; closing it simulates a crashed process. */
const secondConnection = Effect.map(Layer.build(client()), (context) => Context.get(context, NatsClient.NatsClient))

const options = (
  locality: string,
  handle: (event: PetitionEvent, context: EventConsumer.DeliveryContext) => Effect.Effect<void, unknown>,
  overrides: Partial<EventConsumer.EventConsumerOptions<PetitionEvent, unknown, never>> = {}
): EventConsumer.EventConsumerOptions<PetitionEvent, unknown, never> => ({
  durable: "projector",
  locality,
  module: "petition",
  codec,
  handle,
  backoff: [50],
  ackWait: "1 second",
  ...overrides
})

layer(TestNats.layer, { timeout: 60_000, excludeTestServices: true })("EventConsumer on a real nats-server", (it) => {
  it.effect("publish → consume → projection: every event decoded and applied once", () =>
    Effect.gen(function* () {
      const locality = yield* freshLocality
      const projection = yield* makeProjection
      const titles = yield* Ref.make<ReadonlyArray<string>>([])
      const published = yield* publishRegistered(locality, 10)
      const running = yield* EventConsumer.start(
        options(locality, (event, context) =>
          Effect.gen(function* () {
            assert.instanceOf(event, PetitionRegistered)
            if (event._tag === "PetitionRegistered") yield* Ref.update(titles, (all) => [...all, event.title])
            yield* projection.apply(context.message.event.eventId)
          })
        )
      )
      yield* eventually(
        "10 events projected",
        Effect.map(projection.total, (total) => total === 10)
      )
      assert.deepStrictEqual(
        yield* Ref.get(titles),
        published.map((_, index) => `t${index}`)
      )
      assert.deepStrictEqual(yield* running.stats, { handled: 10, duplicates: 0, retried: 0, deadLettered: 0 })
      yield* eventually(
        "every message acknowledged",
        Effect.map(consumerInfo(locality, "projector"), (info) => info.num_ack_pending === 0 && info.num_pending === 0)
      )
    }).pipe(Effect.scoped, Effect.provide(base))
  )

  it.effect("a duplicate publish inside the window is stored once", () =>
    Effect.gen(function* () {
      const locality = yield* freshLocality
      const publisher = yield* Publisher.Publisher
      const message = yield* messageOf(locality, new PetitionRegistered({ title: "twice", village: "v" }))
      const first = yield* publisher.publish(message)
      const again = yield* publisher.publish(message)
      assert.isFalse(first.duplicate)
      assert.isTrue(again.duplicate)
      assert.strictEqual(again.sequence, first.sequence)
      const stored = yield* readStream(streamOf(locality))
      assert.strictEqual(stored.length, 1)
      assert.strictEqual(stored[0]!.headers.get("Nats-Msg-Id"), message.event.eventId)
      assert.strictEqual(stored[0]!.headers.get("Content-Type"), CloudEventEnvelope.CONTENT_TYPE)
    }).pipe(Effect.provide(base))
  )

  it.effect("a redelivery after a lost ack is handled once thanks to the inbox", () =>
    Effect.gen(function* () {
      const locality = yield* freshLocality
      const projection = yield* makeProjection
      const crashed = yield* secondConnection
      const [message] = yield* publishRegistered(locality, 1)
      // Process A applies the effect, then its connection dies before the ack.
      const first = yield* EventConsumer.start(
        options(locality, (_event, context) =>
          Effect.andThen(
            projection.apply(context.message.event.eventId),
            Effect.promise(() => crashed.connection.close())
          )
        )
      ).pipe(Effect.provideService(NatsClient.NatsClient, crashed))
      const stopped = yield* Effect.exit(first.done)
      assert.isTrue(Exit.isFailure(stopped), "process A stops when its connection closes")
      assert.strictEqual((yield* first.stats).handled, 1)
      // Process B gets the redelivery after ackWait; the inbox already has it.
      const second = yield* EventConsumer.start(
        options(locality, (_event, context) => projection.apply(context.message.event.eventId))
      )
      // nats-server 2.9 may deliver it twice here (a redelivery picked for the dead process's pull
      // request is sent again as new): the inbox absorbs both.
      yield* eventually(
        "the redelivery is acknowledged",
        Effect.map(second.stats, (stats) => stats.duplicates >= 1)
      )
      assert.deepStrictEqual(yield* Ref.get(projection.effects), new Map([[message!.event.eventId, 1]]))
      assert.strictEqual((yield* second.stats).handled, 0)
      yield* eventually(
        "nothing left unacknowledged",
        Effect.map(consumerInfo(locality, "projector"), (info) => info.num_ack_pending === 0)
      )
    }).pipe(Effect.scoped, Effect.provide(base))
  )

  it.effect("a consumer killed mid-batch resumes with no loss and no double effect", () =>
    Effect.gen(function* () {
      const locality = yield* freshLocality
      const projection = yield* makeProjection
      const published = yield* publishRegistered(locality, 20)
      const reached = yield* Deferred.make<void>()
      const scope = yield* Scope.make()
      // The 8th event blocks before its effect: the consumer holds it and 12 more, fetched, unacknowledged.
      yield* EventConsumer.start(
        options(locality, (_event, context) =>
          Effect.gen(function* () {
            const done = yield* projection.distinct
            if (done === 7) {
              yield* Deferred.succeed(reached, undefined)
              return yield* Effect.never
            }
            yield* projection.apply(context.message.event.eventId)
          })
        )
      ).pipe(Scope.provide(scope))
      yield* Deferred.await(reached)
      yield* Scope.close(scope, Exit.void) // kill: interrupt the fiber mid-handler
      assert.strictEqual(yield* projection.total, 7)
      const resumed = yield* EventConsumer.start(
        options(locality, (_event, context) => projection.apply(context.message.event.eventId))
      )
      yield* eventually(
        "all 20 projected",
        Effect.map(projection.distinct, (n) => n === 20)
      )
      const effects = yield* Ref.get(projection.effects)
      assert.deepStrictEqual(
        published.map((message) => effects.get(message.event.eventId)),
        published.map(() => 1)
      )
      assert.strictEqual((yield* resumed.stats).handled, 13)
    }).pipe(Effect.scoped, Effect.provide(base))
  )

  it.effect(
    "a connection closed mid-batch, after effects without acks, resumes with no loss and no double effect",
    () =>
      Effect.gen(function* () {
        const locality = yield* freshLocality
        const projection = yield* makeProjection
        const published = yield* publishRegistered(locality, 20)
        const crashed = yield* secondConnection
        const first = yield* EventConsumer.start(
          options(locality, (_event, context) =>
            Effect.gen(function* () {
              yield* projection.apply(context.message.event.eventId)
              // After the 5th effect the process "crashes": no ack for it nor for the 15 fetched after it.
              if ((yield* projection.distinct) === 5) yield* Effect.promise(() => crashed.connection.close())
            })
          )
        ).pipe(Effect.provideService(NatsClient.NatsClient, crashed))
        yield* Effect.exit(first.done)
        assert.strictEqual(yield* projection.total, 5)
        const resumed = yield* EventConsumer.start(
          options(locality, (_event, context) => projection.apply(context.message.event.eventId))
        )
        yield* eventually(
          "all 20 projected",
          Effect.map(projection.distinct, (n) => n === 20)
        )
        yield* eventually(
          "the 5th redelivery skipped",
          Effect.map(resumed.stats, (stats) => stats.duplicates >= 1)
        )
        const effects = yield* Ref.get(projection.effects)
        assert.deepStrictEqual(
          published.map((message) => effects.get(message.event.eventId)),
          published.map(() => 1)
        )
        assert.strictEqual(yield* projection.total, 20)
      }).pipe(Effect.scoped, Effect.provide(base))
  )

  it.effect("poison messages go to gw.<locality>.dlq.<module> with the reason and are terminated", () =>
    Effect.gen(function* () {
      const locality = yield* freshLocality
      const nats = yield* NatsClient.NatsClient
      const publisher = yield* Publisher.Publisher
      const calls = yield* Ref.make(new Map<string, number>())
      const rejected = yield* messageOf(locality, new PetitionRegistered({ title: "reject me", village: "v" }))
      const failing = yield* messageOf(locality, new PetitionRegistered({ title: "always fails", village: "v" }))
      const good = yield* messageOf(locality, new PetitionRegistered({ title: "fine", village: "v" }))
      const badData = yield* messageOf(locality, new PetitionRegistered({ title: "x", village: "v" }))
      yield* publisher.prepare([`gw.${locality}.petition.petition-registered`])
      // 1. not a CloudEvent at all, with a header of its own
      const garbageHeaders = natsHeaders()
      garbageHeaders.set("X-Origin", "legacy-system")
      yield* Effect.promise(() =>
        nats.jetstream.publish(`gw.${locality}.petition.petition-registered`, new TextEncoder().encode("{oops"), {
          msgID: "garbage-1",
          headers: garbageHeaders
        })
      )
      // 2. a valid envelope whose data its Schema rejects
      yield* publisher.publish({
        ...badData,
        event: { ...badData.event, data: { _tag: "PetitionRegistered", title: 7 } }
      })
      // 3. the handler says poison; 4. the handler always fails; 5. a good one
      yield* publisher.publish(rejected)
      yield* publisher.publish(failing)
      yield* publisher.publish(good)
      const running = yield* EventConsumer.start(
        options(
          locality,
          (event, context) =>
            Effect.gen(function* () {
              const id = context.message.event.eventId
              yield* Ref.update(calls, (current) => new Map(current).set(id, (current.get(id) ?? 0) + 1))
              if (event._tag === "PetitionRegistered" && event.title === "reject me") {
                return yield* new EventConsumer.PoisonMessage({ reason: "a test says no" })
              }
              if (event._tag === "PetitionRegistered" && event.title === "always fails") {
                return yield* Effect.fail(new Error("database is on fire"))
              }
            }),
          { maxDeliver: 2 }
        )
      )
      yield* eventually(
        "four dead letters",
        Effect.map(running.stats, (stats) => stats.deadLettered === 4)
      )
      yield* eventually(
        "the good one handled",
        Effect.map(running.stats, (stats) => stats.handled === 1)
      )
      const dead = yield* readStream(`GW_${locality.toUpperCase()}_DLQ`)
      assert.deepStrictEqual(
        dead.map((letter) => letter.subject),
        dead.map(() => `gw.${locality}.dlq.petition`)
      )
      const reasons = dead.map((letter) => letter.headers.get("Gridwork-Dlq-Reason") ?? "")
      assert.match(reasons[0]!, /^undecodable: body: not UTF-8 JSON/)
      assert.match(reasons[1]!, /^undecodable: data\.title: /)
      assert.strictEqual(reasons[2], "rejected: a test says no")
      assert.match(reasons[3]!, /^max-deliveries: database is on fire/)
      // The original body and headers travel with the reason.
      assert.strictEqual(new TextDecoder().decode(dead[0]!.data), "{oops")
      assert.strictEqual(dead[0]!.headers.get("X-Origin"), "legacy-system")
      assert.strictEqual(dead[0]!.headers.get("Gridwork-Dlq-Original-Msg-Id"), "garbage-1")
      assert.strictEqual(dead[0]!.headers.get("Gridwork-Dlq-Durable"), "projector")
      assert.strictEqual(dead[0]!.headers.get("Gridwork-Dlq-Stream"), streamOf(locality))
      assert.strictEqual(dead[3]!.headers.get("Gridwork-Dlq-Deliveries"), "2")
      const decoded = CloudEventEnvelope.decode(`gw.${locality}.petition.petition-registered`, dead[2]!.data)
      assert.isTrue(Result.isSuccess(decoded) && decoded.success.event.eventId === rejected.event.eventId)
      // Terminated, not redelivered: the handler ran once for the rejected one, maxDeliver times for the failing one.
      const counted = yield* Ref.get(calls)
      assert.strictEqual(counted.get(rejected.event.eventId), 1)
      assert.strictEqual(counted.get(failing.event.eventId), 2)
      assert.isUndefined(counted.get(badData.event.eventId))
      yield* eventually(
        "nothing pending or awaiting an ack",
        Effect.map(consumerInfo(locality, "projector"), (info) => info.num_ack_pending === 0 && info.num_pending === 0)
      )
      assert.strictEqual((yield* consumerInfo(locality, "projector")).ack_floor.stream_seq, 5)
    }).pipe(Effect.scoped, Effect.provide(base))
  )

  it.effect("rejects bad options, naming the field and the rule", () =>
    Effect.gen(function* () {
      const cases: ReadonlyArray<
        readonly [Partial<EventConsumer.EventConsumerOptions<PetitionEvent, unknown, never>>, string]
      > = [
        [{ durable: "has space" }, "durable"],
        [{ module: "dlq" }, "module"],
        [{ locality: "a.b" }, "locality"],
        [{ subject: "gw.elsewhere.petition.>" }, "subject"],
        [{ maxDeliver: 0 }, "maxDeliver"],
        [{ backoff: [] }, "backoff"],
        [{ backoff: ["1 second", -5] }, "backoff[1]"],
        [{ ackWait: 0 }, "ackWait"],
        [{ batch: 0 }, "batch"]
      ]
      for (const [overrides, field] of cases) {
        const exit = yield* Effect.exit(
          Effect.scoped(EventConsumer.start(options("lanxi", () => Effect.void, overrides)))
        )
        assert.isTrue(Exit.isFailure(exit), field)
        const failure = Exit.isFailure(exit) ? exit.cause : undefined
        assert.include(String(failure), `${field}:`, field)
      }
    }).pipe(Effect.provide(base))
  )

  it.effect("the Bus of the same server carries the same messages (per-module layout)", () =>
    Effect.gen(function* () {
      const locality = yield* freshLocality
      const bus = yield* Bus.Bus
      const message = yield* messageOf(locality, new PetitionRegistered({ title: "via bus", village: "v" }))
      const ack = yield* bus.publish(message)
      assert.isFalse(ack.duplicate)
      const projection = yield* makeProjection
      yield* EventConsumer.start(
        options(locality, (_event, context) => projection.apply(context.message.event.eventId))
      )
      yield* eventually(
        "projected",
        Effect.map(projection.total, (total) => total === 1)
      )
      const spanning = yield* Effect.exit(Effect.scoped(bus.subscribe({ durable: "x", subject: "gw.*.petition.>" })))
      assert.isTrue(Exit.isFailure(spanning))
      assert.include(String(Exit.isFailure(spanning) ? spanning.cause : ""), "names its locality and module")
    }).pipe(Effect.scoped, Effect.provide(JetStreamBus.layer().pipe(Layer.provideMerge(base))))
  )
})
