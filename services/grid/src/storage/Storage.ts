/**
 * Where the grid service keeps its records, as one layer:
 *
 * - {@link layerSql}: PostgreSQL (a server when `databaseUrl` is given, otherwise the
 *   embedded PGlite database in `dataDir`) for the event store and its outbox, and the
 *   artefacts (unit sets, grids files, lookup indexes) as files under `artifactDir`
 *   (default `<dataDir>/artifacts`; with several machines, shared storage).
 * - {@link layerMemory}: the in-memory implementations, for tests and demos.
 *
 * Every event type is routed to `gw.<locality>.grid.<event-kebab>` except the private
 * ones (unit sets and jobs), which get no outbox row.
 *
 * @example
 * ```ts
 * import { Storage } from "@gridwork/service-grid"
 *
 * const stores = Storage.layerSql({ dataDir: ".gridwork/data/grid", locality: "providence" })
 * ```
 * @module
 */
import { type EventStore, InMemoryOutbox, Outbox } from "@gridwork/core"
import { SqlEventStore, SqlOutbox, SqlStore } from "@gridwork/store-sql"
import { Effect, type FileSystem, Layer, type Path, Schema } from "effect"
import type { SqlClient } from "effect/sql/SqlClient"
import { privateTypes } from "../domain/GridEvents"
import { ArtifactStore } from "./ArtifactStore"

/** Every store the service uses. */
export type Stores = EventStore.EventStore | Outbox.Outbox | ArtifactStore

/** The stores could not be opened (database unreachable, migration failed, directory not writable ...). */
export class StorageStartFailure extends Schema.TaggedError<StorageStartFailure>()("StorageStartFailure", {
  reason: Schema.String
}) {
  override get message(): string {
    return `storage did not start: ${this.reason}`
  }
}

/** The outbox routing of the service's events. */
export const subjectOf = (locality: string): Outbox.SubjectOf =>
  Outbox.moduleSubjects({ module: "grid", locality, privateTypes })

/** Options of {@link layerSql}. */
export interface SqlOptions {
  /** A PostgreSQL server; when absent, the embedded database in `dataDir`. */
  readonly databaseUrl?: string | undefined
  /** The embedded database's directory. */
  readonly dataDir: string
  /** Where artefacts are kept (default `<dataDir>/artifacts`). */
  readonly artifactDir?: string | undefined
  /** The locality id (outbox subjects). */
  readonly locality: string
}

const failWith =
  (what: string) =>
  <A, E extends { readonly message: string }, R>(layer: Layer.Layer<A, E, R>): Layer.Layer<A, StorageStartFailure, R> =>
    Layer.catch(layer, (error: E) =>
      Layer.effectContext(Effect.fail(new StorageStartFailure({ reason: `${what}: ${error.message}` })))
    )

/** Every store on PostgreSQL and the file system; also provides `SqlClient` (readiness) and `SqlDatabase`. */
export const layerSql = (
  options: SqlOptions
): Layer.Layer<Stores | SqlClient | SqlStore.SqlDatabase, StorageStartFailure, FileSystem.FileSystem | Path.Path> => {
  const database = SqlStore.layer({
    ...(options.databaseUrl === undefined ? {} : { databaseUrl: options.databaseUrl }),
    dataDir: options.dataDir,
    applicationName: "gridwork-grid"
  }).pipe(failWith("database"))
  const stores = Layer.mergeAll(SqlEventStore.layer({ subjectOf: subjectOf(options.locality) }), SqlOutbox.layer).pipe(
    Layer.provideMerge(database)
  )
  const artifacts = ArtifactStore.layerFileSystem(options.artifactDir ?? `${options.dataDir}/artifacts`).pipe(
    failWith("artefact directory")
  )
  return Layer.merge(stores, artifacts)
}

/** Every store in memory. */
export const layerMemory = (locality: string): Layer.Layer<Stores> =>
  Layer.merge(InMemoryOutbox.layer(subjectOf(locality)), ArtifactStore.layerMemory)
