/**
 * The durable {@link DeadlineScheduler} on PostgreSQL: one `gw_timers` row per
 * `(scheduler, key)` holding `due_at`, the obligation state `version` and `fired_at`
 * (null while armed). The scheduler keeps nothing in memory, so a restart (or another
 * replica) sees exactly what was committed: every timer whose due time passed while
 * the process was down is due at once, and every fired mark stays, so an obligation
 * state never fires twice.
 *
 * - `arm` inserts the row, or locks it (`for update`) and applies the port's version
 *   rules in one transaction.
 * - `takeDue` marks the earliest due rows fired in one statement
 *   (`for update skip locked`): replicas ticking together split the due timers
 *   between them and never take the same one.
 * - `due` + `markFired` (what `DeadlineSchedulerDriver` uses) hand a timer to the
 *   handler first and mark it after; a crash in between fires it again after the
 *   restart, which the handler's idempotency (`fireToken`) absorbs.
 * - `markFired` records the `Clock` time in `fired_at`; `takeDue` records `now`.
 *
 * Several schedulers can share the tables: each has a `name` (default `default`).
 * Keys are printable ASCII and compared with `collate "C"`, the order of the port.
 *
 * @example
 * ```ts
 * import { Effect, Layer } from "effect"
 * import { DeadlineScheduler, Instant } from "@gridwork/core"
 * import { SqlDeadlineScheduler, SqlStore } from "@gridwork/store-sql"
 *
 * const layer = SqlDeadlineScheduler.layer({ name: "accountability" }).pipe(Layer.provide(SqlStore.layer()))
 * const program = Effect.gen(function* () {
 *   const scheduler = yield* DeadlineScheduler.DeadlineScheduler
 *   yield* scheduler.arm(DeadlineScheduler.TimerKey.make("obligation-1"), Instant.fromMillis(1_000), 1)
 *   return yield* scheduler.takeDue(yield* Instant.now, 100)
 * }).pipe(Effect.provide(layer))
 * ```
 * @module
 */
import { DeadlineScheduler, type Instant } from "@gridwork/core"
import { Clock, Effect, Layer, Option } from "effect"
import { SqlClient } from "effect/sql/SqlClient"
import type { SqlError } from "effect/sql/SqlError"
import { toSafeInt } from "./internal/rows"

type Shape = DeadlineScheduler.DeadlineSchedulerShape

/** Options of {@link make} and {@link layer}. */
export interface SqlDeadlineSchedulerOptions {
  /** The scheduler's name: 1-64 letters, digits, `_`, `-` or `.` (default `default`). */
  readonly name?: string | undefined
}

interface TimerRow {
  readonly key: string
  readonly due_at: unknown
  readonly version: unknown
  readonly fired_at: unknown
}

const invalid = (field: string, rule: string) => new DeadlineScheduler.TimerInputInvalid({ field, rule })

const checkKey = (key: string) =>
  typeof key === "string" && /^[\x21-\x7e]{1,200}$/.test(key)
    ? undefined
    : invalid("key", "a timer key is 1-200 printable ASCII characters without spaces")

const checkInstant = (field: string, value: number) =>
  Number.isSafeInteger(value)
    ? undefined
    : invalid(field, `an instant is an integer number of epoch milliseconds, got ${value}`)

const checkVersion = (version: number) =>
  Number.isInteger(version) && version >= 0 && version <= DeadlineScheduler.MAX_STATE_VERSION
    ? undefined
    : invalid("version", `a state version is an integer in [0, ${DeadlineScheduler.MAX_STATE_VERSION}]`)

const checkLimit = (limit: number) =>
  Number.isSafeInteger(limit) && limit > 0 ? undefined : invalid("limit", `a limit is a positive integer, got ${limit}`)

const toDue = (row: TimerRow): DeadlineScheduler.DueTimer => ({
  key: row.key as DeadlineScheduler.TimerKey,
  dueAt: toSafeInt(row.due_at, "due_at") as Instant.Instant,
  version: toSafeInt(row.version, "version")
})

const toRecord = (row: TimerRow): DeadlineScheduler.TimerRecord => ({
  ...toDue(row),
  fired: row.fired_at !== null && row.fired_at !== undefined
})

/** Ordered like the port: due time, then key (printable ASCII, so code-unit order is `collate "C"`). */
const byDue = (left: DeadlineScheduler.DueTimer, right: DeadlineScheduler.DueTimer) =>
  left.dueAt - right.dueAt || (left.key < right.key ? -1 : left.key > right.key ? 1 : 0)

/**
 * Builds a scheduler over the `SqlClient` in context (migrated by `SqlStore.layer`).
 * Fails with {@link DeadlineScheduler.TimerInputInvalid} for a bad name.
 */
