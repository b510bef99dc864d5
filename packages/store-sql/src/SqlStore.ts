/**
 * The database of the SQL store: one layer constructor picks a real PostgreSQL server
 * or the embedded one, connects `@effect/sql-pg` to it and applies the migrations.
 *
 * - `databaseUrl` given (production): a pool of connections to that server
 *   (`postgres://user:password@host:5432/db`), LISTEN/NOTIFY wakes subscribers of
 *   other processes' appends.
 * - otherwise (development, demos, single-machine installs): PGlite in `dataDir`
 *   (default `.gridwork/data/default`) behind a loopback socket, one connection
 *   (see `EmbeddedPostgres`). Same client, same SQL, same migrations.
 *
 * The layer provides `SqlClient` (and `PgClient`) for the port layers of this package
 * (`SqlEventStore.layer`, `SqlOutbox.layer`, ...) and for an application's own
 * queries, plus {@link SqlDatabase} describing which database it is.
 * {@link layerConfig} reads `DATABASE_URL` and `GRIDWORK_DATA_DIR` from the
 * environment.
 *
 * @example
 * ```ts
 * import { Effect, Layer } from "effect"
 * import { SqlEventStore, SqlStore } from "@gridwork/store-sql"
 *
 * // DATABASE_URL set → that server; unset → PGlite in .gridwork/data/petition
 * const database = SqlStore.layer({ databaseUrl: process.env.DATABASE_URL, dataDir: ".gridwork/data/petition" })
 * const eventStore = SqlEventStore.layer().pipe(Layer.provideMerge(database))
 * ```
 * @module
 */
import { PgClient } from "@effect/sql-pg"
import { Cause, Config, Context, Duration, Effect, Layer, Option, Redacted, Schema } from "effect"
import { SqlClient } from "effect/sql/SqlClient"
import * as EmbeddedPostgres from "./EmbeddedPostgres"
import { migrate } from "./Migrations"

/** The default directory of the embedded database. */
export const defaultDataDir = ".gridwork/data/default"

/** Options of {@link layer}. */
export interface SqlStoreOptions {
  /** A PostgreSQL URL (`postgres://` or `postgresql://`). When absent, the embedded database is used. */
  readonly databaseUrl?: string | undefined
  /** The embedded database's directory (default {@link defaultDataDir}); ignored with `databaseUrl`. */
  readonly dataDir?: string | undefined
  /** Most connections to a server (default 10); the embedded database always uses one. */
  readonly maxConnections?: number | undefined
  /** Shown in `pg_stat_activity` (default `gridwork`). */
  readonly applicationName?: string | undefined
}

/** Which kind of database the store runs on. */
export type DatabaseMode = "embedded" | "server"

/** What {@link SqlDatabase} tells about the running database. */
export interface SqlDatabaseInfo {
  /** `server` (a PostgreSQL server) or `embedded` (PGlite). */
  readonly mode: DatabaseMode
  /** The server URL without its password, or the embedded data directory. */
  readonly location: string
  /** Most connections the pool opens (1 for the embedded database). */
  readonly maxConnections: number
}

/** The database the store layers run on (provided by {@link layer}). */
export class SqlDatabase extends Context.Service<SqlDatabase, SqlDatabaseInfo>()(
  "@gridwork/store-sql/SqlStore/SqlDatabase"
) {}

/** The store could not start: bad options, the database unreachable, or a migration failed. */
export class SqlStoreStartFailure extends Schema.TaggedError<SqlStoreStartFailure>()("SqlStoreStartFailure", {
  reason: Schema.String,
  cause: Schema.optional(Schema.Defect())
}) {
  /** The reason. */
  override get message(): string {
    return `SQL store did not start: ${this.reason}`
  }
}

/** The URL without its password, for logs and errors. */
export const describeUrl = (url: string): string => {
  try {
    const parsed = new URL(url)
    if (parsed.password !== "") parsed.password = "***"
    return parsed.toString()
  } catch {
    return "<unparseable URL>"
  }
}

