/**
 * Given/when/then specifications for deciders, on top of vitest's `expect`.
 *
 * ```ts
 * import { it } from "vitest"
 * import { DeciderSpec } from "@gridwork/core/testing"
 *
 * const spec = DeciderSpec.given(petitionDecider)
 *
 * it("registers a new petition", () => {
 *   spec([]).when(register).then([registered])
 * })
 * it("rejects registering twice", () => {
 *   spec([registered]).when(register).thenError(new AlreadyRegistered({ caseId }))
 * })
 * ```
 *
 * Events and errors are compared with `toEqual` (structural; class instances such as
 * `Schema.Class` events compare by their fields). Pass a function to `thenError` to
 * assert on the error yourself.
 * @module
 */
import { Result } from "effect"
import { assert, expect } from "vitest"
import { type Decider, type Decision, decideFrom, fold } from "../events/Decider"

/** The `when` step: a command run against the given history. */
export interface When<Event, State, Error> {
  /** Asserts the command is accepted with exactly `expected` events (in order); returns the decision. */
  readonly then: (expected: ReadonlyArray<Event>) => Decision<Event, State>
  /** Asserts the command is rejected with `expected` (compared with `toEqual`), or runs the given assertion. */
  readonly thenError: (expected: Error | ((error: Error) => void)) => Error
  /** Asserts the command is accepted and the state after its events equals `expected`. */
  readonly thenState: (expected: State) => Decision<Event, State>
  /** The raw outcome, for assertions of your own. */
  readonly result: Result.Result<Decision<Event, State>, Error>
}

/** The `given` step: a history folded into a state. */
export interface Given<Command, Event, State, Error> {
  /** Runs a command against the history. */
  readonly when: (command: Command) => When<Event, State, Error>
  /** The state folded from the history. */
  readonly state: State
}

const describeOutcome = (value: unknown): string => {
  try {
    return JSON.stringify(value)
  } catch {
    return String(value)
  }
}

const notAwaitable = (argument: unknown): void => {
  if (typeof argument === "function") {
    throw new TypeError(
      "DeciderSpec: .then(expectedEvents) takes an array of events; do not await or return a `when(...)` step"
    )
  }
}

/**
 * Starts a specification of `decider`: `given(decider)(history).when(command).then(events)`.
 */
export const given =
  <Command, Event, State, Error>(decider: Decider<Command, Event, State, Error>) =>
  (history: ReadonlyArray<Event> = []): Given<Command, Event, State, Error> => {
    const state = fold(decider, history)
    return {
      state,
      when: (command) => {
        const result = decideFrom(decider, state, command)
        const accepted = (): Decision<Event, State> => {
          if (Result.isFailure(result)) {
            return assert.fail(
              `expected the command to be accepted, but it was rejected with ${describeOutcome(result.failure)}`
            )
          }
          return result.success
        }
        return {
          result,
          // biome-ignore lint/suspicious/noThenProperty: given/when/then is the vocabulary of decider specs; a function argument (as `await` would pass) is rejected with a clear error
          then: (expected) => {
            notAwaitable(expected)
            const decision = accepted()
            expect(decision.events).toEqual(expected)
            return decision
          },
          thenError: (expected) => {
            if (Result.isSuccess(result)) {
              return assert.fail(
                `expected the command to be rejected, but it was accepted with events ${describeOutcome(result.success.events)}`
              )
            }
            if (typeof expected === "function") {
              ;(expected as (error: Error) => void)(result.failure)
            } else {
              expect(result.failure).toEqual(expected)
            }
            return result.failure
          },
          thenState: (expected) => {
            const decision = accepted()
            expect(decision.state).toEqual(expected)
            return decision
          }
        }
      }
    }
  }
