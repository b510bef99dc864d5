/**
 * Outbox relay throughput to JetStream, next to a baseline measured in the same run
 * on the same private nats-server (file storage, started and stopped here):
 *
 * - baseline: raw `js.publish` of the event's data (no envelope, `Nats-Msg-Id` set),
 *   with the same number of PubAcks in flight, as a sliding window;
 * - relay (memory): `OutboxRelay.round` until the in-memory outbox is empty: read a
 *   page, wrap each row in its CloudEvent, publish with the window, `markSent` after
 *   the PubAcks;
 * - relay (PostgreSQL): the same from the SQL outbox of `@gridwork/store-sql` on a
 *   private PostgreSQL server (`fsync=on`), when PostgreSQL is installed; its `markSent`
 *   and page reads are real transactions.
 *
 * Each measurement publishes to a fresh stream. Baseline and relay rounds alternate,
 * so both see the same machine load; each figure is the median of the rounds.
 *
 * Run: `npm run bench` in packages/nats (needs nats-server: `apt-get install -y
 * nats-server`; PostgreSQL for the SQL part: `apt-get install -y postgresql`).
 */
import { EventStore, Ids, InMemoryOutbox, Instant, Outbox } from "@gridwork/core"
import { SqlEventStore, SqlOutbox, SqlStore } from "@gridwork/store-sql"
import { postgresBinDir, startNatsServer, startPostgres } from "@gridwork/test-servers"
import { Effect, Layer } from "effect"
import * as NatsClient from "../src/jetstream/NatsClient"
import * as Publisher from "../src/jetstream/Publisher"
import * as StreamLayout from "../src/jetstream/StreamLayout"
import * as OutboxRelay from "../src/relay/OutboxRelay"

const rounds = 3
const eventCount = 20_000
const sqlEventCount = 10_000
const window = 256
const pageSize = 1_000

const occurredAt = Instant.unsafeFromIso("2026-10-01T08:00:00+08:00")
const data = {
  _tag: "PetitionRegistered",
  title: "Noise from a construction site at night",
  category: "environment.noise",
  location: { lat: 29.208, lon: 119.46, grid: "lanxi.dongshan.village-3.grid-2" },
  channel: "hotline",
  attachments: 2
}

const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

let localities = 0
const freshLocality = () => `bench${process.pid}x${++localities}`

/** Appends `count` events, 100 per append (one stream each), to the event store in context. */
const fill = (count: number, locality: string) =>
  Effect.gen(function* () {
    const store = yield* EventStore.EventStore
    for (let offset = 0; offset < count; offset += 100) {
      const events: Array<EventStore.NewEvent> = []
      for (let index = 0; index < Math.min(100, count - offset); index++) {
        events.push({
          eventId: yield* Ids.makeEventId,
          type: "PetitionRegistered",
          schemaVersion: 1,
          data,
          metadata: { locality, correlationId: "0190b3c4-0000-7000-8000-000000000001", actor: "system:bench" },
          occurredAt
        })
      }
      yield* store.append(`case-${offset}-${locality}`, "no-stream", events)
    }
  })

/** Relays the whole outbox with rounds; returns events per second. */
const relayAll = (count: number) =>
  Effect.gen(function* () {
    const started = performance.now()
    let marked = 0
    for (;;) {
      const round = yield* OutboxRelay.round({ batchSize: pageSize, maxInFlight: window })
      if (round.failed.length > 0) return yield* Effect.die(round.failed[0]!.error)
      if (round.read === 0) break
      marked += round.marked
    }
    const seconds = (performance.now() - started) / 1_000
    if (marked !== count) return yield* Effect.die(new Error(`relayed ${marked} of ${count}`))
    return count / seconds
  })

