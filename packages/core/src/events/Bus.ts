/**
 * The bus port: publish/subscribe of integration events between services, with
 * durable consumers and at-least-once delivery.
 *
 * A message is a stored {@link EventStore.EventEnvelope} plus the subject it is published
 * on. Subjects follow `gw.<locality>.<module>.<event-kebab>` ({@link subjectFor}); the
 * CloudEvents mapping (`type` = `gridwork.<module>.<Event>.v<n>`, {@link cloudEventType})
 * lives in `@gridwork/nats`, which implements this port on NATS JetStream.
 * `InMemoryBus` implements it in one process for demos and tests. Both pass
 * `busContract` from `@gridwork/core/testing`.
 *
 * **Delivery guarantees (at least once).**
 * - A durable consumer (`durable` name + subject pattern) remembers what it has
 *   acknowledged; a new subscription to the same durable resumes where it stopped.
 *   Several subscriptions to one durable share its messages (each message goes to one
 *   of them): run one per service replica.
 * - A delivery is done only when acknowledged (`ack`). `nack` asks for redelivery
 *   (optionally after a delay), an unacknowledged delivery is redelivered after
 *   `ackWait`, and when a subscription's scope closes its unacknowledged deliveries
 *   are redelivered at once. `term` stops redelivery of a poison message.
 * - So a handler may see a message more than once (`deliveryCount` > 1, or a
 *   duplicate publish outside the de-duplication window): consumers must be
 *   idempotent, keyed by `event.eventId` (the inbox table in SQL services).
 * - Publishing is de-duplicated by `event.eventId` (JetStream's `Nats-Msg-Id`, inside
 *   its window; in memory, forever). The publish acknowledgement says whether the
 *   message was a duplicate.
 * - Order: one subscription receives a durable's messages in publish order, except
 *   redeliveries, which come again later.
 *
 * @example
 * ```ts
 * import { Console, Effect, Stream } from "effect"
 * import { Bus, Ids, InMemoryBus, Instant } from "@gridwork/core"
 *
 * const program = Effect.gen(function* () {
 *   const bus = yield* Bus.Bus
 *   // A durable consumer of every petition event in Lanxi; it resumes where it stopped.
 *   const deliveries = yield* bus.subscribe({ durable: "risk-petition", subject: "gw.lanxi.petition.>" })
 *   yield* bus.publish({
 *     subject: Bus.subjectFor({ locality: "lanxi", module: "petition", eventType: "PetitionRegistered" }),
 *     event: {
 *       eventId: yield* Ids.makeEventId,
 *       streamId: "case-1",
 *       streamVersion: 1,
 *       globalPosition: 1,
 *       type: "PetitionRegistered",
 *       schemaVersion: 1,
 *       data: { title: "Noise at night" },
 *       metadata: {},
 *       occurredAt: yield* Instant.now
 *     }
 *   })
 *   // Handle each delivery, then acknowledge it; an unacknowledged one comes again.
 *   yield* Stream.runForEach(Stream.take(deliveries, 1), (delivery) =>
 *     Effect.andThen(Console.log(delivery.message.subject, delivery.deliveryCount), delivery.ack)
 *   )
 * }).pipe(Effect.scoped, Effect.provide(InMemoryBus.layer))
 *
 * Effect.runPromise(program) // gw.lanxi.petition.petition-registered 1
 * ```
 * @module
 */
import { Context, Duration, Effect, Exit, Result, Schema, type Scope, Stream } from "effect"
import { EventEnvelope } from "./EventStore"
import { atPath, decoder } from "./internal/issues"

// ---------------------------------------------------------------------------
// Subjects
// ---------------------------------------------------------------------------

const token = "[A-Za-z0-9_-]+"
const subjectRegExp = new RegExp(`^${token}(\\.${token})*$`)
const patternRegExp = new RegExp(`^(${token}|\\*)(\\.(${token}|\\*))*(\\.>)?$|^>$`)

