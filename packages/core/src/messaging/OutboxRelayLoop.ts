/**
 * The loop every outbox relay runs, whatever it publishes to: core's `OutboxBusRelay`
 * (onto any `Bus`) and `@gridwork/nats`'s `OutboxRelay` (straight to JetStream, many
 * PubAcks in flight) are this loop with their own {@link PublishPage} step. Use it to
 * write a relay to another transport; applications use those two.
 *
 * **One round** ({@link round}) reads a page of unsent rows, oldest first (`pending`,
 * or `claim` with a lease under `owner` when several relays share one outbox), hands
 * it to the publish step, then marks the rows it accepted sent, in one `markSent`,
 * **only after** they were accepted. The step reports an outcome per row it tried, in
 * outbox order; rows after the last outcome were not tried. Rows that failed or were
 * not tried stay pending.
 *
 * **The loop** ({@link run}) classifies each failure ({@link Classify}):
 * - `"unavailable"` (the transport is down, a timeout): the round counts as failed and
 *   the relay backs off ({@link backoffMillis}: `retry.initial`, doubling up to
 *   `retry.max`) before the next one; the rows go out again later.
 * - `"rejected"` (the row can never be published as it is, e.g. a subject with no
 *   stream): the row is logged as an error once while it stays stuck, counted in
 *   {@link RelayStats.stuck}, and left pending for an operator, without holding back
 *   the rows behind it. (A whole page of such rows does hold the relay back: the oldest
 *   rows come first.)
 * - An outbox failure fails the round: logged, counted, retried with backoff.
 * With nothing accepted the relay looks again after `pollInterval`; otherwise at once.
 *
 * A crash between acceptance and `markSent` publishes the same event id again: the
 * transport de-duplicates by `event.eventId` and consumers are idempotent (`Inbox`).
 *
 * **Stopping** ({@link start}): closing the scope lets the round in progress finish
 * (its accepted rows are marked) within `stopTimeout`, then interrupts the fiber.
 * Time comes from `Clock`, so `TestClock` drives every pause.
 *
 * @example
 * ```ts
 * import { Effect, Result } from "effect"
 * import { OutboxRelayLoop } from "@gridwork/core"
 *
 * // A relay that prints each row; every row is accepted as new.
 * const publish: OutboxRelayLoop.PublishPage<never, never> = (rows) =>
 *   Effect.as(
 *     Effect.forEach(rows, (row) => Effect.log(`${row.subject} ${row.event.eventId}`)),
 *     rows.map(() => Result.succeed({ duplicate: false }))
 *   )
 * const settings = Result.getOrThrow(OutboxRelayLoop.resolveOptions({ pollInterval: "1 second" }, { batchSize: 100 }))
 * // In a scope, with an Outbox provided: runs until the scope closes.
 * const relay = OutboxRelayLoop.start(settings, { publish, classify: () => "unavailable" }, "printing relay")
 * ```
 * @module
 */
import { Deferred, Duration, Effect, Exit, Fiber, Ref, Result, Schema, type Scope } from "effect"
import type { BusMessage } from "../events/Bus"
import { now } from "../primitives/Instant"
import { Outbox, type OutboxError } from "./Outbox"

// ---------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------

/** The options every relay on this loop takes; every field has a default. */
export interface Options {
  /** Rows read per round (default: the relay's, see {@link resolveOptions}). */
  readonly batchSize?: number | undefined
  /** Pause when the outbox has nothing to send (default 100 ms). */
  readonly pollInterval?: Duration.Input | undefined
  /** Backoff after a failed round: the first pause, doubling up to the longest (default 200 ms → 10 s). */
  readonly retry?:
    | { readonly initial?: Duration.Input | undefined; readonly max?: Duration.Input | undefined }
    | undefined
  /** Claim rows with a lease under this owner name, for several relays on one outbox (default: one relay, `pending`). */
  readonly owner?: string | undefined
  /** How long a claim lasts (default 60 seconds); longer than a round takes. */
  readonly lease?: Duration.Input | undefined
  /** How long closing the relay waits for the round in progress (default 10 seconds). */
  readonly stopTimeout?: Duration.Input | undefined
}

