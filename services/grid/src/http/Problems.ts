/**
 * Helpers turning the grid service's failures into problem responses: storage outages
 * become 503 with `Retry-After`, and request facts that are wrong against what is
 * stored (an unknown unit set, a version that is not in force) become 422 naming the
 * field and the rule, like Schema failures do.
 *
 * @example
 * ```ts
 * import { Problems } from "@gridwork/service-grid"
 *
 * const problem = Problems.fieldProblem("body", "/unitSetId", "exists", "no unit set 0193...")
 * ```
 * @module
 */
import { HttpProblem, RequestContext } from "@gridwork/service-kit"
import { Effect } from "effect"
import type { StorageUnavailable } from "../storage/StorageUnavailable"

/** 422 for one field: `in` (body, query, path), JSON Pointer, rule and message. */
export const fieldProblem = (
  where: "body" | "query" | "path",
  path: string,
  rule: string,
  message: string
): HttpProblem.HttpProblem => HttpProblem.HttpProblem.validation(message, [{ in: where, path, rule, message }])

/** Fails with a 404 problem. */
export const notFound = (detail: string): Effect.Effect<never, HttpProblem.HttpProblem> =>
  Effect.fail(HttpProblem.HttpProblem.notFound(detail))

/** Maps {@link StorageUnavailable} to a 503 problem (retry after 5 s). */
export const orUnavailable = <A, E, R>(
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, Exclude<E, StorageUnavailable> | HttpProblem.HttpProblem, R> =>
  Effect.catchIf(
    effect,
    (error): error is Extract<E, StorageUnavailable> =>
      typeof error === "object" && error !== null && (error as { _tag?: unknown })._tag === "StorageUnavailable",
    () => Effect.fail(HttpProblem.HttpProblem.unavailable("The grid records cannot be reached right now; retry later"))
  ) as Effect.Effect<A, Exclude<E, StorageUnavailable> | HttpProblem.HttpProblem, R>

/** The authenticated caller's subject (routes with authentication only). */
export const caller: Effect.Effect<string, HttpProblem.HttpProblem, RequestContext.RequestContext> = Effect.map(
  RequestContext.principal,
  (principal) => principal.subject
)
