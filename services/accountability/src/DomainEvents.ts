/**
 * Domain events in: from the bus (one durable consumer per module whose events the
 * locality's deadlines name, `accountability-<module>` on `gw.<locality>.<module>.>`)
 * and from `POST /v1/events`. Both go through {@link ingest}: the inbox (consumer
 * `accountability`, message id = the event id) records the event in the same
 * transaction as its effects, so an event delivered twice, or by both routes, is
 * handled once.
 *
 * Deliveries are settled by outcome: handled → `ack`; unreadable (its data breaks the
 * facts' Schema) → logged and `term`ed (a poison message is never retried; JetStream
 * keeps it in its stream for inspection); a store or bus failure → `nack` after 5
 * seconds, so it is tried again.
 *
 * @example
 * ```ts
 * import { Effect, Layer } from "effect"
 * import { DomainEvents } from "@gridwork/service-accountability"
 *
 * // in the service's layer: consume for as long as the layer lives
 * const consumers = DomainEvents.layerConsumers
 * ```
 * @module
 */
import { Bus, type Ids, Inbox, type MatterDecider, type SimulationEvent } from "@gridwork/core"
import { Cause, Duration, Effect, Exit, Layer, Option, Schedule, Stream } from "effect"
import * as DerivedIds from "./DerivedIds"
import { fromBusMessage, UnreadableEvent } from "./IncomingEvent"
import { Locality } from "./Locality"
import { type Handled, type MatterStoreFailure, Matters } from "./Matters"

/** The inbox consumer name of every route domain events come in by. */
export const CONSUMER = "accountability"

/** The durable consumer of a module's events. */
export const durableOf = (module: string): string => `accountability-${module}`

/** A domain event with its id (the inbox key). */
export type Identified = SimulationEvent.SimulationEvent & { readonly id: Ids.EventId }

/**
 * Handles one domain event once: `Option.some` with what it did, `Option.none` when
 * the event had been handled before.
 */
export const ingest = (
  event: Identified,
  actor?: string
): Effect.Effect<
  Option.Option<Handled>,
  MatterDecider.MatterError | MatterStoreFailure | Inbox.InboxError,
  Inbox.Inbox | Matters
> =>
  Effect.gen(function* () {
    const inbox = yield* Inbox.Inbox
    const matters = yield* Matters
    return yield* inbox.processOnce(
      CONSUMER,
      event.id,
      matters.handle(
        { _tag: "Observe", event },
        { commandId: DerivedIds.forEvent(event.id), causedBy: event.id, ...(actor === undefined ? {} : { actor }) }
      )
    )
  }).pipe(Effect.withSpan("DomainEvents.ingest", { attributes: { type: event.type } }))

/** How a delivery ended. */
type Settlement = "ack" | "term" | "nack"

const RETRY_DELAY = Duration.seconds(5)

/** Handles one delivery and settles it (see the module documentation). */
export const handleDelivery = (delivery: Bus.Delivery) =>
  Effect.gen(function* () {
    const message = delivery.message
    const exit = yield* Effect.exit(
      Effect.flatMap(fromBusMessage(message), (event) => ingest({ ...event, id: message.event.eventId }))
    )
    let settlement: Settlement = "ack"
    if (Exit.isFailure(exit)) {
      if (Cause.hasInterrupts(exit.cause)) return yield* Effect.interrupt
      const error = Cause.findErrorOption(exit.cause)
      const poison = Option.isSome(error) && error.value instanceof UnreadableEvent
      settlement = poison ? "term" : "nack"
      yield* (poison ? Effect.logError : Effect.logWarning)(
        poison ? "unreadable domain event dropped (terminated)" : "domain event failed; it will be redelivered",
        exit.cause
      ).pipe(
        Effect.annotateLogs({
          eventId: message.event.eventId,
          subject: message.subject,
          deliveryCount: delivery.deliveryCount
        })
      )
    }
    const settle =
      settlement === "ack" ? delivery.ack : settlement === "term" ? delivery.term : delivery.nack(RETRY_DELAY)
    yield* settle.pipe(
      Effect.catch((error) => Effect.logWarning(`could not ${settlement} a delivery`, error.message)),
      Effect.annotateLogs({ eventId: message.event.eventId })
    )
    return settlement
  })

/** Consumes one module's events until interrupted; subscription failures are retried every 5 s. */
export const consumeModule = (module: string) =>
  Effect.gen(function* () {
    const locality = yield* Locality
    const subject = `gw.${locality.id}.${module}.>`
    const durable = durableOf(module)
    const consume = Effect.scoped(
      Effect.gen(function* () {
        const bus = yield* Bus.Bus
        const deliveries = yield* bus.subscribe({ durable, subject, deliver: "all", ackWait: Duration.seconds(60) })
        yield* Effect.logInfo("consuming domain events").pipe(Effect.annotateLogs({ durable, subject }))
        yield* Stream.runForEach(deliveries, handleDelivery)
      })
    )
    return yield* consume.pipe(
      Effect.tapError((error) =>
        Effect.logWarning("domain event consumer failed; resubscribing", error.message).pipe(
          Effect.annotateLogs({ durable, subject })
        )
      ),
      Effect.retry(Schedule.spaced(Duration.seconds(5)))
    )
  })

/** Consumes every module's events for as long as the layer lives. */
export const layerConsumers = Layer.effectDiscard(
  Effect.gen(function* () {
    const locality = yield* Locality
    for (const module of locality.modules) yield* Effect.forkScoped(consumeModule(module))
  })
)

/** The handled-or-duplicate answer of {@link ingest}, for HTTP. */
export type Ingested = Option.Option<Handled>
