/**
 * Liveness and readiness.
 *
 * - `GET /health/live` answers 200 as long as the process serves HTTP at all; it
 *   checks nothing else (a failing dependency must not get the process restarted).
 * - `GET /health/ready` runs every registered readiness check (database reachable,
 *   consumer connected ...) concurrently, each with a time limit (2 s by default), and
 *   answers 200 with the list when all are up, otherwise 503 (a problem document with
 *   the same `checks` list). It also answers 503 while the service is shutting down.
 *   Why a check failed is logged, not returned.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Health } from "@gridwork/service-kit"
 *
 * const database: Health.ReadinessCheck<never> = { name: "database", check: Effect.void }
 * ```
 * @module
 */
import { Effect, Option, Schema } from "effect"

/** A named readiness check: the service is ready when the Effect succeeds in time. */
export interface ReadinessCheck<R> {
  /** Shown in the readiness report, e.g. `database`. */
  readonly name: string
  /** Succeeds when the dependency is usable. */
  readonly check: Effect.Effect<unknown, unknown, R>
  /** Time limit in ms (default 2000). */
  readonly timeoutMs?: number | undefined
}

/** The outcome of one check. */
export const CheckResult = Schema.Struct({
  name: Schema.String,
  status: Schema.Literals(["up", "down", "timeout"])
}).annotate({ identifier: "CheckResult" })
/** @see {@link CheckResult} */
export type CheckResult = typeof CheckResult.Type

/** The body of a 200 readiness answer. */
export const ReadinessReport = Schema.Struct({
  status: Schema.Literal("ready"),
  checks: Schema.Array(CheckResult)
}).annotate({ identifier: "ReadinessReport" })
/** @see {@link ReadinessReport} */
export type ReadinessReport = typeof ReadinessReport.Type

/** The body of a liveness answer. */
export const LivenessReport = Schema.Struct({ status: Schema.Literal("live") }).annotate({
  identifier: "LivenessReport"
})

/** Default time limit of a check. */
export const DEFAULT_CHECK_TIMEOUT_MS = 2000

/** Runs checks concurrently; never fails (failures become `down`, logged with their cause). */
export const runChecks = <R>(
  checks: ReadonlyArray<ReadinessCheck<R>>
): Effect.Effect<ReadonlyArray<CheckResult>, never, R> =>
  Effect.forEach(
    checks,
    (entry) =>
      entry.check.pipe(
        Effect.timeoutOption(entry.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS),
        Effect.map((outcome): CheckResult => ({ name: entry.name, status: Option.isSome(outcome) ? "up" : "timeout" })),
        Effect.catchCause((cause) =>
          Effect.as(Effect.logWarning(`readiness check ${entry.name} failed`, cause), {
            name: entry.name,
            status: "down"
          } satisfies CheckResult)
        )
      ),
    { concurrency: "unbounded" }
  )

/** Whether every check is up. */
export const allUp = (results: ReadonlyArray<CheckResult>): boolean => results.every((result) => result.status === "up")