/** Raw js.publish of `count` data payloads with `window` PubAcks in flight; returns events per second. */
const baseline = (count: number) =>
  Effect.gen(function* () {
    const client = yield* NatsClient.NatsClient
    const locality = freshLocality()
    yield* client.ensureStream(StreamLayout.forModule(client.layout, { locality, module: "petition" }))
    const subject = `gw.${locality}.petition.petition-registered`
    const body = new TextEncoder().encode(JSON.stringify(data))
    const ids: Array<string> = []
    for (let index = 0; index < count; index++) ids.push(yield* Ids.makeEventId)
    const started = performance.now()
    yield* Effect.promise(
      () =>
        new Promise<void>((resolve, reject) => {
          let next = 0
          let done = 0
          const launch = (): void => {
            while (next < count && next - done < window) {
              const index = next++
              client.jetstream.publish(subject, body, { msgID: ids[index]! }).then(() => {
                done++
                if (done === count) resolve()
                else launch()
              }, reject)
            }
          }
          launch()
        })
    )
    return count / ((performance.now() - started) / 1_000)
  })

const memoryRound = Effect.gen(function* () {
  const locality = freshLocality()
  const outbox = InMemoryOutbox.layer(Outbox.moduleSubjects({ module: "petition", locality: "lanxi" }))
  return yield* Effect.gen(function* () {
    yield* fill(eventCount, locality)
    return yield* relayAll(eventCount)
  }).pipe(Effect.provide(outbox))
})

const format = (rate: number): string => `${Math.round(rate).toLocaleString("en-US")} events/s`

const main = Effect.gen(function* () {
  const nats = yield* Effect.acquireRelease(
    Effect.promise(() => startNatsServer()),
    (server) => Effect.promise(() => server.stop())
  )
  const pgAvailable = postgresBinDir() !== undefined
  const postgres = pgAvailable
    ? yield* Effect.acquireRelease(
        Effect.promise(() => startPostgres()),
        (server) => Effect.promise(() => server.stop())
      )
    : undefined
  console.log(
    `@gridwork/nats relay benchmark: nats-server file storage on loopback, ${window} PubAcks in flight, pages of ${pageSize}, median of ${rounds} rounds`
  )
  const natsLayer = Publisher.layer().pipe(
    Layer.provideMerge(NatsClient.layer({ url: nats.url, name: "bench", timeout: 10_000 }))
  )
  yield* Effect.gen(function* () {
    const base: Array<number> = []
    const memory: Array<number> = []
    const sql: Array<number> = []
    const sqlBase: Array<number> = []
    for (let round = 0; round < rounds; round++) {
      base.push(yield* baseline(eventCount))
      memory.push(yield* memoryRound)
      if (postgres !== undefined) {
        const databaseUrl = postgres.createDatabase(`bench_${process.pid}_${round}`)
        const locality = freshLocality()
        const store = Layer.mergeAll(
          SqlEventStore.layer({ subjectOf: Outbox.moduleSubjects({ module: "petition", locality: "lanxi" }) }),
          SqlOutbox.layer
        ).pipe(Layer.provideMerge(SqlStore.layer({ databaseUrl, maxConnections: 4 })))
        sqlBase.push(yield* baseline(sqlEventCount))
        sql.push(
          yield* Effect.gen(function* () {
            yield* fill(sqlEventCount, locality)
            return yield* relayAll(sqlEventCount)
          }).pipe(Effect.provide(store))
        )
      }
    }
    const baseRate = median(base)
    const memoryRate = median(memory)
    console.log(`baseline  raw js.publish (no envelope)     ${format(baseRate)}   (${eventCount} events)`)
    console.log(
      `relay     in-memory outbox → JetStream    ${format(memoryRate)}   ratio ${(memoryRate / baseRate).toFixed(2)}`
    )
    if (postgres === undefined) {
      console.log("relay     PostgreSQL outbox: skipped, PostgreSQL is not installed (apt-get install -y postgresql)")
    } else {
      const sqlBaseRate = median(sqlBase)
      const sqlRate = median(sql)
      console.log(`baseline  raw js.publish (no envelope)     ${format(sqlBaseRate)}   (${sqlEventCount} events)`)
      console.log(
        `relay     PostgreSQL outbox → JetStream   ${format(sqlRate)}   ratio ${(sqlRate / sqlBaseRate).toFixed(2)}`
      )
    }
  }).pipe(Effect.provide(natsLayer))
})

Effect.runPromise(Effect.scoped(main)).catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
