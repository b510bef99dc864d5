/**
 * The event store port: append-only streams of event envelopes with optimistic
 * concurrency, idempotent appends, a global order, and catch-up subscriptions.
 *
 * Every implementation (`InMemoryEventStore` here, the PostgreSQL one in
 * `@gridwork/store-sql`) must pass the contract suite
 * `eventStoreContract` from `@gridwork/core/testing`. The rules it checks are:
 *
 * - **Streams.** An event belongs to one stream (`streamId`, e.g. a case id) and has a
 *   1-based `streamVersion` inside it. A stream with no events has version 0.
 * - **Expected version.** `append(streamId, expected, events)` writes only when the
 *   stream's current version matches `expected`: a number (0 = the stream is empty),
 *   `"no-stream"` (the same as 0) or `"any"` (no check). Otherwise it fails with
 *   {@link StreamVersionConflict} carrying the expected and the actual version.
 * - **Atomicity.** One append writes all its events or none. Appending an empty batch
 *   writes nothing but still checks the expected version.
 * - **Idempotency.** Event ids are unique across the store. Re-appending a batch whose
 *   ids are all stored in the same stream with the same content is a retry: it writes
 *   nothing and returns the stored envelopes (`duplicate: true`), whatever the expected
 *   version says. A stored id with different content, in another stream, or mixed with
 *   new ids fails with {@link EventIdConflict}.
 * - **Global order.** The store assigns `globalPosition`s 1, 2, 3, ... dense and in
 *   commit order: a reader never sees position n + 1 before position n. (PostgreSQL:
 *   allocate positions from a counter row locked `FOR UPDATE` inside the append
 *   transaction, never from a bare sequence, whose values commit out of order and leave
 *   gaps on rollback.) Positions are JavaScript safe integers (up to 2^53 - 1).
 * - **Subscriptions.** `subscribe(from)` replays every event at or after `from`, then
 *   follows new appends, without gaps or duplicates. It pulls pages of `readAll`, so a
 *   slow subscriber holds no unbounded buffer. Resume after a checkpoint `c` with
 *   `subscribe(c + 1)`.
 * - **Content.** `data` and `metadata` are JSON, already encoded with the event's
 *   Schema; the store never interprets them. Inputs are validated with Schema before
 *   anything is written: a bad stream id, event type or non-JSON value fails with
 *   {@link InvalidStoreRequest} naming the path and the rule.
 *
 * @example
 * ```ts
 * import { Console, Effect } from "effect"
 * import { EventStore, Ids, InMemoryEventStore, Instant } from "@gridwork/core"
 *
 * const program = Effect.gen(function* () {
 *   const store = yield* EventStore.EventStore
 *   const event: EventStore.NewEvent = {
 *     eventId: yield* Ids.makeEventId,
 *     type: "PetitionRegistered",
 *     schemaVersion: 1,
 *     data: { title: "Noise at night" },
 *     metadata: { locality: "lanxi" },
 *     occurredAt: yield* Instant.now
 *   }
 *   const appended = yield* store.append("case-1", "no-stream", [event])
 *   // A retry of the same batch writes nothing; a stale expected version fails.
 *   const retried = yield* store.append("case-1", "no-stream", [event])
 *   const stale = yield* Effect.flip(store.append("case-1", 0, [{ ...event, eventId: yield* Ids.makeEventId }]))
 *   const stream = yield* store.readStream("case-1")
 *   yield* Console.log(appended.streamVersion, retried.duplicate, stale._tag, stream.length)
 * }).pipe(Effect.provide(InMemoryEventStore.layer))
 *
 * Effect.runPromise(program) // 1 true StreamVersionConflict 1
 * ```
 * @module
 */
import { Context, Effect, Option, Result, Schema, Stream } from "effect"
import { EventId } from "../primitives/Ids"
import { Instant } from "../primitives/Instant"
import { atPath, decoder } from "./internal/issues"

// ---------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------

/**
 * The id of a stream: 1-256 characters, letters, digits and `.`, `_`, `:`, `/`, `-`,
 * starting with a letter or digit (e.g. a case id, or `petition-<case id>`).
 */
