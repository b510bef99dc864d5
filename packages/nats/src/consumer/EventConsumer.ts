/**
 * Durable, idempotent event consumers on JetStream.
 *
 * A consumer pulls one module's events (`gw.<locality>.<module>.>`, or a narrower
 * pattern) from a durable pull consumer with explicit acks, and for each message, in
 * order:
 *
 * 1. decodes the CloudEvents envelope (`CloudEventEnvelope`) and the event's data with
 *    the module's `EventCodec` (Schema, upcasting old versions);
 * 2. runs the handler inside `Inbox.processOnce(durable, eventId, ...)`: with the SQL
 *    inbox the handler's SQL writes (a read model, a reaction's events) and the inbox
 *    record commit in **one transaction**, so a redelivered message (after a crash, a
 *    lost ack, a duplicate publish past JetStream's window) is acknowledged without a
 *    second effect;
 * 3. acknowledges (`+ACK`, confirmed by the server) once that committed.
 *
 * **Failures.** A handler failure (any error other than {@link PoisonMessage}, or a
 * defect) naks the message for redelivery after `backoff[n - 1]` (the n-th failed
 * delivery); the server also redelivers an unacknowledged delivery after `ackWait`
 * (a crashed or stuck process) and later after the `backoff` steps.
 *
 * **Poison messages** are published to the dead-letter subject
 * `gw.<locality>.dlq.<module>` (see `DeadLetter`: original body and headers plus the
 * reason) and then terminated (`+TERM`), never redelivered:
 * - `undecodable: <path>: <rule>`: the envelope or the event data does not decode;
 * - `rejected: <reason>`: the handler failed with {@link PoisonMessage};
 * - `max-deliveries: <last error>`: the handler failed on the `maxDeliver`-th delivery.
 *   The JetStream consumer allows one delivery more than `maxDeliver`, so a message
 *   whose last attempt crashed the process arrives once more and goes straight to the
 *   dead letters (`max-deliveries: not acknowledged after N deliveries`) instead of
 *   being silently dropped by the server.
 * If the dead-letter publish fails, the message is nak'ed and retried later.
 *
 * **Robustness.** The pull loop survives server restarts and re-creates a missing
 * stream or consumer; stopping (interrupting the fiber, closing the layer) naks the
 * messages fetched but not handled, so they are redelivered at once to the next
 * subscriber. Messages are handled one at a time per process, in stream order; run
 * more replicas with the same durable to share the load.
 *
 * @example
 * ```ts
 * import { Effect, Schema } from "effect"
 * import { EventCodec } from "@gridwork/core"
 * import { EventConsumer } from "@gridwork/nats"
 *
 * class PetitionRegistered extends Schema.TaggedClass<PetitionRegistered>()("PetitionRegistered", {
 *   title: Schema.String
 * }) {}
 * const codec = EventCodec.make({ PetitionRegistered })
 *
 * const consumer = EventConsumer.layer({
 *   durable: "risk-petition",
 *   locality: "lanxi",
 *   module: "petition",
 *   codec,
 *   handle: (event) => Effect.log(`registered: ${event.title}`)
 * }) // needs NatsClient, Publisher and Inbox
 * ```
 * @module
 */
import { type Bus, type EventCodec, Inbox } from "@gridwork/core"
import type { JsMsg } from "@nats-io/jetstream"
import { Cause, Duration, Effect, Exit, Fiber, Layer, Option, Ref, Result, Schema, type Scope } from "effect"
import * as CloudEventEnvelope from "../envelope/CloudEventEnvelope"
import { DURATION_RULE, positiveMillis } from "../internal/Durations"
import * as PullSubscription from "../internal/PullSubscription"
import * as Consumers from "../jetstream/Consumers"
import { NatsClient } from "../jetstream/NatsClient"
import type { NatsUnavailable } from "../jetstream/NatsUnavailable"
import { Publisher } from "../jetstream/Publisher"
import * as StreamLayout from "../jetstream/StreamLayout"
import type { StreamConflict } from "../jetstream/Streams"
import * as Subjects from "../jetstream/Subjects"
import * as DeadLetter from "./DeadLetter"

/** A handler's verdict that a message can never be handled: it is dead-lettered and terminated at once. */
export class PoisonMessage extends Schema.TaggedError<PoisonMessage>()("PoisonMessage", {
  reason: Schema.String
}) {
  /** The reason. */
  override get message(): string {
    return `poison message: ${this.reason}`
  }
}

