/**
 * Obligations: "unit U (and optionally actor A) owes action A on subject S by due time
 * T, under rule R of policy version V". The common currency of responsibility.
 *
 * An obligation is a small event-sourced case with a pure decider. Commands carry
 * their own time (`at`); the decider computes due times with the locality's
 * {@link BusinessCalendar} and records every result in its events: the due time, the
 * calendar's `provisional` flag, and the instants at which the warnings fall due.
 * The {@link Terms} of the rule (period, extension, warnings, fulfilling events,
 * policy version) are copied into `ObligationOpened`, so a later change of the policy
 * never rewrites an obligation already opened: replaying its events needs no calendar
 * and no policy at all.
 *
 * States: `open`, `paused`, `overdue`, `fulfilled-on-time`, `fulfilled-late`,
 * `cancelled`.
 *
 * - **Pause/Resume** (e.g. time spent on a hearing does not count): the due time moves
 *   by exactly the paused time in the rule's measure (working time for working units).
 * - **Extend**: at most `extension.max` times, each by at most `extension.amount`, and
 *   only with an approver's decision recorded (approver, reason code, instant) when the
 *   rule requires approval; never after the deadline has passed.
 * - **Tick**: issues the warnings whose instant has come (shares of the time used, such
 *   as 50% and 80%) and marks the obligation overdue once its due time has passed.
 *
 * @example
 * ```ts
 * import { Result, Schema } from "effect"
 * import {
 *   BusinessCalendar,
 *   CnMainland,
 *   Decider,
 *   Ids,
 *   Instant,
 *   Obligation,
 *   ObligationPolicy,
 *   ObligationRule
 * } from "@gridwork/core"
 *
 * const rule = Schema.decodeUnknownSync(ObligationRule.ObligationRule)({
 *   id: "hotline.complaint",
 *   title: "Resolve a complaint",
 *   module: "petition",
 *   opensOn: "PetitionRouted",
 *   fulfilledBy: ["PetitionReplied"],
 *   owner: "holder",
 *   within: { amount: 15, unit: "working-days" },
 *   warnAt: [0.8],
 *   source: { law: "county 12345 rules" }
 * })
 * const decider = Obligation.decider(BusinessCalendar.make(CnMainland.spec))
 * const at = Instant.unsafeFromIso("2026-09-28T10:00:00+08:00")
 * const opened = Result.getOrThrow(
 *   Decider.run(decider, [], {
 *     _tag: "Open",
 *     obligationId: Obligation.deriveId("petition-7:PetitionRouted", rule.id, at),
 *     subject: Obligation.SubjectId.make("petition-7"),
 *     owner: { unit: Ids.UnitCode.make("lanxi.dongshan.zzzx") },
 *     terms: ObligationPolicy.termsOf(rule, "2026.1"),
 *     at
 *   })
 * )
 * // 15 working days across National Day 2026 (and the make-up Saturday 10 Oct): due at the end of Fri 23 Oct
 * const [event] = opened.events
 * if (event?._tag === "ObligationOpened") {
 *   console.log(Instant.toIso(event.due), event.provisional) // 2026-10-23T16:00:00.000Z false
 *   console.log(event.warnings.map((w) => [w.share, Instant.toIso(w.at)])) // [ [ 0.8, '2026-10-20T13:12:00.000Z' ] ]
 * }export {}
 * ```
 * @module
 */
import { Result, Schema } from "effect"
import type { BusinessCalendar } from "../calendar/BusinessCalendar"
import type { CalendarYearNotLoaded } from "../calendar/CalendarYearNotLoaded"
import { type Deadline, isWorkingUnit, type Period, TimeUnit } from "../calendar/Deadline"
import * as Decider from "../events/Decider"
import { PolicyVersion } from "../locality/LocalityModel"
import { ActorId, Code, EventId, formatUuidV7, RoleCode, UnitCode, uuidV7Millis } from "../primitives/Ids"
import { Instant } from "../primitives/Instant"
import { EventType, ObligationRuleId } from "./ObligationRule"

// ---------------------------------------------------------------------------
// Ids and values
// ---------------------------------------------------------------------------

/**
 * The matter an obligation is about: usually a case id (UUIDv7), or any stable code
 * (`petition-7`) in simulations and imported records.
 */
export const SubjectId = Code.pipe(Schema.brand("SubjectId"))
/** @see {@link SubjectId} */
export type SubjectId = typeof SubjectId.Type

/** The id of an obligation, a UUIDv7 (the id of its event stream). */
export const ObligationId = Schema.String.check(Schema.isUUID(7)).pipe(Schema.brand("ObligationId"))
/** @see {@link ObligationId} */
export type ObligationId = typeof ObligationId.Type