export const StreamId = Schema.String.check(
  Schema.isPattern(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,255}$/, {
    message: "a stream id is 1-256 letters, digits, '.', '_', ':', '/' or '-', starting with a letter or digit",
    expected: "a stream id"
  })
)
/** @see {@link StreamId} */
export type StreamId = typeof StreamId.Type

/** The name of an event type, in PascalCase: `PetitionRegistered`, `ObligationOpened`. */
export const EventType = Schema.String.check(
  Schema.isPattern(/^[A-Z][A-Za-z0-9]{0,127}$/, {
    message: "an event type is PascalCase letters and digits, 1-128 characters, e.g. PetitionRegistered",
    expected: "an event type"
  })
)
/** @see {@link EventType} */
export type EventType = typeof EventType.Type

/** The version of an event type's schema, starting at 1. Old versions stay decodable. */
export const SchemaVersion = Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))
/** @see {@link SchemaVersion} */
export type SchemaVersion = typeof SchemaVersion.Type

/** The position of an event inside its stream, starting at 1. */
export const StreamVersion = Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))
/** @see {@link StreamVersion} */
export type StreamVersion = typeof StreamVersion.Type

/** The position of an event in the whole store, starting at 1, dense and in commit order. */
export const GlobalPosition = Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))
/** @see {@link GlobalPosition} */
export type GlobalPosition = typeof GlobalPosition.Type

/**
 * What the appender believes the stream's version is: the version number it read
 * (0 for an empty stream), `"no-stream"` (the stream must be empty, same as 0) or
 * `"any"` (append whatever the version).
 */
export const ExpectedVersion = Schema.Union([
  Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  Schema.Literals(["no-stream", "any"])
])
/** @see {@link ExpectedVersion} */
export type ExpectedVersion = typeof ExpectedVersion.Type

/**
 * Metadata carried with every event, JSON. The well-known keys below are optional;
 * any other key holding JSON is kept as is.
 */
export const EventMetadata = Schema.StructWithRest(
  Schema.Struct({
    /** The id shared by every event caused, directly or not, by one request. */
    correlationId: Schema.optionalKey(Schema.String),
    /** The id of the command or event that directly caused this one. */
    causationId: Schema.optionalKey(Schema.String),
    /** The command that produced this event (from the `Idempotency-Key`). */
    commandId: Schema.optionalKey(Schema.String),
    /** Who acted: an actor id, or `system:<component>` for automatic actions. */
    actor: Schema.optionalKey(Schema.String),
    /** The locality whose model was applied. */
    locality: Schema.optionalKey(Schema.String),
    /** The version of the locality policy the decision was made under. */
    policyVersion: Schema.optionalKey(Schema.String)
  }),
  [Schema.Record(Schema.String, Schema.Json)]
)
/** @see {@link EventMetadata} */
export type EventMetadata = typeof EventMetadata.Type

/**
 * An event to append: the caller supplies its id (UUIDv7, derived from the command id
 * so retries reuse it), type, schema version, Schema-encoded `data`, metadata and the
 * time it occurred (from the command). The store adds the stream, versions and position.
 */
export const NewEvent = Schema.Struct({
  eventId: EventId,
  type: EventType,
  schemaVersion: SchemaVersion,
  data: Schema.Json,
  metadata: EventMetadata,
  occurredAt: Instant
})
/** @see {@link NewEvent} */
export type NewEvent = typeof NewEvent.Type

/** A stored event: a {@link NewEvent} placed in its stream and in the global order. */
export const EventEnvelope = Schema.Struct({
  eventId: EventId,
  streamId: StreamId,
  streamVersion: StreamVersion,
  globalPosition: GlobalPosition,
  type: EventType,
  schemaVersion: SchemaVersion,
  data: Schema.Json,
  metadata: EventMetadata,
  occurredAt: Instant
})
/** @see {@link EventEnvelope} */
export type EventEnvelope = typeof EventEnvelope.Type

