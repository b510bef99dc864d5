/**
 * The write path of the service: one command on one matter, handled atomically.
 *
 * For each command (a domain event observed, a deadline that fired, a person's pause,
 * resume or extension) `handle`, inside one {@link Transactor} transaction:
 *
 * 1. reads the matter's stream (`matter-<subject>`) and folds it with the
 *    `MatterDecider` of the locality; a command whose id is already in the stream
 *    (`metadata.commandId`) was handled before and changes nothing;
 * 2. decides (pure); a refusal is returned as the decider's typed error;
 * 3. appends the new events with the version it read (the event store writes their
 *    outbox rows: every record is published as `gw.<locality>.accountability.<event>`;
 *    snapshots stay private), with ids derived from the command id;
 * 4. appends the ledger entries (`LedgerEntries`): changes of holder and obligation
 *    outcomes, hash-chained;
 * 5. arms each changed obligation's timer at its next warning or due time (version =
 *    the stream version of its last event), or cancels it once it is closed or paused;
 * 6. updates the obligation index, and logs what the engine could not do
 *    (`ActionRefused`: e.g. a due time in a year the calendar lacks) as warnings.
 *
 * A version conflict (another command on the same matter committed first) starts over,
 * up to 5 times. Deadlines arrive through {@link MattersShape.onDeadline} (the
 * `DeadlineSchedulerDriver` handler): the matter is ticked at the timer's due time (or
 * at its obligations' last change, if later), with a command id derived from the fire
 * token, so a firing repeated after a crash has no second effect.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { DerivedIds, Matters } from "@gridwork/service-accountability"
 *
 * declare const event: import("@gridwork/core").SimulationEvent.SimulationEvent & { readonly id: import("@gridwork/core").Ids.EventId }
 * const handled = Effect.flatMap(Matters.Matters, (matters) =>
 *   matters.handle({ _tag: "Observe", event }, { commandId: DerivedIds.forEvent(event.id), causedBy: event.id })
 * )
 * ```
 * @module
 */
import {
  DeadlineScheduler,
  Decider,
  Escalation,
  EventCodec,
  EventStore,
  type Ids,
  LedgerStore,
  MatterDecider,
  Obligation,
  type ResponsibilityRecord
} from "@gridwork/core"
import { CommandIds } from "@gridwork/service-kit"
import { Context, Effect, Layer, Option, Schema } from "effect"
import * as DerivedIds from "./DerivedIds"
import * as LedgerEntries from "./LedgerEntries"
import { Locality } from "./Locality"
import * as MatterStream from "./MatterStream"
import { ObligationIndex } from "./ObligationIndex"
import * as ObligationView from "./ObligationView"
import { Transactor } from "./Transactor"

/** Who and what caused a command, recorded with its events. */
export interface CommandContext {
  /** The command id: event ids derive from it, and a repeated command is recognised by it. */
  readonly commandId: Ids.CommandId
  /** The domain event (or request) that caused it; `causationId` of the events, `causedBy` of ledger entries. */
  readonly causedBy?: Ids.EventId | undefined
  /** Who acted: an actor id, or `system:<component>`. */
  readonly actor?: string | undefined
}

/** What a handled command did. */
export interface Handled {
  readonly subject: string
  /** The stored events it produced (for a repeated command, the first time's). */
  readonly events: ReadonlyArray<EventStore.EventEnvelope>
  /** The matter after it. */
  readonly state: MatterDecider.State
  /** Whether the command had been handled before (nothing was decided or written). */
  readonly duplicate: boolean
}

/** A matter as recorded. */
export interface Recorded {
  readonly state: MatterDecider.State
  /** Its responsibility records, in order (the input of the accountability reports). */
  readonly records: ReadonlyArray<ResponsibilityRecord.ResponsibilityRecord>
  /** The stream's version. */
  readonly version: number
}

/** A store the service depends on failed (the event store, ledger, scheduler, index or a transaction). */
export class MatterStoreFailure extends Schema.TaggedError<MatterStoreFailure>()("MatterStoreFailure", {
  operation: Schema.String,
  cause: Schema.Defect()
}) {
  override get message(): string {
    const cause = this.cause
    return `${this.operation} failed: ${cause instanceof Error ? cause.message : String(cause)}`
  }
}

