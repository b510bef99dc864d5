/**
 * Signed checkpoints of the responsibility ledger: a head (`size`, chain `hash`) plus
 * the Merkle root over all entry hashes, signed with Ed25519 so that the operator can
 * hand it to an outside witness (a court, an inspection office, a newspaper) who can
 * later check, with the public key alone, that the ledger shown to them is the one that
 * was committed to.
 *
 * ## What is signed
 * The signature is Ed25519 (RFC 8032) over the UTF-8 bytes of the RFC 8785 canonical
 * JSON of the checkpoint without its `signature` member. The body names its `format`
 * (`gridwork.ledger.checkpoint.v1`, so a signature can never be replayed as something
 * else) and the `keyId` of the signing key: the RFC 7638 JWK thumbprint
 * (base64url SHA-256 of `{"crv":"Ed25519","kty":"OKP","x":…}`). Keys travel as JWK
 * (RFC 8037) or PEM (SPKI for the public key, PKCS#8 for the private key).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Checkpoint, LedgerStore } from "@gridwork/core"
 *
 * const program = Effect.gen(function* () {
 *   const keys = yield* Checkpoint.generateKeyPair
 *   const checkpoint = yield* Checkpoint.issue({ ledgerId: Checkpoint.LedgerId.make("lanxi"), privateKey: keys.privateKey })
 *   // ... hand `checkpoint` and `keys.publicKey` to the witness, who checks the signature:
 *   const verified = yield* Checkpoint.verifyCheckpoint(checkpoint, keys.publicKey)
 *   // and later the ledger shown to them: Checkpoint.verifyLedger(records, verified)
 *   return verified.size
 * }).pipe(Effect.provide(LedgerStore.layerInMemory))
 *
 * console.log(Effect.runSync(program)) // 0: the ledger is still empty
 * ```
 * @module
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  sign as cryptoSign,
  verify as cryptoVerify,
  generateKeyPairSync,
  type KeyObject
} from "node:crypto"
import { Clock, type Duration, Effect, Result, Schema, SchemaIssue } from "effect"
import { Code } from "../primitives/Ids"
import { Instant } from "../primitives/Instant"
import { canonicalBytes, canonicalize } from "./CanonicalJson"
import { type LedgerHead, type LedgerRecord, LedgerTampered, verify } from "./Ledger"
import { type Sha256Hex, Sha256Hex as Sha256HexSchema, strictParseOptions } from "./LedgerEntry"
import { root } from "./LedgerMerkleTree"
import { LedgerStore, type LedgerStoreFailure } from "./LedgerStore"

const base64url = (length: number, what: string) =>
  Schema.String.check(
    Schema.isPattern(new RegExp(`^[A-Za-z0-9_-]{${length}}$`), { message: `${what} is ${length} base64url characters` })
  )

/** The id of a ledger (usually the locality id, or `<locality>.<module>`). */
export const LedgerId = Code.pipe(Schema.brand("LedgerId"))
/** @see {@link LedgerId} */
export type LedgerId = typeof LedgerId.Type

/** An Ed25519 public key as a JWK (RFC 8037). */
export const Ed25519PublicJwk = Schema.Struct({
  kty: Schema.Literal("OKP"),
  crv: Schema.Literal("Ed25519"),
  x: base64url(43, "an Ed25519 public key (x)")
})
/** @see {@link Ed25519PublicJwk} */
export type Ed25519PublicJwk = typeof Ed25519PublicJwk.Type

/** An Ed25519 private key as a JWK (RFC 8037). Keep it secret. */
export const Ed25519PrivateJwk = Schema.Struct({
  kty: Schema.Literal("OKP"),
  crv: Schema.Literal("Ed25519"),
  x: base64url(43, "an Ed25519 public key (x)"),
  d: base64url(43, "an Ed25519 private key (d)")
})
/** @see {@link Ed25519PrivateJwk} */
export type Ed25519PrivateJwk = typeof Ed25519PrivateJwk.Type

/** A signing key pair. */
export interface SigningKeyPair {
  readonly publicKey: Ed25519PublicJwk
  readonly privateKey: Ed25519PrivateJwk
}

/** An RFC 7638 JWK thumbprint (base64url SHA-256, 43 characters). */
export const KeyId = base64url(43, "a key id (JWK thumbprint)").pipe(Schema.brand("KeyId"))
/** @see {@link KeyId} */
export type KeyId = typeof KeyId.Type