/** What an append returns. */
export interface AppendResult {
  /** The stream appended to. */
  readonly streamId: StreamId
  /**
   * The stream's version right after this append (for a duplicate, right after the
   * original append; for an empty batch, the current version).
   */
  readonly streamVersion: number
  /** The stored envelopes of this batch, in order (for a duplicate, the original ones). */
  readonly events: ReadonlyArray<EventEnvelope>
  /** `true` when the batch was already stored and nothing was written. */
  readonly duplicate: boolean
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

const versionText = (version: ExpectedVersion): string => (typeof version === "number" ? `${version}` : version)

/** The stream's version is not the one the appender expected; nothing was written. */
export class StreamVersionConflict extends Schema.TaggedError<StreamVersionConflict>()("StreamVersionConflict", {
  streamId: Schema.String,
  expected: ExpectedVersion,
  actual: Schema.Int
}) {
  override get message(): string {
    return `stream ${this.streamId}: expected version ${versionText(this.expected)}, but it is at version ${this.actual}`
  }
}

/**
 * An event id in the batch is already stored, but the batch is not a retry of that
 * append: the stored event has other content, lives in another stream, or the batch
 * mixes stored and new ids. Nothing was written.
 */
export class EventIdConflict extends Schema.TaggedError<EventIdConflict>()("EventIdConflict", {
  eventId: Schema.String,
  streamId: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `event ${this.eventId} appended to stream ${this.streamId}: ${this.reason}`
  }
}

/** The operations of the port, for error reports. */
export const Operation = Schema.Literals(["append", "readStream", "readAll", "subscribe", "lastGlobalPosition"])
/** @see {@link Operation} */
export type Operation = typeof Operation.Type

/** A request broke a rule of the port (bad stream id, non-JSON data, bad limit ...). */
export class InvalidStoreRequest extends Schema.TaggedError<InvalidStoreRequest>()("InvalidStoreRequest", {
  operation: Operation,
  path: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `${this.operation}: ${atPath(this.path, this.reason)}`
  }
}

/** The store could not be reached or failed (I/O, connection, transaction). */
export class EventStoreUnavailable extends Schema.TaggedError<EventStoreUnavailable>()("EventStoreUnavailable", {
  operation: Operation,
  cause: Schema.Defect()
}) {
  override get message(): string {
    return `event store unavailable during ${this.operation}: ${String(this.cause)}`
  }
}

/** Why an append can fail. */
export type AppendError = StreamVersionConflict | EventIdConflict | InvalidStoreRequest | EventStoreUnavailable
/** Why a read can fail. */
export type ReadError = InvalidStoreRequest | EventStoreUnavailable

// ---------------------------------------------------------------------------
// Port
// ---------------------------------------------------------------------------

/** Options of {@link EventStoreService.subscribe}. */
export interface SubscribeOptions {
  /** How many events to read per page while catching up (default 256). */
  readonly batchSize?: number
}

/** The event store operations. See the module documentation for the rules. */
export interface EventStoreService {
  /**
   * Appends `events` to a stream, atomically, if the stream is at `expectedVersion`.
   * A retry of a stored batch returns the stored envelopes with `duplicate: true`.
   */
  readonly append: (
    streamId: string,
    expectedVersion: ExpectedVersion,
    events: ReadonlyArray<NewEvent>
  ) => Effect.Effect<AppendResult, AppendError>
  /** The events of a stream from `fromVersion` (default 1) on, in version order; `[]` for an unknown stream. */
  readonly readStream: (
    streamId: string,
    fromVersion?: number
  ) => Effect.Effect<ReadonlyArray<EventEnvelope>, ReadError>
  /** At most `limit` events at or after `fromGlobalPosition`, in global order. */
  readonly readAll: (
    fromGlobalPosition: number,
    limit: number
  ) => Effect.Effect<ReadonlyArray<EventEnvelope>, ReadError>
  /** Every event at or after `fromGlobalPosition`, then every new one as it is appended. Never ends by itself. */
  readonly subscribe: (
    fromGlobalPosition: number,
    options?: SubscribeOptions
  ) => Stream.Stream<EventEnvelope, ReadError>
  /** The position of the last stored event, 0 when the store is empty. */
  readonly lastGlobalPosition: Effect.Effect<number, EventStoreUnavailable>
}

/** The event store service. Provide it with `InMemoryEventStore.layer` or a SQL layer. */
export class EventStore extends Context.Service<EventStore, EventStoreService>()("@gridwork/core/events/EventStore") {}

// ---------------------------------------------------------------------------
// Building blocks shared by implementations
// ---------------------------------------------------------------------------

const decodeWith =
  <S extends Schema.ConstraintDecoder<unknown>>(schema: S) =>
  (operation: Operation, prefix: string, input: unknown): Result.Result<S["Type"], InvalidStoreRequest> =>
    Result.mapError(decoder(schema)(prefix, input), (problem) => new InvalidStoreRequest({ operation, ...problem }))

const decodeStreamId = decodeWith(StreamId)
const decodeExpectedVersion = decodeWith(ExpectedVersion)
const decodeNewEvents = decodeWith(Schema.Array(NewEvent))
const decodeNonNegativeInt = decodeWith(Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)))
const decodePositiveInt = decodeWith(Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)))

