/**
 * The {@link Inbox} on PostgreSQL: `processOnce(consumer, messageId, effect)` runs, in
 * one transaction,
 *
 * ```sql
 * insert into gw_inbox (consumer, message_id, processed_at) values (...) on conflict do nothing returning 1
 * -- no row returned: already processed, commit nothing and return Option.none()
 * -- a row: run `effect` here; its statements through the same SqlClient join this transaction
 * commit
 * ```
 *
 * so the record and the effect's own SQL writes (read models, appended events, ledger
 * entries ...) commit together, or roll back together when `effect` fails, dies or is
 * interrupted, leaving the message to be redelivered. A second delivery racing the
 * first waits on the first's row lock (a unique index) and, once that commits, finds
 * the record. The record holds the `Clock` time for {@link InboxShape.prune}.
 *
 * On the embedded database (one connection) transactions run one at a time, so a
 * slow `effect` holds up every other query of the process: keep handlers short.
 *
 * @example
 * ```ts
 * import { Effect, Option } from "effect"
 * import { SqlClient } from "effect/sql/SqlClient"
 * import { Inbox } from "@gridwork/core"
 *
 * const fold = (eventId: string) =>
 *   Effect.gen(function* () {
 *     const inbox = yield* Inbox.Inbox
 *     const sql = yield* SqlClient
 *     const ran = yield* inbox.processOnce("risk-petition", eventId, sql`update hotspot set count = count + 1`)
 *     return Option.isSome(ran)
 *   })
 * ```
 * @module
 */
import { Inbox } from "@gridwork/core"
import { Clock, Effect, Layer, Option } from "effect"
import { SqlClient } from "effect/sql/SqlClient"
import type { SqlError } from "effect/sql/SqlError"
import { toSafeInt } from "./internal/rows"

type InboxShape = Inbox.InboxShape

/** Wraps the error of the caller's effect, to tell it apart from the inbox's own SQL errors. */
class HandlerFailure<E> {
  constructor(readonly error: E) {}
}

const failure =
  (operation: string) =>
  (cause: SqlError): Inbox.InboxStoreFailure =>
    new Inbox.InboxStoreFailure({ operation, cause })

/** Builds the inbox over the `SqlClient` in context (migrated by `SqlStore.layer`). */
export const make: Effect.Effect<InboxShape, never, SqlClient> = Effect.gen(function* () {
  const sql = yield* SqlClient

  const processOnce: InboxShape["processOnce"] = <A, E, R>(
    consumer: string,
    messageId: string,
    effect: Effect.Effect<A, E, R>
  ): Effect.Effect<Option.Option<A>, E | Inbox.InboxError, R> => {
    const problem = Inbox.checkPair(consumer, messageId)
    if (problem !== undefined) return Effect.fail(problem)
    const attempt: Effect.Effect<Option.Option<A>, HandlerFailure<E> | SqlError, R> = Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      const recorded = yield* sql`
        insert into gw_inbox (consumer, message_id, processed_at)
        values (${consumer}, ${messageId}, ${now}::bigint)
        on conflict (consumer, message_id) do nothing
        returning 1`
      if (recorded.length === 0) return Option.none<A>()
      return Option.some(yield* Effect.mapError(effect, (error) => new HandlerFailure(error)))
    })
    return sql.withTransaction(attempt).pipe(
      Effect.catch((error) =>
        Effect.fail(error instanceof HandlerFailure ? (error.error as E) : failure("processOnce")(error as SqlError))
      ),
      Effect.withSpan("SqlInbox.processOnce", { attributes: { consumer, messageId } })
    )
  }

  const isProcessed: InboxShape["isProcessed"] = (consumer, messageId) => {
    const problem = Inbox.checkPair(consumer, messageId)
    if (problem !== undefined) return Effect.fail(problem)
    return sql`select 1 from gw_inbox where consumer = ${consumer} and message_id = ${messageId}`.pipe(
      Effect.map((rows) => rows.length > 0),
      Effect.mapError(failure("isProcessed"))
    )
  }

  const prune: InboxShape["prune"] = (processedBefore) => {
    const problem = Inbox.checkInstant("processedBefore", processedBefore)
    if (problem !== undefined) return Effect.fail(problem)
    return sql<{ readonly removed: unknown }>`
      with removed as (delete from gw_inbox where processed_at < ${processedBefore}::bigint returning 1)
      select count(*) as removed from removed`.pipe(
      Effect.map((rows) => toSafeInt(rows[0]?.removed ?? 0, "removed")),
      Effect.mapError(failure("prune"))
    )
  }

  return Inbox.Inbox.of({ processOnce, isProcessed, prune })
})

/** A layer with the SQL {@link Inbox}; needs `SqlStore.layer` (or any migrated `SqlClient`). */
export const layer: Layer.Layer<Inbox.Inbox, never, SqlClient> = Layer.effect(Inbox.Inbox, make)
