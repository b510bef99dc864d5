/**
 * Choosing the bus from configuration: JetStream when a NATS URL is given, core's
 * in-process `InMemoryBus` otherwise (the single-process demo, tests, an embedded
 * module). The choice is logged at start; without NATS the log says, as a warning:
 *
 * > NATS_URL not set: using the in-process bus; events are not shared with other processes
 *
 * Besides `Bus`, the layers provide {@link Transport}, telling the application which
 * one it got, so it can pick the matching relay: core's `OutboxBusRelay` (outbox →
 * whichever `Bus` is provided) for the in-process bus; for JetStream, an application that
 * relays an outbox or runs `EventConsumer`s builds `JetStreamBus.layerNats` (which
 * also provides `NatsClient` and `Publisher`) with `OutboxRelay.layer` on top.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Bus } from "@gridwork/core"
 * import { BusSelection } from "@gridwork/nats"
 *
 * // NATS_URL=nats://127.0.0.1:4222 → JetStream; unset → in-process bus, with the warning logged
 * const program = Effect.gen(function* () {
 *   const bus = yield* Bus.Bus
 *   const transport = yield* BusSelection.Transport
 *   yield* Effect.log(`bus: ${transport.kind}`)
 * }).pipe(Effect.provide(BusSelection.layerConfig()))
 * ```
 * @module
 */
import { type Bus, InMemoryBus } from "@gridwork/core"
import { Config, Context, Effect, Layer, Option } from "effect"
import * as NatsClient from "../jetstream/NatsClient"
import type * as Publisher from "../jetstream/Publisher"
import * as JetStreamBus from "./JetStreamBus"

/** The message logged when no NATS URL is configured. */
export const IN_PROCESS_WARNING =
  "NATS_URL not set: using the in-process bus; events are not shared with other processes"

/** Which bus the layer chose. */
export type TransportInfo = { readonly kind: "jetstream"; readonly url: string } | { readonly kind: "in-process" }

/** Which bus the layer chose (provided by {@link layer} and {@link layerConfig}). */
export class Transport extends Context.Service<Transport, TransportInfo>()("@gridwork/nats/bus/Transport") {}

/** Options of {@link layer}: the NATS URL (absent = in-process) and the JetStream options. */
export interface BusSelectionOptions
  extends Omit<NatsClient.NatsClientOptions, "url">,
    JetStreamBus.JetStreamBusOptions,
    Publisher.PublisherOptions {
  /** The NATS URL; `undefined` or blank selects the in-process bus. */
  readonly url: string | undefined
}

const inProcess: Layer.Layer<Bus.Bus | Transport> = Layer.mergeAll(
  InMemoryBus.layer,
  Layer.succeed(Transport, { kind: "in-process" })
).pipe(Layer.tap(() => Effect.logWarning(IN_PROCESS_WARNING)))

/**
 * JetStream when `options.url` is set (the `Bus`, plus its `NatsClient` and
 * `Publisher`), the in-process bus otherwise; logs the choice.
 */
export const layer = (
  options: BusSelectionOptions
): Layer.Layer<Bus.Bus | Transport, NatsClient.NatsConnectFailure | Publisher.PublishError> => {
  const url = options.url?.trim()
  if (url === undefined || url === "") return inProcess
  return JetStreamBus.layerNats({ ...options, url }, options).pipe(
    Layer.merge(Layer.succeed(Transport, { kind: "jetstream", url: NatsClient.describeUrl(url) })),
    Layer.tap(() => Effect.logInfo(`using the JetStream bus at ${NatsClient.describeUrl(url)}`))
  )
}

/** {@link layer} with the URL read from `NATS_URL` (absent or blank = in-process). */
export const layerConfig = (
  options: Omit<BusSelectionOptions, "url"> = {}
): Layer.Layer<Bus.Bus | Transport, NatsClient.NatsConnectFailure | Publisher.PublishError | Config.ConfigError> =>
  Layer.unwrap(
    Effect.map(Config.option(Config.String("NATS_URL")), (url) =>
      layer({ ...options, url: Option.getOrUndefined(url) })
    )
  )
