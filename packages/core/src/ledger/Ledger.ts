/**
 * The responsibility ledger's hash chain: how records are linked, and how anyone holding
 * the records and a published head can check that nothing was edited, deleted,
 * reordered or cut off.
 *
 * ## Definition
 * Entries are numbered from 1 (`seq`). With `H(0)` = 32 zero bytes (the genesis hash):
 *
 * ```text
 * H(k) = SHA-256( H(k-1) || UTF-8( JCS( encode(entry_k) ) ) )
 * ```
 *
 * where `H(k-1)` is the 32 raw bytes of the previous hash (not its hex text), `encode`
 * is the strict Schema encoding of {@link LedgerEntry} (its JSON form), and `JCS` is the
 * RFC 8785 canonical text ({@link CanonicalJson}). A record stores
 * `{ seq: k, prevHash: hex(H(k-1)), hash: hex(H(k)), entry }`. The head of a ledger of
 * n entries is `{ size: n, hash: hex(H(n)) }` (`{ size: 0, hash: "00…00" }` when
 * empty). Publishing a head (or a signed `Checkpoint` of it) commits the operator to
 * every entry before it: changing, removing or moving any of them changes `H(n)`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Ledger, LedgerEntry } from "@gridwork/core"
 *
 * const program = Effect.gen(function* () {
 *   const routed = yield* LedgerEntry.decode({
 *     _tag: "HolderChanged",
 *     change: "routed",
 *     subjectId: "petition-7",
 *     to: { unit: "lanxi.dongshan.zzzx" },
 *     at: Date.parse("2026-09-28T10:00:00+08:00"),
 *     ruleId: "cn-xf-2022.art-22",
 *     policyVersion: "2026.1"
 *   })
 *   const escalated = yield* LedgerEntry.decode({ ...routed, change: "escalated", to: { unit: "lanxi.zzzx" } })
 *   const { records, head } = yield* Ledger.chain(Ledger.emptyHead, [routed, escalated])
 *   console.log((yield* Ledger.verify(records, head)).size) // 2
 *   const cut = yield* Effect.flip(Ledger.verify(records.slice(1), head))
 *   console.log(cut.rule, cut.seq) // sequence 1: entry 1 is missing
 * })
 *
 * Effect.runSync(program)
 * ```
 * @module
 */
import { createHash } from "node:crypto"
import { Effect, Result, Schema } from "effect"
import { canonicalize } from "./CanonicalJson"
import { encodeResult, LedgerEntry, type LedgerEntryEncoded, LedgerEntryInvalid, Sha256Hex } from "./LedgerEntry"

/** The hash before the first entry: 64 zeros. */
export const GENESIS_HASH: Sha256Hex = Sha256Hex.make("0".repeat(64))

/** A point of the ledger anyone can publish: its size and the hash of its last entry. */
export const LedgerHead = Schema.Struct({
  size: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  hash: Sha256Hex
})
/** @see {@link LedgerHead} */
export type LedgerHead = typeof LedgerHead.Type

/** The head of an empty ledger. */
export const emptyHead: LedgerHead = { size: 0, hash: GENESIS_HASH }

/** One stored entry with its place in the chain. */
export const LedgerRecord = Schema.Struct({
  seq: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)),
  prevHash: Sha256Hex,
  hash: Sha256Hex,
  entry: LedgerEntry
})
/** @see {@link LedgerRecord} */
export type LedgerRecord = typeof LedgerRecord.Type

/**
 * Why verification failed, at the first entry that does not fit:
 * - `sequence`: the record at this place has another `seq` (a record was deleted,
 *   inserted or moved);
 * - `link`: its `prevHash` is not the hash of the record before (deleted or moved);
 * - `content`: its entry does not hash to its stored hash (edited);
 * - `schema`: its entry is not a valid ledger entry;
 * - `head`: the chain is self-consistent but does not reach the published hash at the
 *   published size (history rewritten and re-hashed);
 * - `truncated`: fewer records than the published size.
 */
export const TamperRule = Schema.Literals(["sequence", "link", "content", "schema", "head", "truncated"])
/** @see {@link TamperRule} */
export type TamperRule = typeof TamperRule.Type

/** The records do not match the published head; `seq` is where they first diverge. */
export class LedgerTampered extends Schema.TaggedError<LedgerTampered>()("LedgerTampered", {
  seq: Schema.Int,
  rule: TamperRule,
  detail: Schema.String
}) {
  /** `ledger entry <seq> fails "<rule>": <detail>`. */
  override get message(): string {
    return `ledger entry ${this.seq} fails "${this.rule}": ${this.detail}`
  }
}

/** `hex(SHA-256(prevHash bytes || UTF-8(JCS(encoded))))`, the chain step. */
export const entryHash = (prevHash: Sha256Hex, encoded: LedgerEntryEncoded): Sha256Hex =>
  createHash("sha256").update(prevHash, "hex").update(canonicalize(encoded), "utf8").digest("hex") as Sha256Hex

