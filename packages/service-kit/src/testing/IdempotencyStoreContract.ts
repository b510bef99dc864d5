/**
 * The contract every {@link IdempotencyStore} implementation must pass (the in-memory
 * one here, the SQL one in `SqlIdempotencyStore`, on any PostgreSQL `SqlClient`).
 *
 * ```ts
 * // test/MemoryIdempotencyStore.test.ts
 * import { IdempotencyStore } from "@gridwork/service-kit"
 * import { idempotencyStoreContract } from "@gridwork/service-kit/testing"
 *
 * idempotencyStoreContract("memory", () => IdempotencyStore.IdempotencyStore.layerMemory)
 * ```
 *
 * The layer is built once for the suite and shared by its tests; every test uses fresh
 * keys, so records left by earlier tests do not disturb it. Time is the `TestClock`,
 * which tests only move forward (`TestClock.adjust`) and read relative to their start:
 * implementations must take "now" from the `Clock`, never from the database server or
 * `Date.now()`.
 * @module
 */
import { randomUUID } from "node:crypto"
import { assert, layer } from "@effect/vitest"
import { Clock, Effect, type Layer } from "effect"
import { TestClock } from "effect/testing"
import { type AcquireResult, IdempotencyStore, StoredResponse } from "../idempotency/IdempotencyStore"

/** Options of {@link idempotencyStoreContract}. */
export interface IdempotencyStoreContractOptions {
  /** How long building and releasing the layer may take (default 60 s). */
  readonly setupTimeout?: number
  /** Concurrent first requests in the atomicity test (default 16). */
  readonly concurrency?: number
}

const TTL = 24 * 60 * 60 * 1000
const LEASE = 60 * 1000

const freshKey = (): string => `contract:${randomUUID()}`

const response = (status: number, body: string) =>
  new StoredResponse({
    status,
    headers: { "content-type": "application/json", location: "/petitions/0193a0c4-7a10-7cc3-9d35-5d8f1f0a1b2c" },
    body
  })

const tagOf = (result: AcquireResult): AcquireResult["_tag"] => result._tag

/**
 * Registers the idempotency store contract tests under `describe(name)`. `makeLayer`
 * is called once; its layer is shared by the suite and released after it.
 */
