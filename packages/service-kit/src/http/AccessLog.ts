/**
 * One structured log line per request, written through the service's Effect logger
 * (JSON lines with the kit's `JsonLogger`): `requestId`, `method`, `route` (the
 * *pattern*, e.g. `/petitions/:id`, or `unmatched`), `status` and `durationMs`
 * measured with the `Clock`. Nothing else: no path values, no query string, no
 * headers, no body, so no personal data reaches the logs through it. 5xx responses are
 * logged at `error`, everything else at `info`.
 *
 * @example
 * ```ts
 * import { Hono } from "hono"
 * import { AccessLog, type KitEnv } from "@gridwork/service-kit"
 *
 * declare const run: KitEnv.Runner<never>
 * const app = new Hono<KitEnv.KitEnv>()
 * app.use(AccessLog.accessLog({ run }))
 * ```
 * @module
 */
import { Clock, Effect, Exit } from "effect"
import type { MiddlewareHandler } from "hono"
import type { KitEnv, Runner } from "./KitEnv"

/** Options of {@link accessLog}. */
export interface Options {
  /** Runs Effects on the service's runtime (whose logger writes the line). */
  readonly run: Runner<never>
}

/** The access-log middleware. */
export const accessLog = (options: Options): MiddlewareHandler<KitEnv> => {
  if (typeof options.run !== "function") throw new Error("invalid AccessLog options:\n  /run: Expected a function")
  return async function accessLog(c, next) {
    let called = false
    const exit = await options.run(
      Effect.gen(function* () {
        const start = yield* Clock.currentTimeNanos
        called = true
        yield* Effect.promise(() => next())
        const end = yield* Clock.currentTimeNanos
        const status = c.res.status
        const entry = Effect.annotateLogs(status >= 500 ? Effect.logError("request") : Effect.logInfo("request"), {
          requestId: c.var.requestId,
          method: c.req.method,
          route: c.var.routePattern ?? "unmatched",
          status,
          durationMs: Math.round(Number(end - start) / 10_000) / 100
        })
        yield* entry
      })
    )
    if (!called && Exit.isFailure(exit)) await next()
  }
}
