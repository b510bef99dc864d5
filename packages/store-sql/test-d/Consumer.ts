/**
 * A consumer of the BUILT package (`dist`, no `@gridwork/source` condition), compiled
 * with `nodenext` resolution, declaration emit and library checking by
 * `npm run test:declarations` (after `npm run build`; `turbo run test:declarations`
 * builds first). It fails when the published declarations lose a namespace value or a
 * type, degrade one to `any`, or declare one that a consumer's declaration emit cannot
 * name (TS2742/TS2883).
 */
import type { EventStore } from "@gridwork/core"
import { EmbeddedPostgres, Migrations, SqlEventStore, SqlStore } from "@gridwork/store-sql"
import { Layer } from "effect"

// Values and types by name.
export const storeLayer: Layer.Layer<EventStore.EventStore, SqlStore.SqlStoreStartFailure> = SqlEventStore.layer().pipe(
  Layer.provide(SqlStore.layer({ dataDir: ".gridwork/data/consumer" }))
)
export const mode: SqlStore.DatabaseMode = "embedded"
export const described: string = SqlStore.describeUrl("postgres://gridwork:secret@localhost:5432/gridwork")
export const onFailure = (failure: EmbeddedPostgres.EmbeddedPostgresFailure): string => failure.message

// A literal union stays one (this line is an error unless the type degraded to `any`).
// @ts-expect-error "memory" is not a DatabaseMode
export const notAMode: SqlStore.DatabaseMode = "memory"

// Inferred types the declaration emit has to name.
export const database = SqlStore.SqlDatabase
export const fromConfig = SqlStore.layerConfig
export const migrate = Migrations.migrate
export const makeEventStore = SqlEventStore.make
export const startEmbedded = EmbeddedPostgres.start