/** What a handler gets besides the typed event. */
export interface DeliveryContext {
  /** The whole message: subject and event envelope (ids, versions, metadata). */
  readonly message: Bus.BusMessage
  /** 1 on the first delivery, 2 on the first redelivery, ... */
  readonly deliveryCount: number
  /** The message's sequence in its stream. */
  readonly streamSequence: number
}

/** Options of a consumer. */
export interface EventConsumerOptions<Event, E, R> {
  /** The durable name; also the inbox's consumer name (1-64 letters, digits, `_`, `-`). */
  readonly durable: string
  /** The locality whose events it consumes, e.g. `lanxi`. */
  readonly locality: string
  /** The module whose events it consumes, e.g. `petition`. */
  readonly module: string
  /** A narrower pattern inside the module, e.g. `gw.lanxi.petition.petition-registered` (default `gw.<locality>.<module>.>`). */
  readonly subject?: string | undefined
  /** Decodes the events' data (Schema per event type, with upcasters). */
  readonly codec: EventCodec.EventCodec<Event>
  /** Handles one event; runs at most once per event id (inside the inbox). */
  readonly handle: (event: Event, context: DeliveryContext) => Effect.Effect<void, E | PoisonMessage, R>
  /** Handler attempts before the message is dead-lettered (default 5). */
  readonly maxDeliver?: number | undefined
  /** Redelivery delays after failed attempts 1, 2, ... (the last repeats; default 1 s, 5 s, 30 s, 2 min). */
  readonly backoff?: ReadonlyArray<Duration.Input> | undefined
  /** How long one attempt may run unacknowledged before the server redelivers it (default 30 seconds). */
  readonly ackWait?: Duration.Input | undefined
  /** When the durable is first created: every retained event (`all`, default) or only later ones (`new`). */
  readonly deliver?: "all" | "new" | undefined
  /** Messages fetched ahead of the handler (default 64). */
  readonly batch?: number | undefined
}

/** What a consumer has done since it started. */
export interface ConsumerStats {
  /** Events whose handler ran and committed. */
  readonly handled: number
  /** Deliveries acknowledged without running the handler: the inbox had them already. */
  readonly duplicates: number
  /** Failed attempts, nak'ed for redelivery. */
  readonly retried: number
  /** Messages dead-lettered and terminated. */
  readonly deadLettered: number
}

/** The options were invalid. */
export class ConsumerOptionsInvalid extends Schema.TaggedError<ConsumerOptionsInvalid>()("ConsumerOptionsInvalid", {
  field: Schema.String,
  rule: Schema.String
}) {
  /** `field: rule`. */
  override get message(): string {
    return `event consumer: ${this.field}: ${this.rule}`
  }
}

/** Why a consumer can fail to start or stop running. */
export type ConsumerError = ConsumerOptionsInvalid | Consumers.ConsumerConflict | StreamConflict | NatsUnavailable

/** A started consumer. */
export interface RunningConsumer {
  /** Counters since start. */
  readonly stats: Effect.Effect<ConsumerStats>
  /** Completes when the consumer stops by itself (the connection closed for good), with the reason. */
  readonly done: Effect.Effect<void, ConsumerError>
}

interface Resolved {
  readonly subject: string
  readonly placement: StreamLayout.StreamPlacement
  readonly maxDeliver: number
  readonly backoffMillis: ReadonlyArray<number>
  readonly ackWaitMillis: number
  readonly batch: number
}

const durablePattern = /^[A-Za-z0-9_-]{1,64}$/

const toMillis = (field: string, input: Duration.Input): Result.Result<number, ConsumerOptionsInvalid> => {
  const millis = positiveMillis(input, 0)
  return millis === undefined
    ? Result.fail(new ConsumerOptionsInvalid({ field, rule: DURATION_RULE }))
    : Result.succeed(millis)
}

