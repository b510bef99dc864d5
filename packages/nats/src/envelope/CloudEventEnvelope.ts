/**
 * The CloudEvents 1.0 envelope of every message Gridwork puts on NATS, and its mapping
 * from and to core's event envelope (`Bus.BusMessage` = subject + `EventStore.EventEnvelope`).
 *
 * Messages travel in the CloudEvents **structured content mode**: the NATS message body
 * is the JSON event format (`Content-Type: application/cloudevents+json`), so a message
 * is self-describing wherever it is copied (dead-letter subjects, archives, other
 * tools). The `Nats-Msg-Id` header carries the event id for JetStream de-duplication.
 *
 * | CloudEvents attribute | Value                                                       |
 * | --------------------- | ----------------------------------------------------------- |
 * | `specversion`         | `1.0`                                                       |
 * | `id`                  | the event id (UUIDv7, = command id = `Nats-Msg-Id`)         |
 * | `source`              | `/gridwork/<locality>/<module>` (from the subject)          |
 * | `type`                | `gridwork.<module>.<Event>.v<schemaVersion>`                |
 * | `subject`             | the stream id (aggregate / case id)                         |
 * | `time`                | when the event occurred, RFC 3339 in UTC                    |
 * | `datacontenttype`     | `application/json`                                          |
 * | `data`                | the Schema-encoded event (`EventEnvelope.data`)             |
 * | `correlationid`       | `metadata.correlationId` (extension, when present)          |
 * | `causationid`         | `metadata.causationId` (extension, when present)            |
 * | `globalposition`      | the store's global position, decimal string (extension)     |
 * | `streamversion`       | the version inside the stream, decimal string (extension)   |
 * | `gwmetadata`          | the other metadata keys as a JSON string (extension, when any) |
 *
 * Extension names are lowercase letters and digits, as the specification requires.
 * Positions are strings because a CloudEvents `Integer` is 32-bit, and a store's
 * position may grow past 2^31 (it stays below 2^53). Decoding checks every attribute
 * with Schema and that `source`, `type` and the NATS subject agree on locality and
 * module; a failure names the attribute and the rule.
 *
 * @example
 * ```ts
 * import { Result } from "effect"
 * import { CloudEventEnvelope } from "@gridwork/nats"
 *
 * declare const message: import("@gridwork/core").Bus.BusMessage
 * const encoded = CloudEventEnvelope.toCloudEvent(message) // Result of the JSON object
 * const bytes = CloudEventEnvelope.encode(message) // Result of the message body
 * if (Result.isSuccess(bytes)) CloudEventEnvelope.decode(message.subject, bytes.success) // Result.succeed(message)
 * ```
 * @module
 */
import { Bus, EventStore, Ids, Instant, SchemaProblems } from "@gridwork/core"
import { Result, Schema, SchemaGetter, type SchemaIssue, SchemaParser } from "effect"
import * as Subjects from "../jetstream/Subjects"

/** The CloudEvents specification version written and accepted. */
export const SPEC_VERSION = "1.0"
/** The NATS `Content-Type` header of a structured-mode message. */
export const CONTENT_TYPE = "application/cloudevents+json"
/** The `datacontenttype` of every Gridwork event: its data is JSON. */
export const DATA_CONTENT_TYPE = "application/json"

// ---------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------

/** `/gridwork/<locality>/<module>`. */
export const Source = Schema.String.check(
  Schema.isPattern(/^\/gridwork\/[A-Za-z0-9_-]+\/[A-Za-z0-9_-]+$/, {
    message: "a source is /gridwork/<locality>/<module>",
    expected: "/gridwork/<locality>/<module>"
  })
)

/** `gridwork.<module>.<Event>.v<schemaVersion>`, e.g. `gridwork.petition.PetitionRegistered.v1`. */
export const Type = Schema.String.check(
  Schema.isPattern(/^gridwork\.[A-Za-z0-9_-]+\.[A-Z][A-Za-z0-9]{0,127}\.v[1-9][0-9]{0,8}$/, {
    message: "a type is gridwork.<module>.<Event>.v<version>, e.g. gridwork.petition.PetitionRegistered.v1",
    expected: "gridwork.<module>.<Event>.v<version>"
  })
)

