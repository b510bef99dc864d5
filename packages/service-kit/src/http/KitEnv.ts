/**
 * The Hono environment shared by the kit's middleware: per-request variables and the
 * function that runs Effects on the service's runtime.
 *
 * @example
 * ```ts
 * import { Hono } from "hono"
 * import type { KitEnv } from "@gridwork/service-kit"
 *
 * const app = new Hono<KitEnv.KitEnv>()
 * app.get("/whoami", (c) => c.json({ requestId: c.var.requestId }))
 * ```
 * @module
 */
import type { Ids } from "@gridwork/core"
import type { Effect, Exit } from "effect"
import type { Principal } from "../auth/Principal"

/** What the kit's middleware stores on the Hono context. */
export interface KitVariables {
  /** The request id (see `RequestId`). */
  requestId: string
  /** The matched route pattern, set by the kit's routes (absent for unmatched paths). */
  routePattern: string | undefined
  /** The verified caller (see `Authentication`). */
  principal: Principal | undefined
  /** The idempotency key and command id of a POST/PATCH (see `Idempotency`). */
  idempotency: { readonly key: string; readonly commandId: Ids.CommandId } | undefined
}

/** The Hono `Env` of kit apps. */
export interface KitEnv {
  Variables: KitVariables
}

/** Runs an Effect on the service's runtime and settles with its `Exit`. */
export type Runner<R> = <A, E>(effect: Effect.Effect<A, E, R>) => Promise<Exit.Exit<A, unknown>>
