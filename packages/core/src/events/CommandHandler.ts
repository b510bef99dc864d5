/**
 * Command handlers: the effectful shell around a {@link Decider}. Load the command's
 * stream, decode and fold it, decide, encode the new events and append them with the
 * version that was read; on a version conflict (someone appended meanwhile) start over.
 *
 * Retries of the same command are answered from the stream: every event a handler
 * appends carries `metadata.commandId`, and a command whose id is already in its stream
 * returns the events it produced the first time (`duplicate: true`) without deciding
 * again. Together with event ids derived from the command id (see
 * `CommandIds.eventIdFor` in `@gridwork/service-kit`), a retried HTTP request or a
 * redelivered message changes nothing.
 *
 * @example
 * ```ts
 * import { Effect, Result, Schema } from "effect"
 * import { CommandHandler, Decider, EventCodec, Ids, InMemoryEventStore, Instant } from "@gridwork/core"
 *
 * class Registered extends Schema.TaggedClass<Registered>()("Registered", { title: Schema.String }) {}
 * class Closed extends Schema.TaggedClass<Closed>()("Closed", { reason: Schema.String }) {}
 * interface Envelope {
 *   readonly caseId: string
 *   readonly commandId: Ids.CommandId
 *   readonly at: Instant.Instant
 * }
 * type Command =
 *   | (Envelope & { readonly _tag: "Register"; readonly title: string })
 *   | (Envelope & { readonly _tag: "Close"; readonly reason: string })
 *
 * const decider = Decider.make<Command, Registered | Closed, "none" | "open" | "closed", string>({
 *   initialState: "none",
 *   decide: (command, state) =>
 *     command._tag === "Register"
 *       ? state === "none"
 *         ? Result.succeed([new Registered({ title: command.title })])
 *         : Result.succeed([])
 *       : state === "open"
 *         ? Result.succeed([new Closed({ reason: command.reason })])
 *         : Result.fail(`cannot close a case that is ${state}`),
 *   evolve: (_state, event) => (event._tag === "Registered" ? "open" : "closed")
 * })
 *
 * const handle = CommandHandler.make({
 *   decider,
 *   codec: EventCodec.make({ Registered, Closed }),
 *   streamId: (command) => command.caseId,
 *   commandId: (command) => command.commandId,
 *   // One event per command here, so its id is the command id (`CommandIds.eventIdFor` in
 *   // @gridwork/service-kit derives one per index); time comes from the command.
 *   envelope: (command) => ({
 *     eventId: Ids.EventId.make(command.commandId),
 *     occurredAt: command.at,
 *     metadata: { locality: "lanxi" }
 *   })
 * })
 *
 * const program = Effect.gen(function* () {
 *   const commandId = yield* Ids.makeCommandId
 *   const register: Command = { _tag: "Register", caseId: "case-1", commandId, at: yield* Instant.now, title: "Noise" }
 *   const first = yield* handle(register)
 *   const retry = yield* handle(register) // answered from the stream: nothing decided or written again
 *   return [first.state, first.streamVersion, retry.duplicate] as const
 * }).pipe(Effect.provide(InMemoryEventStore.layer))
 *
 * Effect.runPromise(program).then(console.log) // [ "open", 1, true ]
 * ```
 * @module
 */
import { Effect } from "effect"
import { type Decider, decideEffect, fold } from "./Decider"
import { decodeAll, type EventCodec, type EventDecodingError, type EventEncodingError, toNewEvents } from "./EventCodec"
import { type AppendError, type EventEnvelope, EventStore, type NewEvent, type ReadError } from "./EventStore"

/** How to run one decider against the event store. */
export interface CommandHandlerOptions<Command, Event, State, Error> {
  /** The decider. */
  readonly decider: Decider<Command, Event, State, Error>
  /** The codec of the decider's events. */
  readonly codec: EventCodec<Event>
  /** The stream a command acts on (usually the case id). */
  readonly streamId: (command: Command) => string
  /** The command's id; stored as `metadata.commandId` on every event it produces. */
  readonly commandId: (command: Command) => string
  /** The id, time and metadata of the `index`-th event the command produced. */
  readonly envelope: (
    command: Command,
    event: Event,
    index: number
  ) => Pick<NewEvent, "eventId" | "occurredAt" | "metadata">
  /** How many times to start over after a version conflict (default 3). */
  readonly retries?: number
}

/** The outcome of a handled command. */
export interface Handled<State> {
  /** The stream acted on. */
  readonly streamId: string
  /** The events the command produced (stored envelopes); empty when it changed nothing. */
  readonly events: ReadonlyArray<EventEnvelope>
  /** The stream's state after them. */
  readonly state: State
  /** The stream's version after them. */
  readonly streamVersion: number
  /** `true` when the command had already been handled: nothing was decided or written. */
  readonly duplicate: boolean
}

/** Why handling a command can fail: the decider's rejection, or the store's and codec's errors. */
export type HandleError<Error> = Error | AppendError | ReadError | EventDecodingError | EventEncodingError

/** Builds the handler of a decider: `(command) => Effect<Handled, HandleError, EventStore>`. */
export const make =
  <Command, Event, State, Error>(options: CommandHandlerOptions<Command, Event, State, Error>) =>
  (command: Command): Effect.Effect<Handled<State>, HandleError<Error>, EventStore> => {
    const streamId = options.streamId(command)
    const commandId = options.commandId(command)
    const attempt = Effect.gen(function* () {
      const store = yield* EventStore
      const stored = yield* store.readStream(streamId)
      const history = yield* decodeAll(options.codec, stored)
      const previous = stored.filter((event) => event.metadata.commandId === commandId)
      if (previous.length > 0) {
        return {
          streamId,
          events: previous,
          state: fold(options.decider, history),
          streamVersion: stored.length,
          duplicate: true
        }
      }
      const decision = yield* decideEffect(options.decider, fold(options.decider, history), command)
      if (decision.events.length === 0) {
        return { streamId, events: [], state: decision.state, streamVersion: stored.length, duplicate: false }
      }
      const newEvents = yield* toNewEvents(options.codec, decision.events, (event, index) => {
        const envelope = options.envelope(command, event, index)
        return { ...envelope, metadata: { ...envelope.metadata, commandId } }
      })
      const appended = yield* store.append(streamId, stored.length, newEvents)
      return {
        streamId,
        events: appended.events,
        state: decision.state,
        streamVersion: appended.streamVersion,
        duplicate: appended.duplicate
      }
    })
    return attempt.pipe(
      Effect.retry({
        times: options.retries ?? 3,
        while: (error: HandleError<Error>) =>
          typeof error === "object" &&
          error !== null &&
          (error as { readonly _tag?: unknown })._tag === "StreamVersionConflict"
      })
    )
  }
