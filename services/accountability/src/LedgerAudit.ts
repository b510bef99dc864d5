/**
 * The responsibility ledger as witnesses see it: its head, its signed checkpoints, and
 * a full verification.
 *
 * - A checkpoint (size, chain hash, Merkle root, time, Ed25519 signature) is issued
 *   every `checkpointEvery` when the ledger grew, and on demand when none exists yet;
 *   it is kept in the {@link CheckpointStore} and served with the public key.
 * - `verify` reads every record, checks the hash chain up to the head, and checks the
 *   latest checkpoint's signature and that the records reach its head and Merkle root.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { LedgerAudit } from "@gridwork/service-accountability"
 *
 * const report = LedgerAudit.LedgerAudit.use((audit) => audit.verify)
 * ```
 * @module
 */
import { Checkpoint, Ledger, LedgerStore } from "@gridwork/core"
import { Context, type Duration, Effect, Layer, Option, Result, Schema } from "effect"
import { CheckpointStore, type CheckpointStoreFailure } from "./CheckpointStore"
import { SigningKey } from "./SigningKey"

/** The head of the ledger. */
export const HeadView = Schema.Struct({
  ledgerId: Schema.String,
  size: Schema.Int,
  hash: Schema.String
}).annotate({ identifier: "LedgerHead" })
/** @see {@link HeadView} */
export type HeadView = typeof HeadView.Type

/** A checkpoint with what a witness needs to check it. */
export const CheckpointView = Schema.Struct({
  checkpoint: Checkpoint.Checkpoint,
  publicKey: Checkpoint.Ed25519PublicJwk,
  /** Signed with a development key: proves nothing to a witness. */
  development: Schema.Boolean
}).annotate({ identifier: "SignedCheckpoint" })
/** @see {@link CheckpointView} */
export type CheckpointView = typeof CheckpointView.Type

/** The outcome of a verification. */
export const VerifyReport = Schema.Struct({
  /** The chain, the head and the latest checkpoint all check out. */
  valid: Schema.Boolean,
  ledgerId: Schema.String,
  size: Schema.Int,
  hash: Schema.String,
  checkpoint: Schema.optionalKey(
    Schema.Struct({ size: Schema.Int, keyId: Schema.String, signature: Schema.Literals(["valid", "invalid"]) })
  ),
  /** The first problem found: the entry, the rule broken, and what was found. */
  problem: Schema.optionalKey(Schema.Struct({ seq: Schema.Int, rule: Schema.String, detail: Schema.String }))
}).annotate({ identifier: "LedgerVerification" })
/** @see {@link VerifyReport} */
export type VerifyReport = typeof VerifyReport.Type

/** Reading the ledger or its checkpoints failed. */
export class LedgerUnavailable extends Schema.TaggedError<LedgerUnavailable>()("LedgerUnavailable", {
  operation: Schema.String,
  cause: Schema.Defect()
}) {
  override get message(): string {
    return `ledger ${this.operation} failed: ${String(this.cause)}`
  }
}

/** What the service tells about its ledger. */
export interface LedgerAuditShape {
  readonly ledgerId: Checkpoint.LedgerId
  readonly head: Effect.Effect<HeadView, LedgerUnavailable>
  /** The latest checkpoint (one is issued now when none was). */
  readonly latestCheckpoint: Effect.Effect<CheckpointView, LedgerUnavailable>
  /** Issues and keeps a checkpoint when the ledger grew since the latest one. */
  readonly checkpointIfGrown: Effect.Effect<Option.Option<Checkpoint.Checkpoint>, LedgerUnavailable>
  readonly verify: Effect.Effect<VerifyReport, LedgerUnavailable>
}

const PAGE = 10_000

const unavailable =
  (operation: string) =>
  (cause: unknown): LedgerUnavailable =>
    new LedgerUnavailable({ operation, cause })

