import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Ref, Result } from "effect"
import { TestClock } from "effect/testing"
import { Checkpoint, Instant, Ledger, LedgerMerkleTree, LedgerStore } from "../src"
import { sampleLedgerEntry } from "../src/testing"
import { withPatientClock } from "./PatientClock"

const ledgerId = Checkpoint.LedgerId.make("lanxi.accountability")

/** What a checkpoint of the empty ledger signs. */
const emptyContent: Checkpoint.CheckpointContent = {
  ledgerId,
  size: 0,
  hash: Ledger.GENESIS_HASH,
  merkleRoot: LedgerMerkleTree.root([]),
  issuedAt: Instant.fromMillis(0)
}

/** A store with `count` sample entries, and the store's records. */
const filledStore = (count: number) =>
  Effect.gen(function* () {
    const store = yield* LedgerStore.LedgerStore
    yield* store.append(Array.from({ length: count }, (_, i) => sampleLedgerEntry(i)))
    return yield* store.read(1, LedgerStore.MAX_READ)
  })

const rejection = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.map(Effect.result(effect), (result) => {
    if (Result.isSuccess(result)) throw new Error("expected a rejection")
    return result.failure
  })

describe("Checkpoint", () => {
  it.effect("issues a signed checkpoint of the ledger's head and Merkle root, stamped by the Clock", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.parse("2026-11-20T00:00:00Z"))
      const keys = yield* Checkpoint.generateKeyPair
      const records = yield* filledStore(7)
      const checkpoint = yield* Checkpoint.issue({ ledgerId, privateKey: keys.privateKey })
      assert.strictEqual(checkpoint.format, "gridwork.ledger.checkpoint.v1")
      assert.strictEqual(checkpoint.size, 7)
      assert.strictEqual(checkpoint.hash, records[6]!.hash)
      assert.strictEqual(checkpoint.merkleRoot, LedgerMerkleTree.root(records.map((record) => record.hash)))
      assert.strictEqual(checkpoint.issuedAt, Date.parse("2026-11-20T00:00:00Z"))
      assert.strictEqual(checkpoint.keyId, Checkpoint.keyId(keys.publicKey))
      assert.strictEqual(checkpoint.signature.length, 86)
    }).pipe(Effect.provide(LedgerStore.layerInMemory))
  )

  describe("given a checkpoint handed to a witness with only the public key", () => {
    const setup = Effect.gen(function* () {
      const keys = yield* Checkpoint.generateKeyPair
      const records = yield* filledStore(5)
      const checkpoint = yield* Checkpoint.issue({ ledgerId, privateKey: keys.privateKey })
      // the witness receives JSON text, not objects
      const received: unknown = JSON.parse(JSON.stringify(checkpoint))
      return { keys, records, checkpoint, received }
    }).pipe(Effect.provide(LedgerStore.layerInMemory))

    it.effect("then it verifies with the public JWK", () =>
      Effect.gen(function* () {
        const { keys, checkpoint, received } = yield* setup
        const publicOnly = JSON.parse(JSON.stringify(keys.publicKey)) as Checkpoint.Ed25519PublicJwk
        assert.notProperty(publicOnly, "d")
        assert.deepStrictEqual(yield* Checkpoint.verifyCheckpoint(received, publicOnly), checkpoint)
      })
    )

    it.effect("then it verifies with the public key as PEM", () =>
      Effect.gen(function* () {
        const { keys, received } = yield* setup
        const pem = yield* Checkpoint.toPem(keys.publicKey)
        assert.match(pem, /^-----BEGIN PUBLIC KEY-----/)
        const verified = yield* Checkpoint.verifyCheckpoint(received, pem)
        assert.strictEqual(verified.size, 5)
      })
    )

    it.effect("then the ledger shown later can be checked against it, and a forged one cannot", () =>
      Effect.gen(function* () {
        const { records, checkpoint } = yield* setup
        assert.deepStrictEqual(yield* Checkpoint.verifyLedger(records, checkpoint), Checkpoint.head(checkpoint))
        const truncated = yield* rejection(Checkpoint.verifyLedger(records.slice(0, 4), checkpoint))
        assert.include(truncated, { _tag: "LedgerTampered", rule: "truncated" })
        const swapped = [records[1]!, records[0]!, ...records.slice(2)]
        assert.include(yield* rejection(Checkpoint.verifyLedger(swapped, checkpoint)), { rule: "sequence" })
      })
    )

    it.effect("when a number in it is changed, then the signature fails", () =>
      Effect.gen(function* () {
        const { keys, checkpoint } = yield* setup
        const altered = { ...checkpoint, size: checkpoint.size - 1 }
        assert.include(yield* rejection(Checkpoint.verifyCheckpoint(altered, keys.publicKey)), {
          _tag: "CheckpointRejected",
          rule: "signature"
        })
      })
    )

    it.effect("when it is re-signed with another key, then it is rejected", () =>
      Effect.gen(function* () {
        const { keys, checkpoint } = yield* setup
        const forger = yield* Checkpoint.generateKeyPair
        const forged = yield* Checkpoint.sign({ ...checkpoint, size: 1 }, forger.privateKey)
        assert.include(yield* rejection(Checkpoint.verifyCheckpoint(forged, keys.publicKey)), {
          rule: "keyMismatch"
        })
        // the forger also copies the genuine key id: the signature itself fails
        const disguised = { ...forged, keyId: checkpoint.keyId }
        assert.include(yield* rejection(Checkpoint.verifyCheckpoint(disguised, keys.publicKey)), {
          rule: "signature"
        })
        // and the forged checkpoint does verify under the forger's key: the check is the key
        assert.strictEqual((yield* Checkpoint.verifyCheckpoint(forged, forger.publicKey)).size, 1)
      })
    )

    it.effect("when it is malformed or carries extra fields, then it is rejected as format", () =>
      Effect.gen(function* () {
        const { keys, checkpoint } = yield* setup
        const extra = yield* rejection(Checkpoint.verifyCheckpoint({ ...checkpoint, note: "hi" }, keys.publicKey))
        assert.include(extra, { rule: "format" })
        assert.include(extra.message, "note")
        const missing = yield* rejection(
          Checkpoint.verifyCheckpoint({ ...checkpoint, signature: undefined }, keys.publicKey)
        )
        assert.include(missing, { rule: "format" })
        assert.include(yield* rejection(Checkpoint.verifyCheckpoint("not a checkpoint", keys.publicKey)), {
          rule: "format"
        })
      })
    )

    it.effect("when the public key is not an Ed25519 key, then it says so", () =>
      Effect.gen(function* () {
        const { received } = yield* setup
        const error = yield* rejection(
          Checkpoint.verifyCheckpoint(received, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
        )
        assert.strictEqual(error._tag, "SigningKeyInvalid")
      })
    )
  })

  it.effect("signs with a PKCS#8 PEM private key as well, under the same key id", () =>
    Effect.gen(function* () {
      const keys = yield* Checkpoint.generateKeyPair
      const pem = yield* Checkpoint.privateKeyToPem(keys.privateKey)
      assert.match(pem, /^-----BEGIN PRIVATE KEY-----/)
      const fromPem = yield* Checkpoint.sign(emptyContent, pem)
      const fromJwk = yield* Checkpoint.sign(emptyContent, keys.privateKey)
      assert.deepStrictEqual(fromPem, fromJwk, "Ed25519 signatures are deterministic")
      assert.strictEqual(
        (yield* Checkpoint.verifyCheckpoint(fromPem, keys.publicKey)).keyId,
        Checkpoint.keyId(keys.publicKey)
      )
    })
  )

  it.effect("refuses a private key whose public half does not match", () =>
    Effect.gen(function* () {
      const one = yield* Checkpoint.generateKeyPair
      const two = yield* Checkpoint.generateKeyPair
      const mixed = { ...one.privateKey, x: two.publicKey.x }
      assert.include(yield* rejection(Checkpoint.sign(emptyContent, mixed)), { _tag: "SigningKeyInvalid" })
    })
  )

  it.effect("issues checkpoints periodically, only when the ledger grew", () =>
    Effect.gen(function* () {
      const keys = yield* Checkpoint.generateKeyPair
      const store = yield* LedgerStore.LedgerStore
      const published = yield* Ref.make<ReadonlyArray<Checkpoint.Checkpoint>>([])
      const fiber = yield* Effect.forkChild(
        Checkpoint.periodic({
          ledgerId,
          privateKey: keys.privateKey,
          every: "1 hour",
          publish: (checkpoint) => Ref.update(published, (all) => [...all, checkpoint])
        })
      )
      yield* store.append([sampleLedgerEntry(0)])
      yield* TestClock.adjust("1 hour")
      yield* TestClock.adjust("1 hour")
      yield* store.append([sampleLedgerEntry(1), sampleLedgerEntry(2)])
      yield* TestClock.adjust("1 hour")
      yield* Fiber.interrupt(fiber)
      const sizes = (yield* Ref.get(published)).map((checkpoint) => checkpoint.size)
      assert.deepStrictEqual(sizes, [1, 3])
      for (const checkpoint of yield* Ref.get(published)) yield* Checkpoint.verifyCheckpoint(checkpoint, keys.publicKey)
    }).pipe(Effect.provide(LedgerStore.layerInMemory), withPatientClock)
  )
})
