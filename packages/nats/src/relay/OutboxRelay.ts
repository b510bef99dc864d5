/**
 * The outbox relay: moves the rows of core's `Outbox` (written with the events, in the
 * same transaction) to JetStream, and marks each row sent **only after its PubAck**.
 *
 * Each round reads a page of unsent rows, oldest first (`pending`, or `claim` with a
 * lease when several relays share an outbox), publishes them with up to
 * `maxInFlight` PubAcks outstanding (publishes leave in outbox order on one
 * connection, so the stream keeps that order), then marks the acknowledged ones sent
 * in one `markSent`. What was not acknowledged stays pending and is published again
 * in a later round: after a crash between the PubAck and `markSent`, or a PubAck lost
 * to a timeout, the same event id goes out twice, and JetStream stores it once inside
 * its duplicate window (`Nats-Msg-Id` = event id); past the window, consumers'
 * inboxes absorb it. Retried rows may then reach the stream after newer ones:
 * consumers needing stream order check `streamVersion`.
 *
 * Failures (NATS down, outbox store down) are logged, counted in {@link RelayStats},
 * and retried with exponential backoff (`retry.initial` doubling up to `retry.max`);
 * a row that can never be published (`PublishRejected`: its subject is not
 * `gw.<locality>.<module>.<event>`) is logged as an error every round and left
 * pending for an operator, without holding back the rows behind it. When the outbox is
 * empty the relay polls every `pollInterval`.
 *
 * {@link layer} runs the relay as a fiber for the life of the layer. Closing the layer
 * stops it gracefully: the round in progress finishes (its PubAcks are awaited and
 * its rows marked) within `stopTimeout`, then the fiber is interrupted.
 *
 * @example
 * ```ts
 * import { Layer } from "effect"
 * import { InMemoryOutbox, Outbox } from "@gridwork/core"
 * import { NatsClient, OutboxRelay, Publisher } from "@gridwork/nats"
 *
 * const relay = OutboxRelay.layer({ maxInFlight: 256 }).pipe(
 *   Layer.provide(Publisher.layer()),
 *   Layer.provide(NatsClient.layer({ url: "nats://127.0.0.1:4222" })),
 *   Layer.provide(InMemoryOutbox.layer(Outbox.moduleSubjects({ module: "petition", locality: "lanxi" })))
 * )
 * ```
 * @module
 */
import { type Bus, Instant, Outbox } from "@gridwork/core"
import { Context, Deferred, type Duration, Effect, Exit, Fiber, Layer, Ref, Result, Schema, type Scope } from "effect"
import { DURATION_RULE, positiveMillis } from "../internal/Durations"
import { type PublishError, Publisher } from "../jetstream/Publisher"

/** Options of the relay. */
export interface OutboxRelayOptions {
  /** Rows read per round (default 500). */
  readonly batchSize?: number | undefined
  /** Most publishes awaiting their PubAck at a time (default 256). */
  readonly maxInFlight?: number | undefined
  /** Pause when the outbox has nothing to send (default 100 ms). */
  readonly pollInterval?: Duration.Input | undefined
  /** Backoff after a failed round: first pause, doubling up to the longest (default 200 ms → 10 s). */
  readonly retry?: { readonly initial?: Duration.Input | undefined; readonly max?: Duration.Input | undefined }
  /** Claim rows with a lease under this owner name, for several relays on one outbox (default: one relay, `pending`). */
  readonly owner?: string | undefined
  /** How long a claim lasts (default 60 seconds); longer than a round takes. */
  readonly lease?: Duration.Input | undefined
  /** How long closing the layer waits for the round in progress (default 10 seconds). */
  readonly stopTimeout?: Duration.Input | undefined
}

/** What the relay has done since it started. */
export interface RelayStats {
  /** Rounds that read at least one row. */
  readonly rounds: number
  /** Rows acknowledged by JetStream as new messages. */
  readonly published: number
  /** Rows acknowledged as duplicates (already in the stream inside its window). */
  readonly duplicates: number
  /** Rows marked sent. */
  readonly marked: number
  /** Failed publishes and failed outbox calls. */
  readonly failures: number
  /** The last failure, for health checks. */
  readonly lastError: string | undefined
}

/** What one round did. */
export interface RoundResult {
  /** Rows read. */
  readonly read: number
  /** Rows acknowledged as new messages. */
  readonly published: number
  /** Rows acknowledged as duplicates. */
  readonly duplicates: number
  /** Rows marked sent (the acknowledged ones). */
  readonly marked: number
  /** Rows whose publish failed, with the error; they stay pending. */
  readonly failed: ReadonlyArray<{ readonly message: Bus.BusMessage; readonly error: PublishError }>
}

