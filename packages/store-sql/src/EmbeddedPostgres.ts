/**
 * The embedded database: PostgreSQL compiled to WebAssembly (PGlite), storing to a
 * directory, served on a loopback port by `@electric-sql/pglite-socket`, so the store
 * talks to it with the same `@effect/sql-pg` client and the same SQL as to a real
 * server. Nothing to install besides Node.
 *
 * - **One connection.** PGlite is a single PostgreSQL session: two connections would
 *   share one transaction. The socket server accepts one connection at a time and
 *   `SqlStore` opens a pool of exactly one, so transactions queue on it.
 * - **One process per directory.** A lock file (`<dataDir>/gridwork.lock`, holding
 *   the process id) stops a second process from opening the same directory; a lock
 *   left by a dead process is taken over.
 * - **Durability.** PGlite writes its files through Node's file system as transactions
 *   commit, but its crash safety (power loss, `fsync`) is not that of a PostgreSQL
 *   server: keep production data on a real server (`DATABASE_URL`).
 * - The first start of a new directory runs `initdb` (several seconds); later starts
 *   take about a second.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { EmbeddedPostgres } from "@gridwork/store-sql"
 *
 * const program = Effect.scoped(
 *   Effect.gen(function* () {
 *     const db = yield* EmbeddedPostgres.start({ dataDir: ".gridwork/data/demo" })
 *     yield* Effect.log(`PostgreSQL protocol on ${db.host}:${db.port}`)
 *   })
 * )
 * ```
 * @module
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs"
import { join, resolve } from "node:path"
import { PGlite } from "@electric-sql/pglite"
import { PGLiteSocketServer } from "@electric-sql/pglite-socket"
import { Effect, Redacted, Schema, type Scope } from "effect"

/** Options of {@link start}. */
export interface EmbeddedPostgresOptions {
  /** The directory holding the database files; created when missing. */
  readonly dataDir: string
  /** The loopback address to listen on (default `127.0.0.1`). */
  readonly host?: string | undefined
  /** The port (default 0: a free port chosen by the system). */
  readonly port?: number | undefined
}

/** A running embedded database. */
export interface EmbeddedPostgres {
  /** The absolute data directory. */
  readonly dataDir: string
  /** The address it listens on. */
  readonly host: string
  /** The port it listens on. */
  readonly port: number
  /** `postgres://postgres@<host>:<port>/postgres`, for `PgClient.layer`. */
  readonly url: Redacted.Redacted<string>
}

/** The embedded database could not start (directory not writable, locked by another process, corrupt files ...). */
export class EmbeddedPostgresFailure extends Schema.TaggedError<EmbeddedPostgresFailure>()("EmbeddedPostgresFailure", {
  dataDir: Schema.String,
  reason: Schema.String,
  cause: Schema.optional(Schema.Defect())
}) {
  /** The directory and the reason. */
  override get message(): string {
    return `embedded database in ${this.dataDir}: ${this.reason}`
  }
}

const lockFileName = "gridwork.lock"

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"
  }
}

/** Takes the directory's lock file, or explains who holds it. */
const lock = (dataDir: string): Effect.Effect<void, EmbeddedPostgresFailure, Scope.Scope> => {
  const file = join(dataDir, lockFileName)
  const take = Effect.try({
    try: () => {
      mkdirSync(dataDir, { recursive: true })
      for (let attempt = 0; attempt < 2; attempt++) {
        try {
          const fd = openSync(file, "wx")
          writeSync(fd, String(process.pid))
          closeSync(fd)
          return
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error
          const holder = Number(readFileSync(file, "utf8").trim())
          if (Number.isSafeInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
            throw new Error(`it is in use by process ${holder} (lock file ${file})`)
          }
          if (holder === process.pid) throw new Error(`this process has it open already (lock file ${file})`)
          rmSync(file, { force: true })
        }
      }
      throw new Error(`could not take the lock file ${file}`)
    },
    catch: (cause) =>
      new EmbeddedPostgresFailure({ dataDir, reason: cause instanceof Error ? cause.message : String(cause), cause })
  })
  return Effect.acquireRelease(take, () => Effect.sync(() => rmSync(file, { force: true })))
}

/**
 * Opens (or creates) the database in `dataDir` and serves it on a loopback port for
 * the life of the scope; closing the scope stops the server and closes the files.
 */
export const start = (
  options: EmbeddedPostgresOptions
): Effect.Effect<EmbeddedPostgres, EmbeddedPostgresFailure, Scope.Scope> =>
  Effect.gen(function* () {
    const dataDir = resolve(options.dataDir)
    const host = options.host ?? "127.0.0.1"
    yield* lock(dataDir)
    const failure = (reason: string) => (cause: unknown) =>
      new EmbeddedPostgresFailure({ dataDir, reason: `${reason}: ${String(cause)}`, cause })
    const db = yield* Effect.acquireRelease(
      Effect.tryPromise({ try: () => PGlite.create(join(dataDir, "pgdata")), catch: failure("cannot open PGlite") }),
      (opened) => Effect.promise(() => opened.close().catch(() => undefined))
    )
    const server = new PGLiteSocketServer({ db, host, port: options.port ?? 0, maxConnections: 1 })
    yield* Effect.acquireRelease(
      Effect.tryPromise({ try: () => server.start(), catch: failure("cannot listen") }),
      () => Effect.promise(() => server.stop().catch(() => undefined))
    )
    const port = Number(server.getServerConn().split(":").at(-1))
    return {
      dataDir,
      host,
      port,
      url: Redacted.make(`postgres://postgres@${host}:${port}/postgres`)
    }
  })