/** A position (1, 2, 3 ...) written as a decimal string, decoded to a safe integer. */
export const PositionString = Schema.String.check(
  Schema.isPattern(/^[1-9][0-9]{0,15}$/, {
    message: "a position is a decimal integer >= 1 without leading zeros",
    expected: "a decimal integer >= 1"
  })
).pipe(
  Schema.decodeTo(Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)), {
    decode: SchemaGetter.transform((text: string) => Number(text)),
    encode: SchemaGetter.transform((value: number) => String(value))
  })
)

/**
 * A Gridwork CloudEvent in the JSON event format. The encoded side is the JSON object
 * on the wire; the decoded side has `time` as an `Instant`, positions as numbers and
 * `gwmetadata` as an object.
 */
export const CloudEvent = Schema.Struct({
  specversion: Schema.Literal(SPEC_VERSION),
  id: Ids.EventId,
  source: Source,
  type: Type,
  subject: EventStore.StreamId,
  time: Instant.InstantFromString,
  datacontenttype: Schema.Literal(DATA_CONTENT_TYPE),
  data: Schema.Json,
  correlationid: Schema.optionalKey(Schema.String),
  causationid: Schema.optionalKey(Schema.String),
  globalposition: PositionString,
  streamversion: PositionString,
  gwmetadata: Schema.optionalKey(Schema.fromJsonString(EventStore.EventMetadata))
})
/** A decoded {@link CloudEvent}. */
export type CloudEvent = typeof CloudEvent.Type
/** A {@link CloudEvent} as JSON on the wire. */
export type CloudEventJson = typeof CloudEvent.Encoded

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/** A message cannot be put in an envelope (its subject is not `gw.<locality>.<module>.<...>`). */
export class EnvelopeEncodeError extends Schema.TaggedError<EnvelopeEncodeError>()("EnvelopeEncodeError", {
  eventId: Schema.String,
  path: Schema.String,
  reason: Schema.String
}) {
  /** Names the event, the field and the rule. */
  override get message(): string {
    return `cannot wrap event ${this.eventId} in a CloudEvent: ${this.path}: ${this.reason}`
  }
}

/** A message body is not a valid Gridwork CloudEvent; `path` names the attribute (`body` for the whole). */
export class EnvelopeDecodeError extends Schema.TaggedError<EnvelopeDecodeError>()("EnvelopeDecodeError", {
  subject: Schema.String,
  path: Schema.String,
  reason: Schema.String
}) {
  /** Names the subject, the attribute and the rule. */
  override get message(): string {
    return `invalid CloudEvent on ${this.subject}: ${this.path}: ${this.reason}`
  }
}

// ---------------------------------------------------------------------------
// Mapping
// ---------------------------------------------------------------------------

/** The parts of a CloudEvents `type`. */
export interface ParsedType {
  readonly module: string
  readonly eventType: string
  readonly schemaVersion: number
}

/** `gridwork.petition.PetitionRegistered.v2` → `{ module: "petition", eventType: "PetitionRegistered", schemaVersion: 2 }`. */
export const parseType = (type: string): ParsedType | undefined => {
  const match = /^gridwork\.([A-Za-z0-9_-]+)\.([A-Z][A-Za-z0-9]{0,127})\.v([1-9][0-9]{0,8})$/.exec(type)
  return match === null ? undefined : { module: match[1]!, eventType: match[2]!, schemaVersion: Number(match[3]) }
}

/**
 * The CloudEvent (JSON object) of a bus message. Fails when the subject is not
 * `gw.<locality>.<module>.<...>`: the locality and module give `source` and `type`.
 */
export const toCloudEvent = (message: Bus.BusMessage): Result.Result<CloudEventJson, EnvelopeEncodeError> => {
  const event = message.event
  const address = Subjects.parse(message.subject)
  if (address === undefined) {
    return Result.fail(
      new EnvelopeEncodeError({
        eventId: event.eventId,
        path: "subject",
        reason: `${JSON.stringify(message.subject)} is not gw.<locality>.<module>.<event>`
      })
    )
  }
  const { correlationId, causationId, ...rest } = event.metadata
  const out: { -readonly [K in keyof CloudEventJson]: CloudEventJson[K] } = {
    specversion: SPEC_VERSION,
    id: event.eventId,
    source: Subjects.source(address),
    type: Bus.cloudEventType({ module: address.module, eventType: event.type, schemaVersion: event.schemaVersion }),
    subject: event.streamId,
    time: Instant.toIso(event.occurredAt),
    datacontenttype: DATA_CONTENT_TYPE,
    data: event.data,
    globalposition: String(event.globalPosition),
    streamversion: String(event.streamVersion)
  }
  if (correlationId !== undefined) out.correlationid = correlationId
  if (causationId !== undefined) out.causationid = causationId
  if (Object.keys(rest).length > 0) out.gwmetadata = JSON.stringify(rest)
  return Result.succeed(out)
}

