import { describe, expect, it } from "@effect/vitest"
import { type EventStore, Ids, Instant } from "@gridwork/core"
import { Effect, Exit, Schema } from "effect"
import { DerivedIds, IncomingEvent } from "../src/index"

const envelope = (data: unknown, overrides: Partial<EventStore.EventEnvelope> = {}): EventStore.EventEnvelope => ({
  eventId: Ids.EventId.make("019a6f40-0000-7000-8000-000000000101"),
  streamId: "lanxi-2026-0917",
  streamVersion: 1,
  globalPosition: 7,
  type: "PetitionReceived",
  schemaVersion: 1,
  data: data as EventStore.EventEnvelope["data"],
  metadata: {},
  occurredAt: Instant.unsafeFromIso("2026-09-28T09:30:00+08:00"),
  ...overrides
})

describe("IncomingEvent", () => {
  it("reads the facts of another module's event and ignores the rest of its data", async () => {
    const event = await Effect.runPromise(
      IncomingEvent.fromBusMessage({
        subject: "gw.lanxi.petition.petition-received",
        event: envelope({
          _tag: "PetitionReceived",
          title: "Boundary wall",
          petitioner: { name: "never read" },
          unit: "lanxi.dongshan.qiaotou.cwh",
          parties: 2
        })
      })
    )
    expect(event).toEqual({
      id: "019a6f40-0000-7000-8000-000000000101",
      type: "PetitionReceived",
      subject: "lanxi-2026-0917",
      at: Instant.unsafeFromIso("2026-09-28T09:30:00+08:00"),
      unit: "lanxi.dongshan.qiaotou.cwh",
      parties: 2
    })
  })

  it("refuses a message whose facts break their Schema, naming the field (a poison message)", async () => {
    const exit = await Effect.runPromiseExit(
      IncomingEvent.fromBusMessage({ subject: "gw.lanxi.petition.x", event: envelope({ parties: 0 }) })
    )
    expect(Exit.isFailure(exit) && String(exit.cause)).toContain("parties")
    const badSubject = await Effect.runPromiseExit(
      IncomingEvent.fromBusMessage({ subject: "gw.lanxi.petition.x", event: envelope({}, { streamId: "a/b" }) })
    )
    expect(Exit.isFailure(badSubject) && String(badSubject.cause)).toContain("subject")
  })

  it("decodes the CloudEvents body of POST /v1/events and maps its type to the event name", () => {
    const request = Schema.decodeUnknownSync(IncomingEvent.IngestRequest)({
      specversion: "1.0",
      id: "019a6f40-0000-7000-8000-000000000101",
      type: "gridwork.petition.PetitionReceived.v1",
      subject: "lanxi-2026-0917",
      time: "2026-09-28T09:30:00+08:00",
      data: {
        unit: "lanxi.dongshan.qiaotou.cwh",
        approval: {
          approver: "019a6f40-0000-7000-8000-000000000002",
          reasonCode: "complex",
          decidedAt: "2026-09-28T10:00:00+08:00"
        }
      }
    })
    const event = IncomingEvent.fromIngestRequest(request)
    expect(event.type).toBe("PetitionReceived")
    expect(event.approval?.decidedAt).toBe(Instant.unsafeFromIso("2026-09-28T10:00:00+08:00"))
    expect(IncomingEvent.eventNameOf("PetitionAccepted")).toBe("PetitionAccepted")
    expect(IncomingEvent.moduleOf("gridwork.mediation.DisputeSettled.v2")).toBe("mediation")
  })
})

describe("DerivedIds", () => {
  it("derives the same command id from the same cause, a different one from its own id", () => {
    const eventId = "019a6f40-0000-7000-8000-000000000101"
    expect(DerivedIds.forEvent(eventId)).toBe(DerivedIds.forEvent(eventId))
    expect(DerivedIds.forEvent(eventId)).not.toBe(eventId)
    expect(Ids.uuidV7Millis(DerivedIds.forEvent(eventId))).toBe(Ids.uuidV7Millis(eventId))
    expect(Schema.is(Ids.CommandId)(DerivedIds.forEvent(eventId))).toBe(true)
    const due = Instant.unsafeFromIso("2026-10-13T17:30:00+08:00")
    expect(DerivedIds.forFiring("o-1@3", due)).toBe(DerivedIds.forFiring("o-1@3", due))
    expect(DerivedIds.forFiring("o-1@4", due)).not.toBe(DerivedIds.forFiring("o-1@3", due))
    expect(Ids.uuidV7Millis(DerivedIds.forFiring("o-1@3", due))).toBe(due)
  })
})
