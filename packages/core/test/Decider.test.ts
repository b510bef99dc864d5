import { assert, describe, expect, it } from "@effect/vitest"
import { Effect, Result, Schema } from "effect"
import { Decider } from "../src"
import { DeciderSpec } from "../src/testing"

// A small counter case: opened once, incremented up to a limit, closed.
class Opened extends Schema.TaggedClass<Opened>()("Opened", { limit: Schema.Int, at: Schema.Int }) {}
class Incremented extends Schema.TaggedClass<Incremented>()("Incremented", { by: Schema.Int, at: Schema.Int }) {}
class Closed extends Schema.TaggedClass<Closed>()("Closed", { at: Schema.Int }) {}
type Event = Opened | Incremented | Closed

type Command =
  | { readonly _tag: "Open"; readonly limit: number; readonly at: number }
  | { readonly _tag: "Increment"; readonly by: number; readonly at: number }
  | { readonly _tag: "Close"; readonly at: number }

type State =
  | { readonly _tag: "Initial" }
  | { readonly _tag: "Open"; readonly limit: number; readonly count: number }
  | { readonly _tag: "Closed"; readonly count: number }

class NotOpen extends Schema.TaggedError<NotOpen>()("NotOpen", { command: Schema.String }) {}
class OverLimit extends Schema.TaggedError<OverLimit>()("OverLimit", { limit: Schema.Int, wanted: Schema.Int }) {}

const counter = Decider.make<Command, Event, State, NotOpen | OverLimit>({
  initialState: { _tag: "Initial" },
  decide: (command, state) => {
    switch (command._tag) {
      case "Open":
        return state._tag === "Initial"
          ? Result.succeed([new Opened({ limit: command.limit, at: command.at })])
          : Result.succeed([]) // opening twice changes nothing
      case "Increment":
        if (state._tag !== "Open") return Result.fail(new NotOpen({ command: "Increment" }))
        if (state.count + command.by > state.limit) {
          return Result.fail(new OverLimit({ limit: state.limit, wanted: state.count + command.by }))
        }
        return Result.succeed([new Incremented({ by: command.by, at: command.at })])
      case "Close":
        return state._tag === "Open"
          ? Result.succeed([new Closed({ at: command.at })])
          : Result.fail(new NotOpen({ command: "Close" }))
    }
  },
  evolve: (state, event) => {
    switch (event._tag) {
      case "Opened":
        return { _tag: "Open", limit: event.limit, count: 0 }
      case "Incremented":
        return state._tag === "Open" ? { ...state, count: state.count + event.by } : state
      case "Closed":
        return { _tag: "Closed", count: state._tag === "Open" ? state.count : 0 }
    }
  }
})

const opened = new Opened({ limit: 5, at: 1 })
const spec = DeciderSpec.given(counter)

describe("Decider", () => {
  it("takes its types from the decider, so histories and commands may be written as plain literals", () => {
    type DoorCommand = { readonly _tag: "Open" } | { readonly _tag: "Close" }
    type DoorEvent = { readonly _tag: "Opened" } | { readonly _tag: "Closed" }
    const door = Decider.make<DoorCommand, DoorEvent, "open" | "closed", string>({
      initialState: "closed",
      decide: (command, state) =>
        command._tag === "Close"
          ? state === "open"
            ? Result.succeed([{ _tag: "Closed" }])
            : Result.fail("not open")
          : state === "closed"
            ? Result.succeed([{ _tag: "Opened" }])
            : Result.fail("already open"),
      evolve: (_state, event) => (event._tag === "Opened" ? "open" : "closed")
    })
    // Before, `Event` was also inferred from the literal history and the call did not compile.
    const decision = Result.getOrThrow(Decider.run(door, [{ _tag: "Opened" }], { _tag: "Close" }))
    assert.deepStrictEqual(decision.events, [{ _tag: "Closed" }])
    assert.strictEqual(Decider.fold(door, [{ _tag: "Opened" }]), "open")
    assert.deepStrictEqual(Decider.decideFrom(door, "closed", { _tag: "Close" }), Result.fail("not open"))
  })

  it("folds a history from the initial state, or from a given state", () => {
    assert.deepStrictEqual(Decider.fold(counter, []), { _tag: "Initial" })
    const state = Decider.fold(counter, [opened, new Incremented({ by: 2, at: 2 })])
    assert.deepStrictEqual(state, { _tag: "Open", limit: 5, count: 2 })
    assert.deepStrictEqual(Decider.fold(counter, [new Incremented({ by: 3, at: 3 })], state), {
      _tag: "Open",
      limit: 5,
      count: 5
    })
  })

  it("runs a command against a history and folds the new events", () => {
    const result = Decider.run(counter, [opened], { _tag: "Increment", by: 3, at: 2 })
    assert.isTrue(Result.isSuccess(result))
    if (Result.isSuccess(result)) {
      assert.deepStrictEqual(result.success.events, [new Incremented({ by: 3, at: 2 })])
      assert.deepStrictEqual(result.success.before, { _tag: "Open", limit: 5, count: 0 })
      assert.deepStrictEqual(result.success.state, { _tag: "Open", limit: 5, count: 3 })
    }
  })

  it("returns the decider's error for a rejected command", () => {
    const result = Decider.run(counter, [], { _tag: "Close", at: 1 })
    assert.deepStrictEqual(result, Result.fail(new NotOpen({ command: "Close" })))
  })

  it.effect("decides as an Effect failing with the decider's error", () =>
    Effect.gen(function* () {
      const state = Decider.fold(counter, [opened])
      const decision = yield* Decider.decideEffect(counter, state, { _tag: "Close", at: 9 })
      assert.deepStrictEqual(decision.state, { _tag: "Closed", count: 0 })
      const error = yield* Effect.flip(Decider.decideEffect(counter, state, { _tag: "Increment", by: 6, at: 9 }))
      assert.deepStrictEqual(error, new OverLimit({ limit: 5, wanted: 6 }))
    })
  )
})

