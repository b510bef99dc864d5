/**
 * An obligation as the service shows it (HTTP answers) and indexes it (the obligation
 * index): who owes what on which matter, under which rule and policy version, due
 * when, in which state. Instants are ISO 8601 strings on the wire.
 *
 * @example
 * ```ts
 * import { ObligationView } from "@gridwork/service-accountability"
 *
 * declare const state: import("@gridwork/core").Obligation.Obligation
 * const view = ObligationView.fromState(state)
 * view.status // "open"
 * ```
 * @module
 */
import { Instant, Obligation } from "@gridwork/core"
import { Schema } from "effect"

/** The states of an obligation. */
export const Status = Schema.Literals(["open", "paused", "overdue", "fulfilled-on-time", "fulfilled-late", "cancelled"])
/** @see {@link Status} */
export type Status = typeof Status.Type

const At = Instant.InstantFromString

/** An obligation (see the module documentation). */
export const ObligationView = Schema.Struct({
  id: Obligation.ObligationId,
  subject: Obligation.SubjectId,
  rule: Schema.String,
  title: Schema.String,
  policyVersion: Schema.String,
  /** The law or policy and article that set the deadline. */
  source: Schema.optionalKey(Schema.Struct({ law: Schema.String, article: Schema.optionalKey(Schema.String) })),
  status: Status,
  owner: Obligation.Owner,
  openedAt: At,
  /** The due time in force (while paused: before the pause's shift). */
  due: At,
  /** The due time computed when it was opened. */
  initialDue: At,
  /** Whether the due time depends on a calendar year not officially published yet. */
  provisional: Schema.Boolean,
  extensions: Schema.Int,
  /** Shares of the time warned about so far (e.g. 0.5, 0.8). */
  warned: Schema.Array(Schema.Finite),
  /** The next warning still to come. */
  nextWarningAt: Schema.optionalKey(At),
  pausedAt: Schema.optionalKey(At),
  pauseReason: Schema.optionalKey(Schema.String),
  overdueAt: Schema.optionalKey(At),
  closedAt: Schema.optionalKey(At),
  /** Delay past the due time when fulfilled late or cancelled after it, in ms of the rule's measure. */
  lateByMs: Schema.Int,
  /** What opened it: a domain event (type, id) or an escalation rule. */
  cause: Schema.optionalKey(Obligation.Cause)
}).annotate({ identifier: "Obligation" })
/** @see {@link ObligationView} */
export type ObligationView = typeof ObligationView.Type

/** A page of obligations. */
export const ObligationPage = Schema.Struct({
  obligations: Schema.Array(ObligationView),
  /** Pass as `after` to get the next page; absent on the last page. */
  next: Schema.optionalKey(Obligation.ObligationId)
}).annotate({ identifier: "ObligationPage" })
/** @see {@link ObligationPage} */
export type ObligationPage = typeof ObligationPage.Type

/** The view of an opened obligation's state. */
export const fromState = (state: Obligation.Obligation): ObligationView => {
  const next = [...state.warnings].sort((a, b) => a.at - b.at)[0]
  return {
    id: state.id,
    subject: state.subject,
    rule: state.terms.rule,
    title: state.terms.title,
    policyVersion: state.terms.policyVersion,
    ...(state.terms.source === undefined ? {} : { source: state.terms.source }),
    status: state.status,
    owner: state.owner,
    openedAt: state.openedAt,
    due: state.due,
    initialDue: state.initialDue,
    provisional: state.provisional,
    extensions: state.extensions,
    warned: [...state.warned],
    ...(next === undefined || !Obligation.isRunning(state.status) ? {} : { nextWarningAt: next.at }),
    ...(state.pausedAt === undefined ? {} : { pausedAt: state.pausedAt }),
    ...(state.pauseReason === undefined ? {} : { pauseReason: state.pauseReason }),
    ...(state.overdueAt === undefined ? {} : { overdueAt: state.overdueAt }),
    ...(state.closedAt === undefined ? {} : { closedAt: state.closedAt }),
    lateByMs: Math.round(state.lateBy),
    ...(state.cause === undefined ? {} : { cause: state.cause })
  }
}