/** Options were invalid. */
export class RelayOptionsInvalid extends Schema.TaggedError<RelayOptionsInvalid>()("RelayOptionsInvalid", {
  field: Schema.String,
  rule: Schema.String
}) {
  /** `field: rule`. */
  override get message(): string {
    return `outbox relay: ${this.field}: ${this.rule}`
  }
}

/** The running relay. */
export interface OutboxRelayShape {
  /** Counters since start. */
  readonly stats: Effect.Effect<RelayStats>
}

/** The relay service, provided by {@link layer} while the relay runs. */
export class OutboxRelay extends Context.Service<OutboxRelay, OutboxRelayShape>()("@gridwork/nats/relay/OutboxRelay") {}

interface Resolved {
  readonly batchSize: number
  readonly maxInFlight: number
  readonly pollMillis: number
  readonly retryInitialMillis: number
  readonly retryMaxMillis: number
  readonly owner: string | undefined
  readonly leaseMillis: number
  readonly stopMillis: number
}

const positiveInt = (
  field: string,
  value: number | undefined,
  fallback: number
): Result.Result<number, RelayOptionsInvalid> =>
  value === undefined
    ? Result.succeed(fallback)
    : Number.isSafeInteger(value) && value > 0
      ? Result.succeed(value)
      : Result.fail(new RelayOptionsInvalid({ field, rule: `expected a positive integer, got ${value}` }))

const millis = (
  field: string,
  value: Duration.Input | undefined,
  fallback: number
): Result.Result<number, RelayOptionsInvalid> => {
  const checked = positiveMillis(value, fallback)
  return checked === undefined
    ? Result.fail(new RelayOptionsInvalid({ field, rule: DURATION_RULE }))
    : Result.succeed(checked)
}

/** Checks the options and applies the defaults. */
export const resolveOptions = (options: OutboxRelayOptions = {}): Result.Result<Resolved, RelayOptionsInvalid> =>
  Result.gen(function* () {
    const owner = options.owner
    if (owner !== undefined && !/^[A-Za-z0-9_.-]{1,64}$/.test(owner)) {
      return yield* Result.fail(
        new RelayOptionsInvalid({ field: "owner", rule: "an owner name is 1-64 letters, digits, '_', '-' or '.'" })
      )
    }
    const retryInitialMillis = yield* millis("retry.initial", options.retry?.initial, 200)
    const retryMaxMillis = yield* millis("retry.max", options.retry?.max, 10_000)
    if (retryMaxMillis < retryInitialMillis) {
      return yield* Result.fail(new RelayOptionsInvalid({ field: "retry.max", rule: "must be at least retry.initial" }))
    }
    return {
      batchSize: yield* positiveInt("batchSize", options.batchSize, 500),
      maxInFlight: yield* positiveInt("maxInFlight", options.maxInFlight, 256),
      pollMillis: yield* millis("pollInterval", options.pollInterval, 100),
      retryInitialMillis,
      retryMaxMillis,
      owner,
      leaseMillis: yield* millis("lease", options.lease, 60_000),
      stopMillis: yield* millis("stopTimeout", options.stopTimeout, 10_000)
    }
  })

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/**
 * One round: reads a page of unsent rows, publishes them (at most `maxInFlight`
 * awaiting their PubAck), marks the acknowledged ones sent. Fails only when the
 * outbox itself fails; failed publishes are reported in the result and stay pending.
 */
export const round = (
  options: OutboxRelayOptions = {}
): Effect.Effect<RoundResult, Outbox.OutboxError | RelayOptionsInvalid, Outbox.Outbox | Publisher> =>
  Effect.gen(function* () {
    const resolved = yield* Effect.fromResult(resolveOptions(options))
    return yield* roundWith(resolved)
  })

const roundWith = (options: Resolved): Effect.Effect<RoundResult, Outbox.OutboxError, Outbox.Outbox | Publisher> =>
  Effect.gen(function* () {
    const outbox = yield* Outbox.Outbox
    const publisher = yield* Publisher
    const rows =
      options.owner === undefined
        ? yield* outbox.pending(options.batchSize)
        : yield* outbox.claim({
            owner: options.owner,
            limit: options.batchSize,
            now: yield* Instant.now,
            leaseMillis: options.leaseMillis
          })
    if (rows.length === 0) return { read: 0, published: 0, duplicates: 0, marked: 0, failed: [] }
    const outcomes = yield* publisher.publishMany(rows, { maxInFlight: options.maxInFlight })
    const acknowledged: Array<string> = []
    const failed: Array<{ readonly message: Bus.BusMessage; readonly error: PublishError }> = []
    let duplicates = 0
    outcomes.forEach((outcome, index) => {
      const message = rows[index]!
      if (Result.isSuccess(outcome)) {
        acknowledged.push(message.event.eventId)
        if (outcome.success.duplicate) duplicates++
      } else {
        failed.push({ message, error: outcome.failure })
      }
    })
    // Only now, after the PubAcks: a row is sent when JetStream has the message.
    const marked = acknowledged.length === 0 ? 0 : yield* outbox.markSent(acknowledged, yield* Instant.now)
    return { read: rows.length, published: acknowledged.length - duplicates, duplicates, marked, failed }
  })

