/**
 * Runs a unit of work atomically: on SQL, one database transaction (every statement
 * of the event store, outbox, ledger, scheduler, inbox and index joins it, so a
 * matter's events, its ledger entries, its timers and its index rows commit together
 * or not at all); in memory, as is (the in-memory stores are for tests and demos and
 * give no atomicity across stores).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Transactor } from "@gridwork/service-accountability"
 *
 * const atomically = <A, E, R>(work: Effect.Effect<A, E, R>) =>
 *   Effect.flatMap(Transactor.Transactor, (transactor) => transactor.transaction(work))
 * ```
 * @module
 */
import { Context, Effect, Layer, Schema } from "effect"
import { SqlClient } from "effect/sql/SqlClient"
import type { SqlError } from "effect/sql/SqlError"

/** The transaction could not be begun or committed. */
export class TransactionFailure extends Schema.TaggedError<TransactionFailure>()("TransactionFailure", {
  cause: Schema.Defect()
}) {
  override get message(): string {
    return `transaction failed: ${String(this.cause)}`
  }
}

const isSqlError = (error: unknown): error is SqlError =>
  typeof error === "object" && error !== null && "_tag" in error && error._tag === "SqlError"

/** The operation of a transactor. */
export interface TransactorShape {
  /** Runs `work` in one transaction (nested calls join the outer one). */
  readonly transaction: <A, E, R>(work: Effect.Effect<A, E, R>) => Effect.Effect<A, E | TransactionFailure, R>
}

/** The transactor service. */
export class Transactor extends Context.Service<Transactor, TransactorShape>()(
  "@gridwork/service-accountability/Transactor"
) {
  /** Database transactions of the `SqlClient` in context. */
  static readonly layerSql: Layer.Layer<Transactor, never, SqlClient> = Layer.effect(
    Transactor,
    Effect.gen(function* () {
      const sql = yield* SqlClient
      return Transactor.of({
        transaction: <A, E, R>(work: Effect.Effect<A, E, R>) =>
          Effect.mapError(sql.withTransaction(work), (error): E | TransactionFailure =>
            isSqlError(error) ? new TransactionFailure({ cause: error }) : error
          )
      })
    })
  )

  /** No transactions (in-memory stores). */
  static readonly layerMemory: Layer.Layer<Transactor> = Layer.succeed(Transactor)(
    Transactor.of({ transaction: (work) => work })
  )
}
