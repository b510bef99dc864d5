/**
 * In-flight request tracking for graceful shutdown. The middleware counts requests in
 * progress; once {@link Tracker.startDraining} is called, new requests are refused with
 * a 503 problem (`Connection: close`, `Retry-After`) and {@link Tracker.idle}
 * resolves when the last request in progress has finished.
 *
 * @example
 * ```ts
 * import { Hono } from "hono"
 * import { Draining, type KitEnv } from "@gridwork/service-kit"
 *
 * const tracker = Draining.makeTracker()
 * const app = new Hono<KitEnv.KitEnv>()
 * app.use(Draining.draining({ tracker }))
 * // on SIGTERM: tracker.startDraining(); await tracker.idle()
 * ```
 * @module
 */
import type { MiddlewareHandler } from "hono"
import { HttpProblem } from "../problem/HttpProblem"
import type { KitEnv } from "./KitEnv"
import { problem } from "./Respond"

/** Counts requests in progress and knows whether the service is draining. */
export interface Tracker {
  /** Requests in progress. */
  readonly inFlight: () => number
  /** Whether new requests are being refused. */
  readonly isDraining: () => boolean
  /** Refuse new requests from now on. */
  readonly startDraining: () => void
  /** Resolves when no request is in progress (immediately if none is). */
  readonly idle: () => Promise<void>
  /**
   * Marks a request as started; returns the function marking it finished (calling it
   * again does nothing). Layers may nest: `Serve` counts a request until its response
   * is written out, the middleware until the app has produced it.
   */
  readonly begin: () => () => void
}

/** A fresh tracker. */
export const makeTracker = (): Tracker => {
  let count = 0
  let draining = false
  let waiters: Array<() => void> = []
  const settle = () => {
    if (count === 0 && waiters.length > 0) {
      const ready = waiters
      waiters = []
      for (const resolve of ready) resolve()
    }
  }
  return {
    inFlight: () => count,
    isDraining: () => draining,
    startDraining: () => {
      draining = true
    },
    idle: () =>
      count === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            waiters.push(resolve)
          }),
    begin: () => {
      count++
      let done = false
      return () => {
        if (done) return
        done = true
        count--
        settle()
      }
    }
  }
}

/** Options of {@link draining}. */
export interface Options {
  readonly tracker: Tracker
  /**
   * Paths served even while draining (the health endpoints: liveness stays up while
   * the process shuts down cleanly; readiness answers 503 by itself).
   */
  readonly exempt?: ReadonlyArray<string> | undefined
}

/** The middleware: counts requests, refuses them with 503 while draining. */
export const draining = (options: Options): MiddlewareHandler<KitEnv> => {
  const { tracker } = options
  const exempt = new Set(options.exempt ?? [])
  return async function draining(c, next) {
    if (tracker.isDraining() && !exempt.has(c.req.path)) {
      const response = problem(
        c.var.requestId ?? "unknown",
        HttpProblem.unavailable("The service is shutting down; retry against another instance", 1)
      )
      response.headers.set("connection", "close")
      return response
    }
    const finish = tracker.begin()
    try {
      await next()
    } finally {
      finish()
    }
  }
}
