import { assert, layer } from "@effect/vitest"
import { Bus } from "@gridwork/core"
import { ConfigProvider, Effect, Layer, Logger, Stream } from "effect"
import * as BusSelection from "../src/bus/BusSelection"
import { freshLocality, messageOf, PetitionRegistered } from "./support/Petitions"
import { TestNats } from "./support/TestNats"

/** Collects `level: message` lines. */
const capture = () => {
  const lines: Array<string> = []
  const logger = Logger.make<unknown, void>((options) => {
    const parts = Array.isArray(options.message) ? options.message : [options.message]
    lines.push(`${String(options.logLevel).toUpperCase()}: ${parts.map(String).join(" ")}`)
  })
  return { lines, layer: Logger.layer([logger]) }
}

/** Publishes one event and reads it back through a fresh durable. */
const roundTrip = Effect.gen(function* () {
  const bus = yield* Bus.Bus
  const locality = yield* freshLocality
  const message = yield* messageOf(locality, new PetitionRegistered({ title: "selected", village: "v" }))
  yield* bus.publish(message)
  const deliveries = yield* bus.subscribe({ durable: `d-${locality}`, subject: `gw.${locality}.petition.>` })
  const [delivery] = yield* Stream.runCollect(Stream.take(deliveries, 1))
  yield* delivery!.ack
  assert.deepStrictEqual(delivery!.message, message)
}).pipe(Effect.scoped)

layer(TestNats.layer, { timeout: 60_000, excludeTestServices: true })("BusSelection", (it) => {
  it.effect("without a NATS URL: the in-process bus, with the warning logged", () => {
    const logs = capture()
    return Effect.gen(function* () {
      assert.deepStrictEqual(yield* BusSelection.Transport, { kind: "in-process" })
      yield* roundTrip
      assert.include(logs.lines, `WARN: ${BusSelection.IN_PROCESS_WARNING}`)
    }).pipe(Effect.provide(BusSelection.layer({ url: undefined }).pipe(Layer.provideMerge(logs.layer))))
  })

  it.effect("a blank NATS_URL counts as none", () => {
    const logs = capture()
    return Effect.gen(function* () {
      assert.deepStrictEqual(yield* BusSelection.Transport, { kind: "in-process" })
      assert.include(logs.lines, `WARN: ${BusSelection.IN_PROCESS_WARNING}`)
    }).pipe(
      Effect.provide(
        BusSelection.layerConfig().pipe(
          Layer.provideMerge(logs.layer),
          Layer.provide(ConfigProvider.layer(ConfigProvider.fromUnknown({ NATS_URL: "  " })))
        )
      )
    )
  })

  it.effect("with NATS_URL: the JetStream bus on that server", () =>
    Effect.gen(function* () {
      const server = yield* TestNats
      const logs = capture()
      yield* Effect.gen(function* () {
        assert.deepStrictEqual(yield* BusSelection.Transport, { kind: "jetstream", url: server.url })
        yield* roundTrip
        assert.notInclude(logs.lines, `WARN: ${BusSelection.IN_PROCESS_WARNING}`)
        assert.include(logs.lines, `INFO: using the JetStream bus at ${server.url}`)
      }).pipe(
        Effect.provide(
          BusSelection.layerConfig().pipe(
            Layer.provideMerge(logs.layer),
            Layer.provide(ConfigProvider.layer(ConfigProvider.fromUnknown({ NATS_URL: server.url })))
          )
        )
      )
    })
  )
})