/**
 * A concrete subject: dot-separated tokens of letters, digits, `_` or `-`, at most
 * 255 characters, e.g. `gw.lanxi.petition.petition-registered`.
 */
export const Subject = Schema.String.check(
  Schema.isPattern(subjectRegExp, {
    message: "a subject is dot-separated tokens of letters, digits, '_' or '-', without wildcards",
    expected: "a subject"
  }),
  Schema.isMaxLength(255)
)
/** @see {@link Subject} */
export type Subject = typeof Subject.Type

/**
 * A subject pattern (NATS syntax): tokens, `*` for exactly one token, and a final
 * `>` for one or more trailing tokens, e.g. `gw.*.petition.>`.
 */
export const SubjectPattern = Schema.String.check(
  Schema.isPattern(patternRegExp, {
    message: "a subject pattern is dot-separated tokens, '*' for one token, and an optional final '>'",
    expected: "a subject pattern"
  }),
  Schema.isMaxLength(255)
)
/** @see {@link SubjectPattern} */
export type SubjectPattern = typeof SubjectPattern.Type

/** The name of a durable consumer: 1-64 letters, digits, `_` or `-`. */
export const DurableName = Schema.String.check(
  Schema.isPattern(/^[A-Za-z0-9_-]{1,64}$/, {
    message: "a durable name is 1-64 letters, digits, '_' or '-'",
    expected: "a durable name"
  })
)
/** @see {@link DurableName} */
export type DurableName = typeof DurableName.Type

/** Whether a concrete subject matches a pattern (`*` one token, final `>` one or more). */
export const matches = (pattern: string, subject: string): boolean => {
  const wanted = pattern.split(".")
  const actual = subject.split(".")
  for (let index = 0; index < wanted.length; index++) {
    const part = wanted[index]
    if (part === ">") return actual.length > index
    if (index >= actual.length) return false
    if (part !== "*" && part !== actual[index]) return false
  }
  return wanted.length === actual.length
}

/** `PetitionRegistered` → `petition-registered`; digits stay with their word (`StageV2Started` → `stage-v2-started`). */
export const kebab = (eventType: string): string =>
  eventType
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/([A-Z])([A-Z][a-z])/g, "$1-$2")
    .toLowerCase()

/** The subject of an event type: `gw.<locality>.<module>.<event-kebab>`. */
export const subjectFor = (options: {
  readonly locality: string
  readonly module: string
  readonly eventType: string
}): string => `gw.${options.locality}.${options.module}.${kebab(options.eventType)}`

/** The CloudEvents `type` of an event: `gridwork.<module>.<Event>.v<schemaVersion>`. */
export const cloudEventType = (options: {
  readonly module: string
  readonly eventType: string
  readonly schemaVersion: number
}): string => `gridwork.${options.module}.${options.eventType}.v${options.schemaVersion}`

// ---------------------------------------------------------------------------
// Messages and deliveries
// ---------------------------------------------------------------------------

/** A message on the bus: a stored event envelope and the subject it is published on. */
export const BusMessage = Schema.Struct({
  subject: Subject,
  event: EventEnvelope
})
/** @see {@link BusMessage} */
export type BusMessage = typeof BusMessage.Type

/** The bus's answer to a publish. */
export interface PublishAck {
  /** The message's sequence number on the bus (for a duplicate, the original one). */
  readonly sequence: number
  /** `true` when a message with the same event id was already published; nothing new was stored. */
  readonly duplicate: boolean
}

/** One delivery of a message to a subscription; settle it with exactly one of `ack`, `nack` or `term`. */
export interface Delivery {
  /** The message. */
  readonly message: BusMessage
  /** 1 on the first delivery, 2 on the first redelivery, ... */
  readonly deliveryCount: number
  /** Done: the durable never delivers this message again. */
  readonly ack: Effect.Effect<void, BusUnavailable>
  /** Not done: deliver again, after `delay` (default at once). */
  readonly nack: (delay?: Duration.Input) => Effect.Effect<void, BusUnavailable>
  /** Give up: never deliver again (poison message). Publish it to a dead-letter subject first if it must be kept. */
  readonly term: Effect.Effect<void, BusUnavailable>
}

