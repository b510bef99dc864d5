import { createHash } from "node:crypto"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Result } from "effect"
import * as fc from "fast-check"
import { CanonicalJson, type Instant, Ledger, LedgerEntry } from "../src"
import { sampleLedgerEntry } from "../src/testing"

type LedgerRecord = Ledger.LedgerRecord

const entries = (count: number) => Array.from({ length: count }, (_, i) => sampleLedgerEntry(i))

/** A published ledger of `count` entries: its records and its head. */
const published = (count = 10) => Effect.runSync(Ledger.chain(Ledger.emptyHead, entries(count)))

/** Re-links records from the genesis, as a forger who rewrites history would. */
const rechain = (records: ReadonlyArray<LedgerRecord>): Array<LedgerRecord> => [
  ...Effect.runSync(
    Ledger.chain(
      Ledger.emptyHead,
      records.map((record) => record.entry)
    )
  ).records
]

const thaw = (record: LedgerRecord): LedgerRecord => JSON.parse(JSON.stringify(record))

const tamperOf = (records: ReadonlyArray<LedgerRecord>, head: Ledger.LedgerHead): Ledger.LedgerTampered => {
  const result = Ledger.verifyResult(records, head)
  if (Result.isSuccess(result)) throw new Error("expected verification to fail")
  return result.failure
}