const resolve = <Event, E, R>(
  options: EventConsumerOptions<Event, E, R>,
  layout: StreamLayout.StreamLayout
): Result.Result<Resolved, ConsumerOptionsInvalid> =>
  Result.gen(function* () {
    const invalid = (field: string, rule: string) => Result.fail(new ConsumerOptionsInvalid({ field, rule }))
    if (!durablePattern.test(options.durable)) {
      return yield* invalid("durable", "a durable name is 1-64 letters, digits, '_' or '-'")
    }
    if (!Subjects.isToken(options.locality))
      return yield* invalid("locality", "a subject token: letters, digits, '_' or '-'")
    if (!Subjects.isToken(options.module) || options.module === Subjects.DEAD_LETTER_TOKEN) {
      return yield* invalid("module", "a subject token other than 'dlq': letters, digits, '_' or '-'")
    }
    const address = { locality: options.locality, module: options.module }
    const subject = options.subject ?? Subjects.moduleWildcard(address)
    const prefix = `${Subjects.PREFIX}.${options.locality}.${options.module}.`
    const placed = StreamLayout.forPattern(StreamLayout.perModule, subject)
    if (!subject.startsWith(prefix) || Result.isFailure(placed)) {
      return yield* invalid("subject", `a pattern inside the module: ${prefix}<event, * or >>`)
    }
    const maxDeliver = options.maxDeliver ?? 5
    if (!Number.isSafeInteger(maxDeliver) || maxDeliver < 1 || maxDeliver > 1_000) {
      return yield* invalid("maxDeliver", "an integer from 1 to 1000")
    }
    const backoffInputs = options.backoff ?? ["1 second", "5 seconds", "30 seconds", "2 minutes"]
    if (backoffInputs.length === 0) return yield* invalid("backoff", "at least one delay")
    const backoffMillis: Array<number> = []
    for (let index = 0; index < backoffInputs.length; index++) {
      backoffMillis.push(yield* toMillis(`backoff[${index}]`, backoffInputs[index]!))
    }
    const batch = options.batch ?? 64
    if (!Number.isSafeInteger(batch) || batch < 1 || batch > 10_000) {
      return yield* invalid("batch", "an integer from 1 to 10000")
    }
    return {
      subject,
      placement: StreamLayout.forModule(layout, address),
      maxDeliver,
      backoffMillis,
      ackWaitMillis: yield* toMillis("ackWait", options.ackWait ?? Duration.seconds(30)),
      batch
    }
  })

const describeCause = (cause: Cause.Cause<unknown>): string => {
  const error = Cause.findErrorOption(cause)
  if (Option.isSome(error)) {
    const value = error.value
    return value instanceof Error ? value.message : String(value)
  }
  return Cause.pretty(cause).split("\n")[0] ?? "unknown failure"
}

