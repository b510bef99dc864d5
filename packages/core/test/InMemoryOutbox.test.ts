import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { EventStore, Ids, InMemoryOutbox, Instant, Outbox } from "../src"
import { outboxContract } from "../src/testing"

outboxContract("InMemoryOutbox", (subjectOf) => InMemoryOutbox.layer(subjectOf))

const occurredAt = Instant.unsafeFromIso("2026-10-01T08:00:00+08:00")

describe("Outbox.moduleSubjects", () => {
  it.effect("routes by module, metadata locality or the default, and hides private types", () =>
    Effect.gen(function* () {
      const subjectOf = Outbox.moduleSubjects({ module: "petition", locality: "lanxi", privateTypes: ["DraftSaved"] })
      const event = (type: string, metadata: EventStore.NewEvent["metadata"] = {}) =>
        Effect.map(
          Ids.makeEventId,
          (eventId): EventStore.NewEvent => ({ eventId, type, schemaVersion: 1, data: {}, metadata, occurredAt })
        )
      const streamId = "petition-1" as EventStore.StreamId
      assert.strictEqual(
        subjectOf(streamId, yield* event("PetitionRegistered")),
        "gw.lanxi.petition.petition-registered"
      )
      assert.strictEqual(
        subjectOf(streamId, yield* event("PetitionRouted", { locality: "anji" })),
        "gw.anji.petition.petition-routed"
      )
      assert.isUndefined(subjectOf(streamId, yield* event("DraftSaved")))
    })
  )

  it.effect("a router that throws fails the append with InvalidStoreRequest and writes nothing", () =>
    Effect.gen(function* () {
      const store = yield* EventStore.EventStore
      const eventId = yield* Ids.makeEventId
      const error = yield* Effect.flip(
        store.append("s-1", "no-stream", [
          { eventId, type: "ThingHappened", schemaVersion: 1, data: {}, metadata: {}, occurredAt }
        ])
      )
      assert.include(error, { _tag: "InvalidStoreRequest", path: "events[0]" })
      assert.include(error.message, "router failed")
      assert.strictEqual(yield* store.lastGlobalPosition, 0)
    }).pipe(
      Effect.provide(
        InMemoryOutbox.layer(() => {
          throw new Error("no route")
        })
      )
    )
  )
})