const emptyStats: RelayStats = { rounds: 0, published: 0, duplicates: 0, marked: 0, failures: 0, lastError: undefined }

/**
 * Runs rounds until `stop` completes (checked between rounds and during pauses),
 * recording them in `stats`. Never fails: failures are logged and retried with backoff.
 */
export const run = (
  options: OutboxRelayOptions,
  stop: Deferred.Deferred<void>,
  stats: Ref.Ref<RelayStats>
): Effect.Effect<void, RelayOptionsInvalid, Outbox.Outbox | Publisher> =>
  Effect.gen(function* () {
    const resolved = yield* Effect.fromResult(resolveOptions(options))
    const pauseOrStop = (ms: number) => Effect.raceFirst(Effect.sleep(ms), Deferred.await(stop))
    let consecutiveFailures = 0
    while (!(yield* Deferred.isDone(stop))) {
      const exit = yield* Effect.exit(roundWith(resolved))
      if (Exit.isFailure(exit)) {
        consecutiveFailures++
        const error = exit.cause
        yield* Ref.update(stats, (s) => ({ ...s, failures: s.failures + 1, lastError: String(error) }))
        yield* Effect.logWarning("outbox relay: the outbox failed; retrying", error)
      } else {
        const result = exit.value
        const transient = result.failed.filter((failure) => failure.error._tag !== "PublishRejected")
        for (const failure of result.failed) {
          if (failure.error._tag === "PublishRejected") {
            yield* Effect.logError(
              `outbox relay: event ${failure.message.event.eventId} can never be published as it is; it stays pending: ${failure.error.message}`
            )
          }
        }
        yield* Ref.update(stats, (s) => ({
          rounds: s.rounds + (result.read > 0 ? 1 : 0),
          published: s.published + result.published,
          duplicates: s.duplicates + result.duplicates,
          marked: s.marked + result.marked,
          failures: s.failures + result.failed.length,
          lastError: result.failed.length > 0 ? describe(result.failed[0]!.error) : s.lastError
        }))
        if (transient.length > 0) {
          consecutiveFailures++
          yield* Effect.logWarning(
            `outbox relay: ${transient.length} of ${result.read} publishes failed; they stay pending and are retried: ${describe(transient[0]!.error)}`
          )
        } else {
          consecutiveFailures = 0
          // A full page means more is waiting; otherwise poll again later.
          if (result.read - result.failed.length === 0) yield* pauseOrStop(resolved.pollMillis)
          continue
        }
      }
      const backoff = Math.min(
        resolved.retryMaxMillis,
        resolved.retryInitialMillis * 2 ** Math.min(consecutiveFailures - 1, 30)
      )
      yield* pauseOrStop(backoff)
    }
  })

/** Starts the relay fiber; closing the scope stops it gracefully (see the module documentation). */
export const start = (
  options: OutboxRelayOptions = {}
): Effect.Effect<OutboxRelayShape, RelayOptionsInvalid, Outbox.Outbox | Publisher | Scope.Scope> =>
  Effect.gen(function* () {
    const resolved = yield* Effect.fromResult(resolveOptions(options))
    const stats = yield* Ref.make(emptyStats)
    const stop = yield* Deferred.make<void>()
    const fiber = yield* Effect.forkScoped(run(options, stop, stats))
    yield* Effect.logInfo(
      `outbox relay started: ${resolved.batchSize} rows per round, ${resolved.maxInFlight} PubAcks in flight${resolved.owner === undefined ? "" : `, claiming as ${resolved.owner}`}`
    )
    yield* Effect.addFinalizer(() =>
      Deferred.succeed(stop, undefined).pipe(
        Effect.andThen(Effect.timeoutOption(Fiber.await(fiber), resolved.stopMillis)),
        Effect.andThen(Fiber.interrupt(fiber)),
        Effect.andThen(Ref.get(stats)),
        Effect.flatMap((s) =>
          Effect.logInfo(`outbox relay stopped: ${s.marked} rows marked sent, ${s.failures} failures`)
        )
      )
    )
    return { stats: Ref.get(stats) }
  })

/** A layer running the relay for its life; needs an `Outbox` and a {@link Publisher}. */
export const layer = (
  options: OutboxRelayOptions = {}
): Layer.Layer<OutboxRelay, RelayOptionsInvalid, Outbox.Outbox | Publisher> =>
  Layer.effect(OutboxRelay, Effect.map(start(options), OutboxRelay.of))