/** Builds the audit of ledger `ledgerId` over the stores in context. */
export const make = (ledgerId: Checkpoint.LedgerId) =>
  Effect.gen(function* () {
    const ledger = yield* LedgerStore.LedgerStore
    const checkpoints = yield* CheckpointStore
    const key = yield* SigningKey

    const head = Effect.map(ledger.head, (h) => ({ ledgerId, size: h.size, hash: h.hash })).pipe(
      Effect.mapError(unavailable("head"))
    )

    const issue = Checkpoint.issue({ ledgerId, privateKey: key.privateKey }).pipe(
      Effect.provideService(LedgerStore.LedgerStore, ledger),
      Effect.tap((checkpoint) => checkpoints.save(checkpoint)),
      Effect.mapError(unavailable("checkpoint"))
    )

    const latestStored: Effect.Effect<Option.Option<Checkpoint.Checkpoint>, LedgerUnavailable> = Effect.mapError(
      checkpoints.latest,
      (error: CheckpointStoreFailure) => unavailable("checkpoint")(error)
    )

    const checkpointIfGrown = Effect.gen(function* () {
      const current = yield* head
      const latest = yield* latestStored
      if (Option.isSome(latest) && latest.value.size >= current.size) return Option.none()
      return Option.some(yield* issue)
    })

    const latestCheckpoint = Effect.gen(function* () {
      const latest = yield* latestStored
      const checkpoint = Option.isSome(latest) ? latest.value : yield* issue
      return { checkpoint, publicKey: key.publicKey, development: key.development }
    })

    const verify = Effect.gen(function* () {
      const current = yield* Effect.mapError(ledger.head, unavailable("head"))
      const records: Array<Ledger.LedgerRecord> = []
      while (records.length < current.size) {
        const page = yield* ledger
          .read(records.length + 1, Math.min(PAGE, current.size - records.length))
          .pipe(Effect.mapError(unavailable("read")))
        if (page.length === 0) break
        records.push(...page)
      }
      const base = { ledgerId, size: current.size, hash: current.hash }
      const chain = Ledger.verifyResult(records, current)
      if (Result.isFailure(chain)) {
        const { seq, rule, detail } = chain.failure
        return { ...base, valid: false, problem: { seq, rule, detail } } satisfies VerifyReport
      }
      const latest = yield* latestStored
      if (Option.isNone(latest)) return { ...base, valid: true } satisfies VerifyReport
      const checkpoint = latest.value
      const signature = Checkpoint.verifyCheckpointResult(checkpoint, key.publicKey)
      const summary = {
        size: checkpoint.size,
        keyId: checkpoint.keyId,
        signature: Result.isSuccess(signature) ? ("valid" as const) : ("invalid" as const)
      }
      if (Result.isFailure(signature)) {
        return {
          ...base,
          valid: false,
          checkpoint: summary,
          problem: { seq: checkpoint.size, rule: "signature", detail: signature.failure.message }
        } satisfies VerifyReport
      }
      const reached = yield* Effect.result(Checkpoint.verifyLedger(records, checkpoint))
      if (Result.isFailure(reached)) {
        const { seq, rule, detail } = reached.failure
        return { ...base, valid: false, checkpoint: summary, problem: { seq, rule, detail } } satisfies VerifyReport
      }
      return { ...base, valid: true, checkpoint: summary } satisfies VerifyReport
    })

    return { ledgerId, head, latestCheckpoint, checkpointIfGrown, verify } satisfies LedgerAuditShape
  })

/** The ledger audit service. */
export class LedgerAudit extends Context.Service<LedgerAudit, LedgerAuditShape>()(
  "@gridwork/service-accountability/LedgerAudit"
) {
  /**
   * The audit of ledger `ledgerId`, issuing a checkpoint every `every` when the ledger
   * grew (a fiber living as long as the layer; failures are logged and retried).
   */
  static layer(
    ledgerId: Checkpoint.LedgerId,
    every: Duration.Input
  ): Layer.Layer<LedgerAudit, never, LedgerStore.LedgerStore | CheckpointStore | SigningKey> {
    return Layer.effect(
      LedgerAudit,
      Effect.gen(function* () {
        const audit = yield* make(ledgerId)
        const round = audit.checkpointIfGrown.pipe(
          Effect.tap((issued) =>
            Option.isSome(issued)
              ? Effect.logInfo("ledger checkpoint issued").pipe(
                  Effect.annotateLogs({ size: issued.value.size, keyId: issued.value.keyId })
                )
              : Effect.void
          ),
          Effect.catch((error) => Effect.logWarning("ledger checkpoint failed; retrying next period", error.message))
        )
        yield* Effect.forkScoped(Effect.forever(Effect.andThen(Effect.sleep(every), round)))
        return audit
      })
    )
  }
}
