/**
 * Where the service keeps its records, as one layer:
 *
 * - {@link layerSql}: PostgreSQL (a server when `databaseUrl` is given, otherwise the
 *   embedded PGlite database in `dataDir`): the event store with its outbox, the inbox,
 *   the deadline scheduler (`accountability`), the responsibility ledger (one chain per
 *   locality, `<locality>.accountability`), and the service's own tables (obligation
 *   index, checkpoints), every write of one command in one transaction.
 * - {@link layerMemory}: the in-memory implementations of the same ports, for tests and
 *   demos (no durability, no atomicity across stores).
 *
 * @example
 * ```ts
 * import { Storage } from "@gridwork/service-accountability"
 *
 * const stores = Storage.layerSql({ dataDir: ".gridwork/data/accountability", locality: "lanxi" })
 * ```
 * @module
 */
import {
  type DeadlineScheduler,
  type EventStore,
  type Inbox,
  InMemoryDeadlineScheduler,
  InMemoryInbox,
  InMemoryOutbox,
  LedgerStore,
  type Outbox
} from "@gridwork/core"
import { SqlDeadlineScheduler, SqlEventStore, SqlInbox, SqlLedgerStore, SqlOutbox, SqlStore } from "@gridwork/store-sql"
import { Effect, Layer, Schema } from "effect"
import { SqlClient } from "effect/sql/SqlClient"
import { CheckpointStore } from "./CheckpointStore"
import * as LayerErrors from "./internal/LayerErrors"
import * as MatterStream from "./MatterStream"
import * as Migrations from "./Migrations"
import { ObligationIndex } from "./ObligationIndex"
import * as SqlCheckpointStore from "./SqlCheckpointStore"
import * as SqlObligationIndex from "./SqlObligationIndex"
import { Transactor } from "./Transactor"

/** Every store the service uses. */
export type Stores =
  | EventStore.EventStore
  | Outbox.Outbox
  | Inbox.Inbox
  | DeadlineScheduler.DeadlineScheduler
  | LedgerStore.LedgerStore
  | ObligationIndex
  | CheckpointStore
  | Transactor

/** The name of the deadline scheduler's timers in the shared table. */
export const SCHEDULER_NAME = "accountability"

/** The name (and id) of the locality's responsibility ledger. */
export const ledgerNameOf = (locality: string): string => `${locality}.accountability`

/** The stores could not be opened (database unreachable, migration failed ...). */
export class StorageStartFailure extends Schema.TaggedError<StorageStartFailure>()("StorageStartFailure", {
  reason: Schema.String,
  cause: Schema.optional(Schema.Defect())
}) {
  override get message(): string {
    return `storage did not start: ${this.reason}`
  }
}

/** Options of {@link layerSql}. */
export interface SqlOptions {
  /** A PostgreSQL server; when absent, the embedded database in `dataDir`. */
  readonly databaseUrl?: string | undefined
  /** The embedded database's directory. */
  readonly dataDir: string
  /** The locality id (outbox subjects, ledger name). */
  readonly locality: string
}

const startFailure =
  (reason: string) =>
  (cause: { readonly message: string }): StorageStartFailure =>
    new StorageStartFailure({ reason: `${reason}: ${cause.message}`, cause })

/** Every store on PostgreSQL (see the module documentation); also provides `SqlClient` and `SqlDatabase`. */
export const layerSql = (
  options: SqlOptions
): Layer.Layer<Stores | SqlClient | SqlStore.SqlDatabase, StorageStartFailure> => {
  const database = SqlStore.layer({
    ...(options.databaseUrl === undefined ? {} : { databaseUrl: options.databaseUrl }),
    dataDir: options.dataDir,
    applicationName: "gridwork-accountability"
  }).pipe(LayerErrors.mapError(startFailure("database")))
  const migrated = Layer.effectDiscard(Effect.mapError(Migrations.migrate, startFailure("service migrations")))
  const ledgerName = ledgerNameOf(options.locality)
  const stores = Layer.mergeAll(
    SqlEventStore.layer({ subjectOf: MatterStream.subjectOf(options.locality) }),
    SqlOutbox.layer,
    SqlInbox.layer,
    SqlDeadlineScheduler.layer({ name: SCHEDULER_NAME }).pipe(LayerErrors.mapError(startFailure("deadline scheduler"))),
    SqlLedgerStore.layer({ name: ledgerName }).pipe(LayerErrors.mapError(startFailure("ledger"))),
    SqlObligationIndex.layer,
    SqlCheckpointStore.layer(ledgerName),
    Transactor.layerSql
  )
  return stores.pipe(Layer.provideMerge(migrated.pipe(Layer.provideMerge(database))))
}

/** Every store in memory (see the module documentation). */
export const layerMemory = (locality: string): Layer.Layer<Stores> =>
  Layer.mergeAll(
    InMemoryOutbox.layer(MatterStream.subjectOf(locality)),
    InMemoryInbox.layer,
    InMemoryDeadlineScheduler.layer,
    LedgerStore.layerInMemory,
    ObligationIndex.layerMemory,
    CheckpointStore.layerMemory,
    Transactor.layerMemory
  )

/** A readiness check of the database: a round trip. */
export const databaseReady = SqlClient.use((sql) => sql`select 1`)
