/**
 * Bounded polling for integration tests: wait for a condition instead of sleeping a
 * fixed time, and fail with a description when it does not hold in time.
 */
import { Effect } from "effect"

/** Repeats `check` every `intervalMillis` until it returns `true`; dies after `timeoutMillis` naming `what`. */
export const eventually = <E, R>(
  what: string,
  check: Effect.Effect<boolean, E, R>,
  options: { readonly timeoutMillis?: number; readonly intervalMillis?: number } = {}
): Effect.Effect<void, E, R> => {
  const interval = options.intervalMillis ?? 25
  const deadline = Date.now() + (options.timeoutMillis ?? 20_000)
  const loop: Effect.Effect<void, E, R> = Effect.flatMap(check, (ok) =>
    ok
      ? Effect.void
      : Date.now() > deadline
        ? Effect.die(new Error(`timed out waiting for: ${what}`))
        : Effect.andThen(
            Effect.sleep(interval),
            Effect.suspend(() => loop)
          )
  )
  return loop
}
