/**
 * The {@link Outbox} on PostgreSQL: the `gw_outbox` rows that `SqlEventStore` writes in
 * each append's transaction (one per event its `subjectOf` router publishes), joined
 * with `gw_events` for the envelope. The relay of `@gridwork/nats` reads it.
 *
 * - `pending` and `claim` return rows oldest first (global position); positions commit
 *   in order (see `SqlEventStore`), so a row never appears behind one already read.
 * - `claim` picks rows with `for update skip locked` and leases them in the same
 *   statement: relays claiming at the same moment never get the same row.
 * - `markSent` and `prune` touch rows by event id and `sent_at`; a partial index keeps
 *   unsent rows cheap to find however many sent ones are kept.
 *
 * @example
 * ```ts
 * import { Effect, Layer } from "effect"
 * import { Instant, Outbox } from "@gridwork/core"
 * import { SqlEventStore, SqlOutbox, SqlStore } from "@gridwork/store-sql"
 *
 * const layer = Layer.mergeAll(
 *   SqlEventStore.layer({ subjectOf: Outbox.moduleSubjects({ module: "petition", locality: "lanxi" }) }),
 *   SqlOutbox.layer
 * ).pipe(Layer.provideMerge(SqlStore.layer()))
 *
 * const relayOnce = Effect.gen(function* () {
 *   const outbox = yield* Outbox.Outbox
 *   const claimed = yield* outbox.claim({ owner: "relay-1", limit: 100, now: yield* Instant.now, leaseMillis: 30_000 })
 *   // publish each claimed message, then:
 *   yield* outbox.markSent(claimed.map((message) => message.event.eventId), yield* Instant.now)
 * })
 * ```
 * @module
 */
import type { Bus } from "@gridwork/core"
import { Outbox } from "@gridwork/core"
import { Effect, Layer } from "effect"
import { SqlClient } from "effect/sql/SqlClient"
import type { SqlError } from "effect/sql/SqlError"
import { type EventRow, toEnvelope, toSafeInt } from "./internal/rows"

interface MessageRow extends EventRow {
  readonly subject: string
}

const toMessage = (row: MessageRow): Bus.BusMessage => ({ subject: row.subject, event: toEnvelope(row) })

const byPosition = (left: Bus.BusMessage, right: Bus.BusMessage) =>
  left.event.globalPosition - right.event.globalPosition

const failure =
  (operation: string) =>
  (cause: SqlError): Outbox.OutboxStoreFailure =>
    new Outbox.OutboxStoreFailure({ operation, cause })

const check = <A>(
  problem: Outbox.OutboxInputInvalid | undefined,
  operation: string,
  run: Effect.Effect<A, SqlError>
): Effect.Effect<A, Outbox.OutboxError> =>
  problem === undefined ? Effect.mapError(run, failure(operation)) : Effect.fail(problem)

/** Builds the outbox over the `SqlClient` in context (migrated by `SqlStore.layer`). */
export const make: Effect.Effect<Outbox.OutboxShape, never, SqlClient> = Effect.gen(function* () {
  const sql = yield* SqlClient

  const pending: Outbox.OutboxShape["pending"] = (limit) =>
    check(
      Outbox.checkLimit(limit),
      "pending",
      Effect.map(
        sql<MessageRow>`
          select o.subject, e.global_position, e.event_id, e.stream_id, e.stream_version, e.type,
                 e.schema_version, e.data, e.metadata, e.occurred_at
          from gw_outbox o join gw_events e on e.global_position = o.global_position
          where o.sent_at is null
          order by o.global_position
          limit ${limit}`,
        (rows) => rows.map(toMessage)
      )
    )

  const claim: Outbox.OutboxShape["claim"] = (options) =>
    check(
      Outbox.checkClaim(options),
      "claim",
      Effect.map(
        sql<MessageRow>`
          with picked as (
            select global_position from gw_outbox
            where sent_at is null
              and (lease_owner is null or lease_owner = ${options.owner} or lease_until <= ${options.now}::bigint)
            order by global_position
            limit ${options.limit}
            for update skip locked
          )
          update gw_outbox o
             set lease_owner = ${options.owner}, lease_until = ${options.now + options.leaseMillis}::bigint
            from picked, gw_events e
           where o.global_position = picked.global_position and e.global_position = picked.global_position
          returning o.subject, e.global_position, e.event_id, e.stream_id, e.stream_version, e.type,
                    e.schema_version, e.data, e.metadata, e.occurred_at`,
        (rows) => rows.map(toMessage).sort(byPosition)
      )
    )

  const markSent: Outbox.OutboxShape["markSent"] = (eventIds, at) =>
    check(
      Outbox.checkEventIds(eventIds) ?? Outbox.checkInstant("at", at),
      "markSent",
      eventIds.length === 0
        ? Effect.succeed(0)
        : Effect.map(
            sql<{ readonly marked: unknown }>`
              with marked as (
                update gw_outbox o set sent_at = ${at}::bigint
                  from gw_events e
                 where e.global_position = o.global_position
                   and e.event_id = any(${eventIds}::text[])
                   and o.sent_at is null
                returning 1
              )
              select count(*) as marked from marked`,
            (rows) => toSafeInt(rows[0]?.marked ?? 0, "marked")
          )
    )

  const prune: Outbox.OutboxShape["prune"] = (sentBefore) =>
    check(
      Outbox.checkInstant("sentBefore", sentBefore),
      "prune",
      Effect.map(
        sql<{ readonly removed: unknown }>`
          with removed as (
            delete from gw_outbox where sent_at is not null and sent_at < ${sentBefore}::bigint returning 1
          )
          select count(*) as removed from removed`,
        (rows) => toSafeInt(rows[0]?.removed ?? 0, "removed")
      )
    )

  const stats: Outbox.OutboxShape["stats"] = Effect.mapError(
    Effect.map(
      sql<{ readonly pending: unknown; readonly sent: unknown }>`
        select count(*) filter (where sent_at is null) as pending,
               count(*) filter (where sent_at is not null) as sent
        from gw_outbox`,
      (rows) => ({
        pending: toSafeInt(rows[0]?.pending ?? 0, "pending"),
        sent: toSafeInt(rows[0]?.sent ?? 0, "sent")
      })
    ),
    failure("stats")
  )

  return Outbox.Outbox.of({ pending, claim, markSent, prune, stats })
})

/** A layer with the SQL {@link Outbox}; needs `SqlStore.layer` (or any migrated `SqlClient`). */
export const layer: Layer.Layer<Outbox.Outbox, never, SqlClient> = Layer.effect(Outbox.Outbox, make)
