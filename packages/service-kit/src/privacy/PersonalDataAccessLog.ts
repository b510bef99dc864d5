/**
 * The `PersonalDataAccessLog` port: every read of a personal field is recorded — who
 * read it, whose data it was, which fields, when, for what purpose, in which request.
 * Never the values. `FieldFilter` writes to it; auditors and the data subject read it.
 *
 * Fail closed: if an entry cannot be recorded, the read fails (the caller gets a 5xx,
 * not the data).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { PersonalDataAccessLog } from "@gridwork/service-kit"
 *
 * const reads = Effect.gen(function* () {
 *   const log = yield* PersonalDataAccessLog.PersonalDataAccessLog
 *   return yield* log.list({ subject: "0193a0c4-7a10-7cc3-9d35-5d8f1f0a1b2c" })
 * }).pipe(Effect.provide(PersonalDataAccessLog.PersonalDataAccessLog.layerMemory))
 * ```
 * @module
 */
import { Instant } from "@gridwork/core"
import { Context, Effect, Layer, Schema } from "effect"

/** One read of personal fields. */
export class AccessEntry extends Schema.Class<AccessEntry>("PersonalDataAccess")({
  /** Subject (`sub`) of the principal who read, or `anonymous`. */
  actor: Schema.String,
  /** The person the data is about (their id in the domain). */
  subject: Schema.String,
  /** The kind of record read, e.g. `petition`. */
  resource: Schema.String,
  /** Paths of the personal fields that were returned, e.g. `complainant.phone`. */
  fields: Schema.Array(Schema.String),
  /** Why: a purpose code declared by the route, e.g. `case-handling`. */
  purpose: Schema.String,
  /** When (epoch ms, from the `Clock`). */
  at: Instant.Instant,
  /** The request that read it. */
  requestId: Schema.String
}) {}

/** Filter of {@link Service.list}; all given conditions must hold. */
export interface ListQuery {
  readonly subject?: string | undefined
  readonly actor?: string | undefined
  /** Inclusive lower bound on `at`. */
  readonly from?: number | undefined
  /** Exclusive upper bound on `at`. */
  readonly to?: number | undefined
}

/** The log could not be written or read. */
export class PersonalDataAccessLogError extends Schema.TaggedError<PersonalDataAccessLogError>()(
  "PersonalDataAccessLogError",
  { message: Schema.String }
) {}

/** The operations of the port. */
export interface Service {
  readonly record: (entry: AccessEntry) => Effect.Effect<void, PersonalDataAccessLogError>
  readonly list: (query?: ListQuery) => Effect.Effect<ReadonlyArray<AccessEntry>, PersonalDataAccessLogError>
}

/** An in-memory log (tests, demos). Entries are kept in recording order. */
export const makeMemory: Effect.Effect<Service> = Effect.sync(() => {
  const entries: Array<AccessEntry> = []
  return {
    record: (entry) =>
      Effect.sync(() => {
        entries.push(entry)
      }),
    list: (query) =>
      Effect.sync(() =>
        entries.filter(
          (entry) =>
            (query?.subject === undefined || entry.subject === query.subject) &&
            (query?.actor === undefined || entry.actor === query.actor) &&
            (query?.from === undefined || entry.at >= query.from) &&
            (query?.to === undefined || entry.at < query.to)
        )
      )
  }
})

/** Records reads of personal data. */
export class PersonalDataAccessLog extends Context.Service<PersonalDataAccessLog, Service>()(
  "@gridwork/service-kit/PersonalDataAccessLog"
) {
  /** A fresh in-memory log. */
  static readonly layerMemory: Layer.Layer<PersonalDataAccessLog> = Layer.effect(PersonalDataAccessLog, makeMemory)
}