/**
 * Finds the first place where `value` is not JSON (a non-finite number, `undefined`,
 * a bigint, a function, a `Date` or other class instance, a cycle) and says why.
 * Returns `undefined` for JSON. Used to name the exact path of bad event data.
 */
export const jsonProblem = (
  value: unknown,
  path = "",
  ancestors: Set<object> = new Set()
): { readonly path: string; readonly reason: string } | undefined => {
  switch (typeof value) {
    case "string":
    case "boolean":
      return undefined
    case "number":
      return Number.isFinite(value) ? undefined : { path, reason: `${value} is not a JSON number` }
    case "object": {
      if (value === null) return undefined
      if (ancestors.has(value)) return { path, reason: "a circular reference is not JSON" }
      const proto: unknown = Object.getPrototypeOf(value)
      const isArray = Array.isArray(value)
      if (!isArray && proto !== Object.prototype && proto !== null) {
        const name = (value as { constructor?: { name?: string } }).constructor?.name ?? "object"
        return { path, reason: `a ${name} is not JSON; encode it with its Schema first` }
      }
      ancestors.add(value)
      const entries = isArray
        ? (value as ReadonlyArray<unknown>).map((item, index) => [index, item] as const)
        : Object.entries(value)
      for (const [key, child] of entries) {
        const childPath = typeof key === "number" ? `${path}[${key}]` : path === "" ? key : `${path}.${key}`
        const problem = jsonProblem(child, childPath, ancestors)
        if (problem !== undefined) return problem
      }
      ancestors.delete(value)
      return undefined
    }
    case "undefined":
      return { path, reason: "undefined is not JSON; omit the key or use null" }
    default:
      return { path, reason: `a ${typeof value} is not JSON` }
  }
}

/** A validated append request. */
export interface AppendRequest {
  readonly streamId: StreamId
  readonly expectedVersion: ExpectedVersion
  readonly events: ReadonlyArray<NewEvent>
}

/**
 * Validates an append request with Schema: the stream id, the expected version and
 * every event (id, type, schema version, JSON data and metadata, instant), and that no
 * event id repeats inside the batch. Every implementation calls it first, so they all
 * reject the same inputs with the same {@link InvalidStoreRequest}.
 */
