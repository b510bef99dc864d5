/**
 * The contract every {@link LedgerStore} implementation must pass.
 *
 * ```ts
 * // test/LedgerStore.test.ts
 * import { LedgerStore } from "@gridwork/core"
 * import { ledgerStoreContract } from "@gridwork/core/testing"
 *
 * ledgerStoreContract("in-memory LedgerStore", () => LedgerStore.layerInMemory)
 * ```
 *
 * `makeLayer` is built once per test and must give an empty ledger each time (an SQL
 * implementation creates a fresh table or ledger id per build, on a server started once
 * for the file). Tests run with the live clock.
 * @module
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, type Layer, Result } from "effect"
import { emptyHead, GENESIS_HASH, type LedgerRecord, verify } from "../ledger/Ledger"
import { type LedgerEntry, PolicyVersion, RuleId, Sha256Hex } from "../ledger/LedgerEntry"
import { LedgerStore, MAX_READ } from "../ledger/LedgerStore"
import { ActorId, EventId, formatUuidV7, RoleCode, UnitCode } from "../primitives/Ids"
import type { Instant } from "../primitives/Instant"
import { ObligationId, SubjectId } from "../responsibility/Obligation"

/** Options of {@link ledgerStoreContract}. */
export interface LedgerStoreContractOptions {
  /** Timeout of one test in milliseconds (default 30 s). */
  readonly timeout?: number
}

const base = 1_790_000_000_000

/**
 * A valid, deterministic ledger entry number `i` (alternating holder changes and
 * obligation outcomes), for tests of ledger stores and verifiers.
 */
export const sampleLedgerEntry = (i: number): LedgerEntry => {
  const subjectId = SubjectId.make(formatUuidV7(base + Math.floor(i / 4), 1, 2, i))
  const at = (base + i * 60_000) as Instant
  const ruleId = RuleId.make("cn-xf-2022.art-22")
  const policyVersion = PolicyVersion.make("2026.1")
  if (i % 2 === 0) {
    return {
      _tag: "HolderChanged",
      change: i % 4 === 0 ? "routed" : "escalated",
      subjectId,
      from: { unit: UnitCode.make(`grid-${i}`) },
      to: { unit: UnitCode.make(`village-${i}`), role: RoleCode.make("handler") },
      at,
      ruleId,
      policyVersion,
      causedBy: EventId.make(formatUuidV7(base + i, 3, 4, i))
    }
  }
  return {
    _tag: "ObligationOutcome",
    outcome: i % 3 === 0 ? "overdue" : "fulfilled",
    obligationId: ObligationId.make(formatUuidV7(base + i, 5, 6, i)),
    subjectId,
    holder: { unit: UnitCode.make(`village-${i}`), actor: ActorId.make(formatUuidV7(base, 7, 8, i)) },
    dueAt: (base + 15 * 86_400_000) as Instant,
    at,
    ruleId,
    policyVersion,
    reasonHash: Sha256Hex.make("ab".repeat(32))
  }
}

const samples = (from: number, count: number): ReadonlyArray<LedgerEntry> =>
  Array.from({ length: count }, (_, index) => sampleLedgerEntry(from + index))

const failureOf = <A, E>(effect: Effect.Effect<A, E>): Effect.Effect<E> =>
  Effect.flatMap(Effect.result(effect), (result) =>
    Result.isFailure(result)
      ? Effect.succeed(result.failure)
      : Effect.die(new Error(`expected a failure, got ${JSON.stringify(result.success)}`))
  )

const seqs = (records: ReadonlyArray<LedgerRecord>): ReadonlyArray<number> => records.map((record) => record.seq)

/**
 * Registers the ledger store contract tests under `describe(name)`; `makeLayer` is
 * called for every test.
 */
