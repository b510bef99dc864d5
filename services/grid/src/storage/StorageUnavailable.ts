/**
 * The service's records could not be read or written: the database or the artefact
 * directory is unreachable or failing. Requests answer 503 (retry later); the cause is
 * logged, never sent to the client. Data that cannot be decoded, a stored artefact
 * whose bytes no longer match its digest and other broken invariants are defects (500).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { StorageUnavailable } from "@gridwork/service-grid"
 *
 * const guarded = Effect.fail(new StorageUnavailable.StorageUnavailable({ operation: "read", reason: "timeout" }))
 * ```
 * @module
 */
import { Effect, Schema } from "effect"

/** The store could not be reached. */
export class StorageUnavailable extends Schema.TaggedError<StorageUnavailable>()("StorageUnavailable", {
  operation: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `storage unavailable during ${this.operation}: ${this.reason}`
  }
}

const unavailableTags = new Set(["EventStoreUnavailable", "ArtifactStoreFailure", "OutboxStoreFailure"])

/**
 * Turns the failures of a storage operation into {@link StorageUnavailable} (store
 * unreachable) or a defect (anything else: bad data, broken invariants), keeping the
 * errors listed in `keep` (by tag) as they are.
 */
export const guard =
  <const Keep extends string = never>(operation: string, keep: ReadonlyArray<Keep> = []) =>
  <A, E, R>(
    effect: Effect.Effect<A, E, R>
  ): Effect.Effect<A, StorageUnavailable | Extract<E, { readonly _tag: Keep }>, R> =>
    Effect.catch(effect, (error: E): Effect.Effect<never, StorageUnavailable | Extract<E, { readonly _tag: Keep }>> => {
      const tag =
        typeof error === "object" && error !== null && "_tag" in error ? String((error as { _tag: unknown })._tag) : ""
      if ((keep as ReadonlyArray<string>).includes(tag)) {
        return Effect.fail(error as Extract<E, { readonly _tag: Keep }>)
      }
      if (unavailableTags.has(tag)) {
        return Effect.andThen(
          Effect.logWarning(`storage unavailable during ${operation}`, error),
          Effect.fail(
            new StorageUnavailable({
              operation,
              reason: error instanceof Error ? error.message : String(error)
            })
          )
        )
      }
      return Effect.die(error)
    })
