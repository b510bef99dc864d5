import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Result, Schema } from "effect"
import { CommandHandler, Decider, EventCodec, EventStore, Ids, InMemoryEventStore, Instant } from "../src"

// A tally: opened once, then counted up; each command carries its id and time.
class TallyOpened extends Schema.TaggedClass<TallyOpened>()("TallyOpened", { limit: Schema.Int }) {}
class TallyCounted extends Schema.TaggedClass<TallyCounted>()("TallyCounted", { by: Schema.Int }) {}
type Event = TallyOpened | TallyCounted
class TallyFull extends Schema.TaggedError<TallyFull>()("TallyFull", { limit: Schema.Int }) {}
class TallyMissing extends Schema.TaggedError<TallyMissing>()("TallyMissing", {}) {}

interface Command {
  readonly _tag: "Open" | "Count" | "Touch"
  readonly tallyId: string
  readonly commandId: Ids.CommandId
  readonly at: Instant.Instant
  readonly n: number
}
type State = { readonly limit: number; readonly count: number } | undefined

const tally = Decider.make<Command, Event, State, TallyFull | TallyMissing>({
  initialState: undefined,
  decide: (command, state) => {
    switch (command._tag) {
      case "Open":
        return Result.succeed(state === undefined ? [new TallyOpened({ limit: command.n })] : [])
      case "Count":
        if (state === undefined) return Result.fail(new TallyMissing())
        return state.count + command.n > state.limit
          ? Result.fail(new TallyFull({ limit: state.limit }))
          : Result.succeed([new TallyCounted({ by: command.n })])
      case "Touch":
        return Result.succeed([])
    }
  },
  evolve: (state, event) =>
    event._tag === "TallyOpened"
      ? { limit: event.limit, count: 0 }
      : state === undefined
        ? state
        : { ...state, count: state.count + event.by }
})

const codec = EventCodec.make({ TallyOpened, TallyCounted })
const at = Instant.unsafeFromIso("2026-10-01T08:00:00+08:00")
let sequence = 0
const command = (tag: Command["_tag"], n = 1, tallyId = "tally-1"): Command => {
  sequence++
  return { _tag: tag, tallyId, n, at, commandId: Ids.CommandId.make(Ids.formatUuidV7(at, sequence, sequence, 0)) }
}

const options: CommandHandler.CommandHandlerOptions<Command, Event, State, TallyFull | TallyMissing> = {
  decider: tally,
  codec,
  streamId: (c) => c.tallyId,
  commandId: (c) => c.commandId,
  envelope: (c, _event, index) => ({
    eventId: Ids.EventId.make(Ids.formatUuidV7(c.at, Number.parseInt(c.commandId.slice(15, 18), 16), index, 1)),
    occurredAt: c.at,
    metadata: { actor: "tester" }
  })
}
const handle = CommandHandler.make(options)

/** A store that yields between reading and appending, so concurrent handlers really race. */
const racyStore = Layer.effect(
  EventStore.EventStore,
  Effect.map(InMemoryEventStore.make, (store) =>
    EventStore.EventStore.of({
      ...store,
      readStream: (streamId, from) => Effect.tap(store.readStream(streamId, from), () => Effect.yieldNow)
    })
  )
)

