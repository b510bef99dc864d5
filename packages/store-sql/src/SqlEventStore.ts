/**
 * The {@link EventStore} on PostgreSQL (a server or the embedded PGlite), writing the
 * {@link Outbox} rows of each append in the same transaction.
 *
 * ## An append, in one statement
 * After validating the request (Schema, `jsonb`-storable text) and computing each
 * event's outbox subject, an append is one call of the `gw_append` function
 * (`Migrations`), atomic by itself:
 * 1. `select last from gw_event_head for update`: the one-row position counter is
 *    locked, so appends run one after another (see "Global order").
 * 2. It reads the stream's version (`gw_streams`) and the stored events with the
 *    batch's ids. Statements after the lock see every append committed before it.
 * 3. When no id is stored and the version matches, it inserts the events (positions
 *    `last + 1 ...`), their outbox rows, the new stream version and the new counter
 *    value, and on a server `pg_notify`s the subscribers of other processes. Otherwise
 *    it writes nothing and returns what it found; the port's shared rules
 *    (`EventStore.matchStored`, `checkExpectedVersion`) then make it a retry (the
 *    stored envelopes), an `EventIdConflict` or a `StreamVersionConflict`.
 * Subscribers in this process are woken once the append is committed
 * (`SqlClient.afterCommit`). An append inside a transaction the caller opened (for
 * instance the effect of `Inbox.processOnce`) is part of it, and holds the counter
 * lock until that transaction ends: keep such transactions short. Appends expect the
 * default `read committed` isolation; under `repeatable read` or `serializable` a
 * concurrent append makes them fail (`EventStoreUnavailable`, retry) instead.
 *
 * ## Global order without gaps
 * A `bigserial` hands out numbers when transactions *start* writing, not when they
 * commit: transaction A takes 7, B takes 8, B commits first, and a reader that has just
 * seen 8 moves past 7 for ever (or sees a hole where A rolled back). Here positions come
 * from the locked counter row instead: the next append cannot read the counter before
 * the previous one has committed or rolled back, so positions are dense and commit in
 * order, and "read everything after my checkpoint" never skips an event. The price is
 * that appends are serialized per database; the benchmark (`npm run bench`) measures
 * what that costs.
 *
 * ## Subscriptions
 * `subscribe` pages through `readAll`; once caught up it waits for the next append: a
 * signal from an append committed in this process, a `NOTIFY` from another process
 * (server only; the listener holds one of the pool's connections), or at the latest
 * `pollInterval` (default 1 s), which covers a lost notification.
 *
 * @example
 * ```ts
 * import { Effect, Layer } from "effect"
 * import { EventStore, Outbox } from "@gridwork/core"
 * import { SqlEventStore, SqlStore } from "@gridwork/store-sql"
 *
 * const layer = SqlEventStore.layer({
 *   subjectOf: Outbox.moduleSubjects({ module: "petition", locality: "lanxi" })
 * }).pipe(Layer.provideMerge(SqlStore.layer({ dataDir: ".gridwork/data/petition" })))
 *
 * const program = Effect.gen(function* () {
 *   const store = yield* EventStore.EventStore
 *   return yield* store.lastGlobalPosition
 * }).pipe(Effect.provide(layer))
 * ```
 * @module
 */

import { PgClient } from "@effect/sql-pg"
import { EventStore, Outbox } from "@gridwork/core"
import { Deferred, Duration, Effect, Exit, Layer, Queue, Result, Schedule, type Scope } from "effect"
import { SqlClient } from "effect/sql/SqlClient"
import type { SqlError } from "effect/sql/SqlError"
import { type EventRow, eventColumns, jsonbProblem, toEnvelope, toSafeInt } from "./internal/rows"
import * as Migrations from "./Migrations"
import { SqlDatabase } from "./SqlStore"

/** The notification channel of appends (see `Migrations.notifyChannel`). */
export const notifyChannel = Migrations.notifyChannel

/** Options of {@link make} and {@link layer}. */
export interface SqlEventStoreOptions {
  /**
   * The outbox router: the subject of each appended event, or `undefined` for none.
   * Without a router no outbox rows are written.
   */
  readonly subjectOf?: Outbox.SubjectOf | undefined
  /** Longest wait of a caught-up subscriber before it looks again (default 1 second). */
  readonly pollInterval?: Duration.Input | undefined
  /** Listen for other processes' appends with LISTEN/NOTIFY (default: on a server, not embedded). */
  readonly listen?: boolean | undefined
}

