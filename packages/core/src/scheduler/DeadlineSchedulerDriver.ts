/**
 * The fiber that turns due timers into work: it sleeps with the `Clock` until the next
 * due time (or at most `maxTick`), takes what is due, calls the handler for each timer,
 * and marks each one fired once its handler succeeded.
 *
 * Delivery is at least once per obligation state, and the handler receives the firing's
 * {@link fireToken} (`<key>@<version>`) to make its own effect idempotent: used as the
 * command id or idempotency key of the event it emits, a repeat after a crash between
 * "handler done" and "marked fired" is absorbed and the effect happens exactly once per
 * obligation state. A handler that fails is tried again `retryAfter` later (same
 * version), so one broken obligation cannot stall the others or spin the loop.
 *
 * A timer armed earlier than the one the driver is sleeping for is picked up within
 * `maxTick` (default 1 second). Time comes from `Clock`, so `TestClock` drives it in
 * tests.
 *
 * @example
 * ```ts
 * import { Clock, Deferred, Effect, Fiber } from "effect"
 * import { DeadlineScheduler, DeadlineSchedulerDriver, InMemoryDeadlineScheduler, Instant } from "@gridwork/core"
 *
 * const program = Effect.gen(function* () {
 *   const fired = yield* Deferred.make<string>()
 *   // The handler makes its effect idempotent with the token (`<key>@<version>`), e.g. as a command id.
 *   const handler: DeadlineSchedulerDriver.DueHandler<never, never> = (timer, token) =>
 *     Effect.andThen(Effect.log(`obligation ${timer.key} is due`), Deferred.succeed(fired, token))
 *   // In a service: DeadlineSchedulerDriver.layer(handler) runs it for as long as the layer lives.
 *   const driver = yield* Effect.forkChild(DeadlineSchedulerDriver.run(handler, { maxTick: "1 second" }))
 *   const scheduler = yield* DeadlineScheduler.DeadlineScheduler
 *   const now = yield* Clock.currentTimeMillis
 *   yield* scheduler.arm(DeadlineScheduler.TimerKey.make("obligation-1"), Instant.fromMillis(now + 100), 1)
 *   console.log(yield* Deferred.await(fired)) // obligation-1@1, about 100 ms later
 *   yield* Fiber.interrupt(driver)
 * }).pipe(Effect.provide(InMemoryDeadlineScheduler.layer))
 *
 * Effect.runPromise(program)
 * ```
 * @module
 */
import { Cause, Clock, Duration, Effect, Exit, Layer, Option } from "effect"
import type { Instant } from "../primitives/Instant"
import { DeadlineScheduler, type DeadlineSchedulerError, type DueTimer, fireToken } from "./DeadlineScheduler"

/** Tuning of the driver; every field has a default. */
export interface DriverOptions {
  /** Longest sleep between two looks at the scheduler (default 1 second). */
  readonly maxTick?: Duration.Input | undefined
  /** Timers read per look (default 256). */
  readonly batchSize?: number | undefined
  /** Delay before a timer whose handler failed is tried again (default 1 minute, at least 1 ms). */
  readonly retryAfter?: Duration.Input | undefined
  /** Handlers running at once within a batch (default 1). */
  readonly concurrency?: number | undefined
}

/** Called once per due timer with the timer and its fire token. */
export type DueHandler<E, R> = (timer: DueTimer, token: string) => Effect.Effect<void, E, R>

/** What one {@link tick} did. */
export interface TickReport {
  /** Handlers that succeeded and whose timers are now marked fired. */
  readonly fired: number
  /** Handlers that failed; their timers were moved `retryAfter` into the future. */
  readonly retried: number
  /** Handlers that succeeded but whose timer had meanwhile been re-armed or cancelled. */
  readonly superseded: number
}

interface ResolvedOptions {
  readonly maxTick: number
  readonly batchSize: number
  readonly retryAfter: number
  readonly concurrency: number
}