/** The format tag of a checkpoint body. */
export const CHECKPOINT_FORMAT = "gridwork.ledger.checkpoint.v1"

/** The signed part of a checkpoint. */
export const CheckpointBody = Schema.Struct({
  format: Schema.Literal(CHECKPOINT_FORMAT),
  ledgerId: LedgerId,
  size: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  hash: Sha256HexSchema,
  merkleRoot: Sha256HexSchema,
  issuedAt: Instant,
  keyId: KeyId
})
/** @see {@link CheckpointBody} */
export type CheckpointBody = typeof CheckpointBody.Type

/** A signed checkpoint: the body and its Ed25519 signature (base64url, 86 characters). */
export const Checkpoint = Schema.Struct({
  ...CheckpointBody.fields,
  signature: base64url(86, "an Ed25519 signature")
})
/** @see {@link Checkpoint} */
export type Checkpoint = typeof Checkpoint.Type

/** A key is not a usable Ed25519 key. */
export class SigningKeyInvalid extends Schema.TaggedError<SigningKeyInvalid>()("SigningKeyInvalid", {
  detail: Schema.String
}) {
  /** Why the key was refused. */
  override get message(): string {
    return `signing key invalid: ${this.detail}`
  }
}

/**
 * Why a checkpoint was refused: `format` (not a checkpoint), `keyMismatch` (signed by
 * another key than the one given), `signature` (the signature does not verify: the body
 * was changed or the signature forged).
 */
export class CheckpointRejected extends Schema.TaggedError<CheckpointRejected>()("CheckpointRejected", {
  rule: Schema.Literals(["format", "keyMismatch", "signature"]),
  detail: Schema.String
}) {
  /** `checkpoint rejected (<rule>): <detail>`. */
  override get message(): string {
    return `checkpoint rejected (${this.rule}): ${this.detail}`
  }
}

/** A fresh Ed25519 key pair as JWKs (from the operating system's CSPRNG). */
export const generateKeyPair: Effect.Effect<SigningKeyPair> = Effect.sync(() => {
  const pair = generateKeyPairSync("ed25519")
  const publicJwk = pair.publicKey.export({ format: "jwk" })
  const privateJwk = pair.privateKey.export({ format: "jwk" })
  return {
    publicKey: { kty: "OKP", crv: "Ed25519", x: String(publicJwk.x) },
    privateKey: { kty: "OKP", crv: "Ed25519", x: String(privateJwk.x), d: String(privateJwk.d) }
  }
})

/** The RFC 7638 thumbprint of a public key, used as `keyId`. */
export const keyId = (publicKey: Ed25519PublicJwk): KeyId =>
  createHash("sha256")
    .update(canonicalize({ crv: publicKey.crv, kty: publicKey.kty, x: publicKey.x }), "utf8")
    .digest("base64url") as KeyId

const formatter = SchemaIssue.makeFormatterDefault()

const keyFailure = (detail: string) => Result.fail(new SigningKeyInvalid({ detail }))

/** Imports a key with `create`, which may throw, and checks that it is an Ed25519 key. */
const importEd25519 = (
  which: "public" | "private",
  create: () => KeyObject
): Result.Result<KeyObject, SigningKeyInvalid> => {
  let key: KeyObject
  try {
    key = create()
  } catch (cause) {
    return keyFailure(`cannot import the ${which} key: ${String(cause)}`)
  }
  return key.asymmetricKeyType === "ed25519"
    ? Result.succeed(key)
    : keyFailure(`expected an Ed25519 key, got ${key.asymmetricKeyType}`)
}

const importPublicKey = (
  publicKey: Ed25519PublicJwk | string
): Result.Result<{ key: KeyObject; jwk: Ed25519PublicJwk }, SigningKeyInvalid> =>
  Result.map(
    importEd25519("public", () =>
      typeof publicKey === "string"
        ? createPublicKey(publicKey)
        : createPublicKey({ key: { kty: publicKey.kty, crv: publicKey.crv, x: publicKey.x }, format: "jwk" })
    ),
    (key) => ({ key, jwk: { kty: "OKP", crv: "Ed25519", x: String(key.export({ format: "jwk" }).x) } })
  )

