/**
 * An in-memory {@link Outbox} together with the in-memory {@link EventStore} that fills
 * it: for tests, demos and single-process embedding.
 *
 * The store is `InMemoryEventStore` with one addition: every append computes the
 * subjects first (`resolveSubjects`), then appends and adds the rows in one step under
 * a lock, so rows enter the outbox in global order and a failed or duplicate append
 * adds none. Rows live as long as the layer.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { EventStore, InMemoryOutbox, Outbox } from "@gridwork/core"
 *
 * const layer = InMemoryOutbox.layer(Outbox.moduleSubjects({ module: "petition", locality: "lanxi" }))
 * const program = Effect.gen(function* () {
 *   const store = yield* EventStore.EventStore
 *   const outbox = yield* Outbox.Outbox
 *   // store.append(...) → outbox.pending(100) lists one message per published event
 *   return yield* outbox.stats
 * }).pipe(Effect.provide(layer))
 * ```
 * @module
 */
import { Context, Effect, Layer, Result, Semaphore } from "effect"
import type { BusMessage } from "../events/Bus"
import { EventStore, type EventStoreService, validateAppend } from "../events/EventStore"
import * as InMemoryEventStore from "../events/InMemoryEventStore"
import type { Instant } from "../primitives/Instant"
import {
  checkClaim,
  checkEventIds,
  checkInstant,
  checkLimit,
  Outbox,
  type OutboxInputInvalid,
  type OutboxShape,
  resolveSubjects,
  type SubjectOf
} from "./Outbox"

interface Row {
  readonly message: BusMessage
  sentAt: Instant | undefined
  leaseOwner: string | undefined
  leaseUntil: number
}

/** An in-memory event store and the outbox it writes. */
export interface InMemoryOutbox {
  /** The event store; its appends add outbox rows. */
  readonly eventStore: EventStoreService
  /** The outbox. */
  readonly outbox: OutboxShape
}

const guarded = <A>(problem: OutboxInputInvalid | undefined, run: () => A): Effect.Effect<A, OutboxInputInvalid> =>
  problem === undefined ? Effect.sync(run) : Effect.fail(problem)

/** Builds an empty in-memory event store whose appends fill a new outbox, routed by `subjectOf`. */
export const make = (subjectOf: SubjectOf): Effect.Effect<InMemoryOutbox> =>
  Effect.gen(function* () {
    const inner = yield* InMemoryEventStore.make
    const lock = yield* Semaphore.make(1)
    /** Rows in global order; appends are serialized, so pushing keeps the order. */
    let rows: Array<Row> = []
    const byEventId = new Map<string, Row>()

    const append: EventStoreService["append"] = (streamId, expectedVersion, events) =>
      Effect.flatMap(validateAppend(streamId, expectedVersion, events), (request) => {
        const subjects = resolveSubjects(subjectOf, request.streamId, request.events)
        if (Result.isFailure(subjects)) return Effect.fail(subjects.failure)
        return lock.withPermits(1)(
          Effect.map(inner.append(request.streamId, request.expectedVersion, request.events), (result) => {
            if (!result.duplicate) {
              result.events.forEach((event, index) => {
                const subject = subjects.success[index]
                if (subject === undefined) return
                const row: Row = {
                  message: { subject, event },
                  sentAt: undefined,
                  leaseOwner: undefined,
                  leaseUntil: 0
                }
                rows.push(row)
                byEventId.set(event.eventId, row)
              })
            }
            return result
          })
        )
      })

    const unsent = function* (): Generator<Row> {
      for (const row of rows) if (row.sentAt === undefined) yield row
    }

    const outbox: OutboxShape = {
      pending: (limit) =>
        guarded(checkLimit(limit), () => {
          const out: Array<BusMessage> = []
          for (const row of unsent()) {
            if (out.length >= limit) break
            out.push(row.message)
          }
          return out
        }),
      claim: (options) =>
        guarded(checkClaim(options), () => {
          const out: Array<BusMessage> = []
          for (const row of unsent()) {
            if (out.length >= options.limit) break
            if (row.leaseOwner !== undefined && row.leaseOwner !== options.owner && row.leaseUntil > options.now) {
              continue
            }
            row.leaseOwner = options.owner
            row.leaseUntil = options.now + options.leaseMillis
            out.push(row.message)
          }
          return out
        }),
      markSent: (eventIds, at) =>
        guarded(checkEventIds(eventIds) ?? checkInstant("at", at), () => {
          let marked = 0
          for (const eventId of eventIds) {
            const row = byEventId.get(eventId)
            if (row === undefined || row.sentAt !== undefined) continue
            row.sentAt = at
            marked++
          }
          return marked
        }),
      prune: (sentBefore) =>
        guarded(checkInstant("sentBefore", sentBefore), () => {
          const kept = rows.filter((row) => row.sentAt === undefined || row.sentAt >= sentBefore)
          const removed = rows.length - kept.length
          for (const row of rows) {
            if (row.sentAt !== undefined && row.sentAt < sentBefore) byEventId.delete(row.message.event.eventId)
          }
          rows = kept
          return removed
        }),
      stats: Effect.sync(() => {
        let pending = 0
        for (const row of rows) if (row.sentAt === undefined) pending++
        return { pending, sent: rows.length - pending }
      })
    }

    return { eventStore: EventStore.of({ ...inner, append }), outbox: Outbox.of(outbox) }
  })

/** A layer with a fresh in-memory {@link EventStore} and the {@link Outbox} its appends fill. */
export const layer = (subjectOf: SubjectOf): Layer.Layer<EventStore | Outbox> =>
  Layer.effectContext(
    Effect.map(make(subjectOf), ({ eventStore, outbox }) =>
      Context.make(EventStore, eventStore).pipe(Context.add(Outbox, outbox))
    )
  )
