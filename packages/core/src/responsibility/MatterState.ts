/**
 * The state the escalation engine keeps of one matter (its holder, tier, the facts the
 * escalation rules look at, the situations already acted on), as a Schema so that a
 * service can record it: the accountability service stores a snapshot of it
 * (`MatterDecider.MatterUpdated`) after every change, next to the responsibility
 * records, and restores the engine from it (`Simulation.Run.restore`) for the next
 * event or deadline of the matter.
 *
 * It is the simulation's {@link Matter} plus the holders the matter came through
 * (`previousHolders`, needed to hand it back).
 *
 * @example
 * ```ts
 * import { MatterState, Obligation } from "@gridwork/core"
 *
 * const state = MatterState.initial(Obligation.SubjectId.make("petition-7"))
 * state.parties // 0
 * ```
 * @module
 */
import { Schema } from "effect"
import { UnitCode } from "../primitives/Ids"
import { Instant } from "../primitives/Instant"
import { RiskLevel } from "./EscalationRule"
import { Owner, SubjectId } from "./Obligation"

/** One matter as the escalation engine keeps it (see the module documentation). */
export const MatterState = Schema.Struct({
  subject: SubjectId,
  /** The unit holding the matter (with the leader in charge, if one was assigned). */
  holder: Schema.optionalKey(Owner),
  /** The tier of the holder's jurisdiction. */
  tier: Schema.optionalKey(Schema.String),
  /** Whether the holder was specifically designated (it may not hand the matter back). */
  designated: Schema.Boolean,
  /** Where the matter arose; moves go to the target tier's jurisdiction over it. */
  location: Schema.optionalKey(Schema.String),
  /** The leader in charge of the matter (领导包案), with the leader's own unit. */
  leader: Schema.optionalKey(Owner),
  /** The jurisdiction that listed the matter for supervision (挂牌督办). */
  supervisedBy: Schema.optionalKey(Schema.String),
  riskLevel: Schema.optionalKey(RiskLevel),
  parties: Schema.Int,
  repeats: Schema.Int,
  /** The latest request of a party to escalate. */
  partyRequest: Schema.optionalKey(Schema.Struct({ at: Instant })),
  /** The latest attempt to hand the matter back. */
  handBack: Schema.optionalKey(Schema.Struct({ unit: UnitCode, at: Instant, designated: Schema.Boolean })),
  /** Keys of the escalation situations already acted on (see `Escalation.Firing.key`). */
  fired: Schema.Array(Schema.String),
  /** The holders the matter came from, oldest first (a hand-back returns it to the last). */
  previousHolders: Schema.Array(Owner)
}).annotate({ identifier: "MatterState" })
/** @see {@link MatterState} */
export type MatterState = typeof MatterState.Type

/** The state of a matter nothing has happened to yet. */
export const initial = (subject: SubjectId): MatterState => ({
  subject,
  designated: false,
  parties: 0,
  repeats: 0,
  fired: [],
  previousHolders: []
})