const fnv1a = (text: string, seed: number): number => {
  let hash = (0x811c9dc5 ^ seed) >>> 0
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash
}

/**
 * A deterministic obligation id for "rule `rule` opened by cause `cause` at `at`":
 * a UUIDv7 whose time is `at` and whose random bits are a hash of the cause and the
 * rule, so replaying the same domain event yields the same obligation ids (commands
 * stay idempotent). `cause` is the id of the domain event (or any unique key of it).
 */
export const deriveId = (cause: string, rule: string, at: Instant): ObligationId => {
  const key = `${cause}\u0000${rule}`
  return ObligationId.make(formatUuidV7(at, fnv1a(key, 1), fnv1a(key, 2), fnv1a(key, 3)))
}

/** The instant encoded in an obligation id (its opening time when made with {@link deriveId}). */
export const idMillis = (id: ObligationId): number => uuidV7Millis(id)

/** Who owes an obligation: a unit, and optionally the role and the actor within it. */
export const Owner = Schema.Struct({
  unit: UnitCode,
  role: Schema.optionalKey(RoleCode),
  actor: Schema.optionalKey(ActorId)
})
/** @see {@link Owner} */
export type Owner = typeof Owner.Type

/** The decision that approves an extension: who approved it, why (a reason code), and when. */
export const Approval = Schema.Struct({
  approver: ActorId,
  reasonCode: Code,
  decidedAt: Instant
})
/** @see {@link Approval} */
export type Approval = typeof Approval.Type

/** What caused a change: a domain event (type and id), or an escalation rule. */
export const Cause = Schema.Struct({
  type: Schema.optionalKey(EventType),
  eventId: Schema.optionalKey(EventId),
  escalation: Schema.optionalKey(Code)
})
/** @see {@link Cause} */
export type Cause = typeof Cause.Type

/** A warning planned at a share of the time used (e.g. 0.8) and the instant it falls due. */
export const PlannedWarning = Schema.Struct({
  share: Schema.Finite,
  at: Instant
})
/** @see {@link PlannedWarning} */
export type PlannedWarning = typeof PlannedWarning.Type

const PeriodSchema = Schema.Struct({
  amount: Schema.Int.check(Schema.makeFilter((n: number) => n >= 1, { expected: "a whole number 1 or more" })),
  unit: TimeUnit
})

/** How the deadline may be extended (copied from the rule). */
export const ExtensionTerms = Schema.Struct({
  max: Schema.Int,
  amount: Schema.Int,
  unit: TimeUnit,
  requiresApproval: Schema.Boolean
})
/** @see {@link ExtensionTerms} */
export type ExtensionTerms = typeof ExtensionTerms.Type

/** A pause the rule declares: events that pause the clock, events that resume it, and why. */
export const PauseTerms = Schema.Struct({
  on: Schema.Array(EventType),
  resumeOn: Schema.Array(EventType),
  reason: Code
})
/** @see {@link PauseTerms} */
export type PauseTerms = typeof PauseTerms.Type

/**
 * The terms an obligation was opened under: a copy of its rule as it stood in policy
 * version `policyVersion`. Kept in `ObligationOpened`, so the obligation never depends
 * on the policy again.
 */
export const Terms = Schema.Struct({
  rule: ObligationRuleId,
  title: Schema.String,
  policyVersion: PolicyVersion,
  within: PeriodSchema,
  extension: Schema.optionalKey(ExtensionTerms),
  warnAt: Schema.Array(Schema.Finite),
  fulfilledBy: Schema.Array(EventType),
  cancelledBy: Schema.Array(EventType),
  extendedBy: Schema.Array(EventType),
  pauses: Schema.Array(PauseTerms),
  source: Schema.optionalKey(Schema.Struct({ law: Schema.String, article: Schema.optionalKey(Schema.String) }))
})
/** @see {@link Terms} */
export type Terms = typeof Terms.Type

// ---------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------

/** An obligation was opened: who owes what on which subject, under which terms, due when. */
export const ObligationOpened = Schema.TaggedStruct("ObligationOpened", {
  obligationId: ObligationId,
  subject: SubjectId,
  owner: Owner,
  terms: Terms,
  at: Instant,
  due: Instant,
  provisional: Schema.Boolean,
  warnings: Schema.Array(PlannedWarning),
  cause: Schema.optionalKey(Cause)
})
/** @see {@link ObligationOpened} */
export type ObligationOpened = typeof ObligationOpened.Type

/** The clock stopped, with the reason (e.g. `hearing`). */
export const ObligationPaused = Schema.TaggedStruct("ObligationPaused", {
  obligationId: ObligationId,
  at: Instant,
  reason: Code,
  actor: Schema.optionalKey(ActorId)
})
/** @see {@link ObligationPaused} */
export type ObligationPaused = typeof ObligationPaused.Type