export const idempotencyStoreContract = <E>(
  name: string,
  makeLayer: () => Layer.Layer<IdempotencyStore, E>,
  options: IdempotencyStoreContractOptions = {}
): void => {
  const concurrency = options.concurrency ?? 16
  layer(makeLayer(), { timeout: options.setupTimeout ?? 60_000 })(`${name} (IdempotencyStore contract)`, (it) => {
    it.effect("acquires an unknown key, then answers InFlight for the same request", () =>
      Effect.gen(function* () {
        const store = yield* IdempotencyStore
        const key = freshKey()
        yield* TestClock.adjust(1234)
        const now = yield* Clock.currentTimeMillis
        const first = yield* store.acquire({ key, fingerprint: "f1", ttlMillis: TTL, leaseMillis: LEASE })
        assert.deepStrictEqual(first, { _tag: "Acquired", firstSeenAt: now })
        const second = yield* store.acquire({ key, fingerprint: "f1", ttlMillis: TTL, leaseMillis: LEASE })
        assert.strictEqual(tagOf(second), "InFlight")
      })
    )

    it.effect("answers Mismatch for another fingerprint, in flight and completed", () =>
      Effect.gen(function* () {
        const store = yield* IdempotencyStore
        const key = freshKey()
        yield* store.acquire({ key, fingerprint: "f1", ttlMillis: TTL, leaseMillis: LEASE })
        const whileInFlight = yield* store.acquire({ key, fingerprint: "f2", ttlMillis: TTL, leaseMillis: LEASE })
        assert.strictEqual(tagOf(whileInFlight), "Mismatch")
        yield* store.complete({ key, fingerprint: "f1", response: response(201, "{}") })
        const whenCompleted = yield* store.acquire({ key, fingerprint: "f2", ttlMillis: TTL, leaseMillis: LEASE })
        assert.strictEqual(tagOf(whenCompleted), "Mismatch")
      })
    )

    it.effect("replays a completed response exactly", () =>
      Effect.gen(function* () {
        const store = yield* IdempotencyStore
        const key = freshKey()
        const stored = response(201, '{"receipt":"LX-2026-0001","note":"噪音扰民 — 夜间"}')
        yield* store.acquire({ key, fingerprint: "f1", ttlMillis: TTL, leaseMillis: LEASE })
        yield* store.complete({ key, fingerprint: "f1", response: stored })
        yield* TestClock.adjust(LEASE * 10)
        const replay = yield* store.acquire({ key, fingerprint: "f1", ttlMillis: TTL, leaseMillis: LEASE })
        assert.strictEqual(replay._tag, "Completed")
        if (replay._tag === "Completed") {
          assert.strictEqual(replay.response.status, 201)
          assert.deepStrictEqual(replay.response.headers, stored.headers)
          assert.strictEqual(replay.response.body, stored.body)
        }
      })
    )

    it.effect("keeps keys independent", () =>
      Effect.gen(function* () {
        const store = yield* IdempotencyStore
        const a = freshKey()
        const b = freshKey()
        yield* store.acquire({ key: a, fingerprint: "same", ttlMillis: TTL, leaseMillis: LEASE })
        yield* store.complete({ key: a, fingerprint: "same", response: response(200, "a") })
        const other = yield* store.acquire({ key: b, fingerprint: "same", ttlMillis: TTL, leaseMillis: LEASE })
        assert.strictEqual(tagOf(other), "Acquired")
        const otherFingerprint = yield* store.acquire({
          key: freshKey(),
          fingerprint: "x",
          ttlMillis: TTL,
          leaseMillis: LEASE
        })
        assert.strictEqual(tagOf(otherFingerprint), "Acquired")
      })
    )

    it.effect("lets a released key be acquired again with its first-seen time", () =>
      Effect.gen(function* () {
        const store = yield* IdempotencyStore
        const key = freshKey()
        yield* TestClock.adjust(10_000)
        const firstSeenAt = yield* Clock.currentTimeMillis
        yield* store.acquire({ key, fingerprint: "f1", ttlMillis: TTL, leaseMillis: LEASE })
        yield* store.release({ key, fingerprint: "f1" })
        yield* TestClock.adjust(5_000)
        const again = yield* store.acquire({ key, fingerprint: "f1", ttlMillis: TTL, leaseMillis: LEASE })
        assert.deepStrictEqual(again, { _tag: "Acquired", firstSeenAt })
        const third = yield* store.acquire({ key, fingerprint: "f1", ttlMillis: TTL, leaseMillis: LEASE })
        assert.strictEqual(tagOf(third), "InFlight")
      })
    )

    it.effect("takes over an in-flight key whose lease ran out, not before", () =>
      Effect.gen(function* () {
        const store = yield* IdempotencyStore
        const key = freshKey()
        const firstSeenAt = yield* Clock.currentTimeMillis
        yield* store.acquire({ key, fingerprint: "f1", ttlMillis: TTL, leaseMillis: LEASE })
        yield* TestClock.adjust(LEASE - 1)
        const before = yield* store.acquire({ key, fingerprint: "f1", ttlMillis: TTL, leaseMillis: LEASE })
        assert.strictEqual(tagOf(before), "InFlight")
        yield* TestClock.adjust(1)
        const after = yield* store.acquire({ key, fingerprint: "f1", ttlMillis: TTL, leaseMillis: LEASE })
        assert.deepStrictEqual(after, { _tag: "Acquired", firstSeenAt })
      })
    )

    it.effect("forgets a key after its time-to-live", () =>
      Effect.gen(function* () {
        const store = yield* IdempotencyStore
        const key = freshKey()
        yield* store.acquire({ key, fingerprint: "f1", ttlMillis: TTL, leaseMillis: LEASE })
        yield* store.complete({ key, fingerprint: "f1", response: response(201, "{}") })
        yield* TestClock.adjust(TTL - 1)
        const stillThere = yield* store.acquire({ key, fingerprint: "f2", ttlMillis: TTL, leaseMillis: LEASE })
        assert.strictEqual(tagOf(stillThere), "Mismatch")
        yield* TestClock.adjust(1)
        const now = yield* Clock.currentTimeMillis
        const fresh = yield* store.acquire({ key, fingerprint: "f2", ttlMillis: TTL, leaseMillis: LEASE })
        assert.deepStrictEqual(fresh, { _tag: "Acquired", firstSeenAt: now })
      })
    )

    it.effect("ignores complete and release for another fingerprint or a finished key", () =>
      Effect.gen(function* () {
        const store = yield* IdempotencyStore
        const key = freshKey()
        yield* store.acquire({ key, fingerprint: "f1", ttlMillis: TTL, leaseMillis: LEASE })
        yield* store.complete({ key, fingerprint: "other", response: response(200, "wrong") })
        yield* store.release({ key, fingerprint: "other" })
        const stillInFlight = yield* store.acquire({ key, fingerprint: "f1", ttlMillis: TTL, leaseMillis: LEASE })
        assert.strictEqual(tagOf(stillInFlight), "InFlight")
        yield* store.complete({ key, fingerprint: "f1", response: response(200, "right") })
        yield* store.release({ key, fingerprint: "f1" })
        const replay = yield* store.acquire({ key, fingerprint: "f1", ttlMillis: TTL, leaseMillis: LEASE })
        assert.strictEqual(replay._tag, "Completed")
        if (replay._tag === "Completed") assert.strictEqual(replay.response.body, "right")
        yield* store.complete({ key: freshKey(), fingerprint: "f1", response: response(200, "nobody") })
      })
    )

    it.effect("acquires a key for exactly one of many concurrent first requests", () =>
      Effect.gen(function* () {
        const store = yield* IdempotencyStore
        const key = freshKey()
        const results = yield* Effect.forEach(
          Array.from({ length: concurrency }, (_, index) => index),
          () => store.acquire({ key, fingerprint: "f1", ttlMillis: TTL, leaseMillis: LEASE }),
          { concurrency: "unbounded" }
        )
        assert.strictEqual(results.filter((result) => result._tag === "Acquired").length, 1)
        assert.strictEqual(results.filter((result) => result._tag === "InFlight").length, concurrency - 1)
      })
    )

    it.effect("purges expired records and keeps live ones", () =>
      Effect.gen(function* () {
        const store = yield* IdempotencyStore
        const short = [freshKey(), freshKey()]
        const live = freshKey()
        for (const key of short) {
          yield* store.acquire({ key, fingerprint: "f", ttlMillis: 1000, leaseMillis: 500 })
        }
        yield* store.acquire({ key: live, fingerprint: "f", ttlMillis: TTL, leaseMillis: LEASE })
        yield* store.complete({ key: live, fingerprint: "f", response: response(200, "live") })
        yield* TestClock.adjust(1000)
        const purged = yield* store.purgeExpired
        assert.isAtLeast(purged, short.length)
        const kept = yield* store.acquire({ key: live, fingerprint: "f", ttlMillis: TTL, leaseMillis: LEASE })
        assert.strictEqual(tagOf(kept), "Completed")
        const again = yield* store.purgeExpired
        assert.strictEqual(again, 0)
      })
    )
  })
}
