/**
 * The outbox port: the messages an event store owes the bus, written in the same
 * transaction as the events they carry, so that no event is ever stored without its
 * message nor published without being stored.
 *
 * ## How rows get in
 * The {@link Outbox} has no "enqueue" operation: the event store writes the rows. A
 * store built with an outbox (`InMemoryOutbox.layer`, or the PostgreSQL store of
 * `@gridwork/store-sql`) is given a {@link SubjectOf} function. For every event of an
 * append it computes the event's subject **before** anything is written; each event
 * with a subject produces exactly one outbox row (`subject` + the stored
 * {@link EventEnvelope}) in the append's transaction, events without one (private
 * events) produce none. A subject that is not a valid {@link Subject} fails the whole
 * append with `InvalidStoreRequest` at path `events[i]`, writing nothing. A duplicate
 * append (a retry) writes no second row. The usual function is {@link moduleSubjects}:
 * one store per module, the locality taken from the event's `metadata.locality` with a
 * default, giving `gw.<locality>.<module>.<event-kebab>`.
 *
 * ## How rows get out
 * A relay (`@gridwork/nats`) reads the rows oldest first (global position order),
 * publishes each as a {@link BusMessage} (`Nats-Msg-Id` = event id) and marks them
 * sent with {@link OutboxShape.markSent}. A crash between publishing and marking
 * publishes the same message again: the bus de-duplicates by event id and consumers
 * are idempotent (see `Inbox`), so that is harmless.
 * - One relay: {@link OutboxShape.pending} (oldest unsent rows) keeps the global order.
 * - Several relays (replicas): {@link OutboxShape.claim} leases rows to an owner until
 *   `now + leaseMillis`; other owners skip leased rows until the lease runs out, the
 *   same owner gets its own leased rows back (a restarted relay resumes). Messages of
 *   one stream may then be published out of order across relays; consumers that need
 *   stream order must check `streamVersion`.
 * - Sent rows are kept for audit until {@link OutboxShape.prune} removes them.
 *
 * Times (`now`, `at`) are passed in (from `Clock` in the relay), so every rule can be
 * tested without waiting. Every implementation passes `outboxContract` from
 * `@gridwork/core/testing`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { EventStore, InMemoryOutbox, Instant, Outbox } from "@gridwork/core"
 *
 * const relayOnce = Effect.gen(function* () {
 *   const outbox = yield* Outbox.Outbox
 *   const messages = yield* outbox.pending(100)
 *   // publish each message on the bus, then:
 *   yield* outbox.markSent(messages.map((message) => message.event.eventId), yield* Instant.now)
 * }).pipe(Effect.provide(InMemoryOutbox.layer(Outbox.moduleSubjects({ module: "petition", locality: "lanxi" }))))
 * ```
 * @module
 */
import { Context, type Effect, Result, Schema } from "effect"
import { type BusMessage, Subject, subjectFor } from "../events/Bus"
import { InvalidStoreRequest, type NewEvent, type StreamId } from "../events/EventStore"
import { decoder } from "../events/internal/issues"
import type { Instant } from "../primitives/Instant"

// ---------------------------------------------------------------------------
// Routing
// ---------------------------------------------------------------------------

/**
 * The subject an event is published on, or `undefined` when it is private to the
 * store (no outbox row). Called with validated input before the append writes
 * anything; it must be pure.
 */
export type SubjectOf = (streamId: StreamId, event: NewEvent) => string | undefined

/** Options of {@link moduleSubjects}. */
export interface ModuleSubjectsOptions {
  /** The module whose events the store holds, e.g. `petition`. */
  readonly module: string
  /** The locality used when an event's `metadata.locality` is absent, e.g. `lanxi`. */
  readonly locality: string
  /** Event types never published (default none). */
  readonly privateTypes?: ReadonlyArray<string>
}

/**
 * Subjects of one module's store: `gw.<locality>.<module>.<event-kebab>`, the locality
 * from `metadata.locality` or the default (see `Bus.subjectFor`).
 */
export const moduleSubjects = (options: ModuleSubjectsOptions): SubjectOf => {
  const hidden = new Set(options.privateTypes ?? [])
  return (_streamId, event) =>
    hidden.has(event.type)
      ? undefined
      : subjectFor({
          locality: event.metadata.locality ?? options.locality,
          module: options.module,
          eventType: event.type
        })
}

const decodeSubject = decoder(Subject)

/**
 * The subject of each event of a validated batch (`undefined` = no row), or an
 * {@link InvalidStoreRequest} naming the first event whose subject is invalid (or whose
 * router threw). Shared by implementations so they all reject alike.
 */
export const resolveSubjects = (
  subjectOf: SubjectOf,
  streamId: StreamId,
  events: ReadonlyArray<NewEvent>
): Result.Result<ReadonlyArray<Subject | undefined>, InvalidStoreRequest> => {
  const subjects: Array<Subject | undefined> = []
  for (let index = 0; index < events.length; index++) {
    const path = `events[${index}]`
    let subject: string | undefined
    try {
      subject = subjectOf(streamId, events[index]!)
    } catch (error) {
      return Result.fail(
        new InvalidStoreRequest({ operation: "append", path, reason: `the outbox router failed: ${String(error)}` })
      )
    }
    if (subject === undefined) {
      subjects.push(undefined)
      continue
    }
    const decoded = decodeSubject("", subject)
    if (Result.isFailure(decoded)) {
      return Result.fail(
        new InvalidStoreRequest({
          operation: "append",
          path,
          reason: `the outbox subject ${JSON.stringify(subject)} is invalid: ${decoded.failure.reason}`
        })
      )
    }
    subjects.push(decoded.success)
  }
  return Result.succeed(subjects)
}