/**
 * The clock runs again; `pausedFor` is the paused time in the rule's measure (ms of
 * working time for working units) and the due time moved by exactly that much.
 */
export const ObligationResumed = Schema.TaggedStruct("ObligationResumed", {
  obligationId: ObligationId,
  at: Instant,
  pausedFor: Schema.Int,
  previousDue: Instant,
  due: Instant,
  provisional: Schema.Boolean,
  warnings: Schema.Array(PlannedWarning),
  actor: Schema.optionalKey(ActorId)
})
/** @see {@link ObligationResumed} */
export type ObligationResumed = typeof ObligationResumed.Type

/** The deadline was extended (the `extension`th time) by `amount` `unit`, with the approval. */
export const ObligationExtended = Schema.TaggedStruct("ObligationExtended", {
  obligationId: ObligationId,
  at: Instant,
  extension: Schema.Int,
  amount: Schema.Int,
  unit: TimeUnit,
  previousDue: Instant,
  due: Instant,
  provisional: Schema.Boolean,
  approval: Schema.optionalKey(Approval),
  warnings: Schema.Array(PlannedWarning)
})
/** @see {@link ObligationExtended} */
export type ObligationExtended = typeof ObligationExtended.Type

/** A share of the time (e.g. 0.8) has been used. */
export const ObligationWarned = Schema.TaggedStruct("ObligationWarned", {
  obligationId: ObligationId,
  at: Instant,
  share: Schema.Finite,
  due: Instant
})
/** @see {@link ObligationWarned} */
export type ObligationWarned = typeof ObligationWarned.Type

/** The due time passed without the obligation being fulfilled. */
export const ObligationOverdue = Schema.TaggedStruct("ObligationOverdue", {
  obligationId: ObligationId,
  at: Instant,
  due: Instant
})
/** @see {@link ObligationOverdue} */
export type ObligationOverdue = typeof ObligationOverdue.Type

/**
 * The obligation was fulfilled, on time or late; `lateBy` is the delay in the rule's
 * measure (ms of working time for working units), 0 when on time.
 */
export const ObligationFulfilled = Schema.TaggedStruct("ObligationFulfilled", {
  obligationId: ObligationId,
  at: Instant,
  due: Instant,
  onTime: Schema.Boolean,
  lateBy: Schema.Int,
  cause: Schema.optionalKey(Cause)
})
/** @see {@link ObligationFulfilled} */
export type ObligationFulfilled = typeof ObligationFulfilled.Type

/**
 * The obligation was cancelled with a reason code (e.g. `withdrawn`, `escalated`);
 * `overdue` and `lateBy` say whether its deadline had already been missed, and by how
 * much, when it was cancelled.
 */
export const ObligationCancelled = Schema.TaggedStruct("ObligationCancelled", {
  obligationId: ObligationId,
  at: Instant,
  reason: Code,
  due: Instant,
  overdue: Schema.Boolean,
  lateBy: Schema.Int,
  cause: Schema.optionalKey(Cause)
})
/** @see {@link ObligationCancelled} */
export type ObligationCancelled = typeof ObligationCancelled.Type

/**
 * The obligation passed to another owner (the matter moved to another unit, or a
 * leader took it over), keeping its due time.
 */
export const ObligationReassigned = Schema.TaggedStruct("ObligationReassigned", {
  obligationId: ObligationId,
  at: Instant,
  from: Owner,
  to: Owner,
  reason: Code,
  cause: Schema.optionalKey(Cause)
})
/** @see {@link ObligationReassigned} */
export type ObligationReassigned = typeof ObligationReassigned.Type

/** Every event of an obligation's stream. */
export const ObligationEvent = Schema.Union([
  ObligationOpened,
  ObligationPaused,
  ObligationResumed,
  ObligationExtended,
  ObligationWarned,
  ObligationOverdue,
  ObligationFulfilled,
  ObligationCancelled,
  ObligationReassigned
]).pipe(Schema.toTaggedUnion("_tag"))
/** @see {@link ObligationEvent} */
export type ObligationEvent = typeof ObligationEvent.Type

// ---------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------

/** Open an obligation under `terms`, counted from `at`. */
export const Open = Schema.TaggedStruct("Open", {
  obligationId: ObligationId,
  subject: SubjectId,
  owner: Owner,
  terms: Terms,
  at: Instant,
  cause: Schema.optionalKey(Cause)
})
/** @see {@link Open} */
export type Open = typeof Open.Type

/** Stop the clock with a reason. */
export const Pause = Schema.TaggedStruct("Pause", {
  at: Instant,
  reason: Code,
  actor: Schema.optionalKey(ActorId)
})
/** @see {@link Pause} */
export type Pause = typeof Pause.Type

