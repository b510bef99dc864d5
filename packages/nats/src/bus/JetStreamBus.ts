/**
 * Core's `Bus` port on NATS JetStream: messages are CloudEvents published with
 * `Nats-Msg-Id` = event id (de-duplicated inside the stream's window), and every
 * durable is a JetStream durable pull consumer with explicit acknowledgements.
 *
 * | Bus                               | JetStream                                            |
 * | --------------------------------- | ---------------------------------------------------- |
 * | `publish`                         | `js.publish` + PubAck (`duplicate`, original `seq`)  |
 * | durable + subject pattern         | durable pull consumer with `filter_subject`          |
 * | `deliver: "all" / "new"`          | `deliver_policy: all / new`                          |
 * | `ackWait`, `maxDeliveries`        | `ack_wait`, `max_deliver`                            |
 * | `ack` / `nack(delay)` / `term`    | `+ACK` (confirmed) / `-NAK {delay}` / `+TERM`        |
 * | scope closed                      | unsettled deliveries nak'ed at once                  |
 *
 * **Layouts.** With {@link StreamLayout.single} (one stream `gw.>`) any pattern under
 * `gw.` works and the bus passes core's `busContract` in full. With the default
 * {@link StreamLayout.perModule} a durable lives in its module's stream, so a
 * subscription must name its locality and module (`gw.lanxi.petition.>`): patterns
 * spanning streams (`gw.*.petition.>`, `gw.lanxi.>`) fail with `InvalidBusRequest`
 * (path `subject`) saying so, and durable names are per stream (the same name in two
 * modules is two durables). Subscribe once per module instead.
 *
 * A message that is not a valid Gridwork CloudEvent never reaches the subscriber: it
 * is dead-lettered to `gw.<locality>.dlq.<module>` and terminated (see `DeadLetter`).
 *
 * @example
 * ```ts
 * import { Effect, Layer, Stream } from "effect"
 * import { Bus } from "@gridwork/core"
 * import { JetStreamBus } from "@gridwork/nats"
 *
 * const layer = JetStreamBus.layerNats({ url: "nats://127.0.0.1:4222" })
 * const program = Effect.gen(function* () {
 *   const bus = yield* Bus.Bus
 *   const deliveries = yield* bus.subscribe({ durable: "risk-petition", subject: "gw.lanxi.petition.>" })
 *   yield* Stream.runForEach(deliveries, (delivery) => delivery.ack)
 * }).pipe(Effect.scoped, Effect.provide(layer))
 * ```
 * @module
 */
import { Bus } from "@gridwork/core"
import type { JsMsg } from "@nats-io/jetstream"
import { Duration, Effect, Layer, Result, Stream } from "effect"
import * as DeadLetter from "../consumer/DeadLetter"
import * as CloudEventEnvelope from "../envelope/CloudEventEnvelope"
import { DURATION_RULE, positiveMillis } from "../internal/Durations"
import * as PullSubscription from "../internal/PullSubscription"
import * as Consumers from "../jetstream/Consumers"
import * as NatsClient from "../jetstream/NatsClient"
import type { NatsUnavailable } from "../jetstream/NatsUnavailable"
import * as Publisher from "../jetstream/Publisher"
import * as StreamLayout from "../jetstream/StreamLayout"

/** Options of {@link make}. */
export interface JetStreamBusOptions {
  /** Most messages a subscription fetches ahead of its reader (default 64). */
  readonly batch?: number | undefined
  /** How long one pull request stays open (default 5 seconds, at least 1 second). */
  readonly pullExpires?: Duration.Input | undefined
}

