/**
 * How the service's public events leave it:
 *
 * - {@link layerNats} (`NATS_URL` set): `@gridwork/nats`'s JetStream outbox relay
 *   (each outbox row marked sent after its PubAck, `Nats-Msg-Id` = event id) and core's
 *   `Bus` on JetStream, over one connection.
 * - {@link layerInProcess} (no `NATS_URL`): core's in-process bus and a relay of the
 *   outbox onto it ({@link relayRound}); nothing outside the process sees the events.
 *
 * Either way the events are first stored with their outbox rows in the append's
 * transaction; the relay only moves rows, so a crash never loses or invents an event.
 *
 * @example
 * ```ts
 * import { Transport } from "@gridwork/service-grid"
 *
 * const transport = Transport.layerInProcess({ pollInterval: "100 millis" }) // needs the Outbox
 * ```
 * @module
 */
import { Bus, InMemoryBus, Instant, Outbox } from "@gridwork/core"
import { JetStreamBus, NatsClient, OutboxRelay, Publisher } from "@gridwork/nats"
import { Duration, Effect, Layer, Schema } from "effect"

/** The transport could not start (NATS unreachable, a stream in conflict ...). */
export class TransportStartFailure extends Schema.TaggedError<TransportStartFailure>()("TransportStartFailure", {
  reason: Schema.String
}) {
  override get message(): string {
    return `transport did not start: ${this.reason}`
  }
}

/** Publishes one page of pending outbox rows on the bus, then marks them sent; returns how many. */
export const relayRound = (batchSize: number) =>
  Effect.gen(function* () {
    const outbox = yield* Outbox.Outbox
    const bus = yield* Bus.Bus
    const pending = yield* outbox.pending(batchSize)
    if (pending.length === 0) return 0
    for (const message of pending) yield* bus.publish(message)
    yield* outbox.markSent(
      pending.map((message) => message.event.eventId),
      yield* Instant.now
    )
    return pending.length
  })

/** Options of the in-process relay. */
export interface InProcessOptions {
  /** Pause when nothing is pending (default 100 ms). */
  readonly pollInterval?: Duration.Input | undefined
}

/** In one process: the in-process bus, and the outbox relayed onto it while the layer lives. */
export const layerInProcess = (options: InProcessOptions = {}): Layer.Layer<Bus.Bus, never, Outbox.Outbox> => {
  const poll = Duration.fromInputUnsafe(options.pollInterval ?? Duration.millis(100))
  const loop = relayRound(256).pipe(
    Effect.flatMap((sent) => (sent === 0 ? Effect.sleep(poll) : Effect.void)),
    Effect.catch((error) =>
      Effect.andThen(Effect.logWarning("outbox relay round failed; retrying", error.message), Effect.sleep("1 second"))
    ),
    Effect.forever
  )
  return Layer.effectDiscard(Effect.forkScoped(loop)).pipe(Layer.provideMerge(InMemoryBus.layer))
}

/** On NATS JetStream: the JetStream outbox relay and bus over one connection. */
export const layerNats = (
  url: string
): Layer.Layer<Bus.Bus | OutboxRelay.OutboxRelay, TransportStartFailure, Outbox.Outbox> => {
  const connection = Publisher.layer().pipe(Layer.provideMerge(NatsClient.layer({ url, name: "gridwork-grid" })))
  return Layer.mergeAll(JetStreamBus.layer(), OutboxRelay.layer()).pipe(
    Layer.provide(connection),
    Layer.catch((error: { readonly message: string }) =>
      Layer.effectContext(
        Effect.fail(new TransportStartFailure({ reason: `NATS at ${NatsClient.describeUrl(url)}: ${error.message}` }))
      )
    )
  )
}
