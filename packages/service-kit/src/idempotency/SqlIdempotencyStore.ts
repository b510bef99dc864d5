/**
 * The {@link IdempotencyStore} on PostgreSQL, so `Idempotency-Key` replays survive
 * restarts and hold across every instance of a service that shares one database.
 *
 * It is written against `effect/sql`'s generic `SqlClient` (no driver import): give it
 * any PostgreSQL client layer, e.g. `@gridwork/store-sql`'s `SqlStore.layer` (a
 * server through `DATABASE_URL`, or the embedded PGlite) or `@effect/sql-pg`'s
 * `PgClient.layer`. Building the layer applies this module's own versioned
 * {@link migrations} with `effect/sql`'s `Migrator` (table
 * {@link migrationsTable}, apart from any other migrations in the database; replicas
 * starting together apply each migration once).
 *
 * Table `gw_idempotency`, one row per `(scope, key)`:
 *
 * | column | holds |
 * |---|---|
 * | `scope` | the store's scope (a service name, see {@link SqlIdempotencyStoreOptions.scope}), so several services can share the table |
 * | `key` | the port's key: the middleware's caller-scoped key (`<caller>:<Idempotency-Key>`) |
 * | `fingerprint` | the fingerprint of the request that first used the key |
 * | `state` | `in_flight`, `released` (after a 5xx, for a retry) or `completed` |
 * | `lease_until` | while `in_flight`: when another instance may take the key over (epoch ms) |
 * | `created_at`, `expires_at` | first seen, and forgotten after (epoch ms, from the `Clock`) |
 * | `response_status`, `response_headers`, `response_body` | when `completed`: the stored response (`jsonb` headers, UTF-8 `bytea` body) |
 *
 * How each operation stays right with many instances (READ COMMITTED is enough):
 *
 * - `acquire` is one `INSERT ... ON CONFLICT (scope, key) DO UPDATE ... WHERE <the
 *   key may be taken>` (unknown, expired, released, or lease run out with the same
 *   fingerprint): a row comes back only to the one request that inserted or took the
 *   key over; a concurrent request waits on the row lock and then finds the key taken.
 *   When no row comes back it reads the row and answers `Mismatch`, `InFlight` or
 *   `Completed`; if the row changed in between (released, expired, purged) it tries
 *   again, a few times at most.
 * - `complete` and `release` are conditional `UPDATE`s of an in-flight row with the
 *   same fingerprint that has not expired; other rows are left as they are.
 * - `purgeExpired` deletes this scope's expired rows. Expired rows are ignored (and
 *   replaced by `acquire`) whether purged or not; run it now and then to keep the table
 *   small, e.g. `store.purgeExpired.pipe(Effect.repeat(Schedule.spaced("1 hour")))`.
 *
 * "Now" is always the `Clock` of the calling instance, never the database server's,
 * so instances should keep their clocks in sync (NTP): leases and time-to-live are
 * compared across instances.
 *
 * Keys and fingerprints must be well-formed Unicode without U+0000, keys at most
 * 2,048 UTF-8 bytes; a stored response's headers likewise (they are `jsonb`). Bad
 * arguments fail with an {@link IdempotencyStoreError} naming the field and the rule.
 *
 * @example
 * ```ts
 * import { Layer } from "effect"
 * import { SqlStore } from "@gridwork/store-sql"
 * import { SqlIdempotencyStore } from "@gridwork/service-kit"
 *
 * // DATABASE_URL set → that PostgreSQL server; unset → the embedded database
 * const idempotencyStore = SqlIdempotencyStore.layer({ scope: "petition" }).pipe(
 *   Layer.provide(SqlStore.layer({ databaseUrl: process.env.DATABASE_URL, dataDir: ".gridwork/data/petition" }))
 * )
 * // ServiceApp.make({ ..., idempotencyStore })
 * ```
 * @module
 */
import { Clock, Effect, Layer, Result, Schema, SchemaGetter, type SchemaIssue } from "effect"
import * as Migrator from "effect/sql/Migrator"
import { SqlClient } from "effect/sql/SqlClient"
import type { SqlError } from "effect/sql/SqlError"
import { formatOptionsError } from "../problem/OptionsError"
import {
  type AcquireRequest,
  type AcquireResult,
  type CompleteRequest,
  IdempotencyStore,
  IdempotencyStoreError,
  type ReleaseRequest,
  StoredResponse
} from "./IdempotencyStore"

