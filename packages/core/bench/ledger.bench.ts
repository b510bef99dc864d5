/**
 * Responsibility ledger throughput. Run with `npm run bench` in packages/core (all
 * benchmarks) or `node --expose-gc --conditions=@gridwork/source --import tsx bench/ledger.bench.ts`.
 *
 * Measures: append throughput into the in-memory `LedgerStore` (strict Schema encoding,
 * RFC 8785 canonical JSON, SHA-256 chain, frozen copies) in batches of 100 and one by
 * one; verify throughput over the whole chain; Merkle root over every entry hash; a
 * checkpoint issued over the ledger; Ed25519 sign and verify of one checkpoint.
 *
 * Targets (non-zero exit code when missed): append ≥ 10,000 entries/s in batches,
 * verify ≥ 20,000 entries/s, checkpoint verify ≤ 5 ms.
 */
import { Effect } from "effect"
import { Checkpoint, Ledger, LedgerMerkleTree, LedgerStore } from "../src"
import { sampleLedgerEntry } from "../src/testing"
import * as BenchReport from "./BenchReport"

const ENTRIES = 100_000
const BATCH = 100
const SINGLE = 10_000
const SIGNATURES = 200

const report = BenchReport.make("ledger")
const { count, median, perSecond, rate, seconds, timed } = BenchReport

const entries = Array.from({ length: ENTRIES }, (_, i) => sampleLedgerEntry(i))

const run = Effect.gen(function* () {
  const store = yield* LedgerStore.LedgerStore
  // warm-up (JIT) on a throw-away store
  const warm = yield* LedgerStore.makeInMemory
  for (let i = 0; i < 5_000; i += BATCH) yield* warm.append(entries.slice(i, i + BATCH))
  yield* Ledger.verify(yield* warm.read(1, 5_000), yield* warm.head)

  const [, appendMs] = yield* timed(
    Effect.gen(function* () {
      for (let i = 0; i < ENTRIES; i += BATCH) yield* store.append(entries.slice(i, i + BATCH))
    })
  )
  report.row(`append ${count(ENTRIES)} entries, batches of ${BATCH}`, rate(ENTRIES, appendMs), seconds(appendMs))
  report.target(perSecond(ENTRIES, appendMs) >= 10_000, "append throughput below 10,000 entries/s")

  const single = yield* LedgerStore.makeInMemory
  const [, singleMs] = yield* timed(
    Effect.gen(function* () {
      for (let i = 0; i < SINGLE; i++) yield* single.append([entries[i]!])
    })
  )
  report.row(`append ${count(SINGLE)} entries one by one`, rate(SINGLE, singleMs), seconds(singleMs))

  const head = yield* store.head
  const records: Array<Ledger.LedgerRecord> = []
  for (let from = 1; from <= head.size; from += LedgerStore.MAX_READ) {
    records.push(...(yield* store.read(from, LedgerStore.MAX_READ)))
  }
  const [verified, verifyMs] = yield* timed(Ledger.verify(records, head))
  if (verified.size !== ENTRIES) throw new Error("verify did not cover the ledger")
  report.row(`verify ${count(ENTRIES)} entries against the head`, rate(ENTRIES, verifyMs), seconds(verifyMs))
  report.target(perSecond(ENTRIES, verifyMs) >= 20_000, "verify throughput below 20,000 entries/s")

  const [, merkleMs] = BenchReport.time(() => LedgerMerkleTree.root(records.map((record) => record.hash)))
  report.row(`Merkle root over ${count(ENTRIES)} entry hashes`, BenchReport.millis(merkleMs))

  const keys = yield* Checkpoint.generateKeyPair
  const ledgerId = Checkpoint.LedgerId.make("bench")
  const [checkpoint, issueMs] = yield* timed(Checkpoint.issue({ ledgerId, privateKey: keys.privateKey }))
  report.row(
    `issue a checkpoint of ${count(ENTRIES)} entries`,
    BenchReport.millis(issueMs),
    "read hashes + Merkle root + sign"
  )

  const signTimes: Array<number> = []
  const verifyTimes: Array<number> = []
  for (let i = 0; i < SIGNATURES; i++) {
    const t0 = performance.now()
    const signed = yield* Checkpoint.sign({ ...checkpoint, size: checkpoint.size - (i % 2) }, keys.privateKey)
    const t1 = performance.now()
    yield* Checkpoint.verifyCheckpoint(signed, keys.publicKey)
    const t2 = performance.now()
    signTimes.push(t1 - t0)
    verifyTimes.push(t2 - t1)
  }
  report.row("checkpoint sign (Ed25519, JWK import)", `${median(signTimes).toFixed(3)} ms`, `median of ${SIGNATURES}`)
  report.row("checkpoint verify (decode + Ed25519)", `${median(verifyTimes).toFixed(3)} ms`, `median of ${SIGNATURES}`)
  report.target(median(verifyTimes) <= 5, "checkpoint verification slower than 5 ms")
}).pipe(Effect.provide(LedgerStore.layerInMemory))

Effect.runSync(run)
report.print("in-memory store")
