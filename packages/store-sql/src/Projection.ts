/**
 * Checkpointed read models: a projection folds the store's events, in global order,
 * into tables of its own, and records the last global position it applied (its
 * checkpoint, in `gw_projections`) **in the same transaction** as the read-model
 * writes. A crash can therefore never apply an event twice nor skip one: after a
 * restart the projection resumes right after the checkpoint.
 *
 * Events are applied in batches (one transaction per batch, default 100 events):
 * 1. lock the projection's checkpoint row (`for update`);
 * 2. call `apply` for each event after the checkpoint (events at or before it were
 *    applied by someone else meanwhile and are skipped, so several replicas may run
 *    the same projection: each event is still applied once);
 * 3. move the checkpoint to the batch's last position; commit.
 * `apply` writes through the `SqlClient` in context, so its statements join the batch's
 * transaction; if it fails, the whole batch rolls back (read model and checkpoint) and
 * the error is returned: fix the cause, and run again.
 *
 * The read model must live in the same database as the checkpoint. The events come
 * from the `EventStore` in context: `SqlEventStore` (dense positions in commit order,
 * so a checkpoint never passes an event that commits later).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { SqlClient } from "effect/sql/SqlClient"
 * import { Projection } from "@gridwork/store-sql"
 *
 * const petitionsPerDay = Projection.make({
 *   name: "petitions-per-day",
 *   eventTypes: ["PetitionRegistered"],
 *   apply: (event) =>
 *     Effect.flatMap(SqlClient, (sql) =>
 *       sql`insert into petitions_per_day (day, count) values (${new Date(event.occurredAt).toISOString().slice(0, 10)}, 1)
 *           on conflict (day) do update set count = petitions_per_day.count + 1`
 *     )
 * })
 * // in the service: yield* Effect.forkScoped(Projection.run(petitionsPerDay))
 * ```
 * @module
 */
import { EventStore } from "@gridwork/core"
import { Effect, Schema, Stream } from "effect"
import { SqlClient } from "effect/sql/SqlClient"
import type { SqlError } from "effect/sql/SqlError"
import { toSafeInt } from "./internal/rows"

/** What a projection does with each event. */
export interface ProjectionDefinition<E, R> {
  /** The projection's name (its checkpoint key): 1-64 letters, digits, `_`, `-` or `.`. */
  readonly name: string
  /**
   * Applies one event to the read model, with the `SqlClient` in context (inside the
   * batch's transaction). Must not start fibers that outlive it.
   */
  readonly apply: (event: EventStore.EventEnvelope) => Effect.Effect<void, E, R>
  /** Only events of these types are passed to `apply` (default: all); the checkpoint passes the others too. */
  readonly eventTypes?: ReadonlyArray<string> | undefined
  /** Events per transaction (default 100). */
  readonly batchSize?: number | undefined
}

/** A validated projection, from {@link make}. */
export interface Projection<E, R> {
  /** The projection's name (its checkpoint key). */
  readonly name: string
  /** Applies one event to the read model (see {@link ProjectionDefinition.apply}). */
  readonly apply: (event: EventStore.EventEnvelope) => Effect.Effect<void, E, R>
  /** Whether an event is passed to `apply` (its type is one of `eventTypes`). */
  readonly accepts: (event: EventStore.EventEnvelope) => boolean
  /** Events per transaction. */
  readonly batchSize: number
}

/** A projection definition broke a rule (the field and the rule are named). */
export class ProjectionInvalid extends Schema.TaggedError<ProjectionInvalid>()("ProjectionInvalid", {
  field: Schema.String,
  rule: Schema.String
}) {
  /** `field: rule`. */
  override get message(): string {
    return `${this.field}: ${this.rule}`
  }
}

/** The checkpoint could not be read or written, or the events could not be read. */
export class ProjectionStoreFailure extends Schema.TaggedError<ProjectionStoreFailure>()("ProjectionStoreFailure", {
  projection: Schema.String,
  operation: Schema.String,
  cause: Schema.Defect()
}) {
  /** Names the projection and the operation. */
  override get message(): string {
    return `projection ${this.projection} failed during ${this.operation}: ${String(this.cause)}`
  }
}

/** Wraps the error of `apply`, to tell it apart from the projection's own SQL errors. */
class ApplyFailure<E> {
  constructor(readonly error: E) {}
}

const namePattern = /^[A-Za-z0-9_.-]{1,64}$/

/** Validates a definition: the name, the batch size and the event types. */
export const make = <E, R>(definition: ProjectionDefinition<E, R>): Projection<E, R> => {
  const problem = check(definition)
  if (problem !== undefined) throw problem
  const types = definition.eventTypes === undefined ? undefined : new Set(definition.eventTypes)
  return {
    name: definition.name,
    apply: definition.apply,
    accepts: types === undefined ? () => true : (event) => types.has(event.type),
    batchSize: definition.batchSize ?? 100
  }
}

/** Like {@link make}, failing with {@link ProjectionInvalid} instead of throwing. */
export const makeEffect = <E, R>(
  definition: ProjectionDefinition<E, R>
): Effect.Effect<Projection<E, R>, ProjectionInvalid> =>
  Effect.suspend(() => {
    const problem = check(definition)
    return problem === undefined ? Effect.succeed(make(definition)) : Effect.fail(problem)
  })

