/**
 * The inbox port: idempotent consumption of at-least-once messages.
 *
 * The bus may deliver a message more than once (redelivery after a crash or a missed
 * ack, a duplicate publish outside the de-duplication window). A consumer wraps its
 * handler in {@link InboxShape.processOnce}`(consumer, messageId, effect)`: the first
 * call for a `(consumer, messageId)` pair runs `effect` and records the pair; any later
 * call returns `Option.none()` without running it.
 *
 * ## Atomicity
 * The record and the effect commit together or not at all:
 * - **SQL** (`@gridwork/store-sql`): `processOnce` opens a transaction, inserts the
 *   inbox row (`insert ... on conflict do nothing`), runs `effect` inside the same
 *   transaction and commits. Every statement `effect` issues through the same
 *   `SqlClient` joins that transaction (Effect's SQL transactions follow the fiber),
 *   so its writes and the record commit atomically. A concurrent call for the same
 *   pair waits on the row lock and then sees it recorded. Effects outside the database
 *   (an HTTP call, a publish) are not rolled back: make those idempotent on
 *   `messageId` too.
 * - **In memory**: calls for the same pair run one at a time; the pair is recorded
 *   after `effect` succeeds.
 *
 * If `effect` fails, dies or is interrupted, nothing is recorded and the error is
 * passed on, so the message can be retried (`nack`). Use the event id as `messageId`
 * (the deadline scheduler's `fireToken` works too). Every implementation passes
 * `inboxContract` from `@gridwork/core/testing`.
 *
 * @example
 * ```ts
 * import { Effect, Option } from "effect"
 * import { Bus, Inbox } from "@gridwork/core"
 *
 * const handle = (message: Bus.BusMessage) =>
 *   Effect.gen(function* () {
 *     const inbox = yield* Inbox.Inbox
 *     const ran = yield* inbox.processOnce("risk-petition", message.event.eventId, Effect.log("fold", message.event.type))
 *     if (Option.isNone(ran)) yield* Effect.log("duplicate delivery skipped")
 *   })
 * ```
 * @module
 */
import { Context, type Effect, type Option, Schema } from "effect"
import type { Instant } from "../primitives/Instant"

/** The name of a consumer: 1-64 letters, digits, `_`, `-` or `.` (usually its durable name). */
export const ConsumerName = Schema.String.check(
  Schema.isPattern(/^[A-Za-z0-9_.-]{1,64}$/, {
    message: "a consumer name is 1-64 letters, digits, '_', '-' or '.'",
    expected: "a consumer name"
  })
)
/** @see {@link ConsumerName} */
export type ConsumerName = typeof ConsumerName.Type

/** The id of a message: 1-200 printable ASCII characters without spaces (an event id, a fire token). */
export const MessageId = Schema.String.check(
  Schema.isPattern(/^[\x21-\x7e]{1,200}$/, {
    message: "a message id is 1-200 printable ASCII characters without spaces",
    expected: "a message id"
  })
)
/** @see {@link MessageId} */
export type MessageId = typeof MessageId.Type

/** An argument broke a rule of the port (the field and the rule are named). */
export class InboxInputInvalid extends Schema.TaggedError<InboxInputInvalid>()("InboxInputInvalid", {
  field: Schema.String,
  rule: Schema.String
}) {
  /** `field: rule`. */
  override get message(): string {
    return `${this.field}: ${this.rule}`
  }
}

/** The inbox's store could not be read or written (the effect's outcome is unknown: retry). */
export class InboxStoreFailure extends Schema.TaggedError<InboxStoreFailure>()("InboxStoreFailure", {
  operation: Schema.String,
  cause: Schema.Defect()
}) {
  /** Names the failed operation. */
  override get message(): string {
    return `inbox store failed during ${this.operation}: ${String(this.cause)}`
  }
}

/** Every error an {@link Inbox} itself may fail with. */
export type InboxError = InboxInputInvalid | InboxStoreFailure

/** The inbox operations (see the module documentation for the rules). */
export interface InboxShape {
  /**
   * Runs `effect` once per `(consumer, messageId)`: `Option.some(result)` when it ran
   * now, `Option.none()` when the pair was already recorded. The record and the
   * effect's SQL writes commit in one transaction.
   */
  readonly processOnce: <A, E, R>(
    consumer: string,
    messageId: string,
    effect: Effect.Effect<A, E, R>
  ) => Effect.Effect<Option.Option<A>, E | InboxError, R>
  /** Whether the pair is recorded. */
  readonly isProcessed: (consumer: string, messageId: string) => Effect.Effect<boolean, InboxError>
  /**
   * Forgets pairs recorded strictly before `processedBefore` (keep them longer than
   * any redelivery can take); returns how many.
   */
  readonly prune: (processedBefore: Instant) => Effect.Effect<number, InboxError>
}

/** The inbox service. Provide it with `InMemoryInbox.layer` or the SQL store layer. */
export class Inbox extends Context.Service<Inbox, InboxShape>()("@gridwork/core/messaging/Inbox") {}

const consumerPattern = /^[A-Za-z0-9_.-]{1,64}$/
const messagePattern = /^[\x21-\x7e]{1,200}$/

/** Checks a consumer name and a message id; shared by implementations so they fail alike. */
export const checkPair = (consumer: string, messageId: string): InboxInputInvalid | undefined => {
  if (typeof consumer !== "string" || !consumerPattern.test(consumer)) {
    return new InboxInputInvalid({
      field: "consumer",
      rule: "a consumer name is 1-64 letters, digits, '_', '-' or '.'"
    })
  }
  if (typeof messageId !== "string" || !messagePattern.test(messageId)) {
    return new InboxInputInvalid({
      field: "messageId",
      rule: "a message id is 1-200 printable ASCII characters without spaces"
    })
  }
  return undefined
}

/** Checks `processedBefore` of {@link InboxShape.prune}. */
export const checkInstant = (field: string, value: number): InboxInputInvalid | undefined =>
  Number.isSafeInteger(value)
    ? undefined
    : new InboxInputInvalid({ field, rule: `an instant is an integer number of epoch milliseconds, got ${value}` })