describe("Ledger hash chain", () => {
  it("computes H(k) = SHA-256(H(k-1) bytes || UTF-8(JCS(entry))) from 32 zero bytes", () => {
    const { records, head } = published(3)
    let previous = Buffer.alloc(32)
    for (const record of records) {
      const encoded = Effect.runSync(LedgerEntry.encode(record.entry))
      const expected = createHash("sha256").update(previous).update(CanonicalJson.canonicalBytes(encoded)).digest()
      assert.strictEqual(record.hash, expected.toString("hex"))
      assert.strictEqual(record.prevHash, previous.toString("hex"))
      previous = expected
    }
    assert.deepStrictEqual(head, { size: 3, hash: previous.toString("hex") as LedgerEntry.Sha256Hex })
  })

  it.effect("verifies an untouched ledger and returns its head", () =>
    Effect.gen(function* () {
      const { records, head } = published()
      assert.deepStrictEqual(yield* Ledger.verify(records, head), head)
      assert.deepStrictEqual(yield* Ledger.verify([], Ledger.emptyHead), Ledger.emptyHead)
    })
  )

  it("freezes records so a reader cannot alter them in place", () => {
    const { records } = published(1)
    assert.isTrue(Object.isFrozen(records[0]) && Object.isFrozen(records[0]!.entry))
  })

  describe("given a published head of 10 entries", () => {
    it("when an entry is edited, then verification fails at that entry (content)", () => {
      const { records, head } = published()
      const edited = records.map(thaw)
      edited[4] = { ...edited[4]!, entry: { ...edited[4]!.entry, at: (edited[4]!.entry.at + 1) as Instant.Instant } }
      assert.include(tamperOf(edited, head), { seq: 5, rule: "content" })
    })

    it("when an edited entry's hash is recomputed too, then the next link breaks (link)", () => {
      const { records, head } = published()
      const edited = records.map(thaw)
      const entry = { ...edited[4]!.entry, ruleId: LedgerEntry.RuleId.make("another-rule") }
      const encoded = Effect.runSync(LedgerEntry.encode(entry))
      edited[4] = { ...edited[4]!, entry, hash: Ledger.entryHash(edited[4]!.prevHash, encoded) }
      assert.include(tamperOf(edited, head), { seq: 6, rule: "link" })
    })

    it("when history after an edit is re-hashed, then the published head does not match (head)", () => {
      const { records, head } = published()
      const edited = records.map(thaw)
      edited[2] = { ...edited[2]!, entry: { ...edited[2]!.entry, policyVersion: LedgerEntry.PolicyVersion.make("v2") } }
      assert.include(tamperOf(rechain(edited), head), { seq: 10, rule: "head" })
    })

    it("when an entry is deleted, then the sequence breaks there (sequence)", () => {
      const { records, head } = published()
      const deleted = [...records.slice(0, 3), ...records.slice(4)]
      assert.include(tamperOf(deleted, head), { seq: 4, rule: "sequence" })
    })

    it("when an entry is deleted and the rest renumbered, then the link breaks (link)", () => {
      const { records, head } = published()
      const deleted = [...records.slice(0, 3), ...records.slice(4)].map((record, i) => ({ ...record, seq: i + 1 }))
      assert.include(tamperOf(deleted, head), { seq: 4, rule: "link" })
    })

    it("when an entry is deleted and the rest re-hashed, then the ledger falls short of the head (truncated)", () => {
      const { records, head } = published()
      const deleted = rechain([...records.slice(0, 3), ...records.slice(4)])
      assert.include(tamperOf(deleted, head), { seq: 10, rule: "truncated" })
    })

    it("when two entries are swapped, then the sequence breaks (sequence)", () => {
      const { records, head } = published()
      const swapped = [...records]
      ;[swapped[2], swapped[3]] = [swapped[3]!, swapped[2]!]
      assert.include(tamperOf(swapped, head), { seq: 3, rule: "sequence" })
    })

    it("when two entries are swapped and renumbered, then the link breaks (link)", () => {
      const { records, head } = published()
      const swapped = [...records]
      ;[swapped[2], swapped[3]] = [swapped[3]!, swapped[2]!]
      const renumbered = swapped.map((record, i) => ({ ...record, seq: i + 1 }))
      assert.include(tamperOf(renumbered, head), { seq: 3, rule: "link" })
    })

    it("when two entries are swapped and everything re-hashed, then the head does not match (head)", () => {
      const { records, head } = published()
      const swapped = [...records]
      ;[swapped[2], swapped[3]] = [swapped[3]!, swapped[2]!]
      assert.include(tamperOf(rechain(swapped), head), { seq: 10, rule: "head" })
    })

    it("when the ledger is truncated, then verification says so (truncated)", () => {
      const { records, head } = published()
      assert.include(tamperOf(records.slice(0, 8), head), { seq: 9, rule: "truncated" })
      assert.include(tamperOf([], head), { seq: 1, rule: "truncated" })
    })

    it("when a field the schema does not know is smuggled into a stored entry, then it fails (schema)", () => {
      const { records, head } = published()
      const smuggled = records.map(thaw)
      smuggled[6] = {
        ...smuggled[6]!,
        entry: { ...smuggled[6]!.entry, petitionerName: "Li Si" } as unknown as LedgerEntry.LedgerEntry
      }
      const error = tamperOf(smuggled, head)
      assert.include(error, { seq: 7, rule: "schema" })
      assert.include(error.detail, "petitionerName")
    })

    it("when entries were appended since, then the old head still verifies and the new head is returned", () => {
      const { records, head } = published()
      const more = Effect.runSync(Ledger.chain(head, [sampleLedgerEntry(10), sampleLedgerEntry(11)]))
      const all = [...records, ...more.records]
      assert.deepStrictEqual(Result.getOrThrow(Ledger.verifyResult(all, head)), more.head)
      assert.deepStrictEqual(Result.getOrThrow(Ledger.verifyResult(more.records, more.head, { from: head })), more.head)
    })

    it("when a head from before the starting point is given, then it fails (head)", () => {
      const { records, head } = published()
      const from = { size: 5, hash: records[4]!.hash }
      const result = Ledger.verifyResult(records.slice(5), { size: 3, hash: head.hash }, { from })
      assert.isTrue(Result.isFailure(result) && result.failure.rule === "head")
    })
  })

  it("detects any single edit, deletion, swap or truncation of a published ledger", () => {
    const { records, head } = published(12)
    const tamper = fc.oneof(
      fc.record({
        kind: fc.constant("edit" as const),
        index: fc.nat(11),
        delta: fc.integer({ min: 1, max: 1_000 }),
        rehash: fc.boolean()
      }),
      fc.record({ kind: fc.constant("delete" as const), index: fc.nat(11), rehash: fc.boolean() }),
      fc.record({ kind: fc.constant("swap" as const), index: fc.nat(10), rehash: fc.boolean() }),
      fc.record({ kind: fc.constant("truncate" as const), keep: fc.nat(11), rehash: fc.boolean() })
    )
    fc.assert(
      fc.property(tamper, (change) => {
        let forged: Array<LedgerRecord> = records.map(thaw)
        switch (change.kind) {
          case "edit": {
            const record = forged[change.index]!
            forged[change.index] = {
              ...record,
              entry: { ...record.entry, at: (record.entry.at + change.delta) as Instant.Instant }
            }
            if (change.rehash) forged = rechain(forged)
            break
          }
          case "delete":
            forged.splice(change.index, 1)
            if (change.rehash) forged = rechain(forged)
            break
          case "swap":
            ;[forged[change.index], forged[change.index + 1]] = [forged[change.index + 1]!, forged[change.index]!]
            if (change.rehash) forged = rechain(forged)
            break
          case "truncate":
            forged = forged.slice(0, change.keep)
            if (change.rehash) forged = rechain(forged)
            break
        }
        assert.isTrue(Result.isFailure(Ledger.verifyResult(forged, head)))
      }),
      { numRuns: 200 }
    )
  })

  it("rejects an invalid entry on append with its index", () => {
    const bad = { ...sampleLedgerEntry(1), holder: { unit: "has space" } } as LedgerEntry.LedgerEntry
    const result = Effect.runSync(Effect.result(Ledger.chain(Ledger.emptyHead, [sampleLedgerEntry(0), bad])))
    assert.isTrue(Result.isFailure(result))
    if (Result.isFailure(result)) {
      assert.strictEqual(result.failure.index, 1)
      assert.include(result.failure.issue, "holder")
    }
  })

  it("hashes reasons after NFC normalization, with an optional nonce", () => {
    assert.strictEqual(Ledger.hashReason("e\u0301"), Ledger.hashReason("\u00e9"))
    assert.notStrictEqual(Ledger.hashReason("late"), Ledger.hashReason("late", "nonce-1"))
    assert.strictEqual(Ledger.hashReason(""), createHash("sha256").update("").digest("hex"))
  })
})
