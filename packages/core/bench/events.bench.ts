/**
 * In-memory event store and bus throughput. Run with `npm run bench` in packages/core
 * (all benchmarks) or `node --conditions=@gridwork/source --import tsx bench/events.bench.ts`.
 *
 * Measures: appends of one event to many streams (validation, idempotency check,
 * frozen copies), appends of 10-event batches, 8 fibers appending to one stream with
 * retries on version conflicts, readStream of a 1,000-event stream, readAll over the
 * whole store in pages of 1,000, a catch-up subscription over the whole store, and bus
 * publish + durable consume with acks.
 *
 * Targets (non-zero exit code when missed), set with headroom for a loaded 2-core
 * machine: single appends ≥ 10,000 events/s, batched appends ≥ 20,000 events/s,
 * subscription catch-up ≥ 500,000 events/s, bus publish + consume ≥ 10,000 messages/s.
 */
import { Effect, Stream } from "effect"
import * as Bus from "../src/events/Bus"
import * as EventStore from "../src/events/EventStore"
import * as InMemoryBus from "../src/events/InMemoryBus"
import * as InMemoryEventStore from "../src/events/InMemoryEventStore"
import * as Ids from "../src/primitives/Ids"
import * as Instant from "../src/primitives/Instant"
import * as BenchReport from "./BenchReport"

const SINGLE = 50_000
const BATCHES = 10_000
const BATCH = 10
const CONTENDED_FIBERS = 8
const CONTENDED_EACH = 250
const MESSAGES = 20_000

const report = BenchReport.make("events")
const { count, millis, perSecond, rate, timed } = BenchReport
const occurredAt = Instant.unsafeFromIso("2026-10-01T08:00:00+08:00")

let counter = 0
const nextId = () => {
  counter++
  return Ids.EventId.make(
    Ids.formatUuidV7(1_790_000_000_000 + Math.floor(counter / 4096), counter % 4096, counter, counter)
  )
}
const event = (n: number): EventStore.NewEvent => ({
  eventId: nextId(),
  type: "PetitionRegistered",
  schemaVersion: 1,
  data: { title: `petition ${n}`, category: "environment.noise", location: { lat: 29.2, lon: 119.5 }, tags: ["night"] },
  metadata: { correlationId: `corr-${n}`, actor: "system:bench", locality: "lanxi", policyVersion: "lanxi@2026.1" },
  occurredAt
})