/** Builds the bus on a {@link NatsClient.NatsClient} and a {@link Publisher.Publisher}. */
export const make = (options: JetStreamBusOptions = {}) =>
  Effect.gen(function* () {
    const client = yield* NatsClient.NatsClient
    const publisher = yield* Publisher.Publisher
    const batch = options.batch ?? 64
    if (!Number.isSafeInteger(batch) || batch < 1) {
      return yield* Effect.die(new TypeError(`JetStreamBus: batch: expected a positive integer, got ${batch}`))
    }
    const pullExpires = positiveMillis(options.pullExpires, 5_000)
    if (pullExpires === undefined) {
      return yield* Effect.die(new TypeError(`JetStreamBus: pullExpires: ${DURATION_RULE}`))
    }
    const expiresMillis = Math.max(1_000, pullExpires)

    const unavailable = (operation: Bus.Operation) => (cause: unknown) => new Bus.BusUnavailable({ operation, cause })

    const publish: Bus.BusService["publish"] = (message) =>
      Effect.gen(function* () {
        const valid = yield* Bus.validatePublish(message)
        const placement = StreamLayout.forSubject(client.layout, valid.subject)
        if (Result.isFailure(placement)) {
          return yield* new Bus.InvalidBusRequest({ operation: "publish", path: "subject", reason: placement.failure })
        }
        const receipt = yield* publisher
          .publish(valid)
          .pipe(
            Effect.mapError((error) =>
              error._tag === "PublishRejected"
                ? new Bus.InvalidBusRequest({ operation: "publish", path: error.path, reason: error.reason })
                : unavailable("publish")(error)
            )
          )
        return { sequence: receipt.sequence, duplicate: receipt.duplicate }
      })

    const subscribe: Bus.BusService["subscribe"] = (subscribeOptions) =>
      Effect.gen(function* () {
        const resolved = yield* Bus.validateSubscribe(subscribeOptions)
        const placement = StreamLayout.forPattern(client.layout, resolved.subject)
        if (Result.isFailure(placement)) {
          return yield* new Bus.InvalidBusRequest({
            operation: "subscribe",
            path: "subject",
            reason: placement.failure
          })
        }
        const label = `${resolved.durable}@${placement.success.name}`
        const pull = yield* PullSubscription.open({
          label,
          connection: client.connection,
          connect: Consumers.ensure(client, placement.success, {
            durable: resolved.durable,
            filterSubject: resolved.subject,
            deliver: resolved.deliver,
            ackWaitMillis: resolved.ackWaitMillis,
            maxDeliver: Number.isFinite(resolved.maxDeliveries) ? resolved.maxDeliveries : -1
          }).pipe(
            Effect.mapError((error) =>
              error._tag === "ConsumerConflict"
                ? new Bus.DurableConflict({
                    durable: error.durable,
                    existingSubject: error.existingSubject,
                    requestedSubject: error.requestedSubject
                  })
                : unavailable("subscribe")(error)
            )
          ),
          batch,
          expiresMillis,
          retryMillis: { initial: 200, max: 5_000 },
          ackTimeoutMillis: client.timeoutMillis
        })

        const toDelivery = (message: Bus.BusMessage, raw: JsMsg): Bus.Delivery => ({
          message,
          deliveryCount: raw.info.deliveryCount,
          ack: Effect.mapError(pull.ack(raw), unavailable("ack")),
          nack: (delay) =>
            Effect.mapError(
              pull.nak(raw, delay === undefined ? 0 : Duration.toMillis(Duration.fromInputUnsafe(delay))),
              unavailable("nack")
            ),
          term: Effect.mapError(pull.term(raw), unavailable("term"))
        })

        /** An undecodable message is dead-lettered and terminated; the subscriber never sees it. */
        const reject = (raw: JsMsg, reason: string): Effect.Effect<void> =>
          Effect.logWarning(`${label}: dead-lettering message #${raw.seq} on ${raw.subject}: ${reason}`).pipe(
            Effect.andThen(
              DeadLetter.isDeadLetterSubject(raw.subject)
                ? Effect.void
                : Effect.asVoid(DeadLetter.publish(raw, resolved.durable, reason))
            ),
            Effect.andThen(pull.term(raw)),
            Effect.catch((error: Publisher.PublishError) =>
              Effect.andThen(
                Effect.logWarning(`${label}: cannot dead-letter #${raw.seq}, will retry: ${error.message}`),
                Effect.ignore(pull.nak(raw, 1_000))
              )
            ),
            Effect.provideService(Publisher.Publisher, publisher)
          )

        const next: Effect.Effect<Bus.Delivery, Bus.BusUnavailable> = Effect.flatMap(
          Effect.mapError(pull.take, (error: NatsUnavailable) => unavailable("subscribe")(error)),
          (raw) => {
            const decoded = CloudEventEnvelope.decode(raw.subject, raw.data)
            return Result.isSuccess(decoded)
              ? Effect.succeed(toDelivery(decoded.success, raw))
              : Effect.andThen(
                  reject(raw, `undecodable: ${decoded.failure.path}: ${decoded.failure.reason}`),
                  Effect.suspend(() => next)
                )
          }
        )
        return Stream.fromEffectRepeat(next)
      })

    return Bus.Bus.of({ publish, subscribe })
  })

/** A layer with the JetStream {@link Bus.Bus}; needs a {@link NatsClient.NatsClient} and a {@link Publisher.Publisher}. */
export const layer = (
  options: JetStreamBusOptions = {}
): Layer.Layer<Bus.Bus, never, NatsClient.NatsClient | Publisher.Publisher> => Layer.effect(Bus.Bus, make(options))

/** A layer with the JetStream {@link Bus.Bus} and its own connection and publisher. */
export const layerNats = (
  natsOptions: NatsClient.NatsClientOptions,
  options: JetStreamBusOptions & Publisher.PublisherOptions = {}
): Layer.Layer<
  Bus.Bus | NatsClient.NatsClient | Publisher.Publisher,
  NatsClient.NatsConnectFailure | Publisher.PublishError
> =>
  layer(options).pipe(Layer.provideMerge(Publisher.layer(options)), Layer.provideMerge(NatsClient.layer(natsOptions)))
