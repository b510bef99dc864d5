/**
 * The PostgreSQL server of the integration tests that involve the SQL outbox and
 * inbox (`@gridwork/store-sql`): the run's shared one, started by `globalSetup.ts`
 * (which fails with the install hint when PostgreSQL is missing).
 */

import { PgClient } from "@effect/sql-pg"
import { type EventStore, type Inbox, Outbox } from "@gridwork/core"
import { SqlEventStore, SqlInbox, SqlOutbox, SqlStore } from "@gridwork/store-sql"
import { Context, Effect, Layer, Redacted } from "effect"
import { SqlClient } from "effect/sql/SqlClient"
import { inject } from "vitest"

/** The run's shared PostgreSQL server: creates fresh databases. */
export class TestPostgres extends Context.Service<
  TestPostgres,
  { readonly url: string; readonly createDatabase: (name: string) => Effect.Effect<string> }
>()("@gridwork/nats/test/TestPostgres") {
  /** The shared server of the run. */
  static readonly layer: Layer.Layer<TestPostgres> = Layer.sync(TestPostgres, () => {
    const url = inject("postgresUrl")
    return {
      url,
      createDatabase: (name) =>
        Effect.flatMap(Effect.service(SqlClient), (sql) => sql.unsafe(`create database ${name}`).raw).pipe(
          Effect.provide(PgClient.layer({ url: Redacted.make(url), maxConnections: 1 })),
          Effect.orDie,
          Effect.as(url.replace(/\/postgres$/, `/${name}`))
        )
    }
  })
}

let databases = 0

/**
 * A fresh database on the {@link TestPostgres} server with the SQL event store (its
 * appends write outbox rows for module `petition`, default locality `lanxi`), the SQL
 * outbox and the SQL inbox.
 */
export const sqlStore: Layer.Layer<
  EventStore.EventStore | Outbox.Outbox | Inbox.Inbox | SqlClient,
  SqlStore.SqlStoreStartFailure,
  TestPostgres
> = Layer.unwrap(
  Effect.map(
    Effect.flatMap(Effect.service(TestPostgres), (server) =>
      server.createDatabase(`nats_${process.pid}_${++databases}_${Date.now().toString(36)}`)
    ),
    (databaseUrl) =>
      Layer.mergeAll(
        SqlEventStore.layer({ subjectOf: Outbox.moduleSubjects({ module: "petition", locality: "lanxi" }) }),
        SqlOutbox.layer,
        SqlInbox.layer
      ).pipe(Layer.provideMerge(SqlStore.layer({ databaseUrl, maxConnections: 4 })))
  )
)
