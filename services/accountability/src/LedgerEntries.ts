/**
 * What of a matter's new events goes into the responsibility ledger: every change of
 * holder (of the matter, and of each obligation passed to another owner) and every
 * obligation outcome (opened, paused, resumed, extended, overdue, fulfilled,
 * cancelled). Warnings, escalation firings and state snapshots are not ledger entries
 * (an escalation's consequences are: the change of holder it caused and the
 * obligations it opened or cancelled).
 *
 * Every entry names the rule it happened under: the obligation rule for obligation
 * entries, the escalation rule for escalations, and for the changes of holder that no
 * rule caused, the practice: `first-receiver` (首问负责), `routing`, `hand-back`.
 * A justification in words (`JustificationGiven`) is recorded only as the `reasonHash`
 * of its obligation's outcomes in the same decision (`Ledger.hashReason`, with the
 * causing command's id as nonce); no free text enters the ledger.
 *
 * Pure.
 *
 * @example
 * ```ts
 * import { LedgerEntries } from "@gridwork/service-accountability"
 *
 * declare const before: import("@gridwork/core").MatterDecider.State
 * declare const events: ReadonlyArray<import("@gridwork/core").MatterDecider.MatterEvent>
 * const entries = LedgerEntries.of(before, events, {})
 * ```
 * @module
 */
import {
  type Ids,
  Ledger,
  type LedgerEntry,
  MatterDecider,
  type Obligation,
  type ResponsibilityRecord
} from "@gridwork/core"

/** What the ledger entries of one decision may carry besides the events. */
export interface Context {
  /** The domain event (or command) that caused the decision. */
  readonly causedBy?: Ids.EventId | undefined
}

const practiceOf = (change: ResponsibilityRecord.HolderChange): string => {
  switch (change) {
    case "received":
      return "first-receiver"
    case "routed":
      return "routing"
    case "handedBack":
      return "hand-back"
    case "escalated":
    case "leaderAssigned":
      return "escalation"
  }
}

const changeOfReason = (reason: string): LedgerEntry.HolderChange => {
  switch (reason) {
    case "routed":
      return "routed"
    case "escalated":
      return "escalated"
    case "handed-back":
      return "handedBack"
    case "leader-assigned":
      return "leaderAssigned"
    default:
      return "transferred"
  }
}

const outcomeOf = (event: Obligation.ObligationEvent): LedgerEntry.Outcome | undefined => {
  switch (event._tag) {
    case "ObligationOpened":
      return "opened"
    case "ObligationPaused":
      return "paused"
    case "ObligationResumed":
      return "resumed"
    case "ObligationExtended":
      return "extended"
    case "ObligationOverdue":
      return "overdue"
    case "ObligationFulfilled":
      return "fulfilled"
    case "ObligationCancelled":
      return "cancelled"
    case "ObligationWarned":
    case "ObligationReassigned":
      return undefined
  }
}

const isObligationEvent = (event: MatterDecider.MatterEvent): event is Obligation.ObligationEvent =>
  event._tag.startsWith("Obligation")

/** The ledger entries of a decision: `events` applied, in order, to the state `before`. */
export const of = (
  before: MatterDecider.State,
  events: ReadonlyArray<MatterDecider.MatterEvent>,
  context: Context
): ReadonlyArray<LedgerEntry.LedgerEntry> => {
  const entries: Array<LedgerEntry.LedgerEntry> = []
  const causedBy = context.causedBy === undefined ? {} : { causedBy: context.causedBy }
  // A justification in words reaches the ledger only as its hash, on the outcomes of its obligation.
  const justifications = new Map<string, LedgerEntry.Sha256Hex>()
  for (const event of events) {
    if (event._tag === "JustificationGiven") {
      justifications.set(event.obligationId, Ledger.hashReason(event.text, context.causedBy ?? ""))
    }
  }
  let state = before
  for (const event of events) {
    state = MatterDecider.evolve(state, event)
    if (event._tag === "HolderChanged") {
      entries.push({
        _tag: "HolderChanged",
        change: event.change,
        subjectId: event.subject,
        ...(event.from === undefined ? {} : { from: event.from }),
        to: event.to,
        ...(event.tier === undefined ? {} : { tier: event.tier }),
        designated: event.designated,
        at: event.at,
        ruleId: event.rule ?? practiceOf(event.change),
        policyVersion: event.policyVersion,
        ...causedBy
      })
      continue
    }
    if (!isObligationEvent(event)) continue
    const obligation = state.obligations.get(event.obligationId)
    if (obligation === undefined || obligation._tag !== "Obligation") continue
    const terms = obligation.terms
    if (event._tag === "ObligationReassigned") {
      entries.push({
        _tag: "HolderChanged",
        change: changeOfReason(event.reason),
        subjectId: obligation.subject,
        obligationId: event.obligationId,
        from: event.from,
        to: event.to,
        at: event.at,
        ruleId: terms.rule,
        policyVersion: terms.policyVersion,
        ...causedBy
      })
      continue
    }
    const outcome = outcomeOf(event)
    if (outcome === undefined) continue
    const dueAt = "due" in event ? event.due : obligation.due
    const previousDueAt = "previousDue" in event ? { previousDueAt: event.previousDue } : {}
    const justification = justifications.get(event.obligationId)
    const reasonHash = justification === undefined ? {} : { reasonHash: justification }
    entries.push({
      _tag: "ObligationOutcome",
      outcome,
      obligationId: event.obligationId,
      subjectId: obligation.subject,
      holder: obligation.owner,
      dueAt,
      ...previousDueAt,
      at: event.at,
      ruleId: terms.rule,
      policyVersion: terms.policyVersion,
      ...reasonHash,
      ...causedBy
    })
  }
  return entries
}