const check = <E, R>(definition: ProjectionDefinition<E, R>): ProjectionInvalid | undefined => {
  if (typeof definition.name !== "string" || !namePattern.test(definition.name)) {
    return new ProjectionInvalid({ field: "name", rule: "a projection name is 1-64 letters, digits, '_', '-' or '.'" })
  }
  const size = definition.batchSize
  if (size !== undefined && (!Number.isSafeInteger(size) || size < 1 || size > 10_000)) {
    return new ProjectionInvalid({ field: "batchSize", rule: `expected an integer in [1, 10000], got ${size}` })
  }
  const types = definition.eventTypes
  if (types !== undefined) {
    const bad = types.findIndex((type) => typeof type !== "string" || !/^[A-Z][A-Za-z0-9]{0,127}$/.test(type))
    if (bad !== -1) {
      return new ProjectionInvalid({
        field: `eventTypes[${bad}]`,
        rule: "an event type is PascalCase, e.g. PetitionRegistered"
      })
    }
  }
  return undefined
}

const storeFailure =
  (projection: string, operation: string) =>
  (cause: unknown): ProjectionStoreFailure =>
    new ProjectionStoreFailure({ projection, operation, cause })

/** The projection's checkpoint: the last global position it applied, 0 before the first event. */
export const checkpoint = (name: string): Effect.Effect<number, ProjectionStoreFailure, SqlClient> =>
  Effect.flatMap(SqlClient, (sql) =>
    sql<{ readonly position: unknown }>`select position from gw_projections where name = ${name}`.pipe(
      Effect.map(([row]) => (row === undefined ? 0 : toSafeInt(row.position, "gw_projections.position"))),
      Effect.mapError(storeFailure(name, "checkpoint"))
    )
  )

/**
 * Applies one batch of events (in global order) and moves the checkpoint, in one
 * transaction; returns how many events were passed to `apply`.
 */
export const applyBatch = <E, R>(
  projection: Projection<E, R>,
  events: ReadonlyArray<EventStore.EventEnvelope>
): Effect.Effect<number, E | ProjectionStoreFailure, SqlClient | R> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient
    const last = events.at(-1)
    if (last === undefined) return 0
    const transaction: Effect.Effect<number, ApplyFailure<E> | SqlError, R> = Effect.gen(function* () {
      yield* sql`insert into gw_projections (name, position) values (${projection.name}, 0) on conflict (name) do nothing`
      const [row] = yield* sql<{ readonly position: unknown }>`
        select position from gw_projections where name = ${projection.name} for update`
      const done = toSafeInt(row?.position ?? 0, "gw_projections.position")
      if (last.globalPosition <= done) return 0
      let applied = 0
      for (const event of events) {
        if (event.globalPosition <= done || !projection.accepts(event)) continue
        yield* Effect.mapError(projection.apply(event), (error) => new ApplyFailure(error))
        applied++
      }
      yield* sql`
        update gw_projections set position = ${last.globalPosition}::bigint, updated_at = now()
        where name = ${projection.name}`
      return applied
    })
    return yield* sql
      .withTransaction(transaction)
      .pipe(
        Effect.catch((error) =>
          Effect.fail(
            error instanceof ApplyFailure ? (error.error as E) : storeFailure(projection.name, "applyBatch")(error)
          )
        )
      )
  }).pipe(Effect.withSpan("Projection.applyBatch", { attributes: { projection: projection.name } }))

/**
 * Applies every event stored after the checkpoint up to the store's current head,
 * then returns how many events were passed to `apply`. For tests, tools and
 * on-demand rebuilds; services usually {@link run}.
 */
export const catchUp = <E, R>(
  projection: Projection<E, R>
): Effect.Effect<number, E | ProjectionStoreFailure, EventStore.EventStore | SqlClient | R> =>
  Effect.gen(function* () {
    const store = yield* EventStore.EventStore
    let applied = 0
    let from = (yield* checkpoint(projection.name)) + 1
    for (;;) {
      const page = yield* Effect.mapError(
        store.readAll(from, projection.batchSize),
        storeFailure(projection.name, "readAll")
      )
      if (page.length === 0) return applied
      applied += yield* applyBatch(projection, page)
      from = page.at(-1)!.globalPosition + 1
    }
  })

/**
 * Applies every event after the checkpoint, then every new one as it is appended,
 * until interrupted (fork it in the service's scope). Fails when `apply` fails or the
 * database cannot be reached; restart it after fixing the cause (the checkpoint says
 * where to resume).
 */
export const run = <E, R>(
  projection: Projection<E, R>
): Effect.Effect<void, E | ProjectionStoreFailure, EventStore.EventStore | SqlClient | R> =>
  Effect.gen(function* () {
    const store = yield* EventStore.EventStore
    const from = (yield* checkpoint(projection.name)) + 1
    yield* store.subscribe(from, { batchSize: projection.batchSize }).pipe(
      Stream.mapError(storeFailure(projection.name, "subscribe")),
      Stream.runForEachArray((events) => applyBatch(projection, events))
    )
  })

/**
 * Rebuilds a projection from the first event: runs `clear` (which empties the read
 * model) and sets the checkpoint to 0 in one transaction. Follow with
 * {@link catchUp} or {@link run}.
 */
export const reset = <E, R>(
  name: string,
  clear: Effect.Effect<void, E, R>
): Effect.Effect<void, E | ProjectionStoreFailure, SqlClient | R> =>
  Effect.gen(function* () {
    const sql = yield* SqlClient
    const transaction: Effect.Effect<void, ApplyFailure<E> | SqlError, R> = Effect.gen(function* () {
      yield* Effect.mapError(clear, (error) => new ApplyFailure(error))
      yield* sql`
        insert into gw_projections (name, position) values (${name}, 0)
        on conflict (name) do update set position = 0, updated_at = now()`
    })
    return yield* sql
      .withTransaction(transaction)
      .pipe(
        Effect.catch((error) =>
          Effect.fail(error instanceof ApplyFailure ? (error.error as E) : storeFailure(name, "reset")(error))
        )
      )
  })
