/**
 * The records of responsibility for a matter: who held it when (`HolderChanged`),
 * which escalation rule fired and why (`EscalationTriggered`), every attempt to hand
 * it back (`HandBackAttempted`), and the events of its obligations. Backward tracing
 * (责任倒查, see `AccountabilityReport`) is built from these alone.
 *
 * @module
 */
import { Schema } from "effect"
import { TierName } from "../jurisdiction/Jurisdiction"
import { Instant } from "../primitives/Instant"
import { Firing } from "./Escalation"
import { ObligationEvent, Owner, SubjectId } from "./Obligation"

/**
 * How a matter changed hands: `received` (first receiver, 首问负责), `routed` (sent to
 * the competent unit), `handedBack` (returned by a unit that was not designated),
 * `escalated` (moved by an escalation rule), `leaderAssigned` (a leader took it over, 包案).
 */
export const HolderChange = Schema.Literals(["received", "routed", "handedBack", "escalated", "leaderAssigned"])
/** @see {@link HolderChange} */
export type HolderChange = typeof HolderChange.Type

/** The holder of a matter changed. `rule` is the escalation rule for `escalated` and `leaderAssigned`. */
export const HolderChanged = Schema.TaggedStruct("HolderChanged", {
  subject: SubjectId,
  at: Instant,
  change: HolderChange,
  from: Schema.optionalKey(Owner),
  to: Owner,
  tier: Schema.optionalKey(TierName),
  /** Whether the new holder was specifically designated (it may not hand the matter back). */
  designated: Schema.Boolean,
  rule: Schema.optionalKey(Schema.String),
  policyVersion: Schema.String
})
/** @see {@link HolderChanged} */
export type HolderChanged = typeof HolderChanged.Type

/** An escalation rule fired for a matter, with its explanation. */
export const EscalationTriggered = Schema.TaggedStruct("EscalationTriggered", {
  subject: SubjectId,
  at: Instant,
  firing: Firing
})
/** @see {@link EscalationTriggered} */
export type EscalationTriggered = typeof EscalationTriggered.Type

/** A unit tried to hand a matter back; refused when the unit had been designated. */
export const HandBackAttempted = Schema.TaggedStruct("HandBackAttempted", {
  subject: SubjectId,
  at: Instant,
  by: Owner,
  designated: Schema.Boolean,
  accepted: Schema.Boolean
})
/** @see {@link HandBackAttempted} */
export type HandBackAttempted = typeof HandBackAttempted.Type

/** A record about the matter as a whole. */
export const MatterEvent = Schema.Union([HolderChanged, EscalationTriggered, HandBackAttempted]).pipe(
  Schema.toTaggedUnion("_tag")
)
/** @see {@link MatterEvent} */
export type MatterEvent = typeof MatterEvent.Type

/** Any record of responsibility: a matter event or an obligation event. */
export const ResponsibilityRecord = Schema.Union([MatterEvent, ObligationEvent])
/** @see {@link ResponsibilityRecord} */
export type ResponsibilityRecord = typeof ResponsibilityRecord.Type
