/**
 * How the service's public events leave it:
 *
 * - {@link layerNats} (`NATS_URL` set): `@gridwork/nats`'s JetStream outbox relay
 *   (each outbox row marked sent after its PubAck, `Nats-Msg-Id` = event id) and core's
 *   `Bus` on JetStream, over one connection.
 * - {@link layerInProcess} (no `NATS_URL`): core's in-process bus and core's
 *   `OutboxBusRelay` moving the outbox onto it (marked sent after the bus accepted it);
 *   nothing outside the process sees the events.
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
import { type Bus, InMemoryBus, type Outbox, OutboxBusRelay } from "@gridwork/core"
import { JetStreamBus, NatsClient, OutboxRelay, Publisher } from "@gridwork/nats"
import { Effect, Layer, Schema } from "effect"

/** The transport could not start (NATS unreachable, a stream in conflict ...). */
export class TransportStartFailure extends Schema.TaggedError<TransportStartFailure>()("TransportStartFailure", {
  reason: Schema.String
}) {
  override get message(): string {
    return `transport did not start: ${this.reason}`
  }
}

/** In one process: the in-process bus, and core's `OutboxBusRelay` moving the outbox onto it while the layer lives. */
export const layerInProcess = (
  options: OutboxBusRelay.Options = {}
): Layer.Layer<Bus.Bus | OutboxBusRelay.OutboxBusRelay, TransportStartFailure, Outbox.Outbox> =>
  OutboxBusRelay.layer(options).pipe(
    Layer.provideMerge(InMemoryBus.layer),
    Layer.catch((error) =>
      Layer.effectContext(Effect.fail(new TransportStartFailure({ reason: `in-process bus: ${error.message}` })))
    )
  )

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