const resolve = (options: DriverOptions | undefined): ResolvedOptions => {
  const batchSize = options?.batchSize ?? 256
  const concurrency = options?.concurrency ?? 1
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`DeadlineSchedulerDriver: batchSize must be a positive integer, got ${batchSize}`)
  }
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`DeadlineSchedulerDriver: concurrency must be a positive integer, got ${concurrency}`)
  }
  const maxTick = Duration.toMillis(options?.maxTick ?? "1 second")
  if (!(maxTick >= 1) || !Number.isFinite(maxTick)) {
    throw new RangeError(`DeadlineSchedulerDriver: maxTick must be a finite duration of at least 1 ms`)
  }
  const retryAfter = Math.max(1, Math.ceil(Duration.toMillis(options?.retryAfter ?? "1 minute")))
  if (!Number.isFinite(retryAfter)) {
    throw new RangeError(`DeadlineSchedulerDriver: retryAfter must be a finite duration`)
  }
  return { maxTick: Math.ceil(maxTick), batchSize, retryAfter, concurrency }
}

type Outcome = "fired" | "retried" | "superseded"

/**
 * Handles every timer due now (in batches of `batchSize`) and returns what it did.
 * Fails only when the scheduler itself fails.
 */
export const tick = <E, R>(
  handler: DueHandler<E, R>,
  options?: DriverOptions
): Effect.Effect<TickReport, DeadlineSchedulerError, DeadlineScheduler | R> => {
  const resolved = resolve(options)
  return Effect.gen(function* () {
    const scheduler = yield* DeadlineScheduler
    const now = (yield* Clock.currentTimeMillis) as Instant
    const handle = (timer: DueTimer): Effect.Effect<Outcome, DeadlineSchedulerError, R> =>
      Effect.gen(function* () {
        const token = fireToken(timer)
        const exit = yield* Effect.exit(handler(timer, token))
        if (Exit.isSuccess(exit)) {
          const marked = yield* scheduler.markFired(timer.key, timer.version)
          return marked ? "fired" : "superseded"
        }
        yield* Effect.logWarning("deadline handler failed; the timer will be retried").pipe(
          Effect.annotateLogs({ token, retryAt: now + resolved.retryAfter, cause: Cause.pretty(exit.cause) })
        )
        yield* scheduler.rearm(timer.key, (now + resolved.retryAfter) as Instant)
        return "retried"
      })
    let fired = 0
    let retried = 0
    let superseded = 0
    for (;;) {
      const batch = yield* scheduler.due(now, resolved.batchSize)
      const outcomes = yield* Effect.forEach(batch, handle, { concurrency: resolved.concurrency })
      for (const outcome of outcomes) {
        if (outcome === "fired") fired++
        else if (outcome === "retried") retried++
        else superseded++
      }
      if (batch.length < resolved.batchSize) break
    }
    return { fired, retried, superseded }
  })
}

/**
 * Runs forever: {@link tick}, then sleep until the next due time (at most `maxTick`).
 * Scheduler failures are logged and retried after `maxTick`; interrupt the fiber to stop.
 */
export const run = <E, R>(
  handler: DueHandler<E, R>,
  options?: DriverOptions
): Effect.Effect<never, never, DeadlineScheduler | R> => {
  const resolved = resolve(options)
  const once = Effect.gen(function* () {
    const scheduler = yield* DeadlineScheduler
    const handled = yield* tick(handler, options).pipe(
      Effect.map((report) => report.fired + report.retried + report.superseded),
      Effect.catch((error) =>
        Effect.logWarning("deadline scheduler tick failed").pipe(
          Effect.annotateLogs({ error: error.message }),
          Effect.as(0)
        )
      )
    )
    const now = yield* Clock.currentTimeMillis
    const next = yield* scheduler.nextDueAt.pipe(Effect.orElseSucceed(() => Option.none<Instant>()))
    const untilNext = Option.match(next, {
      onNone: () => resolved.maxTick,
      onSome: (dueAt) => Math.min(Math.max(dueAt - now, 0), resolved.maxTick)
    })
    // when nothing was handled, never loop without sleeping: a store that reports a due
    // timer it does not hand out must not turn the driver into a busy loop
    const delay = handled === 0 ? Math.max(untilNext, 1) : untilNext
    if (delay > 0) yield* Effect.sleep(delay)
    else yield* Effect.yieldNow
  })
  return Effect.forever(once)
}

/**
 * A layer that runs the driver on a fiber for as long as the layer lives (it is
 * interrupted when the layer's scope closes).
 */
export const layer = <E, R>(
  handler: DueHandler<E, R>,
  options?: DriverOptions
): Layer.Layer<never, never, DeadlineScheduler | R> => Layer.effectDiscard(Effect.forkScoped(run(handler, options)))