describe("CommandHandler", () => {
  it.effect("loads, decides and appends, stamping the command id on every event", () =>
    Effect.gen(function* () {
      const open = command("Open", 3)
      const opened = yield* handle(open)
      assert.deepStrictEqual(opened.state, { limit: 3, count: 0 })
      assert.strictEqual(opened.streamVersion, 1)
      assert.isFalse(opened.duplicate)
      assert.deepStrictEqual(opened.events[0]!.metadata, { actor: "tester", commandId: open.commandId })
      assert.deepStrictEqual(opened.events[0]!.data, { _tag: "TallyOpened", limit: 3 })
      const counted = yield* handle(command("Count", 2))
      assert.deepStrictEqual(counted.state, { limit: 3, count: 2 })
      assert.strictEqual(counted.streamVersion, 2)
    }).pipe(Effect.provide(InMemoryEventStore.layer))
  )

  it.effect("answers a retried command from the stream, without deciding again", () =>
    Effect.gen(function* () {
      yield* handle(command("Open", 3))
      const count = command("Count", 2)
      const first = yield* handle(count)
      yield* handle(command("Count", 1))
      // Deciding again would now fail (2 + 3 > 3): the retry must not decide.
      const retry = yield* handle(count)
      assert.isTrue(retry.duplicate)
      assert.deepStrictEqual(retry.events, first.events)
      assert.deepStrictEqual(retry.state, { limit: 3, count: 3 })
      const store = yield* EventStore.EventStore
      assert.strictEqual((yield* store.readStream("tally-1")).length, 3)
    }).pipe(Effect.provide(InMemoryEventStore.layer))
  )

  it.effect("fails with the decider's error and writes nothing", () =>
    Effect.gen(function* () {
      const missing = yield* Effect.flip(handle(command("Count")))
      assert.strictEqual(missing._tag, "TallyMissing")
      yield* handle(command("Open", 1))
      const full = yield* Effect.flip(handle(command("Count", 2)))
      assert.deepStrictEqual(full, new TallyFull({ limit: 1 }))
      const store = yield* EventStore.EventStore
      assert.strictEqual(yield* store.lastGlobalPosition, 1)
    }).pipe(Effect.provide(InMemoryEventStore.layer))
  )

  it.effect("writes nothing for a command that changes nothing", () =>
    Effect.gen(function* () {
      yield* handle(command("Open", 2))
      const touched = yield* handle(command("Touch"))
      assert.deepStrictEqual(touched.events, [])
      assert.strictEqual(touched.streamVersion, 1)
      const reopened = yield* handle(command("Open", 9))
      assert.deepStrictEqual(reopened.state, { limit: 2, count: 0 })
    }).pipe(Effect.provide(InMemoryEventStore.layer))
  )

  it.effect("starts over after a version conflict, so concurrent commands all land", () =>
    Effect.gen(function* () {
      yield* handle(command("Open", 100))
      const results = yield* Effect.forEach(
        Array.from({ length: 5 }, () => command("Count", 1)),
        (c) => CommandHandler.make({ ...options, retries: 10 })(c),
        { concurrency: "unbounded" }
      )
      assert.deepStrictEqual(results.map((r) => r.streamVersion).sort(), [2, 3, 4, 5, 6])
      const store = yield* EventStore.EventStore
      const final = Decider.fold(tally, yield* EventCodec.decodeAll(codec, yield* store.readStream("tally-1")))
      assert.deepStrictEqual(final, { limit: 100, count: 5 })
    }).pipe(Effect.provide(racyStore))
  )

  it.effect("surfaces the conflict once retries are exhausted", () =>
    Effect.gen(function* () {
      yield* handle(command("Open", 100))
      const outcomes = yield* Effect.forEach(
        Array.from({ length: 3 }, () => command("Count", 1)),
        (c) => Effect.result(CommandHandler.make({ ...options, retries: 0 })(c)),
        { concurrency: "unbounded" }
      )
      const failures = outcomes.filter(Result.isFailure).map((outcome) => outcome.failure._tag)
      assert.deepStrictEqual(failures, ["StreamVersionConflict", "StreamVersionConflict"])
    }).pipe(Effect.provide(racyStore))
  )

  it.effect("fails with EventDecodingError when the stream holds an event it cannot read", () =>
    Effect.gen(function* () {
      const store = yield* EventStore.EventStore
      yield* store.append("tally-1", "no-stream", [
        {
          eventId: Ids.EventId.make(Ids.formatUuidV7(at, 9, 9, 9)),
          type: "TallyOpened",
          schemaVersion: 1,
          data: { _tag: "TallyOpened", limit: "many" },
          metadata: {},
          occurredAt: at
        }
      ])
      const error = yield* Effect.flip(handle(command("Count")))
      assert.include(error, { _tag: "EventDecodingError", path: "data.limit" })
    }).pipe(Effect.provide(InMemoryEventStore.layer))
  )
})
