/**
 * The `IdempotencyStore` port: remembers, per idempotency key, the fingerprint of the
 * request that first used it, whether it is still being processed, and the response
 * it got, for a time-to-live (24 h by default, set by the middleware).
 *
 * Semantics (every implementation must pass `@gridwork/service-kit/testing`'s
 * `IdempotencyStoreContract`), at the `Clock`'s current time:
 *
 * - `acquire` on an unknown or expired key records it as in flight (lease until
 *   now + `leaseMillis`, expiry at now + `ttlMillis`) and answers `Acquired` with the
 *   time it was first seen;
 * - on a live key with another fingerprint it answers `Mismatch`;
 * - on a live key in flight whose lease has not run out it answers `InFlight`;
 * - on a live key that was released, or whose lease ran out (its process died), it
 *   takes it over: in flight again, `Acquired` with the *original* first-seen time
 *   (so the command id derived from it does not change);
 * - on a completed key it answers `Completed` with the stored response.
 * - `complete` stores the response of an in-flight key with that fingerprint;
 *   `release` gives an in-flight key up for a retry (after a 5xx, a timeout).
 *   Both ignore keys that are unknown, expired or carry another fingerprint.
 * - `purgeExpired` deletes expired records and returns how many.
 *
 * `acquire` must be atomic: two concurrent first requests must not both be
 * `Acquired`. A SQL implementation uses `INSERT ... ON CONFLICT` / `SELECT ... FOR
 * UPDATE`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { IdempotencyStore } from "@gridwork/service-kit"
 *
 * const program = Effect.gen(function* () {
 *   const store = yield* IdempotencyStore.IdempotencyStore
 *   return yield* store.acquire({ key: "k", fingerprint: "f", ttlMillis: 86_400_000, leaseMillis: 60_000 })
 * }).pipe(Effect.provide(IdempotencyStore.IdempotencyStore.layerMemory))
 * ```
 * @module
 */
import { Clock, Context, Effect, Layer, Schema } from "effect"

/** A response kept for replay: status, a subset of headers, and the body text. */
export class StoredResponse extends Schema.Class<StoredResponse>("StoredResponse")({
  status: Schema.Int.check(Schema.isBetween({ minimum: 100, maximum: 599 })),
  headers: Schema.Record(Schema.String, Schema.String),
  body: Schema.String
}) {}

/** The first request with this key: go ahead. `firstSeenAt` is epoch ms. */
export interface Acquired {
  readonly _tag: "Acquired"
  readonly firstSeenAt: number
}
/** The key was used for a different request (another fingerprint). */
export interface Mismatch {
  readonly _tag: "Mismatch"
}
/** The first request with this key is still being processed. */
export interface InFlight {
  readonly _tag: "InFlight"
}
/** The first request with this key completed with `response`. */
export interface Completed {
  readonly _tag: "Completed"
  readonly response: StoredResponse
}
/** The answer of {@link IdempotencyStore.Service.acquire}. */
export type AcquireResult = Acquired | Mismatch | InFlight | Completed

/** The store could not be read or written. Requests fail with 503 until it recovers. */
export class IdempotencyStoreError extends Schema.TaggedError<IdempotencyStoreError>()("IdempotencyStoreError", {
  message: Schema.String
}) {}

/** Arguments of `acquire`. */
export interface AcquireRequest {
  /** The scoped key (the middleware scopes client keys per caller). */
  readonly key: string
  /** Fingerprint of the request (see `IdempotencyKey.fingerprint`). */
  readonly fingerprint: string
  /** How long the record lives after it is first seen. */
  readonly ttlMillis: number
  /** How long an in-flight claim holds before another request may take it over. */
  readonly leaseMillis: number
}

/** Arguments of `complete`. */
export interface CompleteRequest {
  readonly key: string
  readonly fingerprint: string
  readonly response: StoredResponse
}

/** Arguments of `release`. */
export interface ReleaseRequest {
  readonly key: string
  readonly fingerprint: string
}

/** The operations of the port. */
export interface Service {
  readonly acquire: (request: AcquireRequest) => Effect.Effect<AcquireResult, IdempotencyStoreError>
  readonly complete: (request: CompleteRequest) => Effect.Effect<void, IdempotencyStoreError>
  readonly release: (request: ReleaseRequest) => Effect.Effect<void, IdempotencyStoreError>
  readonly purgeExpired: Effect.Effect<number, IdempotencyStoreError>
}

type MemoryState =
  | { readonly _tag: "InFlight"; readonly leaseUntil: number }
  | { readonly _tag: "Released" }
  | { readonly _tag: "Completed"; readonly response: StoredResponse }

interface MemoryRecord {
  readonly fingerprint: string
  readonly firstSeenAt: number
  readonly expiresAt: number
  readonly state: MemoryState
}

/** An in-memory store for one process: tests, demos, single-instance services. */
export const makeMemory: Effect.Effect<Service> = Effect.sync(() => {
  const records = new Map<string, MemoryRecord>()
  const live = (key: string, now: number): MemoryRecord | undefined => {
    const record = records.get(key)
    if (record === undefined) return undefined
    if (now >= record.expiresAt) {
      records.delete(key)
      return undefined
    }
    return record
  }
  const acquire = (request: AcquireRequest) =>
    Effect.map(Clock.currentTimeMillis, (now): AcquireResult => {
      const record = live(request.key, now)
      if (record === undefined) {
        records.set(request.key, {
          fingerprint: request.fingerprint,
          firstSeenAt: now,
          expiresAt: now + request.ttlMillis,
          state: { _tag: "InFlight", leaseUntil: now + request.leaseMillis }
        })
        return { _tag: "Acquired", firstSeenAt: now }
      }
      if (record.fingerprint !== request.fingerprint) return { _tag: "Mismatch" }
      switch (record.state._tag) {
        case "Completed":
          return { _tag: "Completed", response: record.state.response }
        case "InFlight":
          if (now < record.state.leaseUntil) return { _tag: "InFlight" }
          break
        case "Released":
          break
      }
      records.set(request.key, { ...record, state: { _tag: "InFlight", leaseUntil: now + request.leaseMillis } })
      return { _tag: "Acquired", firstSeenAt: record.firstSeenAt }
    })
  const complete = (request: CompleteRequest) =>
    Effect.map(Clock.currentTimeMillis, (now) => {
      const record = live(request.key, now)
      if (record === undefined || record.fingerprint !== request.fingerprint || record.state._tag !== "InFlight") return
      records.set(request.key, { ...record, state: { _tag: "Completed", response: request.response } })
    })
  const release = (request: ReleaseRequest) =>
    Effect.map(Clock.currentTimeMillis, (now) => {
      const record = live(request.key, now)
      if (record === undefined || record.fingerprint !== request.fingerprint || record.state._tag !== "InFlight") return
      records.set(request.key, { ...record, state: { _tag: "Released" } })
    })
  const purgeExpired = Effect.map(Clock.currentTimeMillis, (now) => {
    let purged = 0
    for (const [key, record] of records) {
      if (now >= record.expiresAt) {
        records.delete(key)
        purged++
      }
    }
    return purged
  })
  return { acquire, complete, release, purgeExpired }
})

/** Remembers idempotency keys, their fingerprints and their responses. */
export class IdempotencyStore extends Context.Service<IdempotencyStore, Service>()(
  "@gridwork/service-kit/IdempotencyStore"
) {
  /** A fresh in-memory store (state lives as long as the layer). */
  static readonly layerMemory: Layer.Layer<IdempotencyStore> = Layer.effect(IdempotencyStore, makeMemory)
}