export const validateAppend = (
  streamId: string,
  expectedVersion: ExpectedVersion,
  events: ReadonlyArray<NewEvent>
): Effect.Effect<AppendRequest, InvalidStoreRequest> =>
  Effect.suspend(() => {
    const id = decodeStreamId("append", "streamId", streamId)
    if (Result.isFailure(id)) return Effect.fail(id.failure)
    const expected = decodeExpectedVersion("append", "expectedVersion", expectedVersion)
    if (Result.isFailure(expected)) return Effect.fail(expected.failure)
    if (Array.isArray(events)) {
      for (let index = 0; index < events.length; index++) {
        const event: unknown = events[index]
        if (typeof event !== "object" || event === null) continue
        for (const field of ["data", "metadata"] as const) {
          const problem = jsonProblem((event as Partial<NewEvent>)[field], `events[${index}].${field}`)
          if (problem !== undefined) {
            return Effect.fail(new InvalidStoreRequest({ operation: "append", ...problem }))
          }
        }
      }
    }
    const decoded = decodeNewEvents("append", "events", events)
    if (Result.isFailure(decoded)) return Effect.fail(decoded.failure)
    const seen = new Map<string, number>()
    for (let index = 0; index < decoded.success.length; index++) {
      const eventId = decoded.success[index]!.eventId
      const first = seen.get(eventId)
      if (first !== undefined) {
        return Effect.fail(
          new InvalidStoreRequest({
            operation: "append",
            path: `events[${index}].eventId`,
            reason: `event id ${eventId} repeats events[${first}].eventId; ids are unique within a batch`
          })
        )
      }
      seen.set(eventId, index)
    }
    return Effect.succeed({ streamId: id.success, expectedVersion: expected.success, events: decoded.success })
  })

/** Validates `readStream` arguments: a stream id and a version of at least 1. */
export const validateReadStream = (
  streamId: string,
  fromVersion: number
): Effect.Effect<{ readonly streamId: StreamId; readonly fromVersion: number }, InvalidStoreRequest> =>
  Effect.suspend(() => {
    const id = decodeStreamId("readStream", "streamId", streamId)
    if (Result.isFailure(id)) return Effect.fail(id.failure)
    const from = decodePositiveInt("readStream", "fromVersion", fromVersion)
    if (Result.isFailure(from)) return Effect.fail(from.failure)
    return Effect.succeed({ streamId: id.success, fromVersion: from.success })
  })

/** Validates `readAll` arguments: a position of at least 0 and a limit of at least 1. */
export const validateReadAll = (
  fromGlobalPosition: number,
  limit: number,
  operation: Operation = "readAll"
): Effect.Effect<{ readonly fromGlobalPosition: number; readonly limit: number }, InvalidStoreRequest> =>
  Effect.suspend(() => {
    const from = decodeNonNegativeInt(operation, "fromGlobalPosition", fromGlobalPosition)
    if (Result.isFailure(from)) return Effect.fail(from.failure)
    const max = decodePositiveInt(operation, operation === "subscribe" ? "batchSize" : "limit", limit)
    if (Result.isFailure(max)) return Effect.fail(max.failure)
    return Effect.succeed({ fromGlobalPosition: from.success, limit: max.success })
  })

/**
 * Checks an expected version against the stream's actual version (0 when empty).
 * Returns the conflict, or `undefined` when the append may proceed.
 */
export const checkExpectedVersion = (
  streamId: string,
  expected: ExpectedVersion,
  actual: number
): StreamVersionConflict | undefined => {
  const ok = expected === "any" || (expected === "no-stream" ? actual === 0 : expected === actual)
  return ok ? undefined : new StreamVersionConflict({ streamId, expected, actual })
}

/** Deep equality of JSON values; object key order does not matter (as in PostgreSQL `jsonb`). */
export const jsonEquals = (left: unknown, right: unknown): boolean => {
  if (left === right) return true
  if (typeof left !== "object" || typeof right !== "object" || left === null || right === null) return false
  if (Array.isArray(left)) {
    if (!Array.isArray(right) || left.length !== right.length) return false
    for (let index = 0; index < left.length; index++) {
      if (!jsonEquals(left[index], right[index])) return false
    }
    return true
  }
  if (Array.isArray(right)) return false
  const leftRecord = left as Record<string, unknown>
  const rightRecord = right as Record<string, unknown>
  const keys = Object.keys(leftRecord)
  if (keys.length !== Object.keys(rightRecord).length) return false
  for (const key of keys) {
    if (!Object.hasOwn(rightRecord, key) || !jsonEquals(leftRecord[key], rightRecord[key])) return false
  }
  return true
}