describe("DeciderSpec", () => {
  it("passes when the command produces exactly the expected events", () => {
    spec([]).when({ _tag: "Open", limit: 5, at: 1 }).then([opened])
    spec([opened]).when({ _tag: "Open", limit: 9, at: 2 }).then([])
    const decision = spec([opened])
      .when({ _tag: "Increment", by: 2, at: 3 })
      .then([new Incremented({ by: 2, at: 3 })])
    assert.deepStrictEqual(decision.state, { _tag: "Open", limit: 5, count: 2 })
  })

  it("fails when the events differ, are missing or extra", () => {
    expect(() =>
      spec([opened])
        .when({ _tag: "Increment", by: 2, at: 3 })
        .then([new Incremented({ by: 3, at: 3 })])
    ).toThrow()
    expect(() => spec([opened]).when({ _tag: "Increment", by: 2, at: 3 }).then([])).toThrow()
    expect(() =>
      spec([])
        .when({ _tag: "Open", limit: 5, at: 1 })
        .then([opened, new Closed({ at: 1 })])
    ).toThrow()
  })

  it("fails when events were expected but the command was rejected, naming the error", () => {
    expect(() =>
      spec([])
        .when({ _tag: "Close", at: 1 })
        .then([new Closed({ at: 1 })])
    ).toThrow(/rejected.*NotOpen/)
  })

  it("checks the rejection with thenError", () => {
    const error = spec([opened])
      .when({ _tag: "Increment", by: 7, at: 2 })
      .thenError(new OverLimit({ limit: 5, wanted: 7 }))
    assert.strictEqual(error._tag, "OverLimit")
    spec([])
      .when({ _tag: "Close", at: 1 })
      .thenError((e) => assert.strictEqual(e._tag, "NotOpen"))
  })

  it("fails thenError on another error, other fields, or an accepted command", () => {
    expect(() =>
      spec([opened])
        .when({ _tag: "Increment", by: 7, at: 2 })
        .thenError(new OverLimit({ limit: 5, wanted: 8 }))
    ).toThrow()
    expect(() =>
      spec([opened])
        .when({ _tag: "Increment", by: 7, at: 2 })
        .thenError(new NotOpen({ command: "Increment" }))
    ).toThrow()
    expect(() =>
      spec([opened])
        .when({ _tag: "Close", at: 2 })
        .thenError(new NotOpen({ command: "Close" }))
    ).toThrow(/accepted/)
  })

  it("checks the resulting state with thenState", () => {
    spec([opened]).when({ _tag: "Close", at: 2 }).thenState({ _tag: "Closed", count: 0 })
    expect(() => spec([opened]).when({ _tag: "Close", at: 2 }).thenState({ _tag: "Closed", count: 1 })).toThrow()
  })

  it("exposes the folded state and the raw result", () => {
    const given = spec([opened, new Incremented({ by: 1, at: 2 })])
    assert.deepStrictEqual(given.state, { _tag: "Open", limit: 5, count: 1 })
    assert.isTrue(Result.isFailure(given.when({ _tag: "Increment", by: 5, at: 3 }).result))
  })

  it("refuses to be used as a promise", async () => {
    const step = spec([]).when({ _tag: "Open", limit: 5, at: 1 })
    await expect(Promise.resolve().then(() => step)).rejects.toThrow(/do not await/)
  })
})
