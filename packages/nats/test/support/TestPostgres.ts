/**
 * A private PostgreSQL server for the integration tests that involve the SQL outbox
 * and inbox (`@gridwork/store-sql`). When PostgreSQL is not installed, building the
 * layer fails with the install hint: the suites fail, they never skip.
 */
import { type EventStore, type Inbox, Outbox } from "@gridwork/core"
import { SqlEventStore, SqlInbox, SqlOutbox, SqlStore } from "@gridwork/store-sql"
import { type PostgresServerHandle, startPostgres } from "@gridwork/test-servers"
import { Context, Effect, Layer } from "effect"
import type { SqlClient } from "effect/sql/SqlClient"

const hint =
  "the @gridwork/nats SQL integration tests need PostgreSQL: install it with `apt-get install -y postgresql` (or set PG_BIN_DIR)"

/** A running test PostgreSQL server. */
export class TestPostgres extends Context.Service<TestPostgres, PostgresServerHandle>()(
  "@gridwork/nats/test/TestPostgres"
) {
  /** Starts a server for the layer's life. */
  static readonly layer: Layer.Layer<TestPostgres> = Layer.effect(
    TestPostgres,
    Effect.acquireRelease(
      Effect.tryPromise({
        try: () => startPostgres(),
        catch: (error) => new Error(`${hint}\n${error instanceof Error ? error.message : String(error)}`)
      }).pipe(Effect.orDie),
      (server) => Effect.promise(() => server.stop())
    )
  )
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
  Effect.map(Effect.service(TestPostgres), (server) => {
    const databaseUrl = server.createDatabase(`nats_${process.pid}_${++databases}`)
    return Layer.mergeAll(
      SqlEventStore.layer({ subjectOf: Outbox.moduleSubjects({ module: "petition", locality: "lanxi" }) }),
      SqlOutbox.layer,
      SqlInbox.layer
    ).pipe(Layer.provideMerge(SqlStore.layer({ databaseUrl, maxConnections: 4 })))
  })
)
