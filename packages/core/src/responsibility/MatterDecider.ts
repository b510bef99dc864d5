/**
 * The decider of one matter's responsibility stream: what a service keeps per subject
 * so that its obligations, holders and escalations evolve exactly as
 * {@link Simulation.simulate} predicts for the same history.
 *
 * - Commands: `Observe` (a domain event about the matter), `Tick` (time passed to
 *   `at`: warnings, overdues, then the escalation rules), `Act` (a person's command on
 *   one obligation: pause, resume, extend, cancel).
 * - Events: the {@link ResponsibilityRecord}s the engine produces (obligation events,
 *   `HolderChanged`, `EscalationTriggered`, `HandBackAttempted`), the
 *   {@link JustificationGiven} of a person's command, an {@link ActionRefused} for
 *   whatever it could not do, and one {@link MatterUpdated}
 *   carrying the matter's new {@link MatterState} whenever it changed.
 * - State: the matter and its obligations, folded from those events (`Obligation.evolve`
 *   for obligation events, the snapshot for `MatterUpdated`).
 *
 * `decide` restores a `Simulation.Run` from the state, applies the command and returns
 * what the run recorded. Pure: the model is data, time arrives in the commands. An
 * obligation opened under an older policy version keeps its own terms (they are in its
 * `ObligationOpened`), so a policy change never rewrites what was decided before.
 *
 * @example
 * ```ts
 * import { Decider, MatterDecider } from "@gridwork/core"
 *
 * const decider = MatterDecider.make(model) // a loaded LocalityModel
 * const decision = Decider.run(decider, history, { _tag: "Observe", event })
 * ```
 * @module
 */
import { Result, Schema } from "effect"
import * as Decider from "../events/Decider"
import { canonicalize } from "../ledger/CanonicalJson"
import type { LocalityModel } from "../locality/LocalityModel"
import { Instant } from "../primitives/Instant"
import { initial, type MatterState, MatterState as MatterStateSchema } from "./MatterState"
import * as Obligation from "./Obligation"
import { ResponsibilityRecord } from "./ResponsibilityRecord"
import { Run } from "./Simulation"
import type { SimulationEvent } from "./SimulationEvent"

// ---------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------

/** The matter's state after a change (a snapshot the next decision starts from). */
export const MatterUpdated = Schema.TaggedStruct("MatterUpdated", {
  subject: Obligation.SubjectId,
  at: Instant,
  state: MatterStateSchema
})
/** @see {@link MatterUpdated} */
export type MatterUpdated = typeof MatterUpdated.Type

/**
 * Something the engine could not do while deciding: a command an obligation refused, an
 * escalation action that could not be carried out, a rule whose owner or due time could
 * not be determined (e.g. a calendar year not loaded). Recorded so that nothing is
 * dropped silently; `reason` says what and why (as the simulation's `refused` entries).
 */
export const ActionRefused = Schema.TaggedStruct("ActionRefused", {
  subject: Obligation.SubjectId,
  at: Instant,
  rule: Schema.optionalKey(Schema.String),
  obligationId: Schema.optionalKey(Obligation.ObligationId),
  reason: Schema.String
})
/** @see {@link ActionRefused} */
export type ActionRefused = typeof ActionRefused.Type

/**
 * The justification in words a person gave for a command on an obligation (why an
 * extension was approved). Free text, so it may name people: a service keeps it with
 * the matter under access control and publishes and ledgers only its hash.
 */
export const JustificationGiven = Schema.TaggedStruct("JustificationGiven", {
  subject: Obligation.SubjectId,
  at: Instant,
  obligationId: Obligation.ObligationId,
  text: Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(4000))
})
/** @see {@link JustificationGiven} */
export type JustificationGiven = typeof JustificationGiven.Type

/** Every event of a matter's stream: a responsibility record, a refusal, a justification or a state snapshot. */
export const MatterEvent = Schema.Union([ResponsibilityRecord, ActionRefused, JustificationGiven, MatterUpdated])
/** @see {@link MatterEvent} */
export type MatterEvent = typeof MatterEvent.Type

// ---------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------

/** A domain event about the matter (its `subject`). */
export interface Observe {
  readonly _tag: "Observe"
  readonly event: SimulationEvent
}

/** Time passed to `at`: tick the obligations due by then, then evaluate the escalation rules. */
export interface Tick {
  readonly _tag: "Tick"
  readonly subject: Obligation.SubjectId
  readonly at: Instant
}

/** A person's command on one obligation of the matter. */
export interface Act {
  readonly _tag: "Act"
  readonly subject: Obligation.SubjectId
  readonly obligationId: Obligation.ObligationId
  readonly command: Obligation.Pause | Obligation.Resume | Obligation.Extend | Obligation.Cancel
  /** The justification in words (an extension's reason), recorded as {@link JustificationGiven}. */
  readonly justification?: string | undefined
}

/** Every command of the matter decider. */
export type MatterCommand = Observe | Tick | Act

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/** The command names another matter than the stream's. */
export class SubjectMismatch extends Schema.TaggedError<SubjectMismatch>()("SubjectMismatch", {
  expected: Schema.String,
  actual: Schema.String
}) {
  override get message(): string {
    return `this stream belongs to matter ${this.expected}, the command is about ${this.actual}`
  }
}