/**
 * The SHA-256 of a reason text (NFC-normalized, UTF-8), for `reasonHash`. Short or
 * guessable reasons can be found by trying candidates; pass a random `nonce` kept with
 * the reason text to prevent that.
 */
export const hashReason = (text: string, nonce = ""): Sha256Hex =>
  createHash("sha256")
    .update(`${nonce}${text.normalize("NFC")}`, "utf8")
    .digest("hex") as Sha256Hex

const decodeCopy = Schema.decodeUnknownResult(LedgerEntry)

const deepFreeze = <A>(value: A): A => {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const inner of Object.values(value)) deepFreeze(inner)
  }
  return value
}

/** New records and the new head after appending entries. */
export interface Chained {
  readonly records: ReadonlyArray<LedgerRecord>
  readonly head: LedgerHead
}

/**
 * Links `entries` after `head`: validates each one strictly (no unknown fields) and
 * computes its record. Pure; stores call it inside their append transaction.
 */
export const chainResult = (
  head: LedgerHead,
  entries: ReadonlyArray<LedgerEntry>
): Result.Result<Chained, LedgerEntryInvalid> => {
  const records: Array<LedgerRecord> = []
  let size = head.size
  let hash = head.hash
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!
    const encoded = encodeResult(entry, i)
    if (Result.isFailure(encoded)) return Result.fail(encoded.failure)
    // store a deep copy made from the validated JSON form, frozen: later changes to the
    // caller's objects (or to what a reader gets) cannot alter the record
    const copy = decodeCopy(encoded.success)
    if (Result.isFailure(copy)) {
      return Result.fail(new LedgerEntryInvalid({ index: i, issue: copy.failure.message }))
    }
    const next = entryHash(hash, encoded.success)
    size++
    records.push(deepFreeze({ seq: size, prevHash: hash, hash: next, entry: copy.success }))
    hash = next
  }
  return Result.succeed({ records, head: { size, hash } })
}

/** {@link chainResult} as an Effect. */
export const chain = (
  head: LedgerHead,
  entries: ReadonlyArray<LedgerEntry>
): Effect.Effect<Chained, LedgerEntryInvalid> => Effect.suspend(() => Effect.fromResult(chainResult(head, entries)))

/** Options of {@link verify}. */
export interface VerifyOptions {
  /**
   * A head already verified earlier; `records` then start at `from.size + 1` and only
   * they are checked (incremental verification). Default: the empty ledger.
   */
  readonly from?: LedgerHead | undefined
}

const tampered = (seq: number, rule: TamperRule, detail: string) =>
  Result.fail(new LedgerTampered({ seq, rule, detail }))

/**
 * Checks `records` against a `published` head and returns the head the records reach
 * (it may be past `published` when entries were appended since). Detects any edit,
 * deletion, insertion, reordering or truncation of the entries up to `published.size`,
 * and any stored record that does not hash to itself beyond it.
 */
export const verifyResult = (
  records: ReadonlyArray<LedgerRecord>,
  published: LedgerHead,
  options?: VerifyOptions
): Result.Result<LedgerHead, LedgerTampered> => {
  const start = options?.from ?? emptyHead
  if (published.size < start.size) {
    return tampered(
      published.size,
      "head",
      `the published head (size ${published.size}) precedes the start (size ${start.size})`
    )
  }
  let size = start.size
  let hash = start.hash
  if (size === published.size && hash !== published.hash) {
    return tampered(size, "head", `hash at size ${size} is ${hash}, the published head says ${published.hash}`)
  }
  for (const record of records) {
    const seq = size + 1
    if (record.seq !== seq) return tampered(seq, "sequence", `expected entry ${seq}, found entry ${record.seq}`)
    if (record.prevHash !== hash) {
      return tampered(seq, "link", `prevHash ${record.prevHash} is not the hash of entry ${size} (${hash})`)
    }
    const encoded = encodeResult(record.entry, seq)
    if (Result.isFailure(encoded)) return tampered(seq, "schema", encoded.failure.issue)
    const computed = entryHash(hash, encoded.success)
    if (computed !== record.hash) {
      return tampered(seq, "content", `entry hashes to ${computed}, the record says ${record.hash}`)
    }
    size = seq
    hash = computed
    if (size === published.size && hash !== published.hash) {
      return tampered(seq, "head", `hash at size ${size} is ${hash}, the published head says ${published.hash}`)
    }
  }
  if (size < published.size) {
    return tampered(size + 1, "truncated", `the records end at entry ${size}, the published head has ${published.size}`)
  }
  return Result.succeed({ size, hash })
}

/** {@link verifyResult} as an Effect. */
export const verify = (
  records: ReadonlyArray<LedgerRecord>,
  published: LedgerHead,
  options?: VerifyOptions
): Effect.Effect<LedgerHead, LedgerTampered> =>
  Effect.suspend(() => Effect.fromResult(verifyResult(records, published, options)))
