/**
 * The durable deadline scheduler port: one timer per obligation, fired exactly once per
 * obligation state.
 *
 * A timer is identified by a {@link TimerKey} (usually the obligation id) and carries
 * the obligation's {@link StateVersion}. Each obligation state arms at most one timer
 * and that timer fires at most once: firing marks the `(key, version)` pair as fired,
 * so arming the same version again is a no-op (`"alreadyFired"`). When the obligation
 * changes state (extended, paused and resumed, handed to another holder ...) it arms
 * with a higher version, which may fire again. A lower version is ignored (`"stale"`),
 * so messages delivered out of order can never resurrect an old deadline.
 *
 * ## Delivery
 * - {@link DeadlineSchedulerShape.due} only looks. The driver
 *   (`DeadlineSchedulerDriver`) calls the handler and then
 *   {@link DeadlineSchedulerShape.markFired}. A crash between the two fires the same
 *   `(key, version)` again after restart, so the handler must be idempotent on the
 *   {@link fireToken} (use it as the command id / idempotency key of whatever it emits).
 *   Together that is exactly one effect per obligation state.
 * - {@link DeadlineSchedulerShape.takeDue} claims and marks in one step (at most once);
 *   use it when the marks live in the same transaction as the handler's own writes.
 *
 * ## Restart
 * Implementations are rebuilt from durable state: the in-memory one from a
 * {@link SchedulerSnapshot} (see `InMemoryDeadlineScheduler`), the SQL one from its
 * table. After a restart every timer still armed whose `dueAt` passed while the process
 * was down is due at once, and every timer already marked fired stays fired.
 *
 * ## Implementing the port in SQL
 * One row per key: `key text primary key collate "C"`, `due_at bigint`,
 * `version bigint`, `fired_at bigint null`, with a partial index
 * `(due_at, key) where fired_at is null`. `arm` is an upsert guarded by the version
 * rules above, `markFired` is `update ... set fired_at = $now where key = $1 and
 * version = $2 and fired_at is null`, `takeDue` is that update over
 * `select ... where fired_at is null and due_at <= $now order by due_at, key limit $n
 * for update skip locked`. Keys are printable ASCII, so `collate "C"` orders them
 * exactly as this port does. The exported contract suite
 * (`@gridwork/core/testing` `DeadlineSchedulerContract`) is the definition of done.
 *
 * @module
 */
import { Context, type Effect, type Option, Schema } from "effect"
import { Instant } from "../primitives/Instant"

/**
 * The key of a timer: 1-200 printable ASCII characters without spaces (an obligation
 * id, or `<obligation-id>:<phase>`). ASCII keeps the ordering identical in every store.
 */
export const TimerKey = Schema.String.check(
  Schema.isPattern(/^[\x21-\x7e]{1,200}$/, {
    message: "a timer key is 1-200 printable ASCII characters without spaces"
  })
).pipe(Schema.brand("TimerKey"))
/** @see {@link TimerKey} */
export type TimerKey = typeof TimerKey.Type

/** Largest {@link StateVersion}: versions are stored as unsigned 32-bit integers. */
export const MAX_STATE_VERSION = 0xffff_ffff

/**
 * The version of the obligation state a timer belongs to: an integer in
 * `[0, 4294967295]` that grows every time the obligation changes state.
 */
export const StateVersion = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: MAX_STATE_VERSION }))
/** @see {@link StateVersion} */
export type StateVersion = typeof StateVersion.Type

/** A timer that is due: the obligation `key` in state `version` reached `dueAt`. */
export const DueTimer = Schema.Struct({
  key: TimerKey,
  dueAt: Instant,
  version: StateVersion
})
/** @see {@link DueTimer} */
export type DueTimer = typeof DueTimer.Type

/** A timer as stored: armed (`fired: false`) or already fired for its version. */
export const TimerRecord = Schema.Struct({
  key: TimerKey,
  dueAt: Instant,
  version: StateVersion,
  fired: Schema.Boolean
})
/** @see {@link TimerRecord} */
export type TimerRecord = typeof TimerRecord.Type

/**
 * Every timer a scheduler holds, as a durable store would keep them (one row per key).
 * The in-memory scheduler exports and imports it to simulate a restart.
 */
export const SchedulerSnapshot = Schema.Struct({
  format: Schema.Literal("gridwork.scheduler.snapshot.v1"),
  timers: Schema.Array(TimerRecord)
})
/** @see {@link SchedulerSnapshot} */
export type SchedulerSnapshot = typeof SchedulerSnapshot.Type

/**
 * What {@link DeadlineSchedulerShape.arm} did:
 * - `armed`: a new timer, or a higher version replaced the previous one (fired or not);
 * - `rescheduled`: the same version was armed with another due time;
 * - `unchanged`: the same version and due time were already armed;
 * - `alreadyFired`: this version has fired; nothing changes;
 * - `stale`: a higher version is known; nothing changes.
 */
