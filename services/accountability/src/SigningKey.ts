/**
 * The Ed25519 key that signs the ledger's checkpoints.
 *
 * - Production: a PKCS#8 PEM file (`GRIDWORK_LEDGER_KEY_FILE`), kept by the operator;
 *   the public key is derived from it and served with every checkpoint.
 * - Development: a key generated once into the data directory
 *   (`ledger-signing-key.dev.pem`, mode 0600) and reused on later starts. Every start
 *   logs a warning that it is a development key: checkpoints signed with it prove
 *   nothing to an outside witness.
 *
 * @example
 * ```ts
 * import { NodeServices } from "@effect/platform-node"
 * import { Effect } from "effect"
 * import { SigningKey } from "@gridwork/service-accountability"
 *
 * const keyId = SigningKey.SigningKey.use((key) => Effect.succeed(key.keyId)).pipe(
 *   Effect.provide(SigningKey.SigningKey.layerDevelopment(".gridwork/data/accountability")),
 *   Effect.provide(NodeServices.layer)
 * )
 * ```
 * @module
 */
import { createPrivateKey, createPublicKey } from "node:crypto"
import { Checkpoint } from "@gridwork/core"
import { Context, Effect, FileSystem, Layer, Path, Schema } from "effect"

/** The key and what the service tells witnesses about it. */
export interface SigningKeyShape {
  /** The private key, PKCS#8 PEM. */
  readonly privateKey: string
  /** The public key witnesses verify checkpoints with. */
  readonly publicKey: Checkpoint.Ed25519PublicJwk
  /** Its RFC 7638 thumbprint (`keyId` of every checkpoint). */
  readonly keyId: Checkpoint.KeyId
  /** Whether it is a development key (generated, not provided by the operator). */
  readonly development: boolean
  /** Where it was read from. */
  readonly file: string
}

/** The key could not be read, created or used. */
export class SigningKeyUnavailable extends Schema.TaggedError<SigningKeyUnavailable>()("SigningKeyUnavailable", {
  file: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `ledger signing key ${this.file}: ${this.reason}`
  }
}

/** The file name of the development key inside the data directory. */
export const DEV_KEY_FILE = "ledger-signing-key.dev.pem"

/** The key of a PKCS#8 PEM text, with its public half. */
export const fromPem = (
  pem: string,
  file: string,
  development: boolean
): Effect.Effect<SigningKeyShape, SigningKeyUnavailable> =>
  Effect.try({
    try: () => {
      const key = createPrivateKey(pem)
      if (key.asymmetricKeyType !== "ed25519") throw new Error(`expected an Ed25519 key, got ${key.asymmetricKeyType}`)
      const jwk = createPublicKey(key).export({ format: "jwk" })
      const publicKey: Checkpoint.Ed25519PublicJwk = { kty: "OKP", crv: "Ed25519", x: String(jwk.x) }
      return { privateKey: pem, publicKey, keyId: Checkpoint.keyId(publicKey), development, file }
    },
    catch: (cause) =>
      new SigningKeyUnavailable({ file, reason: cause instanceof Error ? cause.message : String(cause) })
  })

/** The ledger's signing key. */
export class SigningKey extends Context.Service<SigningKey, SigningKeyShape>()(
  "@gridwork/service-accountability/SigningKey"
) {
  /** The operator's key, from a PKCS#8 PEM file. */
  static layerFile(file: string): Layer.Layer<SigningKey, SigningKeyUnavailable, FileSystem.FileSystem> {
    return Layer.effect(
      SigningKey,
      Effect.gen(function* () {
        const fs = yield* FileSystem.FileSystem
        const pem = yield* fs
          .readFileString(file)
          .pipe(Effect.mapError((error) => new SigningKeyUnavailable({ file, reason: error.message })))
        return yield* fromPem(pem, file, false)
      })
    )
  }

  /** A development key in `dataDir`, generated on first use (logged as such on every start). */
  static layerDevelopment(
    dataDir: string
  ): Layer.Layer<SigningKey, SigningKeyUnavailable, FileSystem.FileSystem | Path.Path> {
    return Layer.effect(
      SigningKey,
      Effect.gen(function* () {
        const fs = yield* FileSystem.FileSystem
        const path = yield* Path.Path
        const file = path.resolve(dataDir, DEV_KEY_FILE)
        const unavailable = (error: { readonly message: string }) =>
          new SigningKeyUnavailable({ file, reason: error.message })
        const exists = yield* fs.exists(file).pipe(Effect.mapError(unavailable))
        if (!exists) {
          const pair = yield* Checkpoint.generateKeyPair
          const pem = yield* Checkpoint.privateKeyToPem(pair.privateKey).pipe(
            Effect.mapError((error) => unavailable(error))
          )
          yield* fs.makeDirectory(dataDir, { recursive: true }).pipe(Effect.mapError(unavailable))
          yield* fs.writeFileString(file, pem, { mode: 0o600 }).pipe(Effect.mapError(unavailable))
        }
        const pem = yield* fs.readFileString(file).pipe(Effect.mapError(unavailable))
        const key = yield* fromPem(pem, file, true)
        yield* Effect.logWarning(
          "DEVELOPMENT ledger signing key in use: checkpoints signed with it prove nothing to a witness; set GRIDWORK_LEDGER_KEY_FILE in production"
        ).pipe(Effect.annotateLogs({ file, keyId: key.keyId }))
        return key
      })
    )
  }

  /** A fresh key in memory (tests). */
  static readonly layerGenerated: Layer.Layer<SigningKey> = Layer.effect(
    SigningKey,
    Effect.gen(function* () {
      const pair = yield* Checkpoint.generateKeyPair
      const pem = yield* Effect.orDie(Checkpoint.privateKeyToPem(pair.privateKey))
      return yield* Effect.orDie(fromPem(pem, "(in memory)", true))
    })
  )
}
