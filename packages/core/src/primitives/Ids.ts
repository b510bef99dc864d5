/**
 * Branded, time-ordered identifiers (UUIDv7, RFC 9562).
 *
 * Every id in Gridwork is a UUIDv7 string carrying a brand, so a `CaseId` can never be
 * passed where an `ActorId` is expected. UUIDv7 sorts by creation time, which keeps
 * database indexes compact and makes event ids double as a rough ordering key.
 *
 * Codes chosen by people (jurisdiction codes such as `lanxi.dongshan.village-3`, unit
 * codes, category codes) are {@link Code}s, not UUIDs: they are stable, readable and
 * appear in policies and public postings.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Ids } from "@gridwork/core"
 *
 * const program = Effect.gen(function* () {
 *   const id = yield* Ids.makeCaseId // a UUIDv7 from the Clock and the Random service, branded CaseId
 *   return [id, Ids.uuidV7Millis(id)] as const
 * })
 * console.log(Effect.runSync(program)) // [ '019a…-…', 1790… ] (the id and the millisecond it was made)
 * ```
 * @module
 */
import { Clock, Effect, Random, Schema } from "effect"

const uuidV7 = Schema.String.check(Schema.isUUID(7))

/** A locality (county, city) using Gridwork: a short lowercase code, e.g. `lanxi`. */
export const LocalityId = Schema.String.check(
  Schema.isPattern(/^[a-z][a-z0-9-]{1,62}$/, {
    message: "a locality id is 2-63 lowercase letters, digits or dashes, starting with a letter"
  })
).pipe(Schema.brand("LocalityId"))
/** @see {@link LocalityId} */
export type LocalityId = typeof LocalityId.Type

/**
 * A human-chosen stable code: letters, digits, `.`, `-`, `_`, 1-128 characters.
 * Used for jurisdictions, organizational units, roles and categories.
 */
export const Code = Schema.String.check(
  Schema.isPattern(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, {
    message: "a code is 1-128 letters, digits, '.', '-' or '_', starting with a letter or digit"
  })
)

/** Code of a node of the jurisdiction tree (county, township, village, grid ...). */
export const JurisdictionCode = Code.pipe(Schema.brand("JurisdictionCode"))
/** @see {@link JurisdictionCode} */
export type JurisdictionCode = typeof JurisdictionCode.Type

/** Code of an organizational unit (department, committee, center). */
export const UnitCode = Code.pipe(Schema.brand("UnitCode"))
/** @see {@link UnitCode} */
export type UnitCode = typeof UnitCode.Type

/** Code of a role (grid-leader, mediator, handler ...). */
export const RoleCode = Code.pipe(Schema.brand("RoleCode"))
/** @see {@link RoleCode} */
export type RoleCode = typeof RoleCode.Type

/** Code of a matter category (e.g. `environment.noise`), hierarchical by dots. */
export const CategoryCode = Code.pipe(Schema.brand("CategoryCode"))
/** @see {@link CategoryCode} */
export type CategoryCode = typeof CategoryCode.Type

/** A person acting in the system (staff, mediator, resident account). UUIDv7. */
export const ActorId = uuidV7.pipe(Schema.brand("ActorId"))
/** @see {@link ActorId} */
export type ActorId = typeof ActorId.Type

/** A case (petition, dispute, assessment ...): the id of its event stream. UUIDv7. */
export const CaseId = uuidV7.pipe(Schema.brand("CaseId"))
/** @see {@link CaseId} */
export type CaseId = typeof CaseId.Type

/** An event; equal to the command id that produced it and to the NATS `Nats-Msg-Id`. UUIDv7. */
export const EventId = uuidV7.pipe(Schema.brand("EventId"))
/** @see {@link EventId} */
export type EventId = typeof EventId.Type

/** A command; its id is carried from the `Idempotency-Key` header into event ids. UUIDv7. */
export const CommandId = uuidV7.pipe(Schema.brand("CommandId"))
/** @see {@link CommandId} */
export type CommandId = typeof CommandId.Type

const hex = (value: number, width: number): string => value.toString(16).padStart(width, "0")

/**
 * Formats a UUIDv7 from a millisecond timestamp and 74 random bits given as
 * numbers (`randA`: 12 bits, `randB1`: 30 bits, `randB2`: 32 bits). Pure and
 * deterministic, for tests and for replaying ids.
 */
export const formatUuidV7 = (millis: number, randA: number, randB1: number, randB2: number): string => {
  if (!Number.isSafeInteger(millis) || millis < 0 || millis >= 2 ** 48) {
    throw new RangeError(`UUIDv7 timestamp out of range: ${millis}`)
  }
  const time = hex(millis, 12)
  const a = hex(0x7000 | (randA & 0xfff), 4)
  // variant bits 10xx then 62 random bits: 30 (randB1) + 32 (randB2)
  const b1 = (0x80000000 | (randB1 & 0x3fffffff)) >>> 0
  const b1Hex = hex(b1, 8)
  const b2Hex = hex(randB2 >>> 0, 8)
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-${a}-${b1Hex.slice(0, 4)}-${b1Hex.slice(4, 8)}${b2Hex}`
}

/** Milliseconds since the epoch encoded in a UUIDv7. */
export const uuidV7Millis = (id: string): number => Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16)

/**
 * A fresh UUIDv7 using the `Clock` and `Random` services, so `TestClock` and a seeded
 * `Random` make ids reproducible in tests.
 */
export const makeUuidV7: Effect.Effect<string> = Effect.gen(function* () {
  const millis = yield* Clock.currentTimeMillis
  const a = yield* Random.nextIntBetween(0, 0xfff, { halfOpen: false })
  const b1 = yield* Random.nextIntBetween(0, 0x3fffffff, { halfOpen: false })
  const b2 = yield* Random.nextIntBetween(0, 0xffffffff, { halfOpen: false })
  return formatUuidV7(millis, a, b1, b2)
})

/** A fresh {@link CaseId}. */
export const makeCaseId: Effect.Effect<CaseId> = Effect.map(makeUuidV7, (id) => CaseId.make(id))
/** A fresh {@link EventId}. */
export const makeEventId: Effect.Effect<EventId> = Effect.map(makeUuidV7, (id) => EventId.make(id))
/** A fresh {@link ActorId}. */
export const makeActorId: Effect.Effect<ActorId> = Effect.map(makeUuidV7, (id) => ActorId.make(id))
/** A fresh {@link CommandId}. */
export const makeCommandId: Effect.Effect<CommandId> = Effect.map(makeUuidV7, (id) => CommandId.make(id))