export const ledgerStoreContract = <E>(
  name: string,
  makeLayer: () => Layer.Layer<LedgerStore, E>,
  options: LedgerStoreContractOptions = {}
): void => {
  const timeout = options.timeout ?? 30_000
  const test = (title: string, body: Effect.Effect<void, unknown, LedgerStore>) =>
    it.live(title, () => Effect.provide(body, makeLayer()), timeout)

  describe(`${name} (LedgerStore contract)`, () => {
    test(
      "starts empty",
      Effect.gen(function* () {
        const store = yield* LedgerStore
        assert.deepStrictEqual(yield* store.head, emptyHead)
        assert.deepStrictEqual(yield* store.read(1, 10), [])
        assert.deepStrictEqual(yield* store.readHashes(1, 10), [])
      })
    )

    test(
      "appends entries as a hash chain numbered from 1 and reads them back",
      Effect.gen(function* () {
        const store = yield* LedgerStore
        const entries = samples(0, 5)
        const appended = yield* store.append(entries)
        assert.deepStrictEqual(seqs(appended.records), [1, 2, 3, 4, 5])
        assert.strictEqual(appended.records[0]!.prevHash, GENESIS_HASH)
        for (let i = 1; i < 5; i++) assert.strictEqual(appended.records[i]!.prevHash, appended.records[i - 1]!.hash)
        assert.deepStrictEqual(appended.head, { size: 5, hash: appended.records[4]!.hash })
        assert.deepStrictEqual(yield* store.head, appended.head)
        const read = yield* store.read(1, 100)
        assert.deepStrictEqual(read, appended.records)
        assert.deepStrictEqual(
          read.map((record) => record.entry),
          entries
        )
        assert.deepStrictEqual(
          yield* store.readHashes(1, 100),
          read.map((record) => record.hash)
        )
        assert.deepStrictEqual(yield* verify(read, yield* store.head), appended.head)
      })
    )

    test(
      "continues the chain across appends and reads any range",
      Effect.gen(function* () {
        const store = yield* LedgerStore
        yield* store.append(samples(0, 2))
        const empty = yield* store.append([])
        assert.strictEqual(empty.records.length, 0)
        assert.strictEqual(empty.head.size, 2)
        yield* store.append(samples(2, 5))
        const all = yield* store.read(1, MAX_READ)
        assert.deepStrictEqual(seqs(all), [1, 2, 3, 4, 5, 6, 7])
        assert.deepStrictEqual(seqs(yield* store.read(3, 2)), [3, 4])
        assert.deepStrictEqual(seqs(yield* store.read(6, 100)), [6, 7])
        assert.deepStrictEqual(yield* store.read(8, 10), [])
        assert.deepStrictEqual(yield* store.readHashes(4, 2), [all[3]!.hash, all[4]!.hash])
        assert.deepStrictEqual(yield* verify(all, yield* store.head), { size: 7, hash: all[6]!.hash })
      })
    )

    test(
      "appends only at the expected size, writing nothing on a conflict",
      Effect.gen(function* () {
        const store = yield* LedgerStore
        yield* store.append(samples(0, 1), { expectedSize: 0 })
        yield* store.append(samples(1, 2), { expectedSize: 1 })
        const conflict = yield* failureOf(store.append(samples(3, 1), { expectedSize: 1 }))
        assert.include(conflict, { _tag: "LedgerConflict", expectedSize: 1, actualSize: 3 })
        const invalid = yield* failureOf(store.append(samples(3, 1), { expectedSize: -1 }))
        assert.include(invalid, { _tag: "LedgerInputInvalid", field: "expectedSize" })
        assert.strictEqual((yield* store.head).size, 3)
      })
    )

    test(
      "rejects a whole batch when one entry carries a field the schema does not know",
      Effect.gen(function* () {
        const store = yield* LedgerStore
        yield* store.append(samples(0, 1))
        const withName = { ...sampleLedgerEntry(2), petitionerName: "Zhang San" } as unknown as LedgerEntry
        const error = yield* failureOf(store.append([sampleLedgerEntry(1), withName]))
        assert.strictEqual(error._tag, "LedgerEntryInvalid")
        if (error._tag === "LedgerEntryInvalid") {
          assert.strictEqual(error.index, 1)
          assert.include(error.issue, "petitionerName")
        }
        assert.strictEqual((yield* store.head).size, 1)
        assert.strictEqual((yield* store.read(1, 10)).length, 1)
      })
    )

    test(
      "keeps stored entries apart from the objects the appender passed in",
      Effect.gen(function* () {
        const store = yield* LedgerStore
        const entry = sampleLedgerEntry(0)
        const mutable = JSON.parse(JSON.stringify(entry)) as { to: { unit: string } }
        yield* store.append([mutable as unknown as LedgerEntry])
        mutable.to.unit = "someone-else"
        const [record] = yield* store.read(1, 1)
        assert.deepStrictEqual(record!.entry, entry)
        yield* verify(yield* store.read(1, 1), yield* store.head)
      })
    )

    test(
      "serializes concurrent appenders that retry on conflict into one valid chain",
      Effect.gen(function* () {
        const store = yield* LedgerStore
        const appendOne = (i: number) =>
          Effect.gen(function* () {
            const head = yield* store.head
            yield* Effect.yieldNow
            return yield* store.append([sampleLedgerEntry(i)], { expectedSize: head.size })
          }).pipe(Effect.retry({ while: (error) => error._tag === "LedgerConflict", times: 1_000 }))
        yield* Effect.forEach(
          Array.from({ length: 24 }, (_, i) => i),
          appendOne,
          { concurrency: 8 }
        )
        const records = yield* store.read(1, 100)
        assert.deepStrictEqual(
          seqs(records),
          Array.from({ length: 24 }, (_, i) => i + 1)
        )
        assert.strictEqual((yield* verify(records, yield* store.head)).size, 24)
      })
    )

    test(
      "rejects bad read arguments naming the field",
      Effect.gen(function* () {
        const store = yield* LedgerStore
        assert.include(yield* failureOf(store.read(0, 10)), { _tag: "LedgerInputInvalid", field: "fromSeq" })
        assert.include(yield* failureOf(store.read(1.5, 10)), { _tag: "LedgerInputInvalid", field: "fromSeq" })
        assert.include(yield* failureOf(store.read(1, 0)), { _tag: "LedgerInputInvalid", field: "limit" })
        assert.include(yield* failureOf(store.readHashes(1, MAX_READ + 1)), {
          _tag: "LedgerInputInvalid",
          field: "limit"
        })
      })
    )
  })
}