/** {@link Options} checked, with the defaults applied, durations in whole milliseconds. */
export interface Settings {
  readonly batchSize: number
  readonly pollMillis: number
  readonly retryInitialMillis: number
  readonly retryMaxMillis: number
  readonly owner: string | undefined
  readonly leaseMillis: number
  readonly stopMillis: number
}

/** An option of a relay broke its rule (the field and the rule are named). */
export class RelayOptionsInvalid extends Schema.TaggedError<RelayOptionsInvalid>()("RelayOptionsInvalid", {
  field: Schema.String,
  rule: Schema.String
}) {
  /** `outbox relay: field: rule`. */
  override get message(): string {
    return `outbox relay: ${this.field}: ${this.rule}`
  }
}

/** A count option: `fallback` when absent, else a positive safe integer. */
export const positiveInt = (
  field: string,
  value: number | undefined,
  fallback: number
): Result.Result<number, RelayOptionsInvalid> =>
  value === undefined
    ? Result.succeed(fallback)
    : Number.isSafeInteger(value) && value > 0
      ? Result.succeed(value)
      : Result.fail(new RelayOptionsInvalid({ field, rule: `expected a positive integer, got ${value}` }))

/** A duration option in whole milliseconds (at least 1): `fallback` when absent, else finite and positive. */
export const positiveMillis = (
  field: string,
  input: Duration.Input | undefined,
  fallback: number
): Result.Result<number, RelayOptionsInvalid> => {
  if (input === undefined) return Result.succeed(fallback)
  const duration = Duration.fromInput(input)
  const millis = duration._tag === "Some" && Duration.isFinite(duration.value) ? Duration.toMillis(duration.value) : 0
  return millis > 0
    ? Result.succeed(Math.max(1, Math.round(millis)))
    : Result.fail(new RelayOptionsInvalid({ field, rule: "expected a finite, positive duration" }))
}

const ownerPattern = /^[A-Za-z0-9_.-]{1,64}$/

/**
 * Checks the options and applies the defaults (`batchSize` from `defaults`, the rest
 * as documented on {@link Options}); the error names the first bad field and its rule.
 */
export const resolveOptions = (
  options: Options,
  defaults: { readonly batchSize: number }
): Result.Result<Settings, RelayOptionsInvalid> =>
  Result.gen(function* () {
    const owner = options.owner
    if (owner !== undefined && !ownerPattern.test(owner)) {
      return yield* Result.fail(
        new RelayOptionsInvalid({ field: "owner", rule: "an owner name is 1-64 letters, digits, '_', '-' or '.'" })
      )
    }
    const retryInitialMillis = yield* positiveMillis("retry.initial", options.retry?.initial, 200)
    const retryMaxMillis = yield* positiveMillis("retry.max", options.retry?.max, 10_000)
    if (retryMaxMillis < retryInitialMillis) {
      return yield* Result.fail(new RelayOptionsInvalid({ field: "retry.max", rule: "must be at least retry.initial" }))
    }
    return {
      batchSize: yield* positiveInt("batchSize", options.batchSize, defaults.batchSize),
      pollMillis: yield* positiveMillis("pollInterval", options.pollInterval, 100),
      retryInitialMillis,
      retryMaxMillis,
      owner,
      leaseMillis: yield* positiveMillis("lease", options.lease, 60_000),
      stopMillis: yield* positiveMillis("stopTimeout", options.stopTimeout, 10_000)
    }
  })

/**
 * The pause after the `consecutiveFailures`-th failed round in a row (1, 2, ...):
 * `retry.initial`, doubling each time, never more than `retry.max`.
 */
export const backoffMillis = (
  settings: Pick<Settings, "retryInitialMillis" | "retryMaxMillis">,
  consecutiveFailures: number
): number =>
  Math.min(
    settings.retryMaxMillis,
    settings.retryInitialMillis * 2 ** Math.min(Math.max(consecutiveFailures, 1) - 1, 30)
  )

// ---------------------------------------------------------------------------
// The publish step
// ---------------------------------------------------------------------------

/** The outcome of one row: accepted (as a `duplicate` of an earlier publish, or not), or failed with `E`. */
export type Outcome<E> = Result.Result<{ readonly duplicate: boolean }, E>

