/**
 * A small module for the tests: two petition events, their codec, bus messages, and an
 * in-memory read model that counts how many times each event's effect ran.
 */
import { type Bus, EventCodec, Ids, Instant } from "@gridwork/core"
import { Effect, Ref, Result, Schema } from "effect"
import { Publisher } from "../../src/jetstream/Publisher"
import * as Subjects from "../../src/jetstream/Subjects"

/** A petition was registered. */
export class PetitionRegistered extends Schema.TaggedClass<PetitionRegistered>()("PetitionRegistered", {
  title: Schema.String,
  village: Schema.String
}) {}

/** A petition was routed to a unit. */
export class PetitionRouted extends Schema.TaggedClass<PetitionRouted>()("PetitionRouted", {
  unit: Schema.String
}) {}

/** The petition module's events. */
export type PetitionEvent = PetitionRegistered | PetitionRouted

/** Their codec. */
export const codec = EventCodec.make({ PetitionRegistered, PetitionRouted })

const occurredAt = Instant.unsafeFromIso("2026-10-01T08:00:00+08:00")
let position = 0

/** A bus message carrying `event` for a fresh case in `locality`. */
export const messageOf = (locality: string, event: PetitionEvent, eventId?: string) =>
  Effect.gen(function* () {
    const id = eventId ?? (yield* Ids.makeEventId)
    const encoded = codec.encode(event)
    if (Result.isFailure(encoded)) return yield* Effect.die(encoded.failure)
    return {
      subject: Subjects.event({ locality, module: "petition", eventType: encoded.success.type }),
      event: {
        eventId: id as Ids.EventId,
        streamId: `case-${id}`,
        streamVersion: 1,
        globalPosition: ++position,
        type: encoded.success.type,
        schemaVersion: encoded.success.schemaVersion,
        data: encoded.success.data,
        metadata: { correlationId: id, locality },
        occurredAt
      }
    } satisfies Bus.BusMessage
  })

/** Publishes `count` PetitionRegistered events; returns their messages. */
export const publishRegistered = (locality: string, count: number) =>
  Effect.gen(function* () {
    const publisher = yield* Publisher
    const messages: Array<Bus.BusMessage> = []
    for (let index = 0; index < count; index++) {
      const message = yield* messageOf(locality, new PetitionRegistered({ title: `t${index}`, village: "v" }))
      yield* publisher.publish(message)
      messages.push(message)
    }
    return messages
  })

/** An in-memory read model: how many times the effect of each event id ran, and the titles seen. */
export const makeProjection = Effect.map(Ref.make(new Map<string, number>()), (effects) => ({
  effects,
  apply: (eventId: string) =>
    Ref.update(effects, (current) => new Map(current).set(eventId, (current.get(eventId) ?? 0) + 1)),
  total: Effect.map(Ref.get(effects), (current) => [...current.values()].reduce((sum, n) => sum + n, 0)),
  distinct: Effect.map(Ref.get(effects), (current) => current.size)
}))

/** A fresh locality token, so each test owns its streams. */
export const freshLocality = Effect.map(Ids.makeUuidV7, (id) => `t${id.replaceAll("-", "").slice(-14)}`)
