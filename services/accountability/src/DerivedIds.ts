/**
 * Deterministic command ids for work that has no `Idempotency-Key`: a domain event
 * consumed from the bus (or posted over HTTP), a deadline that fired. The same cause
 * always gives the same UUIDv7, so a redelivery, a retry after a crash or the same
 * event arriving by both routes is recognised as the same command (the matter stream
 * keeps `metadata.commandId`) and the events it produced keep their ids
 * (`CommandIds.eventIdFor`), which the event store and JetStream de-duplicate.
 *
 * The ids differ from the cause's own id on purpose: the accountability events caused
 * by a petition event must not share its id on the bus.
 *
 * @example
 * ```ts
 * import { DerivedIds } from "@gridwork/service-accountability"
 *
 * DerivedIds.forEvent("019a6f40-0000-7000-8000-000000000101") // the same UUIDv7 every time
 * ```
 * @module
 */
import { createHash } from "node:crypto"
import { Ids } from "@gridwork/core"

const derive = (cause: string, millis: number): Ids.CommandId => {
  const digest = createHash("sha256").update(`gridwork.accountability:${cause}`).digest()
  return Ids.CommandId.make(
    Ids.formatUuidV7(
      millis,
      digest.readUInt16BE(0) & 0xfff,
      digest.readUInt32BE(2) & 0x3fffffff,
      digest.readUInt32BE(6)
    )
  )
}

/** The command id of handling the domain event `eventId` (a UUIDv7): its time, other random bits. */
export const forEvent = (eventId: string): Ids.CommandId => derive(`event:${eventId}`, Ids.uuidV7Millis(eventId))

/** The command id of a deadline firing (its `DeadlineScheduler.fireToken`), stamped with the due time. */
export const forFiring = (token: string, dueAt: number): Ids.CommandId => derive(`firing:${token}`, dueAt)