const storeBench = Effect.gen(function* () {
  const store = yield* EventStore.EventStore

  // warm-up (JIT) on a throw-away store
  const warm = yield* InMemoryEventStore.make
  for (let i = 0; i < 5_000; i++) yield* warm.append(`warm-${i % 100}`, "any", [event(i)])

  const singles = Array.from({ length: SINGLE }, (_, i) => event(i))
  const [, singleMs] = yield* timed(
    Effect.gen(function* () {
      for (let i = 0; i < SINGLE; i++) yield* store.append(`case-${i % 1_000}`, Math.floor(i / 1_000), [singles[i]!])
    })
  )
  report.row(`append ${count(SINGLE)} events one by one (1,000 streams)`, rate(SINGLE, singleMs), millis(singleMs))
  report.target(perSecond(SINGLE, singleMs) >= 10_000, "single appends below 10,000 events/s")

  const batches = Array.from({ length: BATCHES }, (_, b) =>
    Array.from({ length: BATCH }, (_, i) => event(b * BATCH + i))
  )
  const [, batchMs] = yield* timed(
    Effect.gen(function* () {
      for (let b = 0; b < BATCHES; b++) yield* store.append(`batch-${b}`, "no-stream", batches[b]!)
    })
  )
  const batchEvents = BATCHES * BATCH
  report.row(`append ${count(batchEvents)} events in batches of ${BATCH}`, rate(batchEvents, batchMs), millis(batchMs))
  report.target(perSecond(batchEvents, batchMs) >= 20_000, "batched appends below 20,000 events/s")

  const [retries, contendedMs] = yield* timed(
    Effect.forEach(
      Array.from({ length: CONTENDED_FIBERS }, (_, f) => f),
      (f) =>
        Effect.gen(function* () {
          let conflicts = 0
          for (let i = 0; i < CONTENDED_EACH; i++) {
            const next = event(f * CONTENDED_EACH + i)
            for (;;) {
              const current = (yield* store.readStream("hot")).length
              yield* Effect.yieldNow
              const result = yield* Effect.result(store.append("hot", current, [next]))
              if (result._tag === "Success") break
              conflicts++
            }
          }
          return conflicts
        }),
      { concurrency: "unbounded" }
    )
  )
  const contended = CONTENDED_FIBERS * CONTENDED_EACH
  report.row(
    `${CONTENDED_FIBERS} fibers append ${count(contended)} events to one stream`,
    rate(contended, contendedMs),
    `${count(retries.reduce((a, b) => a + b, 0))} version conflicts retried`
  )

  const [hot, readStreamMs] = yield* timed(
    Effect.gen(function* () {
      let events: ReadonlyArray<EventStore.EventEnvelope> = []
      for (let i = 0; i < 100; i++) events = yield* store.readStream("hot")
      return events
    })
  )
  report.row(
    `readStream of a ${count(hot.length)}-event stream`,
    `${(readStreamMs / 100).toFixed(3)} ms`,
    "mean of 100"
  )

  const total = yield* store.lastGlobalPosition
  const [readCount, readAllMs] = yield* timed(
    Effect.gen(function* () {
      let count = 0
      for (let from = 1; ; ) {
        const page = yield* store.readAll(from, 1_000)
        if (page.length === 0) return count
        count += page.length
        from = page.at(-1)!.globalPosition + 1
      }
    })
  )
  if (readCount !== total) throw new Error(`readAll saw ${readCount} of ${total} events`)
  report.row(`readAll ${count(total)} events in pages of 1,000`, rate(total, readAllMs), millis(readAllMs))

  const [caughtUp, subscribeMs] = yield* timed(
    Stream.runCount(Stream.take(store.subscribe(1, { batchSize: 1_000 }), total))
  )
  if (caughtUp !== total) throw new Error("the subscription missed events")
  report.row(`subscribe: catch up over ${count(total)} events`, rate(total, subscribeMs), millis(subscribeMs))
  report.target(perSecond(total, subscribeMs) >= 500_000, "subscription catch-up below 500,000 events/s")
  const memory = BenchReport.liveMemory().heap / BenchReport.MB
  report.row("live memory after the store benchmarks", `${memory.toFixed(0)} MiB`, `${count(total)} events stored`)
}).pipe(Effect.provide(InMemoryEventStore.layer))

const busBench = Effect.gen(function* () {
  const bus = yield* Bus.Bus
  const messages = Array.from(
    { length: MESSAGES },
    (_, i): Bus.BusMessage => ({
      subject: "gw.lanxi.petition.petition-registered",
      event: { ...event(i), streamId: `case-${i}`, streamVersion: 1, globalPosition: i + 1 }
    })
  )
  const deliveries = yield* bus.subscribe({ durable: "bench", subject: "gw.lanxi.petition.>" })
  const [, busMs] = yield* timed(
    Effect.gen(function* () {
      for (const message of messages) yield* bus.publish(message)
      yield* Stream.runDrain(Stream.mapEffect(Stream.take(deliveries, MESSAGES), (delivery) => delivery.ack))
    })
  )
  report.row(`bus: publish ${count(MESSAGES)} messages, consume and ack them`, rate(MESSAGES, busMs), millis(busMs))
  report.target(perSecond(MESSAGES, busMs) >= 10_000, "bus publish + consume below 10,000 messages/s")
}).pipe(Effect.scoped, Effect.provide(InMemoryBus.layer))

await Effect.runPromise(Effect.andThen(storeBench, busBench))
report.print("in-memory store and bus")
