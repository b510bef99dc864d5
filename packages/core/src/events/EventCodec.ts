/**
 * Event codecs: the bridge between a module's typed events and the JSON the event store
 * and the bus carry.
 *
 * A codec is built from one Schema per event type, keyed by the event's `_tag` (its type
 * name, e.g. `PetitionRegistered`). `encode` turns an event into `{ type, schemaVersion,
 * data }` with the Schema's JSON encoding; `decode` turns a stored envelope back into
 * the typed event, after running the **upcasters** that lift data written under an older
 * schema version to the current one. So an event type can evolve (bump its version, add
 * an upcaster from the previous one) while every event ever stored stays decodable.
 *
 * @example
 * ```ts
 * import { Result, Schema } from "effect"
 * import { EventCodec } from "@gridwork/core"
 *
 * class Opened extends Schema.TaggedClass<Opened>()("Opened", { title: Schema.String, channel: Schema.String }) {}
 * class Closed extends Schema.TaggedClass<Closed>()("Closed", { reason: Schema.String }) {}
 *
 * const codec = EventCodec.make(
 *   { Opened, Closed },
 *   // Opened is at version 2: version 1 had no channel.
 *   { Opened: { version: 2, upcasters: { 1: (data) => ({ ...(data as object), channel: "web" }) } } }
 * )
 * console.log(Result.getOrThrow(codec.encode(new Closed({ reason: "done" }))))
 * // { type: 'Closed', schemaVersion: 1, data: { _tag: 'Closed', reason: 'done' } }
 * const old = codec.decode({ type: "Opened", schemaVersion: 1, data: { _tag: "Opened", title: "Noise" } })
 * console.log(Result.getOrThrow(old)) // Opened { title: 'Noise', channel: 'web' }
 * ```
 * @module
 */
import { Effect, Result, Schema, type SchemaIssue, SchemaParser } from "effect"
import type { EventEnvelope, NewEvent } from "./EventStore"
import { atPath, firstProblem } from "./internal/issues"

/** An event as the store keeps it: type, schema version and JSON data. */
export interface EncodedEvent {
  readonly type: string
  readonly schemaVersion: number
  readonly data: Schema.Json
}

/** Lifts the JSON data of version `n` (the key) to version `n + 1`. */
export type Upcaster = (data: Schema.Json) => Schema.Json

/** The version of one event type and the upcasters that reach it. */
export interface TypeVersioning {
  /** The current schema version (default 1). Events are encoded with it. */
  readonly version: number
  /** For each older version `n`, how to turn its data into version `n + 1` data. */
  readonly upcasters?: { readonly [fromVersion: number]: Upcaster }
}

/** An event could not be encoded with its Schema. */
export class EventEncodingError extends Schema.TaggedError<EventEncodingError>()("EventEncodingError", {
  type: Schema.String,
  path: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `cannot encode ${this.type}: ${atPath(this.path, this.reason)}`
  }
}

/** A stored event could not be decoded: unknown type, unsupported version, or data its Schema rejects. */
export class EventDecodingError extends Schema.TaggedError<EventDecodingError>()("EventDecodingError", {
  eventId: Schema.String,
  type: Schema.String,
  schemaVersion: Schema.Int,
  path: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    const where = this.eventId === "" ? "" : ` (event ${this.eventId})`
    return `cannot decode ${this.type} v${this.schemaVersion}${where}: ${atPath(this.path, this.reason)}`
  }
}

/** Encodes and decodes the events of one module. */
export interface EventCodec<Event> {
  /** The event types it knows, sorted. */
  readonly types: ReadonlyArray<string>
  /** The current schema version of each type. */
  readonly versions: { readonly [type: string]: number }
  /** An event as `{ type, schemaVersion, data }`, data encoded to JSON with its Schema. */
  readonly encode: (event: Event) => Result.Result<EncodedEvent, EventEncodingError>
  /** A stored event (an envelope, or anything with type, version, data) back as a typed event. */
  readonly decode: (stored: EncodedEvent & { readonly eventId?: string }) => Result.Result<Event, EventDecodingError>
}

/**
 * The Schemas of a module's events, keyed by type; each Schema's type carries that
 * type as its `_tag` (as `Schema.TaggedClass` and `Schema.TaggedStruct` do).
 */
export type EventSchemas<Schemas> = {
  readonly [Type in keyof Schemas]: Schema.Codec<{ readonly _tag: Type }, unknown, never, never>
}

/** The union of the events of an {@link EventSchemas} record. */
export type EventOf<Schemas> =
  Schemas[keyof Schemas] extends Schema.Codec<infer Event, unknown, never, never> ? Event : never

const typeNamePattern = /^[A-Z][A-Za-z0-9]{0,127}$/

/**
 * Builds a codec from one Schema per event type. Throws a `TypeError` at construction
 * for a bad type name, a version below 1, or a missing upcaster between two versions,
 * so a broken codec never reaches production.
 */