/**
 * Publishes a page in outbox order and returns the outcome of each row it tried, in
 * order; a shorter answer means the rows after the last outcome were not tried (e.g.
 * the transport went down). It must not fail: failures are outcomes.
 */
export type PublishPage<E, R> = (rows: ReadonlyArray<BusMessage>) => Effect.Effect<ReadonlyArray<Outcome<E>>, never, R>

/** Whether a failure can never succeed as the row is (`"rejected"`) or may later (`"unavailable"`). */
export type Classify<E> = (error: E) => "rejected" | "unavailable"

/** A relay on this loop: its publish step and how it classifies the step's failures. */
export interface Relay<E, R> {
  readonly publish: PublishPage<E, R>
  readonly classify: Classify<E>
}

// ---------------------------------------------------------------------------
// Rounds
// ---------------------------------------------------------------------------

/** A row whose publish failed in a round; it stays pending. */
export interface FailedPublish<E> {
  readonly message: BusMessage
  readonly error: E
}

/** What one round did. */
export interface RoundResult<E> {
  /** Rows read. */
  readonly read: number
  /** Rows accepted as new messages. */
  readonly published: number
  /** Rows accepted as duplicates (published before, e.g. by a relay that crashed before marking). */
  readonly duplicates: number
  /** Rows marked sent (the accepted ones). */
  readonly marked: number
  /** Rows whose publish failed, in outbox order; they stay pending. */
  readonly failed: ReadonlyArray<FailedPublish<E>>
  /** Rows the publish step did not try; they stay pending. */
  readonly deferred: number
}

const nothing: RoundResult<never> = { read: 0, published: 0, duplicates: 0, marked: 0, failed: [], deferred: 0 }

/**
 * One round: reads a page of unsent rows, publishes it with `publish`, marks the
 * accepted rows sent. Fails only when the outbox does.
 */
export const round = <E, R>(
  settings: Settings,
  publish: PublishPage<E, R>
): Effect.Effect<RoundResult<E>, OutboxError, Outbox | R> =>
  Effect.gen(function* () {
    const outbox = yield* Outbox
    const rows =
      settings.owner === undefined
        ? yield* outbox.pending(settings.batchSize)
        : yield* outbox.claim({
            owner: settings.owner,
            limit: settings.batchSize,
            now: yield* now,
            leaseMillis: settings.leaseMillis
          })
    if (rows.length === 0) return nothing
    const outcomes = (yield* publish(rows)).slice(0, rows.length)
    const accepted: Array<string> = []
    const failed: Array<FailedPublish<E>> = []
    let duplicates = 0
    outcomes.forEach((outcome, index) => {
      const message = rows[index]!
      if (Result.isSuccess(outcome)) {
        accepted.push(message.event.eventId)
        if (outcome.success.duplicate) duplicates++
      } else {
        failed.push({ message, error: outcome.failure })
      }
    })
    // Only now, after they were accepted: a row is sent when the transport has its message.
    const marked = accepted.length === 0 ? 0 : yield* outbox.markSent(accepted, yield* now)
    return {
      read: rows.length,
      published: accepted.length - duplicates,
      duplicates,
      marked,
      failed,
      deferred: rows.length - outcomes.length
    }
  })

// ---------------------------------------------------------------------------
// The loop
// ---------------------------------------------------------------------------

/** What a relay has done since it started. */
export interface RelayStats {
  /** Rounds that read at least one row. */
  readonly rounds: number
  /** Rows accepted as new messages. */
  readonly published: number
  /** Rows accepted as duplicates. */
  readonly duplicates: number
  /** Rows marked sent. */
  readonly marked: number
  /** Failed publishes and failed outbox calls. */
  readonly failures: number
  /** Rows rejected in the latest round that read any, left pending for an operator. */
  readonly stuck: number
  /** The last failure, for health checks. */
  readonly lastError: string | undefined
}

/** A running relay. */
export interface RelayHandle {
  /** Counters since start. */
  readonly stats: Effect.Effect<RelayStats>
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error))

const emptyStats: RelayStats = {
  rounds: 0,
  published: 0,
  duplicates: 0,
  marked: 0,
  failures: 0,
  stuck: 0,
  lastError: undefined
}

