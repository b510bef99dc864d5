/**
 * The responsibility ledger's {@link LedgerStore} on PostgreSQL: one `gw_ledger` row
 * per record (`seq`, `prev_hash`, `hash`, the Schema-encoded entry as `jsonb`) and one
 * `gw_ledger_heads` row per ledger (size and last hash).
 *
 * An append locks the ledger's head row (`for update`), checks `expectedSize`, links
 * the entries with core's `Ledger.chainResult` (so the hash rules live in one place),
 * inserts the records and moves the head, in one transaction: concurrent appenders are
 * serialized into one chain, and `seq` has no gaps. Records are never updated or
 * deleted by this module. Reads decode every row strictly with the `LedgerRecord` Schema; a row
 * that does not decode (changed by hand) fails the read with `LedgerStoreFailure`,
 * and `Ledger.verify` finds any row whose content no longer matches its hash.
 *
 * Several ledgers can share the tables: each has a `name` (default `default`), e.g.
 * one per locality.
 *
 * @example
 * ```ts
 * import { Effect, Layer } from "effect"
 * import { Ledger, LedgerStore } from "@gridwork/core"
 * import { SqlLedgerStore, SqlStore } from "@gridwork/store-sql"
 *
 * const layer = SqlLedgerStore.layer({ name: "lanxi" }).pipe(Layer.provide(SqlStore.layer()))
 * const audit = Effect.gen(function* () {
 *   const store = yield* LedgerStore.LedgerStore
 *   const head = yield* store.head
 *   return yield* Ledger.verify(yield* store.read(1, 10_000), head)
 * }).pipe(Effect.provide(layer))
 * ```
 * @module
 */
import { Ledger, LedgerEntry, LedgerStore } from "@gridwork/core"
import { Effect, Layer, Result, Schema } from "effect"
import { SqlClient } from "effect/sql/SqlClient"
import type { SqlError } from "effect/sql/SqlError"
import { toSafeInt } from "./internal/rows"

type Shape = LedgerStore.LedgerStoreShape

/** Options of {@link make} and {@link layer}. */
export interface SqlLedgerStoreOptions {
  /** The ledger's name: 1-64 letters, digits, `_`, `-` or `.` (default `default`). */
  readonly name?: string | undefined
}

interface RecordRow {
  readonly seq: unknown
  readonly prev_hash: string
  readonly hash: string
  readonly entry: unknown
}

const encodeEntry = Schema.encodeSync(LedgerEntry.LedgerEntry)
const decodeRecord = Schema.decodeUnknownResult(Ledger.LedgerRecord, LedgerEntry.strictParseOptions)

const failure =
  (operation: string) =>
  (cause: unknown): LedgerStore.LedgerStoreFailure =>
    new LedgerStore.LedgerStoreFailure({ operation, cause })

const toHead = (row: { readonly size: unknown; readonly hash: string } | undefined): Ledger.LedgerHead =>
  row === undefined
    ? Ledger.emptyHead
    : { size: toSafeInt(row.size, "gw_ledger_heads.size"), hash: row.hash as LedgerEntry.Sha256Hex }

/**
 * Builds a ledger store over the `SqlClient` in context (migrated by `SqlStore.layer`).
 * Fails with `LedgerInputInvalid` for a bad name.
 */