/** Restart the clock. */
export const Resume = Schema.TaggedStruct("Resume", { at: Instant, actor: Schema.optionalKey(ActorId) })
/** @see {@link Resume} */
export type Resume = typeof Resume.Type

/**
 * Extend the deadline by `amount` of the rule's extension unit (default and maximum:
 * the rule's amount). `approval` is required when the rule requires approval; it is
 * optional in the command so that a missing approval is refused with a typed error.
 */
export const Extend = Schema.TaggedStruct("Extend", {
  at: Instant,
  amount: Schema.optionalKey(Schema.Int),
  approval: Schema.optionalKey(Approval)
})
/** @see {@link Extend} */
export type Extend = typeof Extend.Type

/** Record that the owed action was done. */
export const Fulfil = Schema.TaggedStruct("Fulfil", { at: Instant, cause: Schema.optionalKey(Cause) })
/** @see {@link Fulfil} */
export type Fulfil = typeof Fulfil.Type

/** Cancel the obligation with a reason code. */
export const Cancel = Schema.TaggedStruct("Cancel", {
  at: Instant,
  reason: Code,
  cause: Schema.optionalKey(Cause)
})
/** @see {@link Cancel} */
export type Cancel = typeof Cancel.Type

/** Hand the obligation to another owner, keeping its due time. */
export const Reassign = Schema.TaggedStruct("Reassign", {
  at: Instant,
  to: Owner,
  reason: Code,
  cause: Schema.optionalKey(Cause)
})
/** @see {@link Reassign} */
export type Reassign = typeof Reassign.Type

/** Let time pass to `at`: issue the warnings that fell due, mark the obligation overdue once due. */
export const Tick = Schema.TaggedStruct("Tick", { at: Instant })
/** @see {@link Tick} */
export type Tick = typeof Tick.Type

/** Every command of the obligation decider. */
export const ObligationCommand = Schema.Union([Open, Pause, Resume, Extend, Fulfil, Cancel, Reassign, Tick]).pipe(
  Schema.toTaggedUnion("_tag")
)
/** @see {@link ObligationCommand} */
export type ObligationCommand = typeof ObligationCommand.Type

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/** A command other than `Open` for an obligation that was never opened. */
export class ObligationNotOpened extends Schema.TaggedError<ObligationNotOpened>()("ObligationNotOpened", {
  command: Schema.String
}) {
  override get message(): string {
    return `${this.command}: the obligation was never opened`
  }
}

/** A command that needs a running obligation, for one that is fulfilled or cancelled. */
export class ObligationClosed extends Schema.TaggedError<ObligationClosed>()("ObligationClosed", {
  obligationId: ObligationId,
  status: Schema.String,
  command: Schema.String
}) {
  override get message(): string {
    return `${this.command}: obligation ${this.obligationId} is already ${this.status}`
  }
}

/** A command that does not fit the obligation's state (pause while paused or overdue, resume while running). */
export class ObligationStateConflict extends Schema.TaggedError<ObligationStateConflict>()("ObligationStateConflict", {
  obligationId: ObligationId,
  status: Schema.String,
  command: Schema.String
}) {
  override get message(): string {
    return `${this.command}: not possible while obligation ${this.obligationId} is ${this.status}`
  }
}

/** A command dated before the last change of the obligation: time does not run backwards. */
export class ObligationTimeReversed extends Schema.TaggedError<ObligationTimeReversed>()("ObligationTimeReversed", {
  obligationId: ObligationId,
  at: Instant,
  last: Instant
}) {
  override get message(): string {
    return `obligation ${this.obligationId}: command at ${new Date(this.at).toISOString()} is before its last change at ${new Date(this.last).toISOString()}`
  }
}

/** The rule allows no extension. */
export class ExtensionNotAllowed extends Schema.TaggedError<ExtensionNotAllowed>()("ExtensionNotAllowed", {
  obligationId: ObligationId,
  rule: ObligationRuleId
}) {
  override get message(): string {
    return `rule ${this.rule} allows no extension of obligation ${this.obligationId}`
  }
}

/** Every extension the rule allows has been used. */
export class ExtensionLimitReached extends Schema.TaggedError<ExtensionLimitReached>()("ExtensionLimitReached", {
  obligationId: ObligationId,
  rule: ObligationRuleId,
  max: Schema.Int
}) {
  override get message(): string {
    return `rule ${this.rule} allows ${this.max} extension(s) of obligation ${this.obligationId}, all used`
  }
}

/** The rule requires an approver's decision and none was given. */
export class ExtensionNotApproved extends Schema.TaggedError<ExtensionNotApproved>()("ExtensionNotApproved", {
  obligationId: ObligationId,
  rule: ObligationRuleId
}) {
  override get message(): string {
    return `rule ${this.rule} requires an approver's decision (approver, reason code, instant) to extend obligation ${this.obligationId}`
  }
}