/** Starts the consumer as a fiber of the scope; closing the scope stops it (unhandled messages are nak'ed). */
export const start = <Event, E, R>(
  options: EventConsumerOptions<Event, E, R>
): Effect.Effect<RunningConsumer, ConsumerError, NatsClient | Publisher | Inbox.Inbox | Scope.Scope | R> =>
  Effect.gen(function* () {
    const client = yield* NatsClient
    const publisher = yield* Publisher
    const inbox = yield* Inbox.Inbox
    const resolved = yield* Effect.fromResult(resolve(options, client.layout))
    const label = `${options.durable}@${resolved.placement.name}`
    const stats = yield* Ref.make<ConsumerStats>({ handled: 0, duplicates: 0, retried: 0, deadLettered: 0 })
    const count = (key: keyof ConsumerStats) => Ref.update(stats, (s) => ({ ...s, [key]: s[key] + 1 }))

    // The server allows one delivery more than maxDeliver: that one is dead-lettered on arrival.
    const serverBackoff = Array.from({ length: resolved.maxDeliver }, (_, index) =>
      Math.max(resolved.ackWaitMillis, resolved.backoffMillis[Math.min(index, resolved.backoffMillis.length - 1)]!)
    )
    const pull = yield* PullSubscription.open({
      label,
      connection: client.connection,
      connect: Consumers.ensure(client, resolved.placement, {
        durable: options.durable,
        filterSubject: resolved.subject,
        deliver: options.deliver ?? "all",
        ackWaitMillis: resolved.ackWaitMillis,
        maxDeliver: resolved.maxDeliver + 1,
        backoffMillis: serverBackoff
      }),
      batch: resolved.batch,
      expiresMillis: 5_000,
      retryMillis: { initial: 200, max: 5_000 },
      ackTimeoutMillis: client.timeoutMillis
    })

    const deadLetter = (raw: JsMsg, reason: string) =>
      Effect.logWarning(`${label}: dead-lettering #${raw.seq} (${raw.subject}): ${reason}`).pipe(
        Effect.andThen(
          DeadLetter.isDeadLetterSubject(raw.subject) ? Effect.void : DeadLetter.publish(raw, options.durable, reason)
        ),
        Effect.andThen(pull.term(raw)),
        Effect.andThen(count("deadLettered")),
        Effect.catch((error) =>
          Effect.logWarning(`${label}: cannot dead-letter #${raw.seq}; retrying later: ${error.message}`).pipe(
            Effect.andThen(Effect.ignore(pull.nak(raw, resolved.backoffMillis[0]!)))
          )
        ),
        Effect.provideService(Publisher, publisher)
      )

    const delayAfter = (deliveryCount: number): number =>
      resolved.backoffMillis[Math.min(deliveryCount - 1, resolved.backoffMillis.length - 1)]!

    const handleOne = (raw: JsMsg): Effect.Effect<void, never, R> => {
      const deliveryCount = raw.info.deliveryCount
      if (deliveryCount > resolved.maxDeliver) {
        return deadLetter(raw, `max-deliveries: not acknowledged after ${resolved.maxDeliver} deliveries`)
      }
      const envelope = CloudEventEnvelope.decode(raw.subject, raw.data)
      if (Result.isFailure(envelope)) {
        return deadLetter(raw, `undecodable: ${envelope.failure.path}: ${envelope.failure.reason}`)
      }
      const message = envelope.success
      const event = options.codec.decode(message.event)
      if (Result.isFailure(event)) {
        return deadLetter(raw, `undecodable: ${event.failure.path}: ${event.failure.reason}`)
      }
      const context: DeliveryContext = { message, deliveryCount, streamSequence: raw.seq }
      return Effect.exit(
        inbox.processOnce(options.durable, message.event.eventId, options.handle(event.success, context))
      ).pipe(
        Effect.flatMap((exit): Effect.Effect<void> => {
          if (Exit.isSuccess(exit)) {
            return count(Option.isSome(exit.value) ? "handled" : "duplicates").pipe(
              Effect.andThen(pull.ack(raw)),
              Effect.catch((error) =>
                Effect.logWarning(
                  `${label}: ack of #${raw.seq} failed; the inbox absorbs the redelivery: ${error.message}`
                )
              )
            )
          }
          if (Cause.hasInterruptsOnly(exit.cause)) return Effect.interrupt
          const failure = Cause.findErrorOption(exit.cause)
          if (Option.isSome(failure) && failure.value instanceof PoisonMessage) {
            return deadLetter(raw, `rejected: ${failure.value.reason}`)
          }
          const why = describeCause(exit.cause)
          if (deliveryCount >= resolved.maxDeliver) return deadLetter(raw, `max-deliveries: ${why}`)
          const delay = delayAfter(deliveryCount)
          return Effect.logWarning(
            `${label}: handling #${raw.seq} failed (delivery ${deliveryCount} of ${resolved.maxDeliver}); retrying in ${delay} ms`,
            exit.cause
          ).pipe(Effect.andThen(count("retried")), Effect.andThen(Effect.ignore(pull.nak(raw, delay))))
        })
      )
    }

    const loop = Effect.forever(Effect.flatMap(pull.take, handleOne))
    const fiber = yield* Effect.forkScoped(loop)
    yield* Effect.logInfo(
      `event consumer ${label} started on ${resolved.subject} (max ${resolved.maxDeliver} deliveries, dead letters to ${Subjects.deadLetter(
        { locality: options.locality, module: options.module }
      )})`
    )
    return {
      stats: Ref.get(stats),
      done: Effect.flatMap(Fiber.await(fiber), (exit) =>
        Exit.isSuccess(exit) || Cause.hasInterruptsOnly(exit.cause) ? Effect.void : Effect.failCause(exit.cause)
      )
    }
  })

/**
 * Runs the consumer until interrupted; fails when it cannot start or when the
 * connection is closed for good.
 */
export const run = <Event, E, R>(
  options: EventConsumerOptions<Event, E, R>
): Effect.Effect<void, ConsumerError, NatsClient | Publisher | Inbox.Inbox | R> =>
  Effect.scoped(Effect.flatMap(start(options), (running) => running.done))

/**
 * A layer running the consumer for its life (logging an error if it stops by itself);
 * needs `NatsClient`, `Publisher` and `Inbox`. Use {@link start} to read its stats.
 */
export const layer = <Event, E, R>(
  options: EventConsumerOptions<Event, E, R>
): Layer.Layer<never, ConsumerError, NatsClient | Publisher | Inbox.Inbox | R> =>
  Layer.effectDiscard(
    Effect.gen(function* () {
      const running = yield* start(options)
      yield* Effect.forkScoped(
        Effect.catchCause(running.done, (cause) => Effect.logError(`event consumer ${options.durable} stopped`, cause))
      )
    })
  )