/** Options of {@link BusService.subscribe}. */
export interface SubscribeOptions {
  /** The durable consumer's name; subscriptions with the same name share its messages. */
  readonly durable: string
  /** Which subjects it receives. Fixed when the durable is created. */
  readonly subject: string
  /** When the durable is created: receive every retained message (`"all"`, default) or only later ones (`"new"`). */
  readonly deliver?: "all" | "new"
  /** How long a delivery may stay unsettled before it is redelivered (default 30 seconds). */
  readonly ackWait?: Duration.Input
  /** Stop delivering a message after this many deliveries (default: no limit). */
  readonly maxDeliveries?: number
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/** The operations of the port, for error reports. */
export const Operation = Schema.Literals(["publish", "subscribe", "ack", "nack", "term"])
/** @see {@link Operation} */
export type Operation = typeof Operation.Type

/** A request broke a rule of the port (bad subject, pattern, durable name, message ...). */
export class InvalidBusRequest extends Schema.TaggedError<InvalidBusRequest>()("InvalidBusRequest", {
  operation: Operation,
  path: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `${this.operation}: ${atPath(this.path, this.reason)}`
  }
}

/** A durable already exists with another subject pattern. */
export class DurableConflict extends Schema.TaggedError<DurableConflict>()("DurableConflict", {
  durable: Schema.String,
  existingSubject: Schema.String,
  requestedSubject: Schema.String
}) {
  override get message(): string {
    return `durable ${this.durable} already receives ${this.existingSubject}, not ${this.requestedSubject}`
  }
}

/** The bus could not be reached or failed. */
export class BusUnavailable extends Schema.TaggedError<BusUnavailable>()("BusUnavailable", {
  operation: Operation,
  cause: Schema.Defect()
}) {
  override get message(): string {
    return `bus unavailable during ${this.operation}: ${String(this.cause)}`
  }
}

/** Why a publish can fail. */
export type PublishError = InvalidBusRequest | BusUnavailable
/** Why a subscribe can fail. */
export type SubscribeError = InvalidBusRequest | DurableConflict | BusUnavailable

// ---------------------------------------------------------------------------
// Port
// ---------------------------------------------------------------------------

/** The bus operations. See the module documentation for the guarantees. */
export interface BusService {
  /** Publishes a message; de-duplicated by `message.event.eventId`. */
  readonly publish: (message: BusMessage) => Effect.Effect<PublishAck, PublishError>
  /**
   * Attaches to a durable consumer (creating it on first use) and returns its
   * deliveries. The durable exists as soon as this effect succeeds, so messages
   * published afterwards are delivered even to a `"new"` durable. The subscription
   * lasts as long as the scope; closing it makes unsettled deliveries available again.
   */
  readonly subscribe: (
    options: SubscribeOptions
  ) => Effect.Effect<Stream.Stream<Delivery, BusUnavailable>, SubscribeError, Scope.Scope>
}

/** The bus service. Provide it with `InMemoryBus.layer` or the NATS layer. */
export class Bus extends Context.Service<Bus, BusService>()("@gridwork/core/events/Bus") {}

// ---------------------------------------------------------------------------
// Building blocks shared by implementations
// ---------------------------------------------------------------------------

const invalid =
  <S extends Schema.ConstraintDecoder<unknown>>(schema: S) =>
  (operation: Operation, prefix: string, input: unknown): Effect.Effect<S["Type"], InvalidBusRequest> =>
    Effect.suspend(() => {
      const result = decoder(schema)(prefix, input)
      return Result.isSuccess(result)
        ? Effect.succeed(result.success)
        : Effect.fail(new InvalidBusRequest({ operation, ...result.failure }))
    })

const decodeMessage = invalid(BusMessage)
const decodePattern = invalid(SubjectPattern)
const decodeDurable = invalid(DurableName)
const decodeMaxDeliveries = invalid(Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)))