/** The owner of the obligation approved its own extension. */
export class ExtensionSelfApproved extends Schema.TaggedError<ExtensionSelfApproved>()("ExtensionSelfApproved", {
  obligationId: ObligationId,
  approver: ActorId
}) {
  override get message(): string {
    return `actor ${this.approver} owes obligation ${this.obligationId} and may not approve its extension`
  }
}

/** The extension asked for is longer than the rule allows (or not a whole number 1 or more). */
export class ExtensionTooLong extends Schema.TaggedError<ExtensionTooLong>()("ExtensionTooLong", {
  obligationId: ObligationId,
  requested: Schema.Finite,
  allowed: Schema.Int,
  unit: TimeUnit
}) {
  override get message(): string {
    return `extension of ${this.requested} ${this.unit} asked for obligation ${this.obligationId}; the rule allows 1 to ${this.allowed}`
  }
}

/** An extension asked for after the deadline passed. */
export class ExtensionAfterDeadline extends Schema.TaggedError<ExtensionAfterDeadline>()("ExtensionAfterDeadline", {
  obligationId: ObligationId,
  due: Instant,
  at: Instant
}) {
  override get message(): string {
    return `obligation ${this.obligationId} fell due at ${new Date(this.due).toISOString()}; it can no longer be extended`
  }
}

/** Why the obligation decider refuses a command. */
export type ObligationError =
  | ObligationNotOpened
  | ObligationClosed
  | ObligationStateConflict
  | ObligationTimeReversed
  | ExtensionNotAllowed
  | ExtensionLimitReached
  | ExtensionNotApproved
  | ExtensionSelfApproved
  | ExtensionTooLong
  | ExtensionAfterDeadline
  | CalendarYearNotLoaded

// ---------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------

/** Where an obligation stands. */
export type Status = "open" | "paused" | "overdue" | "fulfilled-on-time" | "fulfilled-late" | "cancelled"

/** The statuses of an obligation that still runs (can be fulfilled, paused, extended). */
export const runningStatuses: ReadonlyArray<Status> = ["open", "paused", "overdue"]

/** Whether an obligation in this status still runs. */
export const isRunning = (status: Status): boolean => runningStatuses.includes(status)

/** An opened obligation, folded from its events. */
export interface Obligation {
  readonly _tag: "Obligation"
  readonly id: ObligationId
  readonly subject: SubjectId
  readonly owner: Owner
  readonly terms: Terms
  readonly status: Status
  readonly openedAt: Instant
  /** The due time in force (before the current pause's shift, while paused). */
  readonly due: Instant
  /** The due time computed when it was opened. */
  readonly initialDue: Instant
  readonly provisional: boolean
  /** When the current pause began, while paused. */
  readonly pausedAt?: Instant | undefined
  readonly pauseReason?: string | undefined
  /** Total paused time so far, in the rule's measure. */
  readonly pausedTotal: number
  readonly extensions: number
  /** Warnings planned and not yet issued. */
  readonly warnings: ReadonlyArray<PlannedWarning>
  /** Shares warned so far. */
  readonly warned: ReadonlyArray<number>
  readonly overdueAt?: Instant | undefined
  readonly closedAt?: Instant | undefined
  /** Delay when fulfilled late or cancelled after the deadline, in the rule's measure. */
  readonly lateBy: number
  /** Instant of the last event. */
  readonly last: Instant
  readonly cause?: Cause | undefined
}

/** The state of an obligation's stream. */
export type State = { readonly _tag: "Unopened" } | Obligation

/** The state of a stream with no events. */
export const initialState: State = { _tag: "Unopened" }

