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

const ENTRIES = 100_000
const BATCH = 100
const SINGLE = 10_000
const SIGNATURES = 200

const rows: Array<[string, string, string]> = []
const row = (what: string, value: string, note = "") => rows.push([what, value, note])
let failed = false
const target = (ok: boolean, what: string) => {
  if (!ok) {
    failed = true
    console.error(`ledger: TARGET MISSED: ${what}`)
  }
}
const perSecond = (count: number, ms: number) => Math.round(count / (ms / 1000)).toLocaleString("en-US")
const median = (values: ReadonlyArray<number>): number => [...values].sort((a, b) => a - b)[values.length >> 1]!

const entries = Array.from({ length: ENTRIES }, (_, i) => sampleLedgerEntry(i))

const run = Effect.gen(function* () {
  const store = yield* LedgerStore.LedgerStore
  // warm-up (JIT) on a throw-away store
  const warm = yield* LedgerStore.makeInMemory
  for (let i = 0; i < 5_000; i += BATCH) yield* warm.append(entries.slice(i, i + BATCH))
  yield* Ledger.verify(yield* warm.read(1, 5_000), yield* warm.head)

  const appendStart = performance.now()
  for (let i = 0; i < ENTRIES; i += BATCH) yield* store.append(entries.slice(i, i + BATCH))
  const appendMs = performance.now() - appendStart
  row(
    `append ${ENTRIES.toLocaleString("en-US")} entries, batches of ${BATCH}`,
    `${perSecond(ENTRIES, appendMs)}/s`,
    `${(appendMs / 1000).toFixed(2)} s`
  )
  target(ENTRIES / (appendMs / 1000) >= 10_000, "append throughput below 10,000 entries/s")

  const single = yield* LedgerStore.makeInMemory
  const singleStart = performance.now()
  for (let i = 0; i < SINGLE; i++) yield* single.append([entries[i]!])
  const singleMs = performance.now() - singleStart
  row(
    `append ${SINGLE.toLocaleString("en-US")} entries one by one`,
    `${perSecond(SINGLE, singleMs)}/s`,
    `${(singleMs / 1000).toFixed(2)} s`
  )

  const head = yield* store.head
  const records: Array<Ledger.LedgerRecord> = []
  for (let from = 1; from <= head.size; from += LedgerStore.MAX_READ) {
    records.push(...(yield* store.read(from, LedgerStore.MAX_READ)))
  }
  const verifyStart = performance.now()
  const verified = yield* Ledger.verify(records, head)
  const verifyMs = performance.now() - verifyStart
  if (verified.size !== ENTRIES) throw new Error("verify did not cover the ledger")
  row(
    `verify ${ENTRIES.toLocaleString("en-US")} entries against the head`,
    `${perSecond(ENTRIES, verifyMs)}/s`,
    `${(verifyMs / 1000).toFixed(2)} s`
  )
  target(ENTRIES / (verifyMs / 1000) >= 20_000, "verify throughput below 20,000 entries/s")

  const merkleStart = performance.now()
  LedgerMerkleTree.root(records.map((record) => record.hash))
  const merkleMs = performance.now() - merkleStart
  row(`Merkle root over ${ENTRIES.toLocaleString("en-US")} entry hashes`, `${merkleMs.toFixed(0)} ms`)

  const keys = yield* Checkpoint.generateKeyPair
  const ledgerId = Checkpoint.LedgerId.make("bench")
  const issueStart = performance.now()
  const checkpoint = yield* Checkpoint.issue({ ledgerId, privateKey: keys.privateKey })
  const issueMs = performance.now() - issueStart
  row(
    `issue a checkpoint of ${ENTRIES.toLocaleString("en-US")} entries`,
    `${issueMs.toFixed(0)} ms`,
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
  row("checkpoint sign (Ed25519, JWK import)", `${median(signTimes).toFixed(3)} ms`, `median of ${SIGNATURES}`)
  row("checkpoint verify (decode + Ed25519)", `${median(verifyTimes).toFixed(3)} ms`, `median of ${SIGNATURES}`)
  target(median(verifyTimes) <= 5, "checkpoint verification slower than 5 ms")
}).pipe(Effect.provide(LedgerStore.layerInMemory))

Effect.runSync(run)
const width = Math.max(...rows.map(([what]) => what.length))
console.log(`\nledger     (in-memory store, node ${process.version})`)
for (const [what, value, note] of rows) console.log(`ledger     ${what.padEnd(width)}  ${value.padStart(12)}  ${note}`)
if (failed) process.exitCode = 1
