/**
 * Deciders: the functional core of every Gridwork case type.
 *
 * A decider is three pure pieces: `decide(command, state)` answers a command with the
 * events it causes or a typed error, `evolve(state, event)` folds one event into the
 * state, and `initialState` is the state of a stream with no events. Nothing here reads
 * a clock, draws a random id or touches I/O: time and ids arrive inside the command, so
 * the same history and command always give the same answer, and deciders are tested
 * given/when/then (`DeciderSpec` in `@gridwork/core/testing`).
 *
 * The effectful shell (a service) loads a stream, folds it with {@link fold}, calls
 * {@link decide}, and appends the new events with the stream version it read.
 *
 * @example
 * ```ts
 * import { Result } from "effect"
 * import { Decider } from "@gridwork/core"
 *
 * type Command = { readonly _tag: "Open"; readonly at: number } | { readonly _tag: "Close"; readonly at: number }
 * type Event = { readonly _tag: "Opened"; readonly at: number } | { readonly _tag: "Closed"; readonly at: number }
 * type State = "none" | "open" | "closed"
 *
 * const door = Decider.make<Command, Event, State, string>({
 *   initialState: "none",
 *   decide: (command, state) => {
 *     switch (command._tag) {
 *       case "Open":
 *         return state === "none" ? Result.succeed([{ _tag: "Opened", at: command.at }]) : Result.fail("already open")
 *       case "Close":
 *         return state === "open" ? Result.succeed([{ _tag: "Closed", at: command.at }]) : Result.fail("not open")
 *     }
 *   },
 *   evolve: (_state, event) => (event._tag === "Opened" ? "open" : "closed")
 * })
 *
 * const closed = Result.getOrThrow(Decider.run(door, [{ _tag: "Opened", at: 1 }], { _tag: "Close", at: 2 }))
 * console.log(closed.events, closed.state) // [ { _tag: 'Closed', at: 2 } ] closed
 * console.log(Result.isFailure(Decider.run(door, [], { _tag: "Close", at: 2 }))) // true: "not open"
 * ```
 * @module
 */
import { Effect, Result } from "effect"

/**
 * A pure decider.
 *
 * - `decide` must not throw for expected rejections: it returns `Result.fail(error)`.
 *   Returning `Result.succeed([])` means "accepted, nothing changes" (an idempotent
 *   no-op).
 * - `evolve` must be total over the event type: every stored event must fold, including
 *   events of older schema versions once they are upcast by the event codec.
 *
 * @typeParam Command - what a caller asks for (carries its own time and ids)
 * @typeParam Event - what happened (the stream's content)
 * @typeParam State - what `decide` needs to know, rebuilt from events
 * @typeParam Error - why a command is rejected
 */
export interface Decider<Command, Event, State, Error = never> {
  /** Answers a command, given the current state, with the events it causes or an error. */
  readonly decide: (command: Command, state: State) => Result.Result<ReadonlyArray<Event>, Error>
  /** Folds one event into the state. */
  readonly evolve: (state: State, event: Event) => State
  /** The state of a stream that has no events yet. */
  readonly initialState: State
}

/** The command type of a decider. */
export type CommandOf<D> = D extends Decider<infer C, infer _E, infer _S, infer _Err> ? C : never
/** The event type of a decider. */
export type EventOf<D> = D extends Decider<infer _C, infer E, infer _S, infer _Err> ? E : never
/** The state type of a decider. */
export type StateOf<D> = D extends Decider<infer _C, infer _E, infer S, infer _Err> ? S : never
/** The error type of a decider. */
export type ErrorOf<D> = D extends Decider<infer _C, infer _E, infer _S, infer Err> ? Err : never

/**
 * Builds a decider. An identity function that fixes the type parameters, so the
 * object literal is checked and `decide`'s parameters are inferred.
 */
export const make = <Command, Event, State, Error = never>(
  decider: Decider<Command, Event, State, Error>
): Decider<Command, Event, State, Error> => decider

/**
 * Folds events into a state, starting at `from` (the decider's initial state by
 * default). Use it to rebuild a stream's state from its history.
 */
export const fold = <Command, Event, State, Error>(
  decider: Decider<Command, Event, State, Error>,
  events: Iterable<NoInfer<Event>>,
  from: NoInfer<State> = decider.initialState
): State => {
  let state = from
  for (const event of events) {
    state = decider.evolve(state, event)
  }
  return state
}

/** The outcome of running one accepted command: the new events and the states around them. */
export interface Decision<Event, State> {
  /** The events the command caused, in order; empty when the command changed nothing. */
  readonly events: ReadonlyArray<Event>
  /** The state before the command (the history folded). */
  readonly before: State
  /** The state after folding the new events. */
  readonly state: State
}

/**
 * Runs a command against a state: decides, then folds the new events into it.
 * A rejected command returns the decider's error unchanged.
 */
export const decideFrom = <Command, Event, State, Error>(
  decider: Decider<Command, Event, State, Error>,
  state: NoInfer<State>,
  command: NoInfer<Command>
): Result.Result<Decision<Event, State>, Error> =>
  Result.map(decider.decide(command, state), (events) => ({
    events,
    before: state,
    state: fold(decider, events, state)
  }))

/**
 * Runs a command against a history: folds `history` from the initial state, decides,
 * and folds the new events. The pure heart of every command handler. The types come
 * from the decider alone, so the history and the command may be written as literals.
 */
export const run = <Command, Event, State, Error>(
  decider: Decider<Command, Event, State, Error>,
  history: Iterable<NoInfer<Event>>,
  command: NoInfer<Command>
): Result.Result<Decision<Event, State>, Error> => decideFrom(decider, fold(decider, history), command)

/**
 * The same as {@link decideFrom} but as an `Effect` that fails with the decider's error,
 * for use inside effectful command handlers.
 */
export const decideEffect = <Command, Event, State, Error>(
  decider: Decider<Command, Event, State, Error>,
  state: NoInfer<State>,
  command: NoInfer<Command>
): Effect.Effect<Decision<Event, State>, Error> => Effect.fromResult(decideFrom(decider, state, command))
