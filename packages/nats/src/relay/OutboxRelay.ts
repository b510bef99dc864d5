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
 * `gw.<locality>.<module>.<event>`) is logged as an error once while it stays stuck,
 * counted in `stats.stuck`, and left pending for an operator, without holding back the
 * rows behind it. When the outbox is empty the relay polls every `pollInterval`. The
 * loop (pages, marking, backoff, stopping) is core's `OutboxRelayLoop`, shared with
 * core's `OutboxBusRelay`; this module gives it the pipelined JetStream publish.
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
import { type Bus, type Outbox, OutboxRelayLoop } from "@gridwork/core"
import { Context, type Deferred, Effect, Layer, type Ref, Result, Schema, type Scope } from "effect"
import { type PublishError, Publisher } from "../jetstream/Publisher"

/** Options of the relay: core's relay options (`batchSize` default 500) and the PubAck window. */
export interface OutboxRelayOptions extends OutboxRelayLoop.Options {
  /** Most publishes awaiting their PubAck at a time (default 256). */
  readonly maxInFlight?: number | undefined
}

/** What the relay has done since it started (core's `OutboxRelayLoop.RelayStats`). */
export type RelayStats = OutboxRelayLoop.RelayStats

/** What one round did. */
export interface RoundResult {
  /** Rows read. */
  readonly read: number
  /** Rows acknowledged by JetStream as new messages. */
  readonly published: number
  /** Rows acknowledged as duplicates (already in the stream inside its window). */
  readonly duplicates: number
  /** Rows marked sent (the acknowledged ones). */
  readonly marked: number
  /** Rows whose publish failed, with the error; they stay pending. */
  readonly failed: ReadonlyArray<{ readonly message: Bus.BusMessage; readonly error: PublishError }>
}

/** Options were invalid: the field and the rule (as core's `OutboxRelayLoop.RelayOptionsInvalid`, same tag). */
export class RelayOptionsInvalid extends Schema.TaggedError<RelayOptionsInvalid>()("RelayOptionsInvalid", {
  field: Schema.String,
  rule: Schema.String
}) {
  /** `outbox relay: field: rule`. */
  override get message(): string {
    return `outbox relay: ${this.field}: ${this.rule}`
  }
}

const ownError = (error: OutboxRelayLoop.RelayOptionsInvalid) =>
  new RelayOptionsInvalid({ field: error.field, rule: error.rule })

/** The running relay. */
export type OutboxRelayShape = OutboxRelayLoop.RelayHandle

/** The relay service, provided by {@link layer} while the relay runs. */
export class OutboxRelay extends Context.Service<OutboxRelay, OutboxRelayShape>()("@gridwork/nats/relay/OutboxRelay") {}

interface Resolved extends OutboxRelayLoop.Settings {
  readonly maxInFlight: number
}

/** Checks the options and applies the defaults. */
export const resolveOptions = (options: OutboxRelayOptions = {}): Result.Result<Resolved, RelayOptionsInvalid> =>
  Result.mapError(
    Result.gen(function* () {
      const settings = yield* OutboxRelayLoop.resolveOptions(options, { batchSize: 500 })
      return { ...settings, maxInFlight: yield* OutboxRelayLoop.positiveInt("maxInFlight", options.maxInFlight, 256) }
    }),
    ownError
  )

/** The JetStream relay: pages published with up to `maxInFlight` PubAcks outstanding; `PublishRejected` is final. */
const relayOf = (options: Resolved): OutboxRelayLoop.Relay<PublishError, Publisher> => ({
  publish: (rows) =>
    Publisher.use((publisher) =>
      Effect.map(publisher.publishMany(rows, { maxInFlight: options.maxInFlight }), (outcomes) =>
        outcomes.map((outcome) => Result.map(outcome, (receipt) => ({ duplicate: receipt.duplicate })))
      )
    ),
  classify: (error) => (error._tag === "PublishRejected" ? "rejected" : "unavailable")
})

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
    const { read, published, duplicates, marked, failed } = yield* OutboxRelayLoop.round(
      resolved,
      relayOf(resolved).publish
    )
    return { read, published, duplicates, marked, failed }
  })

/**
 * Runs rounds until `stop` completes (checked between rounds and during pauses),
 * recording them in `stats`. Never fails: failures are logged and retried with backoff.
 */
export const run = (
  options: OutboxRelayOptions,
  stop: Deferred.Deferred<void>,
  stats: Ref.Ref<RelayStats>
): Effect.Effect<void, RelayOptionsInvalid, Outbox.Outbox | Publisher> =>
  Effect.flatMap(Effect.fromResult(resolveOptions(options)), (resolved) =>
    OutboxRelayLoop.run(resolved, relayOf(resolved), stop, stats)
  )

/** Starts the relay fiber; closing the scope stops it gracefully (see the module documentation). */
export const start = (
  options: OutboxRelayOptions = {}
): Effect.Effect<OutboxRelayShape, RelayOptionsInvalid, Outbox.Outbox | Publisher | Scope.Scope> =>
  Effect.flatMap(Effect.fromResult(resolveOptions(options)), (resolved) =>
    OutboxRelayLoop.start(
      resolved,
      relayOf(resolved),
      `outbox relay (JetStream, ${resolved.maxInFlight} PubAcks in flight)`
    )
  )

/** A layer running the relay for its life; needs an `Outbox` and a {@link Publisher}. */
export const layer = (
  options: OutboxRelayOptions = {}
): Layer.Layer<OutboxRelay, RelayOptionsInvalid, Outbox.Outbox | Publisher> =>
  Layer.effect(OutboxRelay, Effect.map(start(options), OutboxRelay.of))