/** The operations of the write path. */
export interface MattersShape {
  /** Handles one command on one matter (see the module documentation). */
  readonly handle: (
    command: MatterDecider.MatterCommand,
    context: CommandContext
  ) => Effect.Effect<Handled, MatterDecider.MatterError | MatterStoreFailure>
  /** A matter as recorded (empty state and no records for an unknown one). */
  readonly load: (subject: string) => Effect.Effect<Recorded, MatterStoreFailure>
  /** Handles a deadline that fired (the scheduler driver's handler). */
  readonly onDeadline: (
    timer: DeadlineScheduler.DueTimer,
    token: string
  ) => Effect.Effect<void, MatterDecider.MatterError | MatterStoreFailure>
}

const isRecord = (event: MatterDecider.MatterEvent): event is ResponsibilityRecord.ResponsibilityRecord =>
  event._tag !== "MatterUpdated" && event._tag !== "ActionRefused" && event._tag !== "JustificationGiven"

/** The obligation an obligation event is about (refusals name one too, but change nothing). */
const obligationIdOf = (event: MatterDecider.MatterEvent): string | undefined =>
  event._tag.startsWith("Obligation") && "obligationId" in event ? event.obligationId : undefined

const storeFailure =
  (operation: string) =>
  (cause: unknown): MatterStoreFailure =>
    cause instanceof MatterStoreFailure ? cause : new MatterStoreFailure({ operation, cause })

const isConflict = (error: unknown): boolean =>
  error instanceof MatterStoreFailure &&
  typeof error.cause === "object" &&
  error.cause !== null &&
  (error.cause as { readonly _tag?: unknown })._tag === "StreamVersionConflict"