const checkOptions = (options: SqlStoreOptions): SqlStoreStartFailure | undefined => {
  if (options.databaseUrl !== undefined) {
    let protocol: string
    try {
      protocol = new URL(options.databaseUrl).protocol
    } catch {
      return new SqlStoreStartFailure({
        reason: "databaseUrl: expected a URL such as postgres://user:password@host:5432/database"
      })
    }
    if (protocol !== "postgres:" && protocol !== "postgresql:") {
      return new SqlStoreStartFailure({
        reason: `databaseUrl: expected the postgres: or postgresql: scheme, got ${protocol}`
      })
    }
  }
  if (options.dataDir !== undefined && options.dataDir.trim() === "") {
    return new SqlStoreStartFailure({ reason: "dataDir: expected a directory path, got an empty string" })
  }
  const max = options.maxConnections
  if (max !== undefined && (!Number.isSafeInteger(max) || max < 1 || max > 1_000)) {
    return new SqlStoreStartFailure({ reason: `maxConnections: expected an integer in [1, 1000], got ${max}` })
  }
  return undefined
}

const connect = (
  url: Redacted.Redacted<string>,
  location: string,
  maxConnections: number,
  applicationName: string
): Layer.Layer<PgClient.PgClient | SqlClient, SqlStoreStartFailure> =>
  PgClient.layer({
    url,
    maxConnections,
    minConnections: 1,
    applicationName,
    connectTimeout: Duration.seconds(10)
  }).pipe(
    Layer.catchCause(
      (cause): Layer.Layer<PgClient.PgClient | SqlClient, SqlStoreStartFailure> =>
        Layer.effectContext(
          Effect.fail<SqlStoreStartFailure>(
            new SqlStoreStartFailure({ reason: `cannot connect to ${location}: ${Cause.pretty(cause)}`, cause })
          )
        )
    )
  )

/** Checks the connection (a clear error when the database cannot be reached), then migrates. */
const migrated = (location: string) =>
  Layer.effectDiscard(
    Effect.gen(function* () {
      const sql = yield* SqlClient
      yield* Effect.mapError(
        sql`select 1`,
        (cause) => new SqlStoreStartFailure({ reason: `cannot connect to ${location}: ${cause.message}`, cause })
      )
      yield* Effect.mapError(
        migrate,
        (cause) => new SqlStoreStartFailure({ reason: `migration failed in ${location}: ${cause.message}`, cause })
      )
    })
  )

/**
 * Connects to the database the options name (see the module documentation) and
 * applies pending migrations before anything uses it. Closing the layer closes the
 * connections and, for the embedded database, the database itself.
 */
export const layer = (
  options: SqlStoreOptions = {}
): Layer.Layer<PgClient.PgClient | SqlClient | SqlDatabase, SqlStoreStartFailure> =>
  Layer.unwrap(
    Effect.gen(function* () {
      const problem = checkOptions(options)
      if (problem !== undefined) return yield* problem
      const applicationName = options.applicationName ?? "gridwork"
      if (options.databaseUrl !== undefined) {
        const location = describeUrl(options.databaseUrl)
        const maxConnections = options.maxConnections ?? 10
        return migrated(location).pipe(
          Layer.provideMerge(connect(Redacted.make(options.databaseUrl), location, maxConnections, applicationName)),
          Layer.merge(Layer.succeed(SqlDatabase, { mode: "server", location, maxConnections }))
        )
      }
      const embedded = yield* Effect.mapError(
        EmbeddedPostgres.start({ dataDir: options.dataDir ?? defaultDataDir }),
        (cause) => new SqlStoreStartFailure({ reason: cause.message, cause })
      )
      return migrated(embedded.dataDir).pipe(
        Layer.provideMerge(connect(embedded.url, embedded.dataDir, 1, applicationName)),
        Layer.merge(Layer.succeed(SqlDatabase, { mode: "embedded", location: embedded.dataDir, maxConnections: 1 }))
      )
    })
  )

/**
 * {@link layer} configured from the environment: `DATABASE_URL` (a server) or else
 * `GRIDWORK_DATA_DIR` (the embedded database's directory, default
 * {@link defaultDataDir}).
 */
export const layerConfig: Layer.Layer<PgClient.PgClient | SqlClient | SqlDatabase, SqlStoreStartFailure> = Layer.unwrap(
  Effect.gen(function* () {
    const read = Config.all({
      databaseUrl: Config.option(Config.String("DATABASE_URL")),
      dataDir: Config.option(Config.String("GRIDWORK_DATA_DIR"))
    })
    const config = yield* Effect.mapError(
      Effect.gen(function* () {
        return yield* read
      }),
      (cause) => new SqlStoreStartFailure({ reason: `configuration: ${cause.message}`, cause })
    )
    return layer({
      databaseUrl: Option.getOrUndefined(Option.filter(config.databaseUrl, (url) => url.trim() !== "")),
      dataDir: Option.getOrUndefined(config.dataDir)
    })
  })
)
