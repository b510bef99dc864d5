/**
 * One id end to end: `Idempotency-Key` → command id → event ids → `Nats-Msg-Id`.
 *
 * A UUIDv7 idempotency key *is* the command id. A UUIDv4 key (accepted for clients
 * that cannot make v7) is turned into a UUIDv7 deterministically: its timestamp is the
 * moment the key was first seen (kept by the `IdempotencyStore`, so a retry gets the
 * same command id) and its random bits come from SHA-256 of the key. The events a
 * command produces get ids derived from the command id: the first event's id is the
 * command id itself, event `i > 0` shares its timestamp and takes its random bits from
 * SHA-256 of `<command id>/<i>`. Retrying a command therefore re-produces the same
 * event ids, which is what makes the event store and JetStream de-duplicate it.
 *
 * @example
 * ```ts
 * import { CommandIds } from "@gridwork/service-kit"
 *
 * const commandId = CommandIds.commandIdFor("0193a0c4-7a10-7cc3-9d35-5d8f1f0a1b2c", 0)
 * CommandIds.eventIdFor(commandId, 0) === commandId // true
 * ```
 * @module
 */
import { createHash } from "node:crypto"
import { Ids } from "@gridwork/core"

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-([0-9a-f])[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

const digestWords = (input: string): readonly [number, number, number] => {
  const digest = createHash("sha256").update(input).digest()
  return [digest.readUInt16BE(0) & 0xfff, digest.readUInt32BE(2) & 0x3fffffff, digest.readUInt32BE(6)]
}

/**
 * The command id of an idempotency key (a UUID, v4 or v7, any case): the key itself
 * when it is a UUIDv7, otherwise a UUIDv7 stamped with `firstSeenAt` (epoch ms) and
 * random bits hashed from the key.
 */
export const commandIdFor = (idempotencyKey: string, firstSeenAt: number): Ids.CommandId => {
  const key = idempotencyKey.toLowerCase()
  const match = uuidPattern.exec(key)
  if (match === null) throw new RangeError("an idempotency key is a UUID (v4 or v7)")
  if (match[1] === "7") return Ids.CommandId.make(key)
  const [a, b1, b2] = digestWords(`idempotency-key:${key}`)
  return Ids.CommandId.make(Ids.formatUuidV7(firstSeenAt, a, b1, b2))
}

/**
 * The id of the `index`-th event (0-based) produced by a command: the command id for
 * index 0, a deterministic UUIDv7 with the command's timestamp for the others.
 */
export const eventIdFor = (commandId: Ids.CommandId, index: number): Ids.EventId => {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`event index must be >= 0, got ${index}`)
  if (index === 0) return Ids.EventId.make(commandId)
  const [a, b1, b2] = digestWords(`${commandId}/${index}`)
  return Ids.EventId.make(Ids.formatUuidV7(Ids.uuidV7Millis(commandId), a, b1, b2))
}