/** The table recording which of this module's migrations were applied. */
export const migrationsTable = "gw_idempotency_migrations"

/** The default {@link SqlIdempotencyStoreOptions.scope}. */
export const DEFAULT_SCOPE = "default"

/** Most UTF-8 bytes of a key (it is part of the primary key, whose index entries are limited). */
export const MAX_KEY_BYTES = 2048

/** Most UTF-8 bytes of a scope. */
export const MAX_SCOPE_BYTES = 200

/** How many times `acquire` re-reads a row that changed under it before it gives up. */
const MAX_ATTEMPTS = 5

const statements = (list: ReadonlyArray<string>): Effect.Effect<void, SqlError, SqlClient> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient
    for (const statement of list) yield* sql.unsafe(statement).raw
  })

/**
 * Every migration, by `<number>_<name>`. Append-only: a released migration is never
 * edited; a change of schema is a new entry with the next number.
 */
export const migrations: Record<string, Effect.Effect<void, SqlError, SqlClient>> = {
  "1_idempotency": statements([
    `create table gw_idempotency (
       scope text collate "C" not null,
       key text collate "C" not null,
       fingerprint text collate "C" not null,
       state text not null check (state in ('in_flight', 'released', 'completed')),
       lease_until bigint,
       created_at bigint not null check (created_at >= 0),
       expires_at bigint not null check (expires_at > created_at),
       response_status integer check (response_status between 100 and 599),
       response_headers jsonb,
       response_body bytea,
       primary key (scope, key),
       check ((state = 'in_flight') = (lease_until is not null)),
       check ((state = 'completed') = (response_status is not null)),
       check ((response_status is null) = (response_headers is null)),
       check ((response_status is null) = (response_body is null))
     )`,
    `create index gw_idempotency_expires_at on gw_idempotency (scope, expires_at)`
  ])
}

/**
 * Applies the migrations not applied yet (the layer does this when it starts); returns
 * those it applied, as `[id, name]`.
 */
export const migrate: Effect.Effect<
  ReadonlyArray<readonly [id: number, name: string]>,
  Migrator.MigrationError | SqlError,
  SqlClient
> = Migrator.make({})({ loader: Migrator.fromRecord(migrations), table: migrationsTable })

/** Options of {@link layer}. */
export interface SqlIdempotencyStoreOptions {
  /**
   * The namespace of this store's keys in the shared table, e.g. the service's name
   * (default {@link DEFAULT_SCOPE}). Every instance of one service must use the same
   * scope; different services sharing a database should use different ones.
   */
  readonly scope?: string | undefined
}

/** The store could not start: bad options, a database that is not PostgreSQL, or a failed migration. */
export class SqlIdempotencyStoreStartFailure extends Schema.TaggedError<SqlIdempotencyStoreStartFailure>()(
  "SqlIdempotencyStoreStartFailure",
  {
    reason: Schema.String,
    cause: Schema.optional(Schema.Defect())
  }
) {
  /** The reason. */
  override get message(): string {
    return `SQL idempotency store did not start: ${this.reason}`
  }
}

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** Why PostgreSQL text cannot hold `text` exactly, or `undefined` when it can. */
const textProblem = (text: string): string | undefined =>
  text.includes("\u0000")
    ? "must not contain the character U+0000 (PostgreSQL text cannot hold it)"
    : loneSurrogate.test(text)
      ? "must be well-formed Unicode (it holds an unpaired UTF-16 surrogate)"
      : undefined

const utf8 = new TextEncoder()
const utf8Strict = new TextDecoder("utf-8", { fatal: true })

const storableText = (identifier: string) =>
  Schema.makeFilter((text: string) => textProblem(text) ?? true, {
    expected: "well-formed Unicode text without U+0000",
    identifier
  })

const atMostBytes = (max: number) =>
  Schema.makeFilter((text: string) => utf8.encode(text).length <= max || `must be at most ${max} UTF-8 bytes long`, {
    expected: `at most ${max} UTF-8 bytes`,
    identifier: "isMaxUtf8Bytes"
  })