/** A signing key: an Ed25519 private JWK, or a PKCS#8 PEM string. */
export type SigningKey = Ed25519PrivateJwk | string

const importPrivateKey = (
  privateKey: SigningKey
): Result.Result<{ key: KeyObject; publicJwk: Ed25519PublicJwk }, SigningKeyInvalid> =>
  Result.flatMap(
    importEd25519("private", () =>
      typeof privateKey === "string"
        ? createPrivateKey(privateKey)
        : createPrivateKey({ key: { ...privateKey }, format: "jwk" })
    ),
    (key) => {
      const x = String(createPublicKey(key).export({ format: "jwk" }).x)
      if (typeof privateKey !== "string" && x !== privateKey.x) {
        return keyFailure("the private key's x does not belong to its d")
      }
      return Result.succeed({ key, publicJwk: { kty: "OKP", crv: "Ed25519", x } })
    }
  )

/** A private key (JWK) as PKCS#8 PEM, for operators who keep keys as PEM files. */
export const privateKeyToPem = (privateKey: Ed25519PrivateJwk): Effect.Effect<string, SigningKeyInvalid> =>
  Effect.suspend(() =>
    Effect.fromResult(
      Result.map(importPrivateKey(privateKey), ({ key }) => String(key.export({ format: "pem", type: "pkcs8" })))
    )
  )

/** A public key (JWK) as SPKI PEM, for witnesses who prefer PEM. */
export const toPem = (publicKey: Ed25519PublicJwk): Effect.Effect<string, SigningKeyInvalid> =>
  Effect.suspend(() =>
    Effect.fromResult(
      Result.map(importPublicKey(publicKey), ({ key }) => String(key.export({ format: "pem", type: "spki" })))
    )
  )

/** The content of a checkpoint the caller decides; the rest is filled in by {@link sign}. */
export interface CheckpointContent {
  readonly ledgerId: LedgerId
  readonly size: number
  readonly hash: Sha256Hex
  readonly merkleRoot: Sha256Hex
  readonly issuedAt: Instant
}

/** Signs a checkpoint of `content` with `privateKey`. */
export const sign = (
  content: CheckpointContent,
  privateKey: SigningKey
): Effect.Effect<Checkpoint, SigningKeyInvalid> =>
  Effect.suspend(() => {
    const key = importPrivateKey(privateKey)
    if (Result.isFailure(key)) return Effect.fail(key.failure)
    const body: CheckpointBody = {
      format: CHECKPOINT_FORMAT,
      ledgerId: content.ledgerId,
      size: content.size,
      hash: content.hash,
      merkleRoot: content.merkleRoot,
      issuedAt: content.issuedAt,
      keyId: keyId(key.success.publicJwk)
    }
    const bodyCheck = Schema.encodeUnknownResult(CheckpointBody, strictParseOptions)(body)
    if (Result.isFailure(bodyCheck)) {
      return Effect.die(new RangeError(`checkpoint content invalid: ${formatter(bodyCheck.failure.issue)}`))
    }
    const signature = cryptoSign(null, canonicalBytes(body), key.success.key).toString("base64url")
    return Effect.succeed({ ...body, signature })
  })

const rejected = (rule: CheckpointRejected["rule"], detail: string) =>
  Result.fail(new CheckpointRejected({ rule, detail }))

/**
 * Verifies a checkpoint (typed, or untrusted JSON) with the public key alone (JWK or
 * SPKI PEM). Succeeds with the decoded checkpoint; fails with {@link CheckpointRejected}
 * when it is malformed, was signed by another key, or was altered.
 */
export const verifyCheckpointResult = (
  checkpoint: unknown,
  publicKey: Ed25519PublicJwk | string
): Result.Result<Checkpoint, CheckpointRejected | SigningKeyInvalid> => {
  const decoded = Schema.decodeUnknownResult(Checkpoint, strictParseOptions)(checkpoint)
  if (Result.isFailure(decoded)) return rejected("format", formatter(decoded.failure.issue))
  const key = importPublicKey(publicKey)
  if (Result.isFailure(key)) return Result.fail(key.failure)
  const { signature, ...body } = decoded.success
  const expectedKeyId = keyId(key.success.jwk)
  if (body.keyId !== expectedKeyId) {
    return rejected("keyMismatch", `signed by key ${body.keyId}, the given public key is ${expectedKeyId}`)
  }
  const valid = cryptoVerify(null, canonicalBytes(body), key.success.key, Buffer.from(signature, "base64url"))
  return valid
    ? Result.succeed(decoded.success)
    : rejected("signature", "the Ed25519 signature does not match the body")
}

