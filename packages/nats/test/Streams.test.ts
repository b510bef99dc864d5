import { assert, layer } from "@effect/vitest"
import { StorageType } from "@nats-io/jetstream"
import { Duration, Effect, Exit } from "effect"
import * as Consumers from "../src/jetstream/Consumers"
import * as NatsClient from "../src/jetstream/NatsClient"
import * as StreamLayout from "../src/jetstream/StreamLayout"
import * as Streams from "../src/jetstream/Streams"
import { freshLocality } from "./support/Petitions"
import { client, TestNats } from "./support/TestNats"

const failureOf = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.map(Effect.exit(effect), (exit) => (Exit.isFailure(exit) ? String(exit.cause) : "succeeded"))

layer(TestNats.layer, { timeout: 60_000, excludeTestServices: true })(
  "Streams and consumers on a real nats-server",
  (it) => {
    it.effect("ensure creates the stream, leaves it alone when it matches, updates its limits when they differ", () =>
      Effect.gen(function* () {
        const nats = yield* NatsClient.NatsClient
        const placement = StreamLayout.forModule(StreamLayout.perModule, {
          locality: yield* freshLocality,
          module: "petition"
        })
        const created = yield* Streams.ensure(nats.manager, placement)
        assert.strictEqual(created.config.storage, StorageType.File)
        assert.deepStrictEqual(created.config.subjects, [placement.subjects])
        assert.strictEqual(created.config.duplicate_window, 120_000_000_000)
        const again = yield* Streams.ensure(nats.manager, placement)
        assert.strictEqual(again.created, created.created)
        const updated = yield* Streams.ensure(nats.manager, placement, {
          ...Streams.defaultSettings,
          duplicateWindow: Duration.minutes(5),
          maxAge: Duration.days(30)
        })
        assert.strictEqual(updated.config.duplicate_window, 300_000_000_000)
        assert.strictEqual(updated.config.max_age, 30 * 86_400_000_000_000)
        assert.strictEqual((yield* nats.streamInfo(placement.name)).config.duplicate_window, 300_000_000_000)
      }).pipe(Effect.provide(client()))
    )

    it.effect("ensure refuses a stream with the same name and other subjects, or memory storage", () =>
      Effect.gen(function* () {
        const nats = yield* NatsClient.NatsClient
        const locality = yield* freshLocality
        const placement = StreamLayout.forModule(StreamLayout.perModule, { locality, module: "petition" })
        yield* Effect.promise(() =>
          nats.manager.streams.add({ name: placement.name, subjects: [`gw.${locality}.other.>`] })
        )
        const otherSubjects = yield* failureOf(Streams.ensure(nats.manager, placement))
        assert.include(otherSubjects, "StreamConflict")
        assert.include(otherSubjects, `not ${placement.subjects}`)

        const memory = StreamLayout.forModule(StreamLayout.perModule, { locality, module: "mediation" })
        yield* Effect.promise(() =>
          nats.manager.streams.add({ name: memory.name, subjects: [memory.subjects], storage: StorageType.Memory })
        )
        assert.include(yield* failureOf(Streams.ensure(nats.manager, memory)), "memory storage")
      }).pipe(Effect.provide(client()))
    )

    it.effect("ensure refuses subjects overlapping another stream's (two layouts on one server)", () =>
      Effect.gen(function* () {
        const nats = yield* NatsClient.NatsClient
        const locality = yield* freshLocality
        yield* Effect.promise(() =>
          nats.manager.streams.add({ name: `ALL_${locality}`, subjects: [`gw.${locality}.>`] })
        )
        const placement = StreamLayout.forModule(StreamLayout.perModule, { locality, module: "petition" })
        const failure = yield* failureOf(Streams.ensure(nats.manager, placement))
        assert.include(failure, "StreamConflict")
        assert.include(failure, "overlap")
      }).pipe(Effect.provide(client()))
    )

    it.effect("a durable is created with its settings, updated when they change, refused under another subject", () =>
      Effect.gen(function* () {
        const nats = yield* NatsClient.NatsClient
        const locality = yield* freshLocality
        const placement = StreamLayout.forModule(nats.layout, { locality, module: "petition" })
        const settings: Consumers.DurableSettings = {
          durable: "risk",
          filterSubject: `gw.${locality}.petition.>`,
          deliver: "all",
          ackWaitMillis: 30_000,
          maxDeliver: 6,
          backoffMillis: [1_000, 5_000, 30_000]
        }
        yield* Consumers.ensure(nats, placement, settings)
        const info = yield* Effect.promise(() => nats.manager.consumers.info(placement.name, "risk"))
        assert.strictEqual(info.config.ack_policy, "explicit")
        assert.strictEqual(info.config.max_deliver, 6)
        assert.deepStrictEqual(info.config.backoff, [1e9, 5e9, 30e9])
        yield* Consumers.ensure(nats, placement, { ...settings, maxDeliver: 8, backoffMillis: [2_000] })
        const changed = yield* Effect.promise(() => nats.manager.consumers.info(placement.name, "risk"))
        assert.strictEqual(changed.config.max_deliver, 8)
        assert.deepStrictEqual(changed.config.backoff, [2e9])
        const conflict = yield* failureOf(
          Consumers.ensure(nats, placement, { ...settings, filterSubject: `gw.${locality}.petition.petition-routed` })
        )
        assert.include(conflict, "ConsumerConflict")
      }).pipe(Effect.provide(client()))
    )

    it.effect("the client refuses bad options, naming the field", () =>
      Effect.gen(function* () {
        const cases: ReadonlyArray<readonly [NatsClient.NatsClientOptions, string]> = [
          [{ url: "http://x y" }, "url:"],
          [{ url: "nats://127.0.0.1:1", timeout: 0 }, "timeout:"],
          [{ url: "nats://127.0.0.1:1", streams: { replicas: 0 } }, "streams.replicas:"],
          [{ url: "nats://127.0.0.1:1", streams: { maxBytes: -1 } }, "streams.maxBytes:"]
        ]
        for (const [options, field] of cases) {
          assert.include(yield* failureOf(Effect.scoped(NatsClient.make(options))), field)
        }
        const unreachable = yield* failureOf(Effect.scoped(NatsClient.make({ url: "nats://user:secret@127.0.0.1:1" })))
        assert.include(unreachable, "NatsConnectFailure")
        assert.include(unreachable, "nats-server")
        assert.notInclude(unreachable, "secret")
      })
    )
  }
)
