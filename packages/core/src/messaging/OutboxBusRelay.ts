/**
 * The outbox relay onto core's {@link Bus}: moves the rows of an {@link Outbox}
 * (written by the event store in the append's transaction) to whichever `Bus` is
 * provided (`InMemoryBus` in one process, `JetStreamBus` from `@gridwork/nats`) and
 * marks each row sent **only after the bus accepted it**.
 *
 * Each round reads a page of unsent rows, oldest first (`pending`, or `claim` with a
 * lease under `owner` when several relays share one outbox), publishes them one at a
 * time in that order as they are stored (the bus de-duplicates by `event.eventId`,
 * JetStream's `Nats-Msg-Id`), then marks the accepted ones sent in one `markSent`.
 *
 * - **The bus is unavailable** (`BusUnavailable`): the round stops publishing; the
 *   rows accepted before are marked, the failed row and those behind it stay pending
 *   and go out, in order, in a later round.
 * - **The bus rejects a row** (`InvalidBusRequest`, e.g. a subject JetStream has no
 *   stream for): it can never be published as it is. It is logged as an error (once
 *   while it stays stuck), counted in `stats.stuck`, and left pending for
 *   an operator, without holding back the rows behind it. (A whole page of such rows
 *   does hold the relay back: `pending` returns the oldest rows first.)
 * - **The outbox fails**: the round fails; nothing accepted is lost, it is published
 *   again later and de-duplicated by the bus.
 *
 * A failed round is logged, counted, and retried after an exponential backoff
 * (`retry.initial`, doubling up to `retry.max`). When the outbox is empty the relay
 * looks again every `pollInterval`. A crash between the bus's acceptance and
 * `markSent` publishes the same event id again, which the bus de-duplicates (in memory
 * forever, on JetStream inside its window) and idempotent consumers absorb (`Inbox`).
 * Time comes from `Clock`, so `TestClock` drives it. The loop, its options and its
 * stats are `OutboxRelayLoop`'s; this module gives it the `Bus` as its publish step.
 *
 * {@link layer} runs the relay on a fiber for the life of the layer. Closing the layer
 * stops it gracefully: the round in progress finishes (its rows are marked) within
 * `stopTimeout`, then the fiber is interrupted. `@gridwork/nats`'s `OutboxRelay` does
 * the same straight to JetStream with many PubAcks in flight, for throughput.
 *
 * @example
 * ```ts
 * import { Effect, Layer, Stream } from "effect"
 * import { Bus, EventStore, Ids, InMemoryBus, InMemoryOutbox, Instant, Outbox, OutboxBusRelay } from "@gridwork/core"
 *
 * const stores = InMemoryOutbox.layer(Outbox.moduleSubjects({ module: "petition", locality: "lanxi" }))
 * const relay = OutboxBusRelay.layer({ pollInterval: "50 millis" }).pipe(
 *   Layer.provideMerge(Layer.mergeAll(stores, InMemoryBus.layer))
 * )
 *
 * const program = Effect.gen(function* () {
 *   const bus = yield* Bus.Bus
 *   const deliveries = yield* bus.subscribe({ durable: "readme", subject: "gw.lanxi.petition.>" })
 *   const store = yield* EventStore.EventStore
 *   yield* store.append("petition-1", "no-stream", [
 *     { eventId: yield* Ids.makeEventId, type: "PetitionRegistered", schemaVersion: 1, data: {}, metadata: {}, occurredAt: yield* Instant.now }
 *   ])
 *   const [delivery] = yield* Stream.runCollect(Stream.take(deliveries, 1))
 *   console.log(delivery!.message.subject) // gw.lanxi.petition.petition-registered
 * }).pipe(Effect.scoped, Effect.provide(relay))
 *
 * Effect.runPromise(program)
 * ```
 * @module
 */
import { Context, Effect, Layer, Result, type Scope } from "effect"
import { Bus, type PublishError } from "../events/Bus"
import type { Outbox, OutboxError } from "./Outbox"
import * as OutboxRelayLoop from "./OutboxRelayLoop"

/** Options of the relay (see `OutboxRelayLoop.Options`); `batchSize` defaults to 256. */
export type Options = OutboxRelayLoop.Options

/** What one round did; failures carry the bus's error. */
export type RoundResult = OutboxRelayLoop.RoundResult<PublishError>

/** The running relay: its counters since start. */
export type OutboxBusRelayShape = OutboxRelayLoop.RelayHandle

/** The relay service, provided by {@link layer} while the relay runs. */
export class OutboxBusRelay extends Context.Service<OutboxBusRelay, OutboxBusRelayShape>()(
  "@gridwork/core/messaging/OutboxBusRelay"
) {}

/** Checks the options and applies the defaults; the error names the first bad field and its rule. */
export const resolveOptions = (
  options: Options = {}
): Result.Result<OutboxRelayLoop.Settings, OutboxRelayLoop.RelayOptionsInvalid> =>
  OutboxRelayLoop.resolveOptions(options, { batchSize: 256 })

/** Publishes the rows one at a time, in order, and stops at the first `BusUnavailable` (the rest is not tried). */
const publishPage: OutboxRelayLoop.PublishPage<PublishError, Bus> = (rows) =>
  Effect.gen(function* () {
    const bus = yield* Bus
    const outcomes: Array<OutboxRelayLoop.Outcome<PublishError>> = []
    for (const message of rows) {
      const outcome = yield* Effect.result(bus.publish(message))
      outcomes.push(outcome)
      // A rejected row is skipped; an unavailable bus ends the page, keeping the order.
      if (Result.isFailure(outcome) && outcome.failure._tag === "BusUnavailable") break
    }
    return outcomes
  })

/** The relay onto the `Bus`: its publish step and failure classes. */
export const relay: OutboxRelayLoop.Relay<PublishError, Bus> = {
  publish: publishPage,
  classify: (error) => (error._tag === "InvalidBusRequest" ? "rejected" : "unavailable")
}

/**
 * One round: reads a page of unsent rows, publishes them in order, marks the accepted
 * ones sent. Fails only when the options or the outbox do; failed publishes are in
 * the result, and their rows stay pending.
 */
export const round = (
  options: Options = {}
): Effect.Effect<RoundResult, OutboxError | OutboxRelayLoop.RelayOptionsInvalid, Outbox | Bus> =>
  Effect.flatMap(Effect.fromResult(resolveOptions(options)), (settings) => OutboxRelayLoop.round(settings, publishPage))

/** Starts the relay fiber; closing the scope stops it gracefully (see the module documentation). */
export const start = (
  options: Options = {}
): Effect.Effect<OutboxBusRelayShape, OutboxRelayLoop.RelayOptionsInvalid, Outbox | Bus | Scope.Scope> =>
  Effect.flatMap(Effect.fromResult(resolveOptions(options)), (settings) =>
    OutboxRelayLoop.start(settings, relay, "outbox relay (bus)")
  )

/** A layer running the relay for its life; needs an `Outbox` and a {@link Bus}. */
export const layer = (
  options: Options = {}
): Layer.Layer<OutboxBusRelay, OutboxRelayLoop.RelayOptionsInvalid, Outbox | Bus> =>
  Layer.effect(OutboxBusRelay, Effect.map(start(options), OutboxBusRelay.of))
