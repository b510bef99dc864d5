/**
 * What the responsibility ledger records: every change of who holds a matter, and every
 * outcome of an obligation. Entries answer the questions of backward tracing (who held
 * the matter when, which deadline was missed and by how much, under which rule of which
 * policy version) without a single byte of personal data.
 *
 * ## No personal data, by construction
 * A ledger is append-only and public to witnesses; a name written into it could never
 * be erased. So every field is an id (UUIDv7), a code (`[A-Za-z0-9._-]`, no spaces), an
 * instant (epoch milliseconds), a rule id, a policy version, or a SHA-256 hash: there
 * is no free-text field at all. A reason is recorded as `reasonHash`, the SHA-256 of
 * the reason text kept elsewhere under access control, so the ledger can prove which
 * reason was given without revealing it. Unknown fields are rejected, not stripped:
 * {@link decode} and {@link encode} use {@link strictParseOptions}, and the ledger
 * encodes every entry with them before hashing, so a field like `petitionerName` fails
 * with an error naming it.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { LedgerEntry } from "@gridwork/core"
 *
 * const input = {
 *   _tag: "HolderChanged",
 *   change: "routed",
 *   subjectId: "0192f0c1-7a1b-7c3d-8e4f-0123456789ab",
 *   to: { unit: "dongshan.township.office" },
 *   at: 1_790_000_000_000,
 *   ruleId: "cn-xf-2022.art-22",
 *   policyVersion: "2026.1"
 * }
 * console.log(Effect.runSync(LedgerEntry.decode(input))._tag) // HolderChanged
 * // A name never enters the ledger: unknown fields are errors, not stripped.
 * const refused = Effect.runSync(Effect.flip(LedgerEntry.decode({ ...input, petitionerName: "Li Ming" })))
 * console.log(refused.message) // ledger entry 0: Expected no excess property\n  at ["petitionerName"]
 * ```
 * @module
 */
import { Effect, Result, Schema, SchemaIssue } from "effect"
import { TierName } from "../jurisdiction/Jurisdiction"
import { PolicyVersion as LocalityPolicyVersion } from "../locality/LocalityModel"
import { Code, EventId } from "../primitives/Ids"
import { Instant } from "../primitives/Instant"
import { ObligationId, Owner, SubjectId } from "../responsibility/Obligation"

/** A SHA-256 digest as 64 lowercase hexadecimal digits. */
export const Sha256Hex = Schema.String.check(
  Schema.isPattern(/^[0-9a-f]{64}$/, { message: "a SHA-256 hash is 64 lowercase hexadecimal digits" })
).pipe(Schema.brand("Sha256Hex"))
/** @see {@link Sha256Hex} */
export type Sha256Hex = typeof Sha256Hex.Type

/**
 * The id of the rule a change or outcome happened under: an obligation rule
 * (`ObligationRuleId`, e.g. `cn-xf-2022.art-22`) or an escalation rule; a {@link Code}.
 */
export const RuleId = Code
/** @see {@link RuleId} */
export type RuleId = typeof RuleId.Type

/** The version of the locality policy a decision was made under (the locality model's `PolicyVersion`, e.g. `2026.1`). */
export const PolicyVersion = LocalityPolicyVersion
/** @see {@link PolicyVersion} */
export type PolicyVersion = typeof PolicyVersion.Type

/**
 * Who holds a matter (the obligation module's `Owner`): always a unit; optionally the
 * role within it and the staff member's pseudonymous actor id (never a name).
 */
export const Holder = Owner
/** @see {@link Holder} */
export type Holder = typeof Holder.Type

/**
 * Kinds of change of holder: `received` (first receiver, 首问负责), `routed`, `accepted`,
 * `handedBack`, `escalated`, `leaderAssigned` (包案), `transferred`.
 */
export const HolderChange = Schema.Literals([
  "received",
  "routed",
  "accepted",
  "handedBack",
  "escalated",
  "leaderAssigned",
  "transferred"
])
/** @see {@link HolderChange} */
export type HolderChange = typeof HolderChange.Type

/**
 * The holder of a matter (and optionally of one of its obligations) changed. `tier` is
 * the tier the new holder sits at; `designated` whether it was specifically designated
 * (a designated unit may not hand the matter back).
 */