/** What `gw_append` returns (see `Migrations`). */
type AppendOutcome =
  | { readonly written: true; readonly last: number; readonly version: number }
  | { readonly written: false; readonly version: number; readonly found: ReadonlyArray<EventRow> }

const unavailable =
  (operation: EventStore.Operation) =>
  (cause: SqlError): EventStore.EventStoreUnavailable =>
    new EventStore.EventStoreUnavailable({ operation, cause })

/**
 * Builds the store over the `SqlClient` in context (migrated by `SqlStore.layer`). The
 * LISTEN connection, when used, lives as long as the scope.
 */
export const make = (
  options: SqlEventStoreOptions = {}
): Effect.Effect<EventStore.EventStoreService, never, SqlClient | SqlDatabase | Scope.Scope> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient
    const database = yield* SqlDatabase
    const listen = options.listen ?? database.mode === "server"
    const pollInterval = Duration.fromInputUnsafe(options.pollInterval ?? Duration.seconds(1))
    const subjectOf = options.subjectOf

    /** Completed (and replaced) whenever new events may have been committed. */
    let appended = Deferred.makeUnsafe<void>()
    const wake = Effect.sync(() => {
      const done = appended
      appended = Deferred.makeUnsafe<void>()
      Deferred.doneUnsafe(done, Exit.void)
    })

    const head = Effect.map(sql<{ readonly last: unknown }>`select last from gw_event_head where id = 1`, (rows) =>
      toSafeInt(rows[0]?.last ?? 0, "gw_event_head.last")
    )

    const write = (
      request: EventStore.AppendRequest,
      subjects: ReadonlyArray<string | undefined>
    ): Effect.Effect<
      EventStore.AppendResult,
      SqlError | EventStore.StreamVersionConflict | EventStore.EventIdConflict
    > =>
      Effect.gen(function* () {
        const { streamId, expectedVersion, events } = request
        if (events.length === 0) {
          const rows = yield* sql<{ readonly version: number }>`
            select version from gw_streams where stream_id = ${streamId}`
          const actual = rows[0]?.version ?? 0
          const conflict = EventStore.checkExpectedVersion(streamId, expectedVersion, actual)
          if (conflict !== undefined) return yield* conflict
          return { streamId, streamVersion: actual, events: [], duplicate: false }
        }
        const payload = JSON.stringify(
          events.map((event, index) => ({
            n: index + 1,
            event_id: event.eventId,
            type: event.type,
            schema_version: event.schemaVersion,
            data: event.data,
            metadata: event.metadata,
            occurred_at: event.occurredAt,
            subject: subjects[index] ?? null
          }))
        )
        const expected = expectedVersion === "any" ? -1 : expectedVersion === "no-stream" ? 0 : expectedVersion
        const [row] = yield* sql<{ readonly outcome: AppendOutcome }>`
          select gw_append(${streamId}, ${expected}::bigint, ${payload}::jsonb, ${listen}) as outcome`
        const outcome = row!.outcome
        const actual = outcome.version
        if (!outcome.written) {
          const byId = new Map<string, EventStore.EventEnvelope>()
          for (const found of outcome.found) byId.set(found.event_id, toEnvelope(found))
          const match = EventStore.matchStored(
            streamId,
            events,
            events.map((event) => byId.get(event.eventId))
          )
          if (match._tag === "Conflict") return yield* match.error
          if (match._tag === "Duplicate") {
            const streamVersion = match.events.at(-1)!.streamVersion
            return { streamId, streamVersion, events: match.events, duplicate: true }
          }
          const conflict = EventStore.checkExpectedVersion(streamId, expectedVersion, actual)
          return yield* conflict ?? Effect.die(new Error("gw_append wrote nothing without a conflict"))
        }
        const last = toSafeInt(outcome.last, "gw_event_head.last")
        const newVersion = actual + events.length
        yield* sql.afterCommit(wake)
        const copies = JSON.parse(payload) as ReadonlyArray<{ readonly data: unknown; readonly metadata: unknown }>
        const stored = events.map(
          (event, index): EventStore.EventEnvelope => ({
            eventId: event.eventId,
            streamId,
            streamVersion: actual + index + 1,
            globalPosition: last + index + 1,
            type: event.type,
            schemaVersion: event.schemaVersion,
            data: copies[index]!.data as EventStore.EventEnvelope["data"],
            metadata: copies[index]!.metadata as EventStore.EventEnvelope["metadata"],
            occurredAt: event.occurredAt
          })
        )
        return { streamId, streamVersion: newVersion, events: stored, duplicate: false }
      })

    const append: EventStore.EventStoreService["append"] = (streamId, expectedVersion, events) =>
      Effect.flatMap(
        EventStore.validateAppend(streamId, expectedVersion, events),
        (request): Effect.Effect<EventStore.AppendResult, EventStore.AppendError> => {
          for (let index = 0; index < request.events.length; index++) {
            const event = request.events[index]!
            const problem =
              jsonbProblem(event.data, `events[${index}].data`) ??
              jsonbProblem(event.metadata, `events[${index}].metadata`)
            if (problem !== undefined) {
              return Effect.fail(new EventStore.InvalidStoreRequest({ operation: "append", ...problem }))
            }
          }
          const subjects =
            subjectOf === undefined
              ? Result.succeed([])
              : Outbox.resolveSubjects(subjectOf, request.streamId, request.events)
          if (Result.isFailure(subjects)) return Effect.fail(subjects.failure)
          return write(request, subjects.success).pipe(
            Effect.catchTag("SqlError", (error) => Effect.fail(unavailable("append")(error)))
          )
        }
      ).pipe(Effect.withSpan("SqlEventStore.append", { attributes: { streamId } }))

    const readStream: EventStore.EventStoreService["readStream"] = (streamId, fromVersion = 1) =>
      Effect.flatMap(EventStore.validateReadStream(streamId, fromVersion), (request) =>
        sql<EventRow>`
          select ${sql.literal(eventColumns)} from gw_events
          where stream_id = ${request.streamId} and stream_version >= ${request.fromVersion}
          order by stream_version`.pipe(
          Effect.map((rows) => rows.map(toEnvelope)),
          Effect.mapError(unavailable("readStream"))
        )
      )

    const readPage = (from: number, limit: number) =>
      Effect.map(
        sql<EventRow>`
          select ${sql.literal(eventColumns)} from gw_events
          where global_position >= ${from}::bigint
          order by global_position limit ${limit}`,
        (rows) => rows.map(toEnvelope)
      )

    const readAll: EventStore.EventStoreService["readAll"] = (fromGlobalPosition, limit) =>
      Effect.flatMap(EventStore.validateReadAll(fromGlobalPosition, limit), (request) =>
        Effect.mapError(readPage(request.fromGlobalPosition, request.limit), unavailable("readAll"))
      )

    // Take the signal before looking at the head: an append committing after the look
    // completes the signal we hold, so it cannot be missed.
    const awaitPosition = (position: number): Effect.Effect<void, EventStore.EventStoreUnavailable> =>
      Effect.suspend(() => {
        const signal = appended
        return Effect.flatMap(Effect.mapError(head, unavailable("subscribe")), (last) =>
          last >= position ? Effect.void : Effect.asVoid(Effect.timeoutOption(Deferred.await(signal), pollInterval))
        )
      })

    const subscribe: EventStore.EventStoreService["subscribe"] = (fromGlobalPosition, subscribeOptions) =>
      EventStore.catchUp(
        {
          readAll: (next, limit) => Effect.mapError(readPage(next, limit), unavailable("subscribe")),
          awaitPosition
        },
        fromGlobalPosition,
        subscribeOptions?.batchSize ?? EventStore.defaultBatchSize
      )

    if (listen) {
      const pg = yield* Effect.serviceOption(PgClient.PgClient)
      if (pg._tag === "Some") {
        const listener = Effect.scoped(
          Effect.gen(function* () {
            const notifications = yield* pg.value.listen(notifyChannel)
            yield* wake // appends committed while we were not listening
            for (;;) {
              yield* Queue.take(notifications)
              yield* wake
            }
          })
        ).pipe(
          Effect.tapError((error) => Effect.logWarning("event store LISTEN failed; retrying", error)),
          Effect.retry(Schedule.spaced(Duration.seconds(1)))
        )
        yield* Effect.forkScoped(listener)
      }
    }

    return EventStore.EventStore.of({
      append,
      readStream,
      readAll,
      subscribe,
      lastGlobalPosition: Effect.mapError(head, unavailable("lastGlobalPosition"))
    })
  })

/** A layer with the SQL {@link EventStore}; needs `SqlStore.layer` (or any migrated `SqlClient`). */
export const layer = (
  options: SqlEventStoreOptions = {}
): Layer.Layer<EventStore.EventStore, never, SqlClient | SqlDatabase> =>
  Layer.effect(EventStore.EventStore, make(options))