export const make = (
  options: SqlDeadlineSchedulerOptions = {}
): Effect.Effect<Shape, DeadlineScheduler.TimerInputInvalid, SqlClient> =>
  Effect.gen(function* () {
    const name = options.name ?? "default"
    if (typeof name !== "string" || !/^[A-Za-z0-9_.-]{1,64}$/.test(name)) {
      return yield* invalid("name", "a scheduler name is 1-64 letters, digits, '_', '-' or '.'")
    }
    const sql = yield* SqlClient

    const run = <A>(
      operation: string,
      problem: DeadlineScheduler.TimerInputInvalid | undefined,
      effect: Effect.Effect<A, SqlError>
    ): Effect.Effect<A, DeadlineScheduler.DeadlineSchedulerError> =>
      problem !== undefined
        ? Effect.fail(problem)
        : Effect.mapError(effect, (cause) => new DeadlineScheduler.SchedulerStoreFailure({ operation, cause }))

    const arm: Shape["arm"] = (key, dueAt, version) =>
      run(
        "arm",
        checkKey(key) ?? checkInstant("dueAt", dueAt) ?? checkVersion(version),
        sql.withTransaction(
          Effect.gen(function* () {
            const inserted = yield* sql`
              insert into gw_timers (scheduler, key, due_at, version)
              values (${name}, ${key}, ${dueAt}::bigint, ${version}::bigint)
              on conflict (scheduler, key) do nothing
              returning 1`
            if (inserted.length > 0) return "armed" as const
            const [row] = yield* sql<TimerRow>`
              select key, due_at, version, fired_at from gw_timers
              where scheduler = ${name} and key = ${key} for update`
            const current = toRecord(row!)
            if (version < current.version) return "stale" as const
            if (version === current.version) {
              if (current.fired) return "alreadyFired" as const
              if (dueAt === current.dueAt) return "unchanged" as const
              yield* sql`update gw_timers set due_at = ${dueAt}::bigint where scheduler = ${name} and key = ${key}`
              return "rescheduled" as const
            }
            yield* sql`
              update gw_timers set due_at = ${dueAt}::bigint, version = ${version}::bigint, fired_at = null
              where scheduler = ${name} and key = ${key}`
            return "armed" as const
          })
        )
      )

    const rearm: Shape["rearm"] = (key, dueAt) =>
      run(
        "rearm",
        checkKey(key) ?? checkInstant("dueAt", dueAt),
        sql.withTransaction(
          Effect.gen(function* () {
            const [row] = yield* sql<{ readonly due_at: unknown }>`
              select due_at from gw_timers
              where scheduler = ${name} and key = ${key} and fired_at is null
              for update`
            if (row === undefined) return "notArmed" as const
            if (toSafeInt(row.due_at, "due_at") === dueAt) return "unchanged" as const
            yield* sql`update gw_timers set due_at = ${dueAt}::bigint where scheduler = ${name} and key = ${key}`
            return "rescheduled" as const
          })
        )
      )

    const cancel: Shape["cancel"] = (key) =>
      run(
        "cancel",
        checkKey(key),
        Effect.map(
          sql`delete from gw_timers where scheduler = ${name} and key = ${key} returning 1`,
          (rows) => rows.length > 0
        )
      )

    const get: Shape["get"] = (key) =>
      run(
        "get",
        checkKey(key),
        Effect.map(
          sql<TimerRow>`select key, due_at, version, fired_at from gw_timers where scheduler = ${name} and key = ${key}`,
          ([row]) => (row === undefined ? Option.none() : Option.some(toRecord(row)))
        )
      )

    const due: Shape["due"] = (now, limit) =>
      run(
        "due",
        checkInstant("now", now) ?? checkLimit(limit),
        Effect.map(
          sql<TimerRow>`
            select key, due_at, version, fired_at from gw_timers
            where scheduler = ${name} and fired_at is null and due_at <= ${now}::bigint
            order by due_at, key
            limit ${limit}`,
          (rows) => rows.map(toDue)
        )
      )

    const takeDue: Shape["takeDue"] = (now, limit) =>
      run(
        "takeDue",
        checkInstant("now", now) ?? checkLimit(limit),
        Effect.map(
          sql<TimerRow>`
            with picked as (
              select key from gw_timers
              where scheduler = ${name} and fired_at is null and due_at <= ${now}::bigint
              order by due_at, key
              limit ${limit}
              for update skip locked
            )
            update gw_timers t set fired_at = ${now}::bigint
              from picked
             where t.scheduler = ${name} and t.key = picked.key
            returning t.key, t.due_at, t.version, t.fired_at`,
          (rows) => rows.map(toDue).sort(byDue)
        )
      )

    const markFired: Shape["markFired"] = (key, version) =>
      run(
        "markFired",
        checkKey(key) ?? checkVersion(version),
        Effect.flatMap(Clock.currentTimeMillis, (now) =>
          Effect.map(
            sql`
              update gw_timers set fired_at = ${now}::bigint
              where scheduler = ${name} and key = ${key} and version = ${version}::bigint and fired_at is null
              returning 1`,
            (rows) => rows.length > 0
          )
        )
      )

    const nextDueAt: Shape["nextDueAt"] = run(
      "nextDueAt",
      undefined,
      Effect.map(
        sql<{ readonly due_at: unknown }>`
          select due_at from gw_timers where scheduler = ${name} and fired_at is null order by due_at limit 1`,
        ([row]) => (row === undefined ? Option.none() : Option.some(toSafeInt(row.due_at, "due_at") as Instant.Instant))
      )
    )

    const stats: Shape["stats"] = run(
      "stats",
      undefined,
      Effect.map(
        sql<{ readonly armed: unknown; readonly fired: unknown }>`
          select count(*) filter (where fired_at is null) as armed, count(*) filter (where fired_at is not null) as fired
          from gw_timers where scheduler = ${name}`,
        ([row]) => ({ armed: toSafeInt(row?.armed ?? 0, "armed"), fired: toSafeInt(row?.fired ?? 0, "fired") })
      )
    )

    return DeadlineScheduler.DeadlineScheduler.of({
      arm,
      rearm,
      cancel,
      get,
      due,
      takeDue,
      markFired,
      nextDueAt,
      stats
    })
  })

/** A layer with the SQL {@link DeadlineScheduler}; needs `SqlStore.layer` (or any migrated `SqlClient`). */
export const layer = (
  options: SqlDeadlineSchedulerOptions = {}
): Layer.Layer<DeadlineScheduler.DeadlineScheduler, DeadlineScheduler.TimerInputInvalid, SqlClient> =>
  Layer.effect(DeadlineScheduler.DeadlineScheduler, make(options))