/** {@link verifyCheckpointResult} as an Effect. */
export const verifyCheckpoint = (
  checkpoint: unknown,
  publicKey: Ed25519PublicJwk | string
): Effect.Effect<Checkpoint, CheckpointRejected | SigningKeyInvalid> =>
  Effect.suspend(() => Effect.fromResult(verifyCheckpointResult(checkpoint, publicKey)))

/** The head a checkpoint commits to. */
export const head = (checkpoint: CheckpointBody): LedgerHead => ({ size: checkpoint.size, hash: checkpoint.hash })

/**
 * Checks ledger `records` (from entry 1) against a checkpoint already verified with
 * {@link verifyCheckpoint}: the chain must reach the checkpoint's head, and the Merkle
 * root over the first `size` entry hashes must equal `merkleRoot`.
 */
export const verifyLedger = (
  records: ReadonlyArray<LedgerRecord>,
  checkpoint: CheckpointBody
): Effect.Effect<LedgerHead, LedgerTampered> =>
  Effect.gen(function* () {
    const reached = yield* verify(records, head(checkpoint))
    const computed = root(records.slice(0, checkpoint.size).map((record) => record.hash))
    if (computed !== checkpoint.merkleRoot) {
      return yield* new LedgerTampered({
        seq: checkpoint.size,
        rule: "head",
        detail: `Merkle root over ${checkpoint.size} entries is ${computed}, the checkpoint says ${checkpoint.merkleRoot}`
      })
    }
    return reached
  })

const HASH_PAGE = 10_000

/** Options of {@link issue}. */
export interface IssueOptions {
  readonly ledgerId: LedgerId
  readonly privateKey: SigningKey
}

/**
 * Issues a signed checkpoint of the ledger in {@link LedgerStore} as it is now: reads
 * the head and every entry hash up to it, computes the Merkle root, stamps `issuedAt`
 * from the `Clock`.
 */
export const issue = (
  options: IssueOptions
): Effect.Effect<Checkpoint, LedgerStoreFailure | SigningKeyInvalid, LedgerStore> =>
  Effect.gen(function* () {
    const store = yield* LedgerStore
    const current = yield* store.head
    const hashes: Array<Sha256Hex> = []
    while (hashes.length < current.size) {
      const page = yield* store
        .readHashes(hashes.length + 1, Math.min(HASH_PAGE, current.size - hashes.length))
        .pipe(Effect.catchTag("LedgerInputInvalid", (invalid) => Effect.die(invalid)))
      if (page.length === 0) break
      hashes.push(...page)
    }
    const issuedAt = (yield* Clock.currentTimeMillis) as Instant
    return yield* sign(
      { ledgerId: options.ledgerId, size: current.size, hash: current.hash, merkleRoot: root(hashes), issuedAt },
      options.privateKey
    )
  })

/** Options of {@link periodic}. */
export interface PeriodicOptions<E, R> extends IssueOptions {
  /** Time between two looks at the ledger. */
  readonly every: Duration.Input
  /** Hands a new checkpoint to its witnesses (publish, mail, store). */
  readonly publish: (checkpoint: Checkpoint) => Effect.Effect<void, E, R>
}

/**
 * Runs forever: every `every`, when the ledger grew since the last checkpoint, issues a
 * new one and publishes it. Failures are logged and retried at the next period.
 */
export const periodic = <E, R>(options: PeriodicOptions<E, R>): Effect.Effect<never, never, LedgerStore | R> =>
  Effect.gen(function* () {
    const store = yield* LedgerStore
    let lastSize = -1
    const once = Effect.gen(function* () {
      yield* Effect.sleep(options.every)
      const current = yield* store.head
      if (current.size === lastSize) return
      const checkpoint = yield* issue(options)
      yield* options.publish(checkpoint)
      lastSize = checkpoint.size
    }).pipe(
      Effect.catch((error) =>
        Effect.logWarning("ledger checkpoint failed; retrying next period").pipe(
          Effect.annotateLogs({ error: error instanceof Error ? error.message : String(error) })
        )
      )
    )
    return yield* Effect.forever(once)
  })