/** The first field in which a stored event differs from a new one, or `undefined` when they match. */
export const differingField = (stored: EventEnvelope, incoming: NewEvent): keyof NewEvent | undefined => {
  if (stored.type !== incoming.type) return "type"
  if (stored.schemaVersion !== incoming.schemaVersion) return "schemaVersion"
  if (stored.occurredAt !== incoming.occurredAt) return "occurredAt"
  if (!jsonEquals(stored.data, incoming.data)) return "data"
  if (!jsonEquals(stored.metadata, incoming.metadata)) return "metadata"
  return undefined
}

/** How a batch relates to what is stored: all new, a retry of a stored batch, or a conflict. */
export type StoredMatch =
  | { readonly _tag: "New" }
  | { readonly _tag: "Duplicate"; readonly events: ReadonlyArray<EventEnvelope> }
  | { readonly _tag: "Conflict"; readonly error: EventIdConflict }

/**
 * Classifies a batch given, for each of its events, the stored event with the same id
 * (or `undefined`). Implementations look the ids up inside the append's transaction
 * and call this, so every store applies the same idempotency rule.
 */
export const matchStored = (
  streamId: string,
  events: ReadonlyArray<NewEvent>,
  stored: ReadonlyArray<EventEnvelope | undefined>
): StoredMatch => {
  const firstStored = stored.findIndex((event) => event !== undefined)
  if (firstStored === -1) return { _tag: "New" }
  const conflict = (eventId: string, reason: string): StoredMatch => ({
    _tag: "Conflict",
    error: new EventIdConflict({ eventId, streamId, reason })
  })
  const missing = stored.indexOf(undefined)
  if (missing !== -1) {
    return conflict(
      events[firstStored]!.eventId,
      `it is already stored but ${events[missing]!.eventId} of the same batch is not; appends are all-or-nothing, so this batch is not a retry`
    )
  }
  let previousVersion = 0
  for (let index = 0; index < events.length; index++) {
    const incoming = events[index]!
    const existing = stored[index]!
    if (existing.streamId !== streamId) {
      return conflict(incoming.eventId, `it is already stored in stream ${existing.streamId}`)
    }
    const field = differingField(existing, incoming)
    if (field !== undefined) {
      return conflict(incoming.eventId, `it is already stored with a different ${field}`)
    }
    if (existing.streamVersion <= previousVersion) {
      return conflict(incoming.eventId, "the batch lists stored events in a different order than they were stored")
    }
    previousVersion = existing.streamVersion
  }
  return { _tag: "Duplicate", events: stored as ReadonlyArray<EventEnvelope> }
}

/** Default page size of catch-up subscriptions. */
export const defaultBatchSize = 256

/** What a catch-up subscription needs from a store. */
export interface CatchUpSource<E, R> {
  /** Reads at most `limit` events at or after `from`, in global order. */
  readonly readAll: (from: number, limit: number) => Effect.Effect<ReadonlyArray<EventEnvelope>, E, R>
  /**
   * Completes once an event at `position` may have been stored (it may complete
   * earlier: the subscription simply reads again). In memory: a signal from `append`;
   * PostgreSQL: `LISTEN`/`NOTIFY` or polling.
   */
  readonly awaitPosition: (position: number) => Effect.Effect<void, E, R>
}

/**
 * A catch-up subscription: validates `from` and `batchSize`, reads pages from `from`
 * and, once caught up, waits for new events and reads again. Relies on dense positions
 * in commit order, so it never skips or repeats an event, and keeps at most one page
 * in memory.
 */
export const catchUp = <E, R>(
  source: CatchUpSource<E, R>,
  from: number,
  batchSize: number = defaultBatchSize
): Stream.Stream<EventEnvelope, E | InvalidStoreRequest, R> =>
  Stream.unwrap(
    Effect.map(validateReadAll(from, batchSize, "subscribe"), (request) =>
      Stream.paginate(Math.max(request.fromGlobalPosition, 1), (next: number) =>
        Effect.flatMap(source.readAll(next, request.limit), (page) => {
          const last = page.at(-1)
          return last === undefined
            ? Effect.as(source.awaitPosition(next), [[], Option.some(next)] as const)
            : Effect.succeed([page, Option.some(last.globalPosition + 1)] as const)
        })
      )
    )
  )