export const HolderChanged = Schema.TaggedStruct("HolderChanged", {
  change: HolderChange,
  subjectId: SubjectId,
  obligationId: Schema.optionalKey(ObligationId),
  from: Schema.optionalKey(Holder),
  to: Holder,
  tier: Schema.optionalKey(TierName),
  designated: Schema.optionalKey(Schema.Boolean),
  at: Instant,
  ruleId: RuleId,
  policyVersion: PolicyVersion,
  reasonHash: Schema.optionalKey(Sha256Hex),
  causedBy: Schema.optionalKey(EventId)
})
/** @see {@link HolderChanged} */
export type HolderChanged = typeof HolderChanged.Type

/**
 * What happened to an obligation, named after the obligation events: `opened`,
 * `paused`, `resumed`, `extended`, `overdue` (the deadline passed unmet), `fulfilled`,
 * `cancelled`.
 */
export const Outcome = Schema.Literals(["opened", "paused", "resumed", "extended", "overdue", "fulfilled", "cancelled"])
/** @see {@link Outcome} */
export type Outcome = typeof Outcome.Type

/**
 * An obligation reached an outcome. `dueAt` is the due time in force after it (the new
 * one for `extended` and `resumed`, with `previousDueAt` the old one); lateness of a
 * `fulfilled` or `overdue` obligation is `at - dueAt`.
 */
export const ObligationOutcome = Schema.TaggedStruct("ObligationOutcome", {
  outcome: Outcome,
  obligationId: ObligationId,
  subjectId: SubjectId,
  holder: Holder,
  dueAt: Instant,
  previousDueAt: Schema.optionalKey(Instant),
  at: Instant,
  ruleId: RuleId,
  policyVersion: PolicyVersion,
  reasonHash: Schema.optionalKey(Sha256Hex),
  causedBy: Schema.optionalKey(EventId)
})
/** @see {@link ObligationOutcome} */
export type ObligationOutcome = typeof ObligationOutcome.Type

/** One entry of the responsibility ledger. */
export const LedgerEntry = Schema.Union([HolderChanged, ObligationOutcome])
/** @see {@link LedgerEntry} */
export type LedgerEntry = typeof LedgerEntry.Type
/** The JSON form of a {@link LedgerEntry} (what is canonicalized and hashed). */
export type LedgerEntryEncoded = typeof LedgerEntry.Encoded

/** Parse options of every ledger boundary: unknown fields are errors, all issues reported. */
export const strictParseOptions = { onExcessProperty: "error", errors: "all" } as const

/** An entry broke the ledger schema; `issue` names the path and the rule. */
export class LedgerEntryInvalid extends Schema.TaggedError<LedgerEntryInvalid>()("LedgerEntryInvalid", {
  index: Schema.Int,
  issue: Schema.String
}) {
  /** `ledger entry <index>: <issue>`. */
  override get message(): string {
    return `ledger entry ${this.index}: ${this.issue}`
  }
}

const formatter = SchemaIssue.makeFormatterDefault()
const encodeStrict = Schema.encodeUnknownResult(LedgerEntry, strictParseOptions)
const decodeStrict = Schema.decodeUnknownResult(LedgerEntry, strictParseOptions)
const invalid =
  (index: number) =>
  (error: Schema.SchemaError): LedgerEntryInvalid =>
    new LedgerEntryInvalid({ index, issue: formatter(error.issue) })

/**
 * Encodes an entry to its JSON form, rejecting anything the schema does not allow
 * (including extra fields smuggled past the type checker). `index` only labels errors.
 */
export const encodeResult = (entry: LedgerEntry, index = 0): Result.Result<LedgerEntryEncoded, LedgerEntryInvalid> =>
  Result.mapError(encodeStrict(entry), invalid(index))

/** {@link encodeResult} as an Effect. */
export const encode = (entry: LedgerEntry, index = 0): Effect.Effect<LedgerEntryEncoded, LedgerEntryInvalid> =>
  Effect.suspend(() => Effect.fromResult(encodeResult(entry, index)))

/** Decodes untrusted input (HTTP, files, events) into an entry, strictly. */
export const decode = (input: unknown, index = 0): Effect.Effect<LedgerEntry, LedgerEntryInvalid> =>
  Effect.suspend(() => Effect.fromResult(Result.mapError(decodeStrict(input), invalid(index))))
