/**
 * How domain events reach the service and its own events leave it:
 *
 * - {@link layerNats} (`NATS_URL` set): core's `Bus` on JetStream (the module
 *   consumers read `gw.<locality>.<module>.>` as durable pull consumers) and the
 *   JetStream outbox relay (each outbox row is marked sent after its PubAck, with
 *   `Nats-Msg-Id` = event id).
 * - {@link layerInProcess} (no `NATS_URL`): core's in-process bus and core's
 *   `OutboxBusRelay` moving the outbox onto it (each row marked sent after the bus
 *   accepted it). Nothing outside the process sees the events; `POST /v1/events` is the
 *   way in.
 *
 * @example
 * ```ts
 * import { Transport } from "@gridwork/service-accountability"
 *
 * const transport = Transport.layerInProcess() // needs the Outbox of the stores
 * ```
 * @module
 */
import { type Bus, InMemoryBus, type Outbox, OutboxBusRelay, type OutboxRelayLoop } from "@gridwork/core"
import { JetStreamBus, NatsClient, OutboxRelay, Publisher } from "@gridwork/nats"
import { Layer, Schema } from "effect"
import * as LayerErrors from "./internal/LayerErrors"

/** The transport could not start (NATS unreachable, a stream in conflict ...). */
export class TransportStartFailure extends Schema.TaggedError<TransportStartFailure>()("TransportStartFailure", {
  reason: Schema.String,
  cause: Schema.optional(Schema.Defect())
}) {
  override get message(): string {
    return `transport did not start: ${this.reason}`
  }
}

/**
 * In one process: the in-process bus, and core's `OutboxBusRelay` moving the outbox onto
 * it while the layer lives (looking every 200 ms when idle unless `pollInterval` says
 * otherwise).
 */
export const layerInProcess = (
  options: OutboxBusRelay.Options = {}
): Layer.Layer<Bus.Bus | OutboxBusRelay.OutboxBusRelay, TransportStartFailure, Outbox.Outbox> =>
  OutboxBusRelay.layer({ ...options, pollInterval: options.pollInterval ?? "200 millis" }).pipe(
    Layer.provideMerge(InMemoryBus.layer),
    LayerErrors.mapError(
      (cause: OutboxRelayLoop.RelayOptionsInvalid) =>
        new TransportStartFailure({ reason: `in-process bus: ${cause.message}`, cause })
    )
  )

/** On NATS JetStream: the JetStream bus and outbox relay over one connection. */
export const layerNats = (
  url: string
): Layer.Layer<Bus.Bus | OutboxRelay.OutboxRelay, TransportStartFailure, Outbox.Outbox> => {
  const connection = Publisher.layer().pipe(
    Layer.provideMerge(NatsClient.layer({ url, name: "gridwork-accountability" }))
  )
  return Layer.mergeAll(JetStreamBus.layer(), OutboxRelay.layer()).pipe(
    Layer.provide(connection),
    LayerErrors.mapError(
      (cause: { readonly message: string }) =>
        new TransportStartFailure({ reason: `NATS at ${url}: ${cause.message}`, cause })
    )
  )
}