export const make = (
  options: SqlLedgerStoreOptions = {}
): Effect.Effect<Shape, LedgerStore.LedgerInputInvalid | LedgerStore.LedgerStoreFailure, SqlClient> =>
  Effect.gen(function* () {
    const name = options.name ?? "default"
    if (typeof name !== "string" || !/^[A-Za-z0-9_.-]{1,64}$/.test(name)) {
      return yield* new LedgerStore.LedgerInputInvalid({
        field: "name",
        rule: "a ledger name is 1-64 letters, digits, '_', '-' or '.'"
      })
    }
    const sql = yield* SqlClient
    yield* Effect.mapError(
      sql`
        insert into gw_ledger_heads (ledger, size, hash) values (${name}, 0, ${Ledger.GENESIS_HASH})
        on conflict (ledger) do nothing`,
      failure("open")
    )

    const readHead = Effect.map(
      sql<{
        readonly size: unknown
        readonly hash: string
      }>`select size, hash from gw_ledger_heads where ledger = ${name}`,
      ([row]) => toHead(row)
    )

    const append: Shape["append"] = (entries, appendOptions) => {
      const invalid = LedgerStore.checkExpectedSize(appendOptions)
      if (invalid !== undefined) return Effect.fail(invalid)
      const expected = appendOptions?.expectedSize
      const transaction: Effect.Effect<
        Ledger.Chained,
        SqlError | LedgerEntry.LedgerEntryInvalid | LedgerStore.LedgerConflict
      > = Effect.gen(function* () {
        const [row] = yield* sql<{ readonly size: unknown; readonly hash: string }>`
          select size, hash from gw_ledger_heads where ledger = ${name} for update`
        const head = toHead(row)
        if (expected !== undefined && expected !== head.size) {
          return yield* new LedgerStore.LedgerConflict({ expectedSize: expected, actualSize: head.size })
        }
        const chained = Ledger.chainResult(head, entries)
        if (Result.isFailure(chained)) return yield* chained.failure
        const { records } = chained.success
        if (records.length === 0) return chained.success
        const payload = JSON.stringify(
          records.map((record) => ({
            seq: record.seq,
            prev_hash: record.prevHash,
            hash: record.hash,
            entry: encodeEntry(record.entry)
          }))
        )
        yield* sql`
          with inserted as (
            insert into gw_ledger (ledger, seq, prev_hash, hash, entry)
            select ${name}, seq, prev_hash, hash, entry
            from jsonb_to_recordset(${payload}::jsonb) as x(seq bigint, prev_hash text, hash text, entry jsonb)
          )
          update gw_ledger_heads set size = ${chained.success.head.size}::bigint, hash = ${chained.success.head.hash}
          where ledger = ${name}`
        return chained.success
      })
      return sql.withTransaction(transaction).pipe(
        Effect.catchTag("SqlError", (error) => Effect.fail(failure("append")(error))),
        Effect.withSpan("SqlLedgerStore.append", { attributes: { ledger: name, entries: entries.length } })
      )
    }

    const read: Shape["read"] = (fromSeq, limit) => {
      const invalid = LedgerStore.checkRange(fromSeq, limit)
      if (invalid !== undefined) return Effect.fail(invalid)
      return sql<RecordRow>`
        select seq, prev_hash, hash, entry from gw_ledger
        where ledger = ${name} and seq >= ${fromSeq}::bigint
        order by seq limit ${limit}`.pipe(
        Effect.mapError(failure("read")),
        Effect.flatMap((rows) =>
          Effect.forEach(rows, (row) => {
            const decoded = decodeRecord({
              seq: toSafeInt(row.seq, "gw_ledger.seq"),
              prevHash: row.prev_hash,
              hash: row.hash,
              entry: row.entry
            })
            return Result.isSuccess(decoded)
              ? Effect.succeed(decoded.success)
              : Effect.fail(failure("read")(new Error(`record ${String(row.seq)} does not decode: ${decoded.failure}`)))
          })
        )
      )
    }

    const readHashes: Shape["readHashes"] = (fromSeq, limit) => {
      const invalid = LedgerStore.checkRange(fromSeq, limit)
      if (invalid !== undefined) return Effect.fail(invalid)
      return sql<{ readonly hash: string }>`
        select hash from gw_ledger where ledger = ${name} and seq >= ${fromSeq}::bigint order by seq limit ${limit}`.pipe(
        Effect.map((rows) => rows.map((row) => row.hash as LedgerEntry.Sha256Hex)),
        Effect.mapError(failure("readHashes"))
      )
    }

    return LedgerStore.LedgerStore.of({
      append,
      read,
      readHashes,
      head: Effect.mapError(readHead, failure("head"))
    })
  })

/** A layer with the SQL {@link LedgerStore}; needs `SqlStore.layer` (or any migrated `SqlClient`). */
export const layer = (
  options: SqlLedgerStoreOptions = {}
): Layer.Layer<LedgerStore.LedgerStore, LedgerStore.LedgerInputInvalid | LedgerStore.LedgerStoreFailure, SqlClient> =>
  Layer.effect(LedgerStore.LedgerStore, make(options))