/** Folds one event into the state; total over the event type. */
export const evolve = (state: State, event: ObligationEvent): State => {
  if (event._tag === "ObligationOpened") {
    return {
      _tag: "Obligation",
      id: event.obligationId,
      subject: event.subject,
      owner: event.owner,
      terms: event.terms,
      status: "open",
      openedAt: event.at,
      due: event.due,
      initialDue: event.due,
      provisional: event.provisional,
      pausedTotal: 0,
      extensions: 0,
      warnings: event.warnings,
      warned: [],
      lateBy: 0,
      last: event.at,
      cause: event.cause
    }
  }
  if (state._tag === "Unopened") return state
  const last = Math.max(state.last, event.at) as Instant
  switch (event._tag) {
    case "ObligationPaused":
      return { ...state, status: "paused", pausedAt: event.at, pauseReason: event.reason, last }
    case "ObligationResumed":
      return {
        ...state,
        status: "open",
        pausedAt: undefined,
        pauseReason: undefined,
        pausedTotal: state.pausedTotal + event.pausedFor,
        due: event.due,
        provisional: state.provisional || event.provisional,
        warnings: event.warnings,
        last
      }
    case "ObligationExtended":
      return {
        ...state,
        due: event.due,
        provisional: state.provisional || event.provisional,
        extensions: event.extension,
        warnings: event.warnings,
        warned: state.warned.filter((share) => !event.warnings.some((w) => w.share === share)),
        last
      }
    case "ObligationWarned":
      return {
        ...state,
        warnings: state.warnings.filter((w) => w.share !== event.share),
        warned: [...state.warned, event.share],
        last
      }
    case "ObligationOverdue":
      return { ...state, status: "overdue", overdueAt: event.at, warnings: [], last }
    case "ObligationFulfilled":
      return {
        ...state,
        status: event.onTime ? "fulfilled-on-time" : "fulfilled-late",
        closedAt: event.at,
        due: event.due,
        lateBy: event.lateBy,
        warnings: [],
        pausedAt: undefined,
        last
      }
    case "ObligationCancelled":
      return {
        ...state,
        status: "cancelled",
        closedAt: event.at,
        lateBy: event.lateBy,
        warnings: [],
        pausedAt: undefined,
        last
      }
    case "ObligationReassigned":
      return { ...state, owner: event.to, last }
  }
}

// ---------------------------------------------------------------------------
// Time arithmetic in the rule's measure
// ---------------------------------------------------------------------------

type CalendarResult<A> = Result.Result<A, CalendarYearNotLoaded>

const measure = (
  calendar: BusinessCalendar,
  from: Instant,
  to: Instant,
  unit: Period["unit"]
): CalendarResult<number> => Result.map(calendar.measure(from, to, unit), (span) => span.ms)

/** The earliest instant by which `ms` of the unit's measure have passed since `from`. */
const advance = (
  calendar: BusinessCalendar,
  from: Instant,
  ms: number,
  unit: Period["unit"]
): CalendarResult<Instant> =>
  isWorkingUnit(unit)
    ? Result.map(calendar.advanceWorkingTime(from, Math.max(0, Math.round(ms))), (d) => d.due)
    : Result.succeed((from + Math.max(0, Math.round(ms))) as Instant)

/**
 * Plans the warnings of `shares` for an obligation counted from `openedAt`, due at
 * `due`, with `pausedTotal` paused so far, seen at `now` (while running): the budget is
 * the time from opening to due less the pauses, and the warning for share `s` falls
 * when `s` of it has been used. A share already reached is planned at `now`.
 */
const planWarnings = (
  calendar: BusinessCalendar,
  unit: Period["unit"],
  openedAt: Instant,
  pausedTotal: number,
  due: Instant,
  now: Instant,
  shares: ReadonlyArray<number>
): CalendarResult<ReadonlyArray<PlannedWarning>> =>
  Result.gen(function* () {
    if (shares.length === 0) return []
    const budget = (yield* measure(calendar, openedAt, due, unit)) - pausedTotal
    const used = (yield* measure(calendar, openedAt, now, unit)) - pausedTotal
    const planned: Array<PlannedWarning> = []
    for (const share of shares) {
      const target = share * budget
      const at = target <= used ? now : yield* advance(calendar, now, target - used, unit)
      planned.push({ share, at })
    }
    return planned
  })

/** Delay of `at` after `due` in the unit's measure; 0 when not late. */
const lateness = (
  calendar: BusinessCalendar,
  due: Instant,
  at: Instant,
  unit: Period["unit"]
): CalendarResult<number> =>
  at <= due ? Result.succeed(0) : Result.map(measure(calendar, due, at, unit), (ms) => Math.max(0, ms))

/**
 * The due time of a running obligation as seen at `at`: while paused, the due time
 * already moves with the pause.
 */
const effectiveDue = (calendar: BusinessCalendar, state: Obligation, at: Instant): CalendarResult<Deadline> =>
  state.status === "paused" && state.pausedAt !== undefined
    ? calendar.resume({ due: state.due, provisional: state.provisional }, state.pausedAt, at, state.terms.within.unit)
    : Result.succeed({ due: state.due, provisional: state.provisional })

// ---------------------------------------------------------------------------
// Decide
// ---------------------------------------------------------------------------

type Decision = Result.Result<ReadonlyArray<ObligationEvent>, ObligationError>

const none: Decision = Result.succeed([])

const open = (calendar: BusinessCalendar, command: Open): Decision =>
  Result.gen(function* () {
    const deadline = yield* calendar.add(command.at, command.terms.within)
    const warnings = yield* planWarnings(
      calendar,
      command.terms.within.unit,
      command.at,
      0,
      deadline.due,
      command.at,
      command.terms.warnAt
    )
    const opened: ObligationOpened = {
      _tag: "ObligationOpened",
      obligationId: command.obligationId,
      subject: command.subject,
      owner: command.owner,
      terms: command.terms,
      at: command.at,
      due: deadline.due,
      provisional: deadline.provisional,
      warnings,
      ...(command.cause === undefined ? {} : { cause: command.cause })
    }
    return [opened]
  })