/** Validates a message before publishing: subject and envelope, with the path of the first problem. */
export const validatePublish = (message: BusMessage): Effect.Effect<BusMessage, InvalidBusRequest> =>
  decodeMessage("publish", "", message)

/** Subscribe options with defaults applied and every field validated. */
export interface ResolvedSubscribeOptions {
  readonly durable: DurableName
  readonly subject: SubjectPattern
  readonly deliver: "all" | "new"
  readonly ackWaitMillis: number
  readonly maxDeliveries: number
}

/** Validates subscribe options and applies the defaults (deliver all, ack wait 30 s, no delivery limit). */
export const validateSubscribe = (
  options: SubscribeOptions
): Effect.Effect<ResolvedSubscribeOptions, InvalidBusRequest> =>
  Effect.gen(function* () {
    const durable = yield* decodeDurable("subscribe", "durable", options.durable)
    const subject = yield* decodePattern("subscribe", "subject", options.subject)
    const deliver = options.deliver ?? "all"
    if (deliver !== "all" && deliver !== "new") {
      return yield* new InvalidBusRequest({
        operation: "subscribe",
        path: "deliver",
        reason: 'expected "all" or "new"'
      })
    }
    const ackWait = Duration.fromInput(options.ackWait ?? Duration.seconds(30))
    if (ackWait._tag === "None" || !Duration.isFinite(ackWait.value) || Duration.toMillis(ackWait.value) <= 0) {
      return yield* new InvalidBusRequest({
        operation: "subscribe",
        path: "ackWait",
        reason: "expected a finite, positive duration"
      })
    }
    const maxDeliveries =
      options.maxDeliveries === undefined
        ? Number.POSITIVE_INFINITY
        : yield* decodeMaxDeliveries("subscribe", "maxDeliveries", options.maxDeliveries)
    return { durable, subject, deliver, ackWaitMillis: Duration.toMillis(ackWait.value), maxDeliveries }
  })

/** How {@link consume} settles a message whose handler failed. */
export interface ConsumeOptions {
  /** Delay before a failed message is redelivered (default 1 second). */
  readonly retryDelay?: Duration.Input
}

/**
 * Runs `handler` for every delivery of a durable, until interrupted: success acks the
 * message, a failure or defect nacks it for redelivery after `retryDelay`, an
 * interruption leaves it unsettled (it is redelivered when the subscription closes).
 * The handler must be idempotent (see the module documentation).
 */
export const consume = <E, R>(
  options: SubscribeOptions,
  handler: (message: BusMessage, delivery: Delivery) => Effect.Effect<void, E, R>,
  consumeOptions: ConsumeOptions = {}
): Effect.Effect<void, SubscribeError, Bus | R> =>
  Effect.scoped(
    Effect.gen(function* () {
      const bus = yield* Bus
      const deliveries = yield* bus.subscribe(options)
      const retryDelay = consumeOptions.retryDelay ?? Duration.seconds(1)
      return yield* Stream.runForEach(deliveries, (delivery) =>
        Effect.flatMap(Effect.exit(handler(delivery.message, delivery)), (exit) =>
          Exit.isSuccess(exit)
            ? delivery.ack
            : Exit.hasInterrupts(exit)
              ? Effect.interrupt
              : Effect.andThen(
                  Effect.logWarning("bus handler failed; message will be redelivered", exit.cause).pipe(
                    Effect.annotateLogs({
                      durable: options.durable,
                      eventId: delivery.message.event.eventId,
                      deliveryCount: delivery.deliveryCount
                    })
                  ),
                  delivery.nack(retryDelay)
                )
        )
      )
    })
  )
