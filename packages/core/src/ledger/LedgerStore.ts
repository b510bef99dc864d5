/**
 * The storage port of the responsibility ledger: append-only, read by range, head.
 *
 * Every implementation links entries with `Ledger.chain` inside its append (so the
 * hash rules are defined once), assigns `seq` 1, 2, 3 ... without gaps, and never
 * changes or removes a stored record. `append` with `expectedSize` is optimistic
 * concurrency: it fails with {@link LedgerConflict} when someone appended first.
 *
 * The in-memory implementation ({@link layerInMemory}) is here; the PostgreSQL one
 * (`SqlLedgerStore` in `@gridwork/store-sql`) keeps one row per record, locks the
 * ledger's head row (`for update`) and inserts in the same transaction. Both pass the
 * exported contract suite (`ledgerStoreContract` from `@gridwork/core/testing`).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Ledger, LedgerEntry, LedgerStore } from "@gridwork/core"
 *
 * const program = Effect.gen(function* () {
 *   const store = yield* LedgerStore.LedgerStore
 *   const entry = yield* LedgerEntry.decode({
 *     _tag: "ObligationOutcome",
 *     outcome: "fulfilled",
 *     obligationId: "019a6f40-0000-7000-8000-0000000000a1",
 *     subjectId: "petition-7",
 *     holder: { unit: "lanxi.dongshan.zzzx" },
 *     dueAt: Date.parse("2026-10-23T17:30:00+08:00"),
 *     at: Date.parse("2026-10-20T11:00:00+08:00"),
 *     ruleId: "hotline.complaint",
 *     policyVersion: "2026.1"
 *   })
 *   yield* store.append([entry], { expectedSize: 0 })
 *   const head = yield* store.head
 *   const records = yield* store.read(1, LedgerStore.MAX_READ)
 *   return yield* Ledger.verify(records, head)
 * }).pipe(Effect.provide(LedgerStore.layerInMemory))
 *
 * console.log(Effect.runSync(program).size) // 1
 * ```
 * @module
 */
import { Context, Effect, Layer, Schema } from "effect"
import { type Chained, chainResult, emptyHead, type LedgerHead, type LedgerRecord } from "./Ledger"
import type { LedgerEntry, LedgerEntryInvalid, Sha256Hex } from "./LedgerEntry"

/** Someone appended first: the ledger has `actualSize` entries, not `expectedSize`. */
export class LedgerConflict extends Schema.TaggedError<LedgerConflict>()("LedgerConflict", {
  expectedSize: Schema.Int,
  actualSize: Schema.Int
}) {
  /** Both sizes. */
  override get message(): string {
    return `ledger append expected size ${this.expectedSize}, the ledger has ${this.actualSize}`
  }
}

/** An argument of a read broke a rule (the field and the rule are named). */
export class LedgerInputInvalid extends Schema.TaggedError<LedgerInputInvalid>()("LedgerInputInvalid", {
  field: Schema.String,
  rule: Schema.String
}) {
  /** `field: rule`. */
  override get message(): string {
    return `${this.field}: ${this.rule}`
  }
}

/** The store could not be read or written. */
export class LedgerStoreFailure extends Schema.TaggedError<LedgerStoreFailure>()("LedgerStoreFailure", {
  operation: Schema.String,
  cause: Schema.Defect()
}) {
  /** Names the failed operation. */
  override get message(): string {
    return `ledger store failed during ${this.operation}`
  }
}

/** Options of {@link LedgerStoreShape.append}. */
export interface AppendOptions {
  /** Append only if the ledger has exactly this many entries now. */
  readonly expectedSize?: number | undefined
}

/** Largest page a read returns. */
export const MAX_READ = 10_000

