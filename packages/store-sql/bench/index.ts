/**
 * Durable appends per second of `SqlEventStore`, on the embedded database (PGlite in a
 * temporary directory) and on a private PostgreSQL server (`fsync=on`, started and
 * stopped here), each next to a baseline measured in the same run on the same
 * connection:
 *
 * - single: one event per append (one transaction) vs. one autocommit `INSERT` of a
 *   row with the same JSON payload;
 * - batched: 100 events per append vs. 100 `INSERT`s inside one transaction.
 *
 * Every append writes the event, its outbox row, the stream version and the position
 * counter (see `SqlEventStore`), so the ratio is the price of those guarantees over a
 * bare insert. Baseline and store rounds alternate (so both see the same machine load);
 * each figure is the median of 5 rounds.
 *
 * Run: `npm run bench` in packages/store-sql (needs PostgreSQL installed for the
 * server part: `apt-get install -y postgresql`).
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { EventStore, Ids, Instant, Outbox } from "@gridwork/core"
import { type PostgresServerHandle, startPostgres } from "@gridwork/test-servers"
import { Effect, Layer } from "effect"
import { SqlClient } from "effect/sql/SqlClient"
import * as SqlEventStore from "../src/SqlEventStore"
import * as SqlStore from "../src/SqlStore"

const rounds = 5
const singleCount = 200
const batchSize = 100
const batchCount = 8

const occurredAt = Instant.unsafeFromIso("2026-10-01T08:00:00+08:00")
const data = {
  title: "Noise from a construction site at night",
  category: "environment.noise",
  location: { lat: 29.208, lon: 119.46, grid: "lanxi.dongshan.village-3.grid-2" },
  channel: "hotline",
  attachments: 2
}
const metadata = { correlationId: "0190b3c4-0000-7000-8000-000000000001", actor: "system:bench", locality: "lanxi" }
const payload = JSON.stringify({ data, metadata })

const newEvents = (count: number) =>
  Effect.forEach(
    Array.from({ length: count }, (_, index) => index),
    () =>
      Effect.map(
        Ids.makeEventId,
        (eventId): EventStore.NewEvent => ({
          eventId,
          type: "PetitionRegistered",
          schemaVersion: 1,
          data,
          metadata,
          occurredAt
        })
      )
  )

const median = (values: ReadonlyArray<number>) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

/**
 * Runs the baseline and the store round by round, alternating (so both see the same
 * machine load), `rounds` times each; the median rate per second of each.
 */
const compare = <E1, R1, E2, R2>(
  count: number,
  baseline: Effect.Effect<void, E1, R1>,
  store: Effect.Effect<void, E2, R2>
) =>
  Effect.gen(function* () {
    const baselineRates: Array<number> = []
    const storeRates: Array<number> = []
    const timed = <E, R>(round: Effect.Effect<void, E, R>, into: Array<number>) =>
      Effect.gen(function* () {
        const start = performance.now()
        yield* round
        into.push((count * 1000) / (performance.now() - start))
      })
    for (let index = 0; index < rounds; index++) {
      yield* timed(baseline, baselineRates)
      yield* timed(store, storeRates)
    }
    return { baseline: median(baselineRates), store: median(storeRates) }
  })

interface Row {
  readonly target: string
  readonly mode: string
  readonly baseline: number
  readonly store: number
}

const measure = (target: string) =>
  Effect.gen(function* () {
    const sql = yield* SqlClient
    const store = yield* EventStore.EventStore
    yield* sql`create table if not exists bench_baseline (id text primary key, payload jsonb not null)`
    let sequence = 0
    const insertOne = Effect.suspend(
      () => sql`insert into bench_baseline (id, payload) values (${`row-${++sequence}`}, ${payload}::jsonb)`
    )
    // warm up both paths
    for (let index = 0; index < 20; index++) yield* insertOne
    let stream = 0
    yield* store.append(`warm-up`, "any", yield* newEvents(20))

    const single = yield* compare(
      singleCount,
      Effect.gen(function* () {
        for (let index = 0; index < singleCount; index++) yield* insertOne
      }),
      Effect.gen(function* () {
        for (let index = 0; index < singleCount; index++) {
          yield* store.append(`single-${++stream}`, "no-stream", yield* newEvents(1))
        }
      })
    )
    const batched = yield* compare(
      batchSize * batchCount,
      Effect.gen(function* () {
        for (let batch = 0; batch < batchCount; batch++) {
          yield* sql.withTransaction(
            Effect.gen(function* () {
              for (let index = 0; index < batchSize; index++) yield* insertOne
            })
          )
        }
      }),
      Effect.gen(function* () {
        for (let batch = 0; batch < batchCount; batch++) {
          yield* store.append(`batch-${++stream}`, "no-stream", yield* newEvents(batchSize))
        }
      })
    )
    return [
      { target, mode: "single (1 event per append)", ...single },
      { target, mode: `batched (${batchSize} events per append)`, ...batched }
    ] satisfies ReadonlyArray<Row>
  })

const stack = (database: Layer.Layer<SqlClient | SqlStore.SqlDatabase, SqlStore.SqlStoreStartFailure>) =>
  SqlEventStore.layer({ subjectOf: Outbox.moduleSubjects({ module: "petition", locality: "lanxi" }) }).pipe(
    Layer.provideMerge(database)
  )

/** Creates a database, waiting while the new server finishes its start-up. */
const createDatabase = async (server: PostgresServerHandle, name: string): Promise<string> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return server.createDatabase(name)
    } catch (error) {
      if (attempt >= 100) throw error
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
}

const main = async () => {
  const rows: Array<Row> = []
  const dataDir = mkdtempSync(join(tmpdir(), "gridwork-bench-pglite-"))
  try {
    rows.push(
      ...(await Effect.runPromise(Effect.provide(measure("embedded (PGlite)"), stack(SqlStore.layer({ dataDir })))))
    )
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
  const server = await startPostgres()
  try {
    const databaseUrl = await createDatabase(server, "bench")
    rows.push(
      ...(await Effect.runPromise(
        Effect.provide(measure("server (PostgreSQL, fsync=on)"), stack(SqlStore.layer({ databaseUrl })))
      ))
    )
  } finally {
    await server.stop()
  }
  const format = (value: number) => value.toFixed(0).padStart(8)
  console.log("\nSqlEventStore durable appends (events/s; baseline = bare INSERTs of the same payload, rows/s)")
  console.log(
    `${"target".padEnd(30)} ${"mode".padEnd(32)} ${"baseline".padStart(8)} ${"store".padStart(8)} ${"store/baseline".padStart(15)}`
  )
  for (const row of rows) {
    console.log(
      `${row.target.padEnd(30)} ${row.mode.padEnd(32)} ${format(row.baseline)} ${format(row.store)} ${(row.store / row.baseline).toFixed(2).padStart(15)}`
    )
  }
}

await main()