const pause = (state: Obligation, command: Pause): Decision => {
  if (state.status !== "open" || command.at >= state.due) {
    return Result.fail(
      new ObligationStateConflict({
        obligationId: state.id,
        status: state.status === "open" ? "overdue" : state.status,
        command: "Pause"
      })
    )
  }
  const paused: ObligationPaused = {
    _tag: "ObligationPaused",
    obligationId: state.id,
    at: command.at,
    reason: command.reason,
    ...(command.actor === undefined ? {} : { actor: command.actor })
  }
  return Result.succeed([paused])
}

const resume = (calendar: BusinessCalendar, state: Obligation, command: Resume): Decision => {
  if (state.status !== "paused" || state.pausedAt === undefined) {
    return Result.fail(new ObligationStateConflict({ obligationId: state.id, status: state.status, command: "Resume" }))
  }
  const pausedAt = state.pausedAt
  const unit = state.terms.within.unit
  return Result.gen(function* () {
    const pausedFor = yield* measure(calendar, pausedAt, command.at, unit)
    const deadline = yield* calendar.resume(
      { due: state.due, provisional: state.provisional },
      pausedAt,
      command.at,
      unit
    )
    const pending = state.terms.warnAt.filter((share) => !state.warned.includes(share))
    const warnings = yield* planWarnings(
      calendar,
      unit,
      state.openedAt,
      state.pausedTotal + pausedFor,
      deadline.due,
      command.at,
      pending
    )
    const resumed: ObligationResumed = {
      _tag: "ObligationResumed",
      obligationId: state.id,
      at: command.at,
      pausedFor,
      previousDue: state.due,
      due: deadline.due,
      provisional: deadline.provisional,
      warnings,
      ...(command.actor === undefined ? {} : { actor: command.actor })
    }
    return [resumed]
  })
}

const extend = (calendar: BusinessCalendar, state: Obligation, command: Extend): Decision => {
  const terms = state.terms
  const extension = terms.extension
  if (extension === undefined) return Result.fail(new ExtensionNotAllowed({ obligationId: state.id, rule: terms.rule }))
  if (state.status === "overdue" || (state.status === "open" && command.at > state.due)) {
    return Result.fail(new ExtensionAfterDeadline({ obligationId: state.id, due: state.due, at: command.at }))
  }
  if (state.extensions >= extension.max) {
    return Result.fail(new ExtensionLimitReached({ obligationId: state.id, rule: terms.rule, max: extension.max }))
  }
  if (extension.requiresApproval && command.approval === undefined) {
    return Result.fail(new ExtensionNotApproved({ obligationId: state.id, rule: terms.rule }))
  }
  if (command.approval !== undefined && command.approval.approver === state.owner.actor) {
    return Result.fail(new ExtensionSelfApproved({ obligationId: state.id, approver: command.approval.approver }))
  }
  const amount = command.amount ?? extension.amount
  if (!Number.isSafeInteger(amount) || amount < 1 || amount > extension.amount) {
    return Result.fail(
      new ExtensionTooLong({
        obligationId: state.id,
        requested: amount,
        allowed: extension.amount,
        unit: extension.unit
      })
    )
  }
  const now = state.status === "paused" && state.pausedAt !== undefined ? state.pausedAt : command.at
  return Result.gen(function* () {
    // Day units count whole days after the day of the start: extend from the last instant of the due day.
    const dayUnit = extension.unit === "calendar-days" || extension.unit === "working-days"
    const from = (dayUnit ? state.due - 1 : state.due) as Instant
    const deadline = yield* calendar.add(from, { amount, unit: extension.unit })
    const warnings = yield* planWarnings(
      calendar,
      terms.within.unit,
      state.openedAt,
      state.pausedTotal,
      deadline.due,
      now,
      terms.warnAt
    )
    // Shares already reached under the new budget are not warned again; the others are (re-)armed.
    const armed = warnings.filter((w) => w.at > now || !state.warned.includes(w.share))
    const extended: ObligationExtended = {
      _tag: "ObligationExtended",
      obligationId: state.id,
      at: command.at,
      extension: state.extensions + 1,
      amount,
      unit: extension.unit,
      previousDue: state.due,
      due: deadline.due,
      provisional: deadline.provisional,
      ...(command.approval === undefined ? {} : { approval: command.approval }),
      warnings: armed
    }
    return [extended]
  })
}