/** The operations of a ledger store. */
export interface LedgerStoreShape {
  /**
   * Appends entries atomically (all or none) after the current head and returns their
   * records and the new head. An empty list changes nothing.
   */
  readonly append: (
    entries: ReadonlyArray<LedgerEntry>,
    options?: AppendOptions
  ) => Effect.Effect<Chained, LedgerEntryInvalid | LedgerConflict | LedgerInputInvalid | LedgerStoreFailure>
  /** Up to `limit` (≤ {@link MAX_READ}) records from `fromSeq` on, in order. */
  readonly read: (
    fromSeq: number,
    limit: number
  ) => Effect.Effect<ReadonlyArray<LedgerRecord>, LedgerInputInvalid | LedgerStoreFailure>
  /** Like {@link LedgerStoreShape.read} but only the entry hashes (for Merkle roots). */
  readonly readHashes: (
    fromSeq: number,
    limit: number
  ) => Effect.Effect<ReadonlyArray<Sha256Hex>, LedgerInputInvalid | LedgerStoreFailure>
  /** The current head. */
  readonly head: Effect.Effect<LedgerHead, LedgerStoreFailure>
}

/** The ledger store service. */
export class LedgerStore extends Context.Service<LedgerStore, LedgerStoreShape>()(
  "@gridwork/core/ledger/LedgerStore"
) {}

/** Checks read arguments; shared by implementations so they fail alike. */
export const checkRange = (fromSeq: number, limit: number): LedgerInputInvalid | undefined => {
  if (!Number.isSafeInteger(fromSeq) || fromSeq < 1) {
    return new LedgerInputInvalid({ field: "fromSeq", rule: `must be an integer ≥ 1, got ${fromSeq}` })
  }
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_READ) {
    return new LedgerInputInvalid({ field: "limit", rule: `must be an integer in [1, ${MAX_READ}], got ${limit}` })
  }
  return undefined
}

/** Checks `expectedSize`; shared by implementations. */
export const checkExpectedSize = (options: AppendOptions | undefined): LedgerInputInvalid | undefined => {
  const expected = options?.expectedSize
  return expected === undefined || (Number.isSafeInteger(expected) && expected >= 0)
    ? undefined
    : new LedgerInputInvalid({ field: "expectedSize", rule: `must be an integer ≥ 0, got ${expected}` })
}

/** A new, empty in-memory ledger store. */
export const makeInMemory: Effect.Effect<LedgerStoreShape> = Effect.sync(() => {
  const records: Array<LedgerRecord> = []
  let head: LedgerHead = emptyHead
  const append: LedgerStoreShape["append"] = (entries, options) =>
    Effect.suspend((): ReturnType<LedgerStoreShape["append"]> => {
      const invalid = checkExpectedSize(options)
      if (invalid !== undefined) return Effect.fail(invalid)
      const expected = options?.expectedSize
      if (expected !== undefined && expected !== head.size) {
        return Effect.fail(new LedgerConflict({ expectedSize: expected, actualSize: head.size }))
      }
      const chained = chainResult(head, entries)
      if (chained._tag === "Failure") return Effect.fail(chained.failure)
      for (const record of chained.success.records) records.push(record)
      head = chained.success.head
      return Effect.succeed(chained.success)
    })
  const slice = <A>(fromSeq: number, limit: number, pick: (record: LedgerRecord) => A) =>
    Effect.suspend(() => {
      const invalid = checkRange(fromSeq, limit)
      if (invalid !== undefined) return Effect.fail(invalid)
      const out: Array<A> = []
      for (let i = fromSeq - 1; i < records.length && out.length < limit; i++) out.push(pick(records[i]!))
      return Effect.succeed(out)
    })
  return {
    append,
    read: (fromSeq, limit) => slice(fromSeq, limit, (record) => record),
    readHashes: (fromSeq, limit) => slice(fromSeq, limit, (record) => record.hash),
    head: Effect.sync(() => head)
  }
})

/** A layer with an empty in-memory {@link LedgerStore}. */
export const layerInMemory: Layer.Layer<LedgerStore> = Layer.effect(LedgerStore, makeInMemory)