/** The obligation is not one of the matter's. */
export class ObligationUnknown extends Schema.TaggedError<ObligationUnknown>()("ObligationUnknown", {
  subject: Schema.String,
  obligationId: Schema.String
}) {
  override get message(): string {
    return `matter ${this.subject} has no obligation ${this.obligationId}`
  }
}

/** Why the matter decider refuses a command. */
export type MatterError = SubjectMismatch | ObligationUnknown | Obligation.ObligationError

// ---------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------

/** A matter and its obligations (in the order they were opened). */
export interface State {
  readonly matter: MatterState | undefined
  readonly obligations: ReadonlyMap<string, Obligation.State>
}

/** The state of a stream with no events. */
export const initialState: State = { matter: undefined, obligations: new Map() }

const obligationIdOf = (record: ResponsibilityRecord): string | undefined =>
  "obligationId" in record ? record.obligationId : undefined

/** Folds one event into the state. */
export const evolve = (state: State, event: MatterEvent): State => {
  if (event._tag === "MatterUpdated") return { ...state, matter: event.state }
  if (event._tag === "ActionRefused" || event._tag === "JustificationGiven") return state
  const id = obligationIdOf(event)
  if (id === undefined) return state
  const obligations = new Map(state.obligations)
  obligations.set(
    id,
    Obligation.evolve(state.obligations.get(id) ?? Obligation.initialState, event as Obligation.ObligationEvent)
  )
  return { ...state, obligations }
}

/** The subject of a command. */
export const subjectOf = (command: MatterCommand): Obligation.SubjectId =>
  command._tag === "Observe" ? command.event.subject : command.subject

/** The instant of a command. */
export const instantOf = (command: MatterCommand): Instant =>
  command._tag === "Observe" ? command.event.at : command._tag === "Tick" ? command.at : command.command.at

/**
 * The instant a deadline firing at `dueAt` is handled at: `dueAt`, or the last change of
 * the matter's running obligations when that is later (time never runs backwards for an
 * obligation: a tick dated before its last change would be refused and the deadline
 * lost). Later than `dueAt` only when the firing is handled late, after events dated
 * past it.
 */
export const tickInstant = (state: State, dueAt: Instant): Instant => {
  let at: number = dueAt
  for (const obligation of state.obligations.values()) {
    if (obligation._tag === "Obligation" && Obligation.isRunning(obligation.status) && obligation.last > at) {
      at = obligation.last
    }
  }
  return at as Instant
}

/**
 * The next instant at which a `Tick` changes the matter, per running obligation: its
 * next warning or due time (see `Obligation.nextDueAt`).
 */
export const nextDue = (state: State): ReadonlyArray<{ readonly obligationId: string; readonly at: Instant }> => {
  const due: Array<{ readonly obligationId: string; readonly at: Instant }> = []
  for (const [obligationId, obligation] of state.obligations) {
    const at = Obligation.nextDueAt(obligation)
    if (at !== undefined) due.push({ obligationId, at })
  }
  return due
}

// ---------------------------------------------------------------------------
// Decide
// ---------------------------------------------------------------------------

const sameState = (a: MatterState, b: MatterState): boolean => canonicalize(a) === canonicalize(b)

/** The matter decider under a loaded locality model (see the module documentation). */
export const make = (model: LocalityModel): Decider.Decider<MatterCommand, MatterEvent, State, MatterError> => {
  const template = Run.make(model)
  const decide = (command: MatterCommand, state: State): Result.Result<ReadonlyArray<MatterEvent>, MatterError> => {
    const subject = subjectOf(command)
    if (state.matter !== undefined && state.matter.subject !== subject) {
      return Result.fail(new SubjectMismatch({ expected: state.matter.subject, actual: subject }))
    }
    const run = new Run(template.model, template.policy, template.table, template.settings)
    let justification: JustificationGiven | undefined
    if (state.matter !== undefined) run.restore(state.matter, [...state.obligations.values()])
    switch (command._tag) {
      case "Observe":
        run.handleEvent(command.event)
        break
      case "Tick":
        run.tickMatter(subject, command.at)
        break
      case "Act": {
        const target = state.obligations.get(command.obligationId)
        if (target === undefined || target._tag !== "Obligation") {
          return Result.fail(new ObligationUnknown({ subject, obligationId: command.obligationId }))
        }
        const acted = run.act(subject, command.obligationId, command.command)
        if (Result.isFailure(acted)) return Result.fail(acted.failure)
        if (command.justification !== undefined) {
          justification = {
            _tag: "JustificationGiven",
            subject,
            at: command.command.at,
            obligationId: command.obligationId,
            text: command.justification
          }
        }
        break
      }
    }
    const after = run.matterState(subject)
    const events: Array<MatterEvent> = [...run.records]
    if (justification !== undefined && events.length > 0) events.push(justification)
    for (const entry of run.timeline) {
      if (entry.kind !== "refused") continue
      events.push({
        _tag: "ActionRefused",
        subject,
        at: entry.at,
        ...(entry.rule === undefined ? {} : { rule: entry.rule }),
        ...(entry.obligation === undefined ? {} : { obligationId: entry.obligation }),
        reason: entry.explanation
      })
    }
    if (after !== undefined && !sameState(state.matter ?? initial(subject), after)) {
      events.push({ _tag: "MatterUpdated", subject, at: instantOf(command), state: after })
    }
    return Result.succeed(events)
  }
  return Decider.make({ initialState, decide, evolve })
}