// ---------------------------------------------------------------------------
// Values and errors
// ---------------------------------------------------------------------------

/**
 * The name of a relay that claims rows: 1-64 letters, digits, `_`, `-` or `.` (a host
 * or replica name).
 */
export const OwnerName = Schema.String.check(
  Schema.isPattern(/^[A-Za-z0-9_.-]{1,64}$/, {
    message: "an owner name is 1-64 letters, digits, '_', '-' or '.'",
    expected: "an owner name"
  })
)
/** @see {@link OwnerName} */
export type OwnerName = typeof OwnerName.Type

/** Options of {@link OutboxShape.claim}. */
export interface ClaimOptions {
  /** Who claims: rows leased to this owner are returned again, others' are skipped. */
  readonly owner: string
  /** At most this many rows. */
  readonly limit: number
  /** The current time (from `Clock`). */
  readonly now: Instant
  /** How long the lease lasts, in milliseconds (at least 1). */
  readonly leaseMillis: number
}

/** How many rows an outbox holds. */
export interface OutboxStats {
  /** Rows not yet marked sent. */
  readonly pending: number
  /** Rows marked sent and not yet pruned. */
  readonly sent: number
}

/** An argument broke a rule of the port (the field and the rule are named). */
export class OutboxInputInvalid extends Schema.TaggedError<OutboxInputInvalid>()("OutboxInputInvalid", {
  field: Schema.String,
  rule: Schema.String
}) {
  /** `field: rule`. */
  override get message(): string {
    return `${this.field}: ${this.rule}`
  }
}

/** The outbox's store could not be read or written. */
export class OutboxStoreFailure extends Schema.TaggedError<OutboxStoreFailure>()("OutboxStoreFailure", {
  operation: Schema.String,
  cause: Schema.Defect()
}) {
  /** Names the failed operation. */
  override get message(): string {
    return `outbox store failed during ${this.operation}: ${String(this.cause)}`
  }
}

/** Every error an {@link Outbox} may fail with. */
export type OutboxError = OutboxInputInvalid | OutboxStoreFailure

// ---------------------------------------------------------------------------
// Port
// ---------------------------------------------------------------------------

/** The outbox operations (see the module documentation for the rules). */
export interface OutboxShape {
  /** Up to `limit` unsent messages, oldest (lowest global position) first, leased or not. */
  readonly pending: (limit: number) => Effect.Effect<ReadonlyArray<BusMessage>, OutboxError>
  /**
   * Leases up to `limit` unsent messages to `owner` until `now + leaseMillis`, oldest
   * first, skipping messages whose lease by another owner has not run out at `now`.
   */
  readonly claim: (options: ClaimOptions) => Effect.Effect<ReadonlyArray<BusMessage>, OutboxError>
  /**
   * Marks the messages of these event ids sent at `at`, whoever holds their lease.
   * Returns how many were newly marked; ids already sent or unknown are ignored.
   */
  readonly markSent: (eventIds: ReadonlyArray<string>, at: Instant) => Effect.Effect<number, OutboxError>
  /** Removes messages marked sent strictly before `sentBefore`; returns how many. Never touches unsent ones. */
  readonly prune: (sentBefore: Instant) => Effect.Effect<number, OutboxError>
  /** Counts of unsent and sent rows. */
  readonly stats: Effect.Effect<OutboxStats, OutboxError>
}

/** The outbox service. Provide it with `InMemoryOutbox.layer` or the SQL store layer. */
export class Outbox extends Context.Service<Outbox, OutboxShape>()("@gridwork/core/messaging/Outbox") {}

// ---------------------------------------------------------------------------
// Argument checks shared by implementations
// ---------------------------------------------------------------------------

const ownerPattern = /^[A-Za-z0-9_.-]{1,64}$/

/** Checks a `limit`: a positive safe integer. */
export const checkLimit = (limit: number): OutboxInputInvalid | undefined =>
  Number.isSafeInteger(limit) && limit > 0
    ? undefined
    : new OutboxInputInvalid({ field: "limit", rule: `a limit is a positive integer, got ${limit}` })

/** Checks an instant argument: an integer number of epoch milliseconds. */
export const checkInstant = (field: string, value: number): OutboxInputInvalid | undefined =>
  Number.isSafeInteger(value)
    ? undefined
    : new OutboxInputInvalid({ field, rule: `an instant is an integer number of epoch milliseconds, got ${value}` })

/** Checks {@link ClaimOptions}. */
export const checkClaim = (options: ClaimOptions): OutboxInputInvalid | undefined => {
  if (typeof options.owner !== "string" || !ownerPattern.test(options.owner)) {
    return new OutboxInputInvalid({ field: "owner", rule: "an owner name is 1-64 letters, digits, '_', '-' or '.'" })
  }
  const limit = checkLimit(options.limit)
  if (limit !== undefined) return limit
  const now = checkInstant("now", options.now)
  if (now !== undefined) return now
  return Number.isSafeInteger(options.leaseMillis) && options.leaseMillis > 0
    ? undefined
    : new OutboxInputInvalid({
        field: "leaseMillis",
        rule: `a lease is a positive integer number of milliseconds, got ${options.leaseMillis}`
      })
}

/** Checks the ids passed to {@link OutboxShape.markSent}: an array of strings. */
export const checkEventIds = (eventIds: ReadonlyArray<string>): OutboxInputInvalid | undefined => {
  if (!Array.isArray(eventIds)) return new OutboxInputInvalid({ field: "eventIds", rule: "expected an array of ids" })
  const bad = eventIds.findIndex((id) => typeof id !== "string")
  return bad === -1 ? undefined : new OutboxInputInvalid({ field: `eventIds[${bad}]`, rule: "an event id is a string" })
}
