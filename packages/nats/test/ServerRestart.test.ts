import { assert, describe, it } from "@effect/vitest"
import { InMemoryInbox } from "@gridwork/core"
import { Effect, Layer, Ref, Result } from "effect"
import * as EventConsumer from "../src/consumer/EventConsumer"
import * as NatsClient from "../src/jetstream/NatsClient"
import * as Publisher from "../src/jetstream/Publisher"
import { eventually } from "./support/Eventually"
import { codec, freshLocality, makeProjection, messageOf, PetitionRegistered } from "./support/Petitions"
import { start } from "./support/TestNats"

describe("EventConsumer across a nats-server restart", () => {
  it.live(
    "keeps consuming after the server restarts on the same store: no loss, no double effect",
    () =>
      Effect.gen(function* () {
        const first = yield* start()
        let server = first
        yield* Effect.addFinalizer(() => Effect.promise(() => server.stop()))
        const locality = yield* freshLocality
        const program = Effect.gen(function* () {
          const publisher = yield* Publisher.Publisher
          const projection = yield* makeProjection
          const publishedIds = yield* Ref.make<ReadonlyArray<string>>([])
          const publishOne = (title: string) =>
            Effect.gen(function* () {
              const message = yield* messageOf(locality, new PetitionRegistered({ title, village: "v" }))
              // While the server restarts a publish may fail: retry until it is acknowledged.
              yield* eventually(
                `publish ${title}`,
                Effect.map(Effect.result(publisher.publish(message)), Result.isSuccess)
              )
              yield* Ref.update(publishedIds, (ids) => [...ids, message.event.eventId])
            })
          const running = yield* EventConsumer.start({
            durable: "restart-projector",
            locality,
            module: "petition",
            codec,
            handle: (_event, context) => projection.apply(context.message.event.eventId),
            backoff: [50],
            ackWait: "1 second"
          })
          for (const title of ["a", "b", "c"]) yield* publishOne(title)
          yield* eventually(
            "3 projected before the restart",
            Effect.map(projection.distinct, (n) => n === 3)
          )

          yield* Effect.promise(() => first.stop({ keepStore: true }))
          server = yield* start({ storeDir: first.storeDir, port: first.port })
          for (const title of ["d", "e", "f"]) yield* publishOne(title)
          yield* eventually(
            "6 projected after the restart",
            Effect.map(projection.distinct, (n) => n === 6)
          )
          const effects = yield* Ref.get(projection.effects)
          assert.deepStrictEqual(
            (yield* Ref.get(publishedIds)).map((id) => effects.get(id)),
            [1, 1, 1, 1, 1, 1]
          )
          const stats = yield* running.stats
          assert.strictEqual(stats.handled, 6)
          assert.strictEqual(stats.deadLettered, 0)
        })
        yield* program.pipe(
          Effect.scoped,
          Effect.provide(
            Publisher.layer({ modules: [{ locality, module: "petition" }] }).pipe(
              Layer.provideMerge(NatsClient.layer({ url: first.url, reconnectWait: 100, timeout: 1_000 })),
              Layer.merge(InMemoryInbox.layer)
            )
          )
        )
      }).pipe(Effect.scoped),
    60_000
  )
})