const Text = (maxBytes: number) =>
  Schema.String.check(Schema.isMinLength(1), storableText("isStorableText"), atMostBytes(maxBytes))

const Millis = Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 10 * 366 * 24 * 3600 * 1000 }))

/** The data part of {@link SqlIdempotencyStoreOptions}. */
export const OptionsSchema = Schema.Struct({
  scope: Schema.optional(Text(MAX_SCOPE_BYTES))
})

const AcquireArguments = Schema.Struct({
  key: Text(MAX_KEY_BYTES),
  fingerprint: Text(MAX_KEY_BYTES),
  ttlMillis: Millis,
  leaseMillis: Millis
})

const KeyArguments = Schema.Struct({
  key: Text(MAX_KEY_BYTES),
  fingerprint: Text(MAX_KEY_BYTES)
})

const decodeAcquire = Schema.decodeUnknownResult(AcquireArguments)
const decodeKey = Schema.decodeUnknownResult(KeyArguments)
const decodeOptions = Schema.decodeUnknownResult(OptionsSchema)

/** A `bigint` column (epoch ms, counts) as a safe integer. */
const SafeIntFromBigInt = Schema.BigInt.pipe(
  Schema.decodeTo(Schema.Int, {
    decode: SchemaGetter.transform((value: bigint) => Number(value)),
    encode: SchemaGetter.transform((value: number) => BigInt(value))
  })
)

const rowBase = {
  fingerprint: Schema.String,
  created_at: SafeIntFromBigInt,
  expires_at: SafeIntFromBigInt
}

/** A row of `gw_idempotency`, as `select rowColumns` returns it. */
const Row = Schema.Union([
  Schema.Struct({ ...rowBase, state: Schema.Literal("in_flight"), lease_until: SafeIntFromBigInt }),
  Schema.Struct({ ...rowBase, state: Schema.Literal("released") }),
  Schema.Struct({
    ...rowBase,
    state: Schema.Literal("completed"),
    response_status: Schema.Int,
    response_headers: Schema.Record(Schema.String, Schema.String),
    response_body: Schema.Uint8Array
  })
])
type Row = typeof Row.Type

const decodeRow = Schema.decodeUnknownResult(Row)
const decodeCount = Schema.decodeUnknownResult(SafeIntFromBigInt)

const rowColumns =
  "fingerprint, state, lease_until, created_at, expires_at, response_status, response_headers, response_body"

/** What `acquire` does with the row it read after its upsert changed nothing. */
type Reading = { readonly _tag: "Answer"; readonly result: AcquireResult } | { readonly _tag: "Retry" }

const retry: Reading = { _tag: "Retry" }

/**
 * Pure: the answer for a live key held by another request, or `Retry` when the row no
 * longer blocks the upsert (gone, expired, released, lease run out), which happens only
 * when it changed between the upsert and the read.
 */
const readRow = (row: Row | undefined, fingerprint: string, now: number): Reading => {
  if (row === undefined || now >= row.expires_at) return retry
  if (row.fingerprint !== fingerprint) return { _tag: "Answer", result: { _tag: "Mismatch" } }
  switch (row.state) {
    case "completed":
      return {
        _tag: "Answer",
        result: {
          _tag: "Completed",
          response: new StoredResponse({
            status: row.response_status,
            headers: row.response_headers,
            body: utf8Strict.decode(row.response_body)
          })
        }
      }
    case "in_flight":
      return now < row.lease_until ? { _tag: "Answer", result: { _tag: "InFlight" } } : retry
    case "released":
      return retry
  }
}

/** Why a response cannot be stored exactly, naming the field, or `undefined`. */
const responseProblem = (response: StoredResponse): string | undefined => {
  for (const [name, value] of Object.entries(response.headers)) {
    const problem = textProblem(name) ?? textProblem(value)
    if (problem !== undefined) return `/response/headers/${name}: ${problem}`
  }
  // The body is stored as UTF-8 bytes: U+0000 is fine, an unpaired surrogate would be lost.
  return loneSurrogate.test(response.body)
    ? "/response/body: must be well-formed Unicode (it holds an unpaired UTF-16 surrogate)"
    : undefined
}