/** Builds the write path over the stores in context. */
export const make = Effect.gen(function* () {
  const locality = yield* Locality
  const store = yield* EventStore.EventStore
  const ledger = yield* LedgerStore.LedgerStore
  const scheduler = yield* DeadlineScheduler.DeadlineScheduler
  const index = yield* ObligationIndex
  const transactor = yield* Transactor
  const decider = locality.decider
  const codec = MatterStream.codec

  const read = (subject: string) =>
    Effect.gen(function* () {
      const stored = yield* store.readStream(MatterStream.streamIdOf(subject))
      const history = yield* EventCodec.decodeAll(codec, stored)
      return { stored, history }
    }).pipe(Effect.mapError(storeFailure("reading the matter")))

  const load: MattersShape["load"] = (subject) =>
    Effect.map(read(subject), ({ stored, history }) => ({
      state: Decider.fold(decider, history),
      records: history.filter(isRecord),
      version: stored.length
    }))

  const metadataOf = (event: MatterDecider.MatterEvent, context: CommandContext): EventStore.EventMetadata => ({
    commandId: context.commandId,
    locality: locality.id,
    policyVersion: locality.model.version,
    ...(context.causedBy === undefined ? {} : { causationId: context.causedBy }),
    ...(context.actor === undefined ? {} : { actor: context.actor }),
    ...(event._tag === "EscalationTriggered"
      ? { explanation: Escalation.explain(event.firing, locality.timeZone) }
      : {})
  })

  /**
   * One attempt, inside the transaction: the command is made from the matter as read
   * here (a deadline's tick instant depends on it), so a concurrent change cannot slip
   * between reading and deciding.
   */
  const attempt = (
    subject: Obligation.SubjectId,
    commandOf: (state: MatterDecider.State) => MatterDecider.MatterCommand,
    context: CommandContext
  ) =>
    Effect.gen(function* () {
      const streamId = MatterStream.streamIdOf(subject)
      const { stored, history } = yield* read(subject)
      const before = Decider.fold(decider, history)
      const command = commandOf(before)
      const previous = stored.filter((event) => event.metadata.commandId === context.commandId)
      if (previous.length > 0) return { subject, events: previous, state: before, duplicate: true } satisfies Handled
      const decided = yield* Effect.fromResult(decider.decide(command, before))
      if (decided.length === 0) return { subject, events: [], state: before, duplicate: false } satisfies Handled
      const newEvents = yield* EventCodec.toNewEvents(codec, decided, (event, i) => ({
        eventId: CommandIds.eventIdFor(context.commandId, i),
        occurredAt: event.at,
        metadata: metadataOf(event, context)
      })).pipe(Effect.mapError(storeFailure("encoding the events")))
      const appended = yield* store
        .append(streamId, stored.length, newEvents)
        .pipe(Effect.mapError(storeFailure("appending the events")))
      const after = Decider.fold(decider, decided, before)
      if (appended.duplicate)
        return { subject, events: appended.events, state: after, duplicate: true } satisfies Handled

      const entries = LedgerEntries.of(before, decided, { causedBy: context.causedBy })
      if (entries.length > 0)
        yield* ledger.append(entries).pipe(Effect.mapError(storeFailure("appending to the ledger")))

      // Timers and index rows of the obligations this decision changed.
      const versions = new Map<string, number>()
      decided.forEach((event, i) => {
        const id = obligationIdOf(event)
        if (id !== undefined) versions.set(id, stored.length + i + 1)
      })
      const views: Array<ObligationView.ObligationView> = []
      const units = new Set<string>()
      for (const [id, version] of versions) {
        const obligation = after.obligations.get(id)
        if (obligation === undefined || obligation._tag !== "Obligation") continue
        const key = DeadlineScheduler.TimerKey.make(id)
        const next = Obligation.nextDueAt(obligation)
        const timer =
          next === undefined ? Effect.asVoid(scheduler.cancel(key)) : Effect.asVoid(scheduler.arm(key, next, version))
        yield* Effect.mapError(timer, storeFailure("arming the deadline"))
        views.push(ObligationView.fromState(obligation))
        units.add(obligation.owner.unit)
      }
      for (const event of decided) {
        if (event._tag === "HolderChanged") {
          units.add(event.to.unit)
          if (event.from !== undefined) units.add(event.from.unit)
        }
      }
      yield* index.record(subject, views, [...units]).pipe(Effect.mapError(storeFailure("updating the index")))
      for (const event of decided) {
        if (event._tag !== "ActionRefused") continue
        yield* Effect.logWarning(`not done: ${event.reason}`).pipe(
          Effect.annotateLogs({ subject, ...(event.rule === undefined ? {} : { rule: event.rule }) })
        )
      }
      return { subject, events: appended.events, state: after, duplicate: false } satisfies Handled
    })

  const run = (
    subject: Obligation.SubjectId,
    commandOf: (state: MatterDecider.State) => MatterDecider.MatterCommand,
    context: CommandContext,
    kind: string
  ) =>
    transactor.transaction(attempt(subject, commandOf, context)).pipe(
      Effect.mapError((error) =>
        error._tag === "TransactionFailure" ? storeFailure("the transaction")(error) : error
      ),
      Effect.retry({ times: 5, while: isConflict }),
      Effect.withSpan("Matters.handle", { attributes: { command: kind } })
    )

  const handle: MattersShape["handle"] = (command, context) =>
    run(MatterDecider.subjectOf(command), () => command, context, command._tag)

  const onDeadline: MattersShape["onDeadline"] = (timer, token) =>
    Effect.gen(function* () {
      const view = yield* index.get(timer.key).pipe(Effect.mapError(storeFailure("reading the index")))
      if (Option.isNone(view)) {
        return yield* Effect.logWarning("a deadline fired for an obligation the index does not know").pipe(
          Effect.annotateLogs({ obligation: timer.key })
        )
      }
      const subject = view.value.subject
      yield* run(
        subject,
        (state) => ({ _tag: "Tick", subject, at: MatterDecider.tickInstant(state, timer.dueAt) }),
        { commandId: DerivedIds.forFiring(token, timer.dueAt), actor: "system:deadline-scheduler" },
        "Tick"
      )
    })

  return { handle, load, onDeadline } satisfies MattersShape
})

/** The write path service. */
export class Matters extends Context.Service<Matters, MattersShape>()("@gridwork/service-accountability/Matters") {
  /** The write path over the locality, stores, index and transactor in context. */
  static readonly layer = Layer.effect(Matters, make)
}