/** The due time in force when a running obligation closes at `at`, and how late that is. */
const closing = (
  calendar: BusinessCalendar,
  state: Obligation,
  at: Instant
): CalendarResult<{ readonly due: Instant; readonly lateBy: number }> =>
  Result.gen(function* () {
    const { due } = yield* effectiveDue(calendar, state, at)
    return { due, lateBy: yield* lateness(calendar, due, at, state.terms.within.unit) }
  })

const fulfil = (calendar: BusinessCalendar, state: Obligation, command: Fulfil): Decision =>
  Result.gen(function* () {
    const { due, lateBy } = yield* closing(calendar, state, command.at)
    const fulfilled: ObligationFulfilled = {
      _tag: "ObligationFulfilled",
      obligationId: state.id,
      at: command.at,
      due,
      onTime: command.at <= due,
      lateBy,
      ...(command.cause === undefined ? {} : { cause: command.cause })
    }
    return [fulfilled]
  })

const cancel = (calendar: BusinessCalendar, state: Obligation, command: Cancel): Decision =>
  Result.gen(function* () {
    const { due, lateBy } = yield* closing(calendar, state, command.at)
    const cancelled: ObligationCancelled = {
      _tag: "ObligationCancelled",
      obligationId: state.id,
      at: command.at,
      reason: command.reason,
      due,
      overdue: state.status === "overdue" || command.at > due,
      lateBy,
      ...(command.cause === undefined ? {} : { cause: command.cause })
    }
    return [cancelled]
  })

const sameOwner = (a: Owner, b: Owner): boolean => a.unit === b.unit && a.actor === b.actor && a.role === b.role

const reassign = (state: Obligation, command: Reassign): Decision => {
  if (sameOwner(state.owner, command.to)) return none
  const reassigned: ObligationReassigned = {
    _tag: "ObligationReassigned",
    obligationId: state.id,
    at: command.at,
    from: state.owner,
    to: command.to,
    reason: command.reason,
    ...(command.cause === undefined ? {} : { cause: command.cause })
  }
  return Result.succeed([reassigned])
}

const tick = (state: Obligation, command: Tick): Decision => {
  if (state.status !== "open") return none
  const events: Array<ObligationEvent> = []
  if (command.at < state.due) {
    for (const warning of [...state.warnings].sort((a, b) => a.share - b.share)) {
      if (warning.at <= command.at) {
        events.push({
          _tag: "ObligationWarned",
          obligationId: state.id,
          at: command.at,
          share: warning.share,
          due: state.due
        })
      }
    }
  } else {
    events.push({ _tag: "ObligationOverdue", obligationId: state.id, at: command.at, due: state.due })
  }
  return Result.succeed(events)
}

/** The decide function of the obligation decider, on a business calendar. */
export const decide =
  (calendar: BusinessCalendar) =>
  (command: ObligationCommand, state: State): Decision => {
    if (state._tag === "Unopened") {
      return command._tag === "Open"
        ? open(calendar, command)
        : Result.fail(new ObligationNotOpened({ command: command._tag }))
    }
    if (command._tag === "Open") return none
    if (command.at < state.last) {
      return Result.fail(new ObligationTimeReversed({ obligationId: state.id, at: command.at, last: state.last }))
    }
    if (!isRunning(state.status)) {
      // Repeating what already happened changes nothing; anything else is refused.
      if (command._tag === "Tick") return none
      if (command._tag === "Fulfil" && state.status !== "cancelled") return none
      if (command._tag === "Cancel" && state.status === "cancelled") return none
      return Result.fail(new ObligationClosed({ obligationId: state.id, status: state.status, command: command._tag }))
    }
    switch (command._tag) {
      case "Pause":
        return pause(state, command)
      case "Resume":
        return resume(calendar, state, command)
      case "Extend":
        return extend(calendar, state, command)
      case "Fulfil":
        return fulfil(calendar, state, command)
      case "Cancel":
        return cancel(calendar, state, command)
      case "Reassign":
        return reassign(state, command)
      case "Tick":
        return tick(state, command)
    }
  }

/**
 * The obligation decider on a locality's business calendar. Pure: the calendar is
 * data, time arrives in the commands.
 */
export const decider = (
  calendar: BusinessCalendar
): Decider.Decider<ObligationCommand, ObligationEvent, State, ObligationError> =>
  Decider.make({ initialState, decide: decide(calendar), evolve })

/**
 * The next instant at which a `Tick` changes a running obligation: its next warning or
 * its due time; none when it is paused or closed (or already overdue).
 */
export const nextDueAt = (state: State): Instant | undefined => {
  if (state._tag === "Unopened" || state.status !== "open") return undefined
  let next: number = state.due
  for (const warning of state.warnings) if (warning.at < next) next = warning.at
  return next as Instant
}