const invalid = (operation: string, issue: SchemaIssue.Issue): IdempotencyStoreError =>
  new IdempotencyStoreError({ message: formatOptionsError(`SqlIdempotencyStore.${operation} arguments`, issue) })

const storeFailure =
  (operation: string) =>
  (cause: SqlError): IdempotencyStoreError =>
    new IdempotencyStoreError({ message: `SqlIdempotencyStore.${operation}: ${cause.message}` })

/**
 * Builds the store over the `SqlClient` in context: checks the options and the
 * dialect (PostgreSQL) and applies pending {@link migrations}.
 */
export const make = (
  options: SqlIdempotencyStoreOptions = {}
): Effect.Effect<IdempotencyStore["Service"], SqlIdempotencyStoreStartFailure, SqlClient> =>
  Effect.gen(function* () {
    const decoded = decodeOptions(options, { errors: "all", onExcessProperty: "error" })
    if (Result.isFailure(decoded)) {
      return yield* new SqlIdempotencyStoreStartFailure({
        reason: formatOptionsError("SqlIdempotencyStore options", decoded.failure.issue)
      })
    }
    const scope = decoded.success.scope ?? DEFAULT_SCOPE
    // Our own column names: never the application's name transforms (camelCase ...).
    const sql = (yield* SqlClient).withoutTransforms()
    const postgres = sql.onDialectOrElse({ pg: () => true, orElse: () => false })
    if (!postgres) {
      return yield* new SqlIdempotencyStoreStartFailure({
        reason: "the SqlClient in context is not PostgreSQL (this store needs the pg dialect)"
      })
    }
    yield* migrate.pipe(
      Effect.provideService(SqlClient, sql),
      Effect.mapError(
        (cause) => new SqlIdempotencyStoreStartFailure({ reason: `migration failed: ${cause.message}`, cause })
      )
    )

    const readKey = (key: string) =>
      Effect.flatMap(
        sql`select ${sql.literal(rowColumns)} from gw_idempotency where scope = ${scope} and key = ${key}`,
        (rows) => {
          if (rows.length === 0) return Effect.succeed<Row | undefined>(undefined)
          const row = decodeRow(rows[0])
          return Result.isSuccess(row)
            ? Effect.succeed<Row | undefined>(row.success)
            : Effect.fail(
                new IdempotencyStoreError({
                  message: formatOptionsError("row of gw_idempotency", row.failure.issue)
                })
              )
        }
      )

    const attemptAcquire = (
      request: typeof AcquireArguments.Type,
      attempt: number
    ): Effect.Effect<AcquireResult, IdempotencyStoreError | SqlError> =>
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        const taken = yield* sql<{ readonly created_at: unknown }>`
          insert into gw_idempotency as r (scope, key, fingerprint, state, lease_until, created_at, expires_at)
          values (${scope}, ${request.key}, ${request.fingerprint}, 'in_flight',
                  ${now + request.leaseMillis}::bigint, ${now}::bigint, ${now + request.ttlMillis}::bigint)
          on conflict (scope, key) do update set
            fingerprint = excluded.fingerprint,
            state = 'in_flight',
            lease_until = excluded.lease_until,
            created_at = case when r.expires_at <= ${now}::bigint then excluded.created_at else r.created_at end,
            expires_at = case when r.expires_at <= ${now}::bigint then excluded.expires_at else r.expires_at end,
            response_status = null,
            response_headers = null,
            response_body = null
          where r.expires_at <= ${now}::bigint
             or (r.fingerprint = excluded.fingerprint
                 and (r.state = 'released' or (r.state = 'in_flight' and r.lease_until <= ${now}::bigint)))
          returning created_at`
        if (taken.length > 0) {
          const firstSeenAt = decodeCount(taken[0]?.created_at)
          if (Result.isFailure(firstSeenAt)) {
            return yield* new IdempotencyStoreError({
              message: formatOptionsError("created_at of gw_idempotency", firstSeenAt.failure.issue)
            })
          }
          return { _tag: "Acquired", firstSeenAt: firstSeenAt.success }
        }
        const reading = readRow(yield* readKey(request.key), request.fingerprint, now)
        if (reading._tag === "Answer") return reading.result
        if (attempt >= MAX_ATTEMPTS) {
          return yield* new IdempotencyStoreError({
            message: `SqlIdempotencyStore.acquire: the key changed under ${MAX_ATTEMPTS} attempts in a row; retry`
          })
        }
        return yield* attemptAcquire(request, attempt + 1)
      })

    const acquire = (request: AcquireRequest): Effect.Effect<AcquireResult, IdempotencyStoreError> => {
      const decodedRequest = decodeAcquire(request, { errors: "all" })
      if (Result.isFailure(decodedRequest)) return Effect.fail(invalid("acquire", decodedRequest.failure.issue))
      return attemptAcquire(decodedRequest.success, 1).pipe(
        Effect.catchTag("SqlError", (cause) => Effect.fail(storeFailure("acquire")(cause))),
        Effect.withSpan("SqlIdempotencyStore.acquire", { attributes: { scope } })
      )
    }

    const complete = (request: CompleteRequest): Effect.Effect<void, IdempotencyStoreError> => {
      const decodedRequest = decodeKey({ key: request.key, fingerprint: request.fingerprint }, { errors: "all" })
      if (Result.isFailure(decodedRequest)) return Effect.fail(invalid("complete", decodedRequest.failure.issue))
      const problem = responseProblem(request.response)
      if (problem !== undefined) {
        return Effect.fail(
          new IdempotencyStoreError({ message: `invalid SqlIdempotencyStore.complete arguments:\n  ${problem}` })
        )
      }
      const { status, headers, body } = request.response
      return Effect.flatMap(
        Clock.currentTimeMillis,
        (now) =>
          sql`
          update gw_idempotency
             set state = 'completed', lease_until = null, response_status = ${status},
                 response_headers = ${JSON.stringify(headers)}::jsonb, response_body = ${utf8.encode(body)}
           where scope = ${scope} and key = ${request.key} and fingerprint = ${request.fingerprint}
             and state = 'in_flight' and expires_at > ${now}::bigint`.raw
      ).pipe(
        Effect.asVoid,
        Effect.mapError(storeFailure("complete")),
        Effect.withSpan("SqlIdempotencyStore.complete", { attributes: { scope } })
      )
    }

    const release = (request: ReleaseRequest): Effect.Effect<void, IdempotencyStoreError> => {
      const decodedRequest = decodeKey({ key: request.key, fingerprint: request.fingerprint }, { errors: "all" })
      if (Result.isFailure(decodedRequest)) return Effect.fail(invalid("release", decodedRequest.failure.issue))
      return Effect.flatMap(
        Clock.currentTimeMillis,
        (now) =>
          sql`
          update gw_idempotency set state = 'released', lease_until = null
           where scope = ${scope} and key = ${request.key} and fingerprint = ${request.fingerprint}
             and state = 'in_flight' and expires_at > ${now}::bigint`.raw
      ).pipe(
        Effect.asVoid,
        Effect.mapError(storeFailure("release")),
        Effect.withSpan("SqlIdempotencyStore.release", { attributes: { scope } })
      )
    }

    const purgeExpired: Effect.Effect<number, IdempotencyStoreError> = Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      const rows = yield* sql<{ readonly purged: unknown }>`
        with purged as (
          delete from gw_idempotency where scope = ${scope} and expires_at <= ${now}::bigint returning 1
        )
        select count(*) as purged from purged`
      const purged = decodeCount(rows[0]?.purged)
      if (Result.isFailure(purged)) {
        return yield* new IdempotencyStoreError({
          message: formatOptionsError("purged row count", purged.failure.issue)
        })
      }
      return purged.success
    }).pipe(
      Effect.catchTag("SqlError", (cause) => Effect.fail(storeFailure("purgeExpired")(cause))),
      Effect.withSpan("SqlIdempotencyStore.purgeExpired", { attributes: { scope } })
    )

    return IdempotencyStore.of({ acquire, complete, release, purgeExpired })
  })

/**
 * The SQL {@link IdempotencyStore}, for `ServiceApp.make({ idempotencyStore })`. Needs a
 * PostgreSQL `SqlClient`; applies this module's migrations when it starts.
 */
export const layer = (
  options: SqlIdempotencyStoreOptions = {}
): Layer.Layer<IdempotencyStore, SqlIdempotencyStoreStartFailure, SqlClient> =>
  Layer.effect(IdempotencyStore, make(options))
