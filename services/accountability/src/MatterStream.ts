/**
 * How a matter's responsibility stream is stored: one event stream per matter
 * (`matter-<subject>`), every event encoded with its Schema through one
 * {@link EventCodec}, and which of its events are published (every record; the
 * snapshots, refusals and justifications stay private).
 *
 * Published subjects are `gw.<locality>.accountability.<event-kebab>`, e.g.
 * `gw.lanxi.accountability.escalation-triggered`.
 *
 * @example
 * ```ts
 * import { MatterStream } from "@gridwork/service-accountability"
 *
 * MatterStream.streamIdOf("lanxi-2026-0917") // "matter-lanxi-2026-0917"
 * ```
 * @module
 */
import {
  Bus,
  EventCodec,
  type EventStore,
  MatterDecider,
  Obligation,
  type Outbox,
  ResponsibilityRecord
} from "@gridwork/core"

/** The module name of this service's events (`gw.<locality>.accountability.*`). */
export const MODULE = "accountability"

/** Prefix of the matter streams. */
export const STREAM_PREFIX = "matter-"

/** The stream of a matter. */
export const streamIdOf = (subject: string): string => `${STREAM_PREFIX}${subject}`

/** The codec of every event of a matter stream. */
export const codec = EventCodec.make({
  HolderChanged: ResponsibilityRecord.HolderChanged,
  EscalationTriggered: ResponsibilityRecord.EscalationTriggered,
  HandBackAttempted: ResponsibilityRecord.HandBackAttempted,
  ObligationOpened: Obligation.ObligationOpened,
  ObligationPaused: Obligation.ObligationPaused,
  ObligationResumed: Obligation.ObligationResumed,
  ObligationExtended: Obligation.ObligationExtended,
  ObligationWarned: Obligation.ObligationWarned,
  ObligationOverdue: Obligation.ObligationOverdue,
  ObligationFulfilled: Obligation.ObligationFulfilled,
  ObligationCancelled: Obligation.ObligationCancelled,
  ObligationReassigned: Obligation.ObligationReassigned,
  ActionRefused: MatterDecider.ActionRefused,
  JustificationGiven: MatterDecider.JustificationGiven,
  MatterUpdated: MatterDecider.MatterUpdated
})

/**
 * Event types kept private to the store (no outbox row, never published): state
 * snapshots, refusals (what the engine could not do; logged as warnings, kept in the
 * matter's stream for the operators), and justifications in words (free text that may
 * name people: only their hash leaves the store, in the ledger).
 */
export const privateTypes: ReadonlyArray<string> = ["MatterUpdated", "ActionRefused", "JustificationGiven"]

/** The outbox router of the service's event store: every record on `gw.<locality>.accountability.<event>`. */
export const subjectOf =
  (locality: string): Outbox.SubjectOf =>
  (_streamId: EventStore.StreamId, event: EventStore.NewEvent) =>
    privateTypes.includes(event.type)
      ? undefined
      : Bus.subjectFor({ locality: event.metadata.locality ?? locality, module: MODULE, eventType: event.type })

/** The subject of an `EscalationTriggered` of this locality (what the petition service consumes). */
export const escalationSubject = (locality: string): string =>
  Bus.subjectFor({ locality, module: MODULE, eventType: "EscalationTriggered" })
