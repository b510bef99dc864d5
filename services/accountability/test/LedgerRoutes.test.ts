import { afterEach, beforeEach, describe, expect, it } from "@effect/vitest"
import { Checkpoint, Instant, LedgerEntry, LedgerStore } from "@gridwork/core"
import { Effect, Layer, Result, Schema } from "effect"
import { CheckpointStore, LedgerAudit, SigningKey } from "../src/index"
import { type Caller, cloudEvent, type Fixture, integration, json, makeFixture, units } from "./support/Fixture"

const supervisor: Caller = { roles: ["supervisor"], jurisdictions: ["lanxi"] }

interface CheckpointBody {
  readonly checkpoint: { readonly size: number; readonly hash: string; readonly ledgerId: string }
  readonly publicKey: Checkpoint.Ed25519PublicJwk
  readonly development: boolean
}

const receive = (fixture: Fixture, subject: string) =>
  fixture.post(
    "/v1/events",
    cloudEvent("PetitionReceived", subject, "2026-09-28T09:30:00+08:00", { unit: units.village }),
    integration
  )

describe("the responsibility ledger over HTTP", () => {
  let fixture: Fixture
  beforeEach(async () => {
    fixture = await makeFixture({ checkpointEvery: "1 hour" })
  })
  afterEach(async () => {
    await fixture.dispose()
  })

  it("shows the head, and a checkpoint a witness can verify with the public key alone", async () => {
    expect(await json(await fixture.get("/v1/ledger/head", supervisor))).toMatchObject({
      ledgerId: "lanxi.accountability",
      size: 0
    })
    await receive(fixture, "m-1")
    const head = await json<{ size: number; hash: string }>(await fixture.get("/v1/ledger/head", supervisor))
    expect(head.size).toBe(2)
    // None issued yet: one is issued on demand.
    const first = await json<CheckpointBody>(await fixture.get("/v1/ledger/checkpoints/latest", supervisor))
    expect(first.checkpoint).toMatchObject({ size: 2, hash: head.hash, ledgerId: "lanxi.accountability" })
    expect(first.development).toBe(true)
    const verified = Checkpoint.verifyCheckpointResult(first.checkpoint, first.publicKey)
    expect(Result.isSuccess(verified)).toBe(true)
    const forged = Checkpoint.verifyCheckpointResult({ ...first.checkpoint, size: 3 }, first.publicKey)
    expect(Result.isFailure(forged) && forged.failure._tag).toBe("CheckpointRejected")

    // The ledger grows; the periodic checkpoint follows within the hour.
    await receive(fixture, "m-2")
    await fixture.advance("1 hour")
    const later = await json<CheckpointBody>(await fixture.get("/v1/ledger/checkpoints/latest", supervisor))
    expect(later.checkpoint.size).toBe(4)
  })

  it("verifies the hash chain up to the head and the latest checkpoint", async () => {
    await receive(fixture, "m-1")
    await fixture.get("/v1/ledger/checkpoints/latest", supervisor)
    await receive(fixture, "m-2")
    expect(await json(await fixture.get("/v1/ledger/verify", supervisor))).toMatchObject({
      valid: true,
      size: 4,
      checkpoint: { size: 2, signature: "valid" }
    })
  })

  it("needs responsibility.view-ledger", async () => {
    const handler: Caller = { roles: ["case-handler"], jurisdictions: ["lanxi"] }
    for (const path of ["/v1/ledger/head", "/v1/ledger/checkpoints/latest", "/v1/ledger/verify"]) {
      expect((await fixture.get(path, handler)).status).toBe(403)
      expect((await fixture.get(path, undefined)).status).toBe(401)
    }
  })
})

describe("LedgerAudit.verify on a tampered store", () => {
  it("reports the first broken entry and the rule", async () => {
    // A store whose second record was edited after it was written (its content no longer hashes to its hash).
    const tamperedStore = Layer.effect(
      LedgerStore.LedgerStore,
      Effect.map(LedgerStore.makeInMemory, (store) => ({
        ...store,
        read: (from: number, limit: number) =>
          Effect.map(store.read(from, limit), (records) =>
            records.map((record) =>
              record.seq === 2
                ? { ...record, entry: { ...record.entry, at: Instant.fromMillis(record.entry.at + 1) } }
                : record
            )
          )
      }))
    )
    const entry = (at: number) =>
      Schema.decodeUnknownSync(LedgerEntry.LedgerEntry)({
        _tag: "HolderChanged",
        change: "received",
        subjectId: "m-1",
        to: { unit: units.village },
        at,
        ruleId: "first-receiver",
        policyVersion: "2026.1"
      })
    const program = Effect.gen(function* () {
      const ledger = yield* LedgerStore.LedgerStore
      yield* ledger.append([entry(1_790_000_000_000), entry(1_790_000_001_000)])
      const audit = yield* LedgerAudit.make(Checkpoint.LedgerId.make("lanxi.accountability"))
      return yield* audit.verify
    }).pipe(
      Effect.provide(
        Layer.mergeAll(tamperedStore, CheckpointStore.CheckpointStore.layerMemory, SigningKey.SigningKey.layerGenerated)
      )
    )
    const report = await Effect.runPromise(program)
    expect(report).toMatchObject({ valid: false, size: 2, problem: { seq: 2, rule: "content" } })
  })
})