const textEncoder = new TextEncoder()
const textDecoder = new TextDecoder("utf-8", { fatal: true })

/** The NATS message body of a bus message: its CloudEvent as UTF-8 JSON. */
export const encode = (message: Bus.BusMessage): Result.Result<Uint8Array, EnvelopeEncodeError> =>
  Result.map(toCloudEvent(message), (cloudEvent) => textEncoder.encode(JSON.stringify(cloudEvent)))

const decodeCloudEvent = SchemaParser.decodeUnknownResult(CloudEvent)

const pathText = (path: ReadonlyArray<PropertyKey>): string =>
  path.reduce<string>(
    (text, key) => (typeof key === "number" ? `${text}[${key}]` : text === "" ? String(key) : `${text}.${String(key)}`),
    ""
  )

const firstProblem = (issue: SchemaIssue.Issue): { readonly path: string; readonly reason: string } => {
  const first = SchemaProblems.fromIssue(issue)[0]
  return first === undefined
    ? { path: "body", reason: "invalid CloudEvent" }
    : { path: first.path.length === 0 ? "body" : pathText(first.path), reason: first.message }
}

/**
 * The bus message of a CloudEvent received on `subject`: checks every attribute, that
 * `source` and `type` name the subject's locality and module, and rebuilds the event
 * envelope (metadata = `gwmetadata` + correlation and causation ids).
 */
export const fromCloudEvent = (subject: string, input: unknown): Result.Result<Bus.BusMessage, EnvelopeDecodeError> => {
  const fail = (path: string, reason: string) => Result.fail(new EnvelopeDecodeError({ subject, path, reason }))
  const address = Subjects.parse(subject)
  if (address === undefined) return fail("subject", "the NATS subject is not gw.<locality>.<module>.<event>")
  const decoded = decodeCloudEvent(input)
  if (Result.isFailure(decoded)) {
    const problem = firstProblem(decoded.failure)
    return fail(problem.path, problem.reason)
  }
  const cloudEvent = decoded.success
  const expectedSource = Subjects.source(address)
  if (cloudEvent.source !== expectedSource) {
    return fail("source", `expected ${expectedSource} for subject ${subject}, got ${cloudEvent.source}`)
  }
  const type = parseType(cloudEvent.type)
  if (type === undefined) return fail("type", "a type is gridwork.<module>.<Event>.v<version>")
  if (type.module !== address.module) {
    return fail("type", `names module ${type.module}, but the subject's module is ${address.module}`)
  }
  const metadata: EventStore.EventMetadata = {
    ...cloudEvent.gwmetadata,
    ...(cloudEvent.correlationid === undefined ? {} : { correlationId: cloudEvent.correlationid }),
    ...(cloudEvent.causationid === undefined ? {} : { causationId: cloudEvent.causationid })
  }
  return Result.succeed({
    subject,
    event: {
      eventId: cloudEvent.id,
      streamId: cloudEvent.subject,
      streamVersion: cloudEvent.streamversion,
      globalPosition: cloudEvent.globalposition,
      type: type.eventType,
      schemaVersion: type.schemaVersion,
      data: cloudEvent.data,
      metadata,
      occurredAt: cloudEvent.time
    }
  })
}

/** The bus message of a NATS message body received on `subject` (UTF-8 JSON CloudEvent). */
export const decode = (subject: string, body: Uint8Array): Result.Result<Bus.BusMessage, EnvelopeDecodeError> => {
  let json: unknown
  try {
    json = JSON.parse(textDecoder.decode(body))
  } catch (error) {
    return Result.fail(
      new EnvelopeDecodeError({
        subject,
        path: "body",
        reason: `not UTF-8 JSON: ${error instanceof Error ? error.message : String(error)}`
      })
    )
  }
  return fromCloudEvent(subject, json)
}