export const ArmOutcome = Schema.Literals(["armed", "rescheduled", "unchanged", "alreadyFired", "stale"])
/** @see {@link ArmOutcome} */
export type ArmOutcome = typeof ArmOutcome.Type

/**
 * What {@link DeadlineSchedulerShape.rearm} did: `rescheduled`, `unchanged` (same due
 * time), or `notArmed` (no timer for the key, or it has fired; arm a new version).
 */
export const RearmOutcome = Schema.Literals(["rescheduled", "unchanged", "notArmed"])
/** @see {@link RearmOutcome} */
export type RearmOutcome = typeof RearmOutcome.Type

/** How many timers a scheduler holds. */
export interface SchedulerStats {
  /** Timers waiting to fire. */
  readonly armed: number
  /** Fired marks kept so that the same state never fires twice (dropped by `cancel`). */
  readonly fired: number
}

/** An argument broke a rule of the port (the field and the rule are named). */
export class TimerInputInvalid extends Schema.TaggedError<TimerInputInvalid>()("TimerInputInvalid", {
  field: Schema.String,
  rule: Schema.String
}) {
  /** `field: rule`. */
  override get message(): string {
    return `${this.field}: ${this.rule}`
  }
}

/** The scheduler's durable store could not be read or written. */
export class SchedulerStoreFailure extends Schema.TaggedError<SchedulerStoreFailure>()("SchedulerStoreFailure", {
  operation: Schema.String,
  cause: Schema.Defect()
}) {
  /** Names the failed operation. */
  override get message(): string {
    return `deadline scheduler store failed during ${this.operation}`
  }
}

/** Every error a {@link DeadlineScheduler} may fail with. */
export type DeadlineSchedulerError = TimerInputInvalid | SchedulerStoreFailure

/** The operations of a deadline scheduler (see the module documentation for the rules). */
export interface DeadlineSchedulerShape {
  /**
   * Arms the timer of obligation `key` in state `version` to fire at `dueAt`.
   * Idempotent; see {@link ArmOutcome} for the rules between versions.
   */
  readonly arm: (
    key: TimerKey,
    dueAt: Instant,
    version: StateVersion
  ) => Effect.Effect<ArmOutcome, DeadlineSchedulerError>
  /** Moves the due time of the armed timer of `key`, keeping its version. */
  readonly rearm: (key: TimerKey, dueAt: Instant) => Effect.Effect<RearmOutcome, DeadlineSchedulerError>
  /**
   * Forgets `key` entirely (armed timer and fired mark); call it when the obligation is
   * closed. Returns whether anything was held.
   */
  readonly cancel: (key: TimerKey) => Effect.Effect<boolean, DeadlineSchedulerError>
  /** The timer held for `key`, armed or fired. */
  readonly get: (key: TimerKey) => Effect.Effect<Option.Option<TimerRecord>, DeadlineSchedulerError>
  /**
   * Up to `limit` armed timers with `dueAt <= now`, earliest first (ties by key), without
   * changing anything. Its cost must not grow with the timers not yet due (in memory
   * only the due buckets of the calendar queue are read; in SQL an index range scan on
   * `(due_at, key)`).
   */
  readonly due: (now: Instant, limit: number) => Effect.Effect<ReadonlyArray<DueTimer>, DeadlineSchedulerError>
  /**
   * Like {@link DeadlineSchedulerShape.due} but marks the returned timers fired in the
   * same step (at-most-once hand-over). Same cost as `due`.
   */
  readonly takeDue: (now: Instant, limit: number) => Effect.Effect<ReadonlyArray<DueTimer>, DeadlineSchedulerError>
  /**
   * Marks the timer of `key` in state `version` fired. Returns `false` (and changes
   * nothing) when that exact version is not armed: it fired already, was cancelled, or
   * was replaced by a newer version.
   */
  readonly markFired: (key: TimerKey, version: StateVersion) => Effect.Effect<boolean, DeadlineSchedulerError>
  /** The earliest due time among armed timers, if any. */
  readonly nextDueAt: Effect.Effect<Option.Option<Instant>, DeadlineSchedulerError>
  /** Counts of armed timers and fired marks. */
  readonly stats: Effect.Effect<SchedulerStats, DeadlineSchedulerError>
}

/**
 * The deadline scheduler service. Layers: `InMemoryDeadlineScheduler.layer` (this
 * package); a PostgreSQL implementation lives in the SQL store package.
 */
export class DeadlineScheduler extends Context.Service<DeadlineScheduler, DeadlineSchedulerShape>()(
  "@gridwork/core/scheduler/DeadlineScheduler"
) {}

/**
 * The token that identifies one firing: `<key>@<version>`. Use it as the idempotency
 * key (command id seed) of whatever the handler emits, so that a firing repeated after
 * a crash has no second effect.
 */
export const fireToken = (timer: Pick<DueTimer, "key" | "version">): string => `${timer.key}@${timer.version}`
