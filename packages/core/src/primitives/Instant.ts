/**
 * Instants: points on the UTC time line, as integer milliseconds since the Unix epoch.
 *
 * Inside the domain an {@link Instant} is a branded number, so deadline arithmetic over
 * a million obligations stays cheap. At every boundary (HTTP, events, files) it is an
 * RFC 3339 / ISO 8601 string with an explicit offset, decoded with {@link InstantFromString}.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Instant } from "@gridwork/core"
 *
 * const t = Schema.decodeUnknownSync(Instant.InstantFromString)("2026-10-01T08:00:00+08:00")
 * Instant.toIso(t) // "2026-10-01T00:00:00.000Z"
 * ```
 * @module
 */
import { Clock, Effect, Schema, SchemaGetter } from "effect"

/** Milliseconds since 1970-01-01T00:00:00Z, an integer. */
export const Instant = Schema.Int.pipe(Schema.brand("Instant"))
/** @see {@link Instant} */
export type Instant = typeof Instant.Type

const isoWithOffset = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/

/**
 * An ISO 8601 date-time string with an explicit offset (`Z` or `±hh:mm`), decoded to an
 * {@link Instant} and encoded back as UTC (`...Z`). A local time without an offset is
 * rejected: it would be ambiguous.
 */
export const InstantFromString = Schema.String.check(
  Schema.makeFilter((input: string) => isoWithOffset.test(input) && Number.isFinite(Date.parse(input)), {
    expected: "an ISO 8601 date-time with an offset, e.g. 2026-10-01T08:00:00+08:00"
  })
).pipe(
  Schema.decodeTo(Instant, {
    decode: SchemaGetter.transform((input: string) => Date.parse(input)),
    encode: SchemaGetter.transform((millis: number) => new Date(millis).toISOString())
  })
)

/** Builds an instant from epoch milliseconds, checking it is a safe integer. */
export const fromMillis = (millis: number): Instant => Instant.make(millis)

/** Parses an ISO 8601 string with offset; throws on bad input (use the Schema at boundaries). */
export const unsafeFromIso = (iso: string): Instant => Schema.decodeUnknownSync(InstantFromString)(iso)

/** The instant as an ISO 8601 UTC string. */
export const toIso = (instant: Instant): string => new Date(instant).toISOString()

/** The current instant from the `Clock` service (use `TestClock` in tests). */
export const now: Effect.Effect<Instant> = Effect.map(Clock.currentTimeMillis, (millis) => millis as Instant)

/** Common durations in milliseconds. */
export const MINUTE = 60_000
/** @see {@link MINUTE} */
export const HOUR = 3_600_000
/** @see {@link MINUTE} */
export const DAY = 86_400_000
