/**
 * Option checks shared by the package's constructors.
 * @internal
 */
import { Duration } from "effect"

/** A duration option as whole milliseconds (at least 1), `fallback` when absent, `undefined` when not finite and positive. */
export const positiveMillis = (input: Duration.Input | undefined, fallback: number): number | undefined => {
  if (input === undefined) return fallback
  const duration = Duration.fromInput(input)
  if (duration._tag === "None" || !Duration.isFinite(duration.value)) return undefined
  const millis = Duration.toMillis(duration.value)
  return millis > 0 ? Math.max(1, Math.round(millis)) : undefined
}

/** The rule broken by a bad duration option. */
export const DURATION_RULE = "expected a finite, positive duration"
