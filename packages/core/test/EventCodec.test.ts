import { assert, describe, expect, it } from "@effect/vitest"
import { Effect, Result, Schema } from "effect"
import { EventCodec, type EventStore, Ids, Instant } from "../src"

class Opened extends Schema.TaggedClass<Opened>()("Opened", {
  title: Schema.String,
  channel: Schema.Literals(["web", "phone", "visit"]),
  at: Instant.InstantFromString
}) {}
class Closed extends Schema.TaggedClass<Closed>()("Closed", { reason: Schema.String }) {}
const Noted = Schema.TaggedStruct("Noted", { text: Schema.NonEmptyString })

const codec = EventCodec.make(
  { Opened, Closed, Noted },
  {
    Opened: {
      version: 3,
      upcasters: {
        // v1 had `name` instead of `title`
        1: (data) => {
          const { name, ...rest } = data as { readonly name: string }
          return { ...rest, title: name }
        },
        // v2 had no channel
        2: (data) => ({ ...(data as object), channel: "web" })
      }
    }
  }
)

const at = Instant.unsafeFromIso("2026-10-01T08:00:00+08:00")

describe("EventCodec", () => {
  it("encodes events with their Schema's JSON encoding and the current version", () => {
    const encoded = codec.encode(new Opened({ title: "Noise", channel: "phone", at }))
    assert.deepStrictEqual(
      encoded,
      Result.succeed({
        type: "Opened",
        schemaVersion: 3,
        data: { _tag: "Opened", title: "Noise", channel: "phone", at: "2026-10-01T00:00:00.000Z" }
      })
    )
    assert.deepStrictEqual(Result.getOrThrow(codec.encode(Noted.make({ text: "called back" }))), {
      type: "Noted",
      schemaVersion: 1,
      data: { _tag: "Noted", text: "called back" }
    })
    assert.deepStrictEqual(codec.types, ["Closed", "Noted", "Opened"])
    assert.deepStrictEqual(codec.versions, { Opened: 3, Closed: 1, Noted: 1 })
  })

  it("decodes what it encodes", () => {
    for (const event of [new Opened({ title: "Noise", channel: "visit", at }), new Closed({ reason: "done" })]) {
      const decoded = Result.getOrThrow(codec.decode(Result.getOrThrow(codec.encode(event))))
      assert.deepStrictEqual(decoded, event)
      assert.strictEqual(Object.getPrototypeOf(decoded), Object.getPrototypeOf(event))
    }
  })

  it("upcasts data of older versions, step by step", () => {
    const fromV1 = codec.decode({
      type: "Opened",
      schemaVersion: 1,
      data: { _tag: "Opened", name: "Old noise", at: "2025-01-01T00:00:00Z" }
    })
    assert.deepStrictEqual(
      fromV1,
      Result.succeed(
        new Opened({ title: "Old noise", channel: "web", at: Instant.unsafeFromIso("2025-01-01T00:00:00Z") })
      )
    )
    const fromV2 = Result.getOrThrow(
      codec.decode({
        type: "Opened",
        schemaVersion: 2,
        data: { _tag: "Opened", title: "t", at: "2025-01-01T00:00:00Z" }
      })
    )
    assert.strictEqual(fromV2._tag === "Opened" && fromV2.channel, "web")
  })

  it("reports what cannot be decoded, with the event id and path", () => {
    const failure = (stored: EventCodec.EncodedEvent & { readonly eventId?: string }) => {
      const result = codec.decode(stored)
      return Result.isFailure(result) ? result.failure : undefined
    }
    const unknown = failure({ eventId: "e-1", type: "Reopened", schemaVersion: 1, data: {} })
    assert.include(unknown, { _tag: "EventDecodingError", eventId: "e-1", path: "type" })
    expect(unknown?.message).toMatch(/unknown event type \(known: Closed, Noted, Opened\)/)
    const future = failure({ type: "Closed", schemaVersion: 2, data: { _tag: "Closed", reason: "x" } })
    assert.include(future, { path: "schemaVersion" })
    expect(future?.message).toMatch(/newer than this codec's version 1/)
    const badData = failure({
      type: "Opened",
      schemaVersion: 3,
      data: { _tag: "Opened", title: "t", channel: "fax", at: "2025-01-01T00:00:00Z" }
    })
    assert.include(badData, { path: "data.channel" })
    const badTime = failure({
      type: "Opened",
      schemaVersion: 3,
      data: { _tag: "Opened", title: "t", channel: "web", at: "yesterday" }
    })
    assert.include(badTime, { path: "data.at" })
    const brokenUpcast = failure({ type: "Opened", schemaVersion: 1, data: null })
    assert.include(brokenUpcast, { path: "data" })
    expect(brokenUpcast?.reason).toMatch(/upcaster from version 1 failed/)
  })

  it("refuses events it does not know and values its Schema rejects", () => {
    const foreign = codec.encode({ _tag: "Stranger" } as unknown as Closed)
    assert.isTrue(Result.isFailure(foreign))
    const invalid = codec.encode({ _tag: "Noted", text: "" } as typeof Noted.Type)
    assert.include(Result.isFailure(invalid) ? invalid.failure : undefined, {
      _tag: "EventEncodingError",
      path: "text"
    })
  })

  it("rejects a broken versioning when it is built", () => {
    expect(() => EventCodec.make({ Opened }, { Opened: { version: 2 } })).toThrow(/no upcaster from version 1 to 2/)
    expect(() => EventCodec.make({ Opened }, { Opened: { version: 0 } })).toThrow(/version must be an integer >= 1/)
    const badName = { opened: Schema.TaggedStruct("opened", {}) }
    expect(() => EventCodec.make(badName)).toThrow(/not PascalCase/)
  })

  it.effect("turns events into appendable NewEvents and envelopes back into events", () =>
    Effect.gen(function* () {
      const eventId = Ids.EventId.make(Ids.formatUuidV7(at, 1, 2, 3))
      const events = [new Closed({ reason: "done" })]
      const [newEvent] = yield* EventCodec.toNewEvents(codec, events, () => ({
        eventId,
        occurredAt: at,
        metadata: { actor: "a" }
      }))
      assert.deepStrictEqual(newEvent, {
        eventId,
        occurredAt: at,
        metadata: { actor: "a" },
        type: "Closed",
        schemaVersion: 1,
        data: { _tag: "Closed", reason: "done" }
      })
      const envelope: EventStore.EventEnvelope = { ...newEvent!, streamId: "s", streamVersion: 1, globalPosition: 1 }
      assert.deepStrictEqual(yield* EventCodec.decodeAll(codec, [envelope]), events)
      const error = yield* Effect.flip(EventCodec.decodeAll(codec, [envelope, { ...envelope, type: "Gone" }]))
      assert.strictEqual(error.eventId, eventId)
    })
  )
})