/**
 * Runs rounds until `stop` completes (checked between rounds and during pauses),
 * recording them in `stats`. Never fails: failures are logged and retried with backoff.
 */
export const run = <E, R>(
  settings: Settings,
  relay: Relay<E, R>,
  stop: Deferred.Deferred<void>,
  stats: Ref.Ref<RelayStats>
): Effect.Effect<void, never, Outbox | R> =>
  Effect.gen(function* () {
    const pauseOrStop = (millis: number) => Effect.raceFirst(Effect.sleep(millis), Deferred.await(stop))
    let consecutiveFailures = 0
    // Rows rejected in the previous round that read any: each is logged when it first gets stuck.
    let stuck = new Set<string>()
    while (!(yield* Deferred.isDone(stop))) {
      const exit = yield* Effect.exit(round(settings, relay.publish))
      if (Exit.isFailure(exit)) {
        consecutiveFailures++
        yield* Ref.update(stats, (s) => ({ ...s, failures: s.failures + 1, lastError: String(exit.cause) }))
        yield* Effect.logWarning("outbox relay: the round failed; retrying", exit.cause)
        yield* pauseOrStop(backoffMillis(settings, consecutiveFailures))
        continue
      }
      const result = exit.value
      const rejected = result.failed.filter((failure) => relay.classify(failure.error) === "rejected")
      const unavailable = result.failed.filter((failure) => relay.classify(failure.error) === "unavailable")
      if (result.read > 0) {
        for (const failure of rejected) {
          if (stuck.has(failure.message.event.eventId)) continue
          yield* Effect.logError(
            `outbox relay: event ${failure.message.event.eventId} can never be published as it is; it stays pending: ${describe(failure.error)}`
          )
        }
        stuck = new Set(rejected.map((failure) => failure.message.event.eventId))
      }
      yield* Ref.update(stats, (s) => ({
        rounds: s.rounds + (result.read > 0 ? 1 : 0),
        published: s.published + result.published,
        duplicates: s.duplicates + result.duplicates,
        marked: s.marked + result.marked,
        failures: s.failures + result.failed.length,
        stuck: result.read > 0 ? stuck.size : s.stuck,
        lastError: result.failed.length > 0 ? describe(result.failed[0]!.error) : s.lastError
      }))
      if (unavailable.length > 0) {
        consecutiveFailures++
        yield* Effect.logWarning(
          `outbox relay: ${unavailable.length} of ${result.read} publishes failed; ${result.read - result.published - result.duplicates} rows stay pending and are retried: ${describe(unavailable[0]!.error)}`
        )
        yield* pauseOrStop(backoffMillis(settings, consecutiveFailures))
        continue
      }
      consecutiveFailures = 0
      // Something went out: more may be waiting. Otherwise look again later.
      if (result.published + result.duplicates === 0) yield* pauseOrStop(settings.pollMillis)
    }
  })

/**
 * Starts the loop on a fiber of the scope, logging `name` and the settings; closing
 * the scope stops it gracefully (see the module documentation).
 */
export const start = <E, R>(
  settings: Settings,
  relay: Relay<E, R>,
  name: string
): Effect.Effect<RelayHandle, never, Outbox | R | Scope.Scope> =>
  Effect.gen(function* () {
    const stats = yield* Ref.make(emptyStats)
    const stop = yield* Deferred.make<void>()
    const fiber = yield* Effect.forkScoped(run(settings, relay, stop, stats))
    yield* Effect.logInfo(
      `${name} started: ${settings.batchSize} rows per round${settings.owner === undefined ? "" : `, claiming as ${settings.owner}`}`
    )
    yield* Effect.addFinalizer(() =>
      Deferred.succeed(stop, undefined).pipe(
        Effect.andThen(Effect.timeoutOption(Fiber.await(fiber), settings.stopMillis)),
        Effect.andThen(Fiber.interrupt(fiber)),
        Effect.andThen(Ref.get(stats)),
        Effect.flatMap((s) => Effect.logInfo(`${name} stopped: ${s.marked} marked sent, ${s.failures} failed`))
      )
    )
    return { stats: Ref.get(stats) }
  })
