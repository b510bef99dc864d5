/**
 * What the bus tests share: a message for a fresh event of stream `case-1`, its subject and time.
 */
import { Effect } from "effect"
import { type Bus, type EventStore, Ids, Instant } from "../src"

/** When the events of the bus tests occurred. */
export const occurredAt = Instant.unsafeFromIso("2026-10-01T08:00:00+08:00")

/** The subject of the messages of the bus tests. */
export const registered = "gw.lanxi.petition.petition-registered"

/** A `PetitionRegistered` message on `subject` carrying `data`, with a fresh event id. */
export const makeMessage = (
  subject: string = registered,
  data: EventStore.EventEnvelope["data"] = {}
): Effect.Effect<Bus.BusMessage> =>
  Effect.map(
    Ids.makeEventId,
    (eventId): Bus.BusMessage => ({
      subject,
      event: {
        eventId,
        streamId: "case-1",
        streamVersion: 1,
        globalPosition: 1,
        type: "PetitionRegistered",
        schemaVersion: 1,
        data,
        metadata: {},
        occurredAt
      }
    })
  )
