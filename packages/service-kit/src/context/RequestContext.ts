/**
 * `RequestContext`: what a handler knows about the request it serves, provided by the
 * kit to every handler Effect: the request id, the method and route pattern, the
 * authenticated {@link Principal} (if any), and for POST/PATCH the
 * `Idempotency-Key` and the command id derived from it.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { RequestContext } from "@gridwork/service-kit"
 *
 * const handler = Effect.gen(function* () {
 *   const commandId = yield* RequestContext.commandId
 *   const firstEventId = yield* RequestContext.eventId(0)
 *   const who = yield* RequestContext.principal
 *   return { commandId, firstEventId, by: who.subject }
 * })
 * ```
 * @module
 */
import type { Ids } from "@gridwork/core"
import { Context, Effect, Option } from "effect"
import type { Principal } from "../auth/Principal"
import { HttpProblem } from "../problem/HttpProblem"
import { eventIdFor } from "./CommandIds"

/** The facts about one request. */
export interface RequestInfo {
  /** `X-Request-Id` (accepted from the client when valid, otherwise a fresh UUIDv7). */
  readonly requestId: string
  /** HTTP method, upper case. */
  readonly method: string
  /** The route pattern, e.g. `/petitions/:id` (never the concrete path). */
  readonly route: string
  /** The verified caller, if the request carried a valid bearer token. */
  readonly principal: Option.Option<Principal>
  /** The `Idempotency-Key` (lower case), on POST and PATCH. */
  readonly idempotencyKey: Option.Option<string>
  /** The command id derived from the idempotency key (see `CommandIds`). */
  readonly commandId: Option.Option<Ids.CommandId>
  /**
   * A request header by (case-insensitive) name, for content negotiation (`Accept`)
   * and conditional requests (`If-None-Match`). Absent when the request did not come
   * through the kit's app (e.g. a handler run directly in a test).
   */
  readonly header?: ((name: string) => string | undefined) | undefined
}

/** The current request, provided to handler Effects by the kit. */
export class RequestContext extends Context.Service<RequestContext, RequestInfo>()(
  "@gridwork/service-kit/RequestContext"
) {}

/** The authenticated caller; fails with a 401 problem when the request is anonymous. */
export const principal: Effect.Effect<Principal, HttpProblem, RequestContext> = RequestContext.use((request) =>
  Option.match(request.principal, {
    onNone: () => Effect.fail(HttpProblem.unauthenticated("This operation needs a bearer token")),
    onSome: Effect.succeed
  })
)

/** The caller if any. */
export const principalOption: Effect.Effect<Option.Option<Principal>, never, RequestContext> = RequestContext.use(
  (request) => Effect.succeed(request.principal)
)

/**
 * The command id of this request. Only POST and PATCH requests have one (they carry an
 * `Idempotency-Key`); asking for it elsewhere is a programming error and dies.
 */
export const commandId: Effect.Effect<Ids.CommandId, never, RequestContext> = RequestContext.use((request) =>
  Option.match(request.commandId, {
    onNone: () =>
      Effect.die(new Error(`${request.method} ${request.route} has no command id: only POST and PATCH carry one`)),
    onSome: Effect.succeed
  })
)

/** A request header by name (case-insensitive), if the request carried it. */
export const header = (name: string): Effect.Effect<Option.Option<string>, never, RequestContext> =>
  RequestContext.use((request) => Effect.succeed(Option.fromNullishOr(request.header?.(name))))

/** The id of the `index`-th event (0-based) this request's command produces. */
export const eventId = (index: number): Effect.Effect<Ids.EventId, never, RequestContext> =>
  Effect.map(commandId, (id) => eventIdFor(id, index))
