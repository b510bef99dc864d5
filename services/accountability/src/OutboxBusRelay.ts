/**
 * The outbox relay for the in-process bus: publishes the event store's outbox rows
 * (written with the events, in their transaction) on core's `Bus`, oldest first, and
 * marks them sent after the bus took them. With NATS the service uses
 * `@gridwork/nats`'s JetStream relay instead (PubAck before marking).
 *
 * A failure (store or bus) is logged and the round is tried again after a second; a
 * crash between publishing and marking publishes the rows again, which the bus
 * de-duplicates by event id.
 *
 * @example
 * ```ts
 * import { OutboxBusRelay } from "@gridwork/service-accountability"
 *
 * const relay = OutboxBusRelay.layer({ pollInterval: "100 millis" }) // needs Outbox and Bus
 * ```
 * @module
 */
import { Bus, Instant, Outbox } from "@gridwork/core"
import { Duration, Effect, Layer } from "effect"

/** Options of the relay. */
export interface Options {
  /** Pause when nothing is pending (default 200 ms). */
  readonly pollInterval?: Duration.Input | undefined
  /** Rows per round (default 256). */
  readonly batchSize?: number | undefined
}

/** Publishes one page of pending rows; returns how many were sent. */
export const round = (batchSize: number) =>
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

/** Relays until interrupted. */
export const run = (options: Options = {}) => {
  const poll = Duration.fromInputUnsafe(options.pollInterval ?? Duration.millis(200))
  const once = round(options.batchSize ?? 256).pipe(
    Effect.flatMap((sent) => (sent === 0 ? Effect.sleep(poll) : Effect.void)),
    Effect.catch((error) =>
      Effect.andThen(Effect.logWarning("outbox relay round failed; retrying", error.message), Effect.sleep("1 second"))
    )
  )
  return Effect.forever(once)
}

/** Runs the relay on a fiber for as long as the layer lives. */
export const layer = (options: Options = {}): Layer.Layer<never, never, Outbox.Outbox | Bus.Bus> =>
  Layer.effectDiscard(Effect.forkScoped(run(options)))