export const make = <const Schemas extends EventSchemas<Schemas>>(
  schemas: Schemas,
  versioning: { readonly [Type in keyof Schemas]?: TypeVersioning } = {}
): EventCodec<EventOf<Schemas>> => {
  type Event = EventOf<Schemas>
  interface Entry {
    readonly version: number
    readonly upcasters: { readonly [fromVersion: number]: Upcaster }
    readonly encode: (input: unknown) => Result.Result<Schema.Json, SchemaIssue.Issue>
    readonly decode: (input: unknown) => Result.Result<unknown, SchemaIssue.Issue>
  }
  const entries = new Map<string, Entry>()
  for (const type of Object.keys(schemas)) {
    if (!typeNamePattern.test(type)) {
      throw new TypeError(`EventCodec: event type ${JSON.stringify(type)} is not PascalCase letters and digits`)
    }
    const typeVersioning: TypeVersioning | undefined = versioning[type as keyof Schemas]
    const version = typeVersioning?.version ?? 1
    if (!Number.isSafeInteger(version) || version < 1) {
      throw new TypeError(`EventCodec: ${type}: version must be an integer >= 1, got ${version}`)
    }
    const upcasters = typeVersioning?.upcasters ?? {}
    for (let from = 1; from < version; from++) {
      if (typeof upcasters[from] !== "function") {
        throw new TypeError(`EventCodec: ${type}: no upcaster from version ${from} to ${from + 1}`)
      }
    }
    const json = Schema.toCodecJson(schemas[type as keyof Schemas] as Schema.Codec<unknown, unknown, never, never>)
    entries.set(type, {
      version,
      upcasters,
      encode: SchemaParser.encodeUnknownResult(json) as Entry["encode"],
      decode: SchemaParser.decodeUnknownResult(json)
    })
  }
  const types = [...entries.keys()].sort()
  const known = types.join(", ")

  const encode = (event: Event): Result.Result<EncodedEvent, EventEncodingError> => {
    const type = (event as { readonly _tag: unknown })._tag
    const entry = typeof type === "string" ? entries.get(type) : undefined
    if (entry === undefined) {
      return Result.fail(
        new EventEncodingError({ type: String(type), path: "_tag", reason: `not an event of this codec (${known})` })
      )
    }
    return Result.mapBoth(entry.encode(event), {
      onFailure: (issue) => new EventEncodingError({ type: type as string, ...firstProblem("", issue) }),
      onSuccess: (data) => ({ type: type as string, schemaVersion: entry.version, data })
    })
  }

  const decode = (stored: EncodedEvent & { readonly eventId?: string }): Result.Result<Event, EventDecodingError> => {
    const fail = (path: string, reason: string) =>
      Result.fail(
        new EventDecodingError({
          eventId: stored.eventId ?? "",
          type: stored.type,
          schemaVersion: stored.schemaVersion,
          path,
          reason
        })
      )
    const entry = entries.get(stored.type)
    if (entry === undefined) return fail("type", `unknown event type (known: ${known})`)
    if (!Number.isSafeInteger(stored.schemaVersion) || stored.schemaVersion < 1) {
      return fail("schemaVersion", "expected an integer >= 1")
    }
    if (stored.schemaVersion > entry.version) {
      return fail("schemaVersion", `newer than this codec's version ${entry.version}; upgrade the module`)
    }
    let data = stored.data
    for (let from = stored.schemaVersion; from < entry.version; from++) {
      try {
        data = entry.upcasters[from]!(data)
      } catch (error) {
        return fail("data", `upcaster from version ${from} failed: ${String(error)}`)
      }
    }
    return Result.mapError(
      entry.decode(data),
      (issue) =>
        new EventDecodingError({
          eventId: stored.eventId ?? "",
          type: stored.type,
          schemaVersion: stored.schemaVersion,
          ...firstProblem("data", issue)
        })
    ) as Result.Result<Event, EventDecodingError>
  }

  return {
    types,
    versions: Object.fromEntries([...entries].map(([type, entry]) => [type, entry.version])),
    encode,
    decode
  }
}

/** Decodes a stream's envelopes in order, failing on the first that does not decode. */
export const decodeAll = <Event>(
  codec: EventCodec<Event>,
  envelopes: ReadonlyArray<EventEnvelope>
): Effect.Effect<ReadonlyArray<Event>, EventDecodingError> =>
  Effect.suspend(() => {
    const events: Array<Event> = []
    for (const envelope of envelopes) {
      const decoded = codec.decode(envelope)
      if (Result.isFailure(decoded)) return Effect.fail(decoded.failure)
      events.push(decoded.success)
    }
    return Effect.succeed(events)
  })

/**
 * Encodes events into {@link NewEvent}s ready to append, with the id, time and
 * metadata chosen by `envelope(event, index)` (ids derived from the command id, time
 * from the command).
 */
export const toNewEvents = <Event>(
  codec: EventCodec<Event>,
  events: ReadonlyArray<Event>,
  envelope: (event: Event, index: number) => Pick<NewEvent, "eventId" | "occurredAt" | "metadata">
): Effect.Effect<ReadonlyArray<NewEvent>, EventEncodingError> =>
  Effect.suspend(() => {
    const out: Array<NewEvent> = []
    for (let index = 0; index < events.length; index++) {
      const event = events[index]!
      const encoded = codec.encode(event)
      if (Result.isFailure(encoded)) return Effect.fail(encoded.failure)
      out.push({ ...envelope(event, index), ...encoded.success })
    }
    return Effect.succeed(out)
  })
