/**
 * Domain events as the accountability service reads them, from the bus or from
 * `POST /v1/events`.
 *
 * A domain event (e.g. `PetitionReceived` of the petition module) is about a matter,
 * its **subject**, and happened at a **time**; its data may carry the facts the
 * responsibility rules and the escalation rules look at. Every fact is optional:
 *
 * | field | meaning |
 * |---|---|
 * | `unit` | the unit that acted (the first receiver of a new matter) |
 * | `actor` | the staff member (UUIDv7 actor id) |
 * | `category` | the matter's category (rules with `appliesTo`) |
 * | `reason` | a reason code (pauses, cancellations) |
 * | `approval` | `{ approver, reasonCode, decidedAt }` for events that extend a deadline |
 * | `jurisdiction` | where the matter arose |
 * | `assignTo`, `designated` | the event routes the matter to this unit (designated: it may not hand it back) |
 * | `handBack` | the holder hands the matter back |
 * | `riskLevel`, `parties`, `repeat`, `partyRequest` | escalation facts |
 *
 * - On the bus the event is a stored envelope (CloudEvents on NATS): the subject is its
 *   stream id (the case id), the time its `occurredAt`, and the facts are read from its
 *   data, ignoring every other field of the producing module.
 * - Over HTTP it is a CloudEvents-like JSON document ({@link IngestRequest}); its
 *   `data` may hold only the facts above (a misspelt field is an error, not ignored).
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { IncomingEvent } from "@gridwork/service-accountability"
 *
 * const request = Schema.decodeUnknownSync(IncomingEvent.IngestRequest)({
 *   specversion: "1.0",
 *   id: "019a6f40-0000-7000-8000-000000000101",
 *   type: "gridwork.petition.PetitionReceived.v1",
 *   subject: "lanxi-2026-0917",
 *   time: "2026-09-28T09:30:00+08:00",
 *   data: { unit: "lanxi.dongshan.qiaotou.cwh", category: "land.boundary" }
 * })
 * IncomingEvent.fromIngestRequest(request).type // "PetitionReceived"
 * ```
 * @module
 */
import { type Bus, Ids, Instant, Obligation, ObligationRule, SimulationEvent } from "@gridwork/core"
import { Effect, Result, Schema, SchemaIssue } from "effect"

const { id: _id, type: _type, subject: _subject, at: _at, ...factFields } = SimulationEvent.SimulationEvent.fields

/** The facts of a domain event (see the module documentation). */
export const EventFacts = Schema.Struct(factFields).annotate({ identifier: "EventFacts" })
/** @see {@link EventFacts} */
export type EventFacts = typeof EventFacts.Type

const factKeys: ReadonlyArray<string> = Object.keys(factFields)

/**
 * An event type: a CloudEvents type of Gridwork (`gridwork.<module>.<Event>.v<n>`) or
 * a bare event name as the policy writes it (`PetitionReceived`).
 */
export const EventTypeName = Schema.String.check(
  Schema.isPattern(/^(gridwork\.[A-Za-z0-9_-]+\.[A-Z][A-Za-z0-9]{0,127}\.v[1-9][0-9]{0,8}|[A-Z][A-Za-z0-9]{0,127})$/, {
    expected: "gridwork.<module>.<Event>.v<version> (e.g. gridwork.petition.PetitionReceived.v1) or an event name"
  })
)

/** The body of `POST /v1/events`: a CloudEvents 1.0 structured event with the facts as `data`. */
export const IngestRequest = Schema.Struct({
  specversion: Schema.Literal("1.0"),
  /** The event id (UUIDv7): the same event posted twice is recorded once. */
  id: Ids.EventId,
  /** Who produced it, e.g. `/gridwork/lanxi/petition`. */
  source: Schema.optionalKey(Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(255))),
  type: EventTypeName,
  /** The matter (case id) the event is about. */
  subject: Obligation.SubjectId,
  /** When it happened, ISO 8601 with an offset. */
  time: Instant.InstantFromString,
  datacontenttype: Schema.optionalKey(Schema.Literal("application/json")),
  data: Schema.optionalKey(EventFacts)
}).annotate({ identifier: "IngestRequest" })
/** @see {@link IngestRequest} */
export type IngestRequest = typeof IngestRequest.Type

/** The event name of a type: `gridwork.petition.PetitionReceived.v1` → `PetitionReceived`. */
export const eventNameOf = (type: string): string => {
  const match = /^gridwork\.[A-Za-z0-9_-]+\.([A-Z][A-Za-z0-9]*)\.v\d+$/.exec(type)
  return match === null ? type : match[1]!
}

/** The module of a CloudEvents type, if it names one. */
export const moduleOf = (type: string): string | undefined => /^gridwork\.([A-Za-z0-9_-]+)\./.exec(type)?.[1]

/** The event as the matter decider sees it. */
export const fromIngestRequest = (request: IngestRequest): SimulationEvent.SimulationEvent => ({
  ...request.data,
  id: request.id,
  type: eventNameOf(request.type) as ObligationRule.EventType,
  subject: request.subject,
  at: request.time
})

/** A bus message that cannot be read as a domain event (a poison message: never retried). */
export class UnreadableEvent extends Schema.TaggedError<UnreadableEvent>()("UnreadableEvent", {
  eventId: Schema.String,
  problems: Schema.String
}) {
  override get message(): string {
    return `event ${this.eventId} cannot be read: ${this.problems}`
  }
}

const formatter = SchemaIssue.makeFormatterDefault()
const decodeFacts = Schema.decodeUnknownResult(EventFacts)
const decodeSubject = Schema.decodeUnknownResult(Obligation.SubjectId)
const decodeType = Schema.decodeUnknownResult(ObligationRule.EventType)

/**
 * The domain event of a bus message: subject = the envelope's stream id, time = its
 * `occurredAt`, facts = the known fields of its data (others are ignored).
 */
export const fromBusMessage = (
  message: Bus.BusMessage
): Effect.Effect<SimulationEvent.SimulationEvent, UnreadableEvent> =>
  Effect.suspend(() => {
    const event = message.event
    const fail = (problems: string) => Effect.fail(new UnreadableEvent({ eventId: event.eventId, problems }))
    const data = event.data
    const facts: Record<string, unknown> = {}
    if (typeof data === "object" && data !== null && !Array.isArray(data)) {
      for (const key of factKeys) if (key in data) facts[key] = (data as Record<string, unknown>)[key]
    }
    const decoded = decodeFacts(facts)
    if (Result.isFailure(decoded)) return fail(`data: ${formatter(decoded.failure.issue)}`)
    const subject = decodeSubject(event.streamId)
    if (Result.isFailure(subject)) return fail(`subject (stream id): ${formatter(subject.failure.issue)}`)
    const type = decodeType(event.type)
    if (Result.isFailure(type)) return fail(`type: ${formatter(type.failure.issue)}`)
    return Effect.succeed({
      ...decoded.success,
      id: event.eventId,
      type: type.success,
      subject: subject.success,
      at: event.occurredAt
    })
  })
