/**
 * Backward tracing of responsibility (责任倒查), built from responsibility records alone
 * (obligation events and holder events, as a simulation or the accountability service
 * produces them). Pure.
 *
 * - {@link forMatter}: for one matter, each holder's interval, the obligations each
 *   unit held in it and what became of them (on time, late, missed, passed on,
 *   cancelled, still open) with the delay in working time, and which escalation rule
 *   moved the matter there.
 * - {@link forUnit}: for one unit and a period, the share of its obligations met on
 *   time, how many went overdue, the average delay in working time, how many matters it
 *   handed back (and tried to), and how many escalations it received.
 *
 * Delays are measured on the locality's business calendar in working time (with
 * working hours, a working day counts its hours; without, whole working days count 24
 * hours). Where the calendar cannot measure (a year not loaded) elapsed time is used
 * and the share is marked `measure: "elapsed"`.
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs"
 * import { Result } from "effect"
 * import { AccountabilityReport, Instant, ModelParser, Simulation, SimulationEvent } from "@gridwork/core"
 *
 * // Files of the Gridwork repository (examples/localities), read from its root.
 * const file = "examples/localities/lanxi-county.yaml"
 * const model = Result.getOrThrow(ModelParser.parseModel(readFileSync(file, "utf8"), file))
 * const text = readFileSync("examples/localities/events/lanxi-petition-climbs.json", "utf8")
 * const events = Result.getOrThrow(SimulationEvent.parseEvents(text, "lanxi-petition-climbs.json"))
 * const run = Simulation.simulate(model, events, Instant.unsafeFromIso("2026-12-31T00:00:00+08:00"))
 *
 * const context = AccountabilityReport.contextOf(model, run.until)
 * const matter = AccountabilityReport.forMatter(run.records, "lanxi-2026-0917", context)
 * console.log(AccountabilityReport.renderMatter(matter, context))
 * // Backward tracing (责任倒查) of lanxi-2026-0917 …: who held it when, each obligation's outcome and delay
 * ```
 * @module
 */
import { Option, Result } from "effect"
import type { BusinessCalendar } from "../calendar/BusinessCalendar"
import type { LocalityModel } from "../locality/LocalityModel"
import type { Organization } from "../organization/Organization"
import type { Instant } from "../primitives/Instant"
import * as Escalation from "./Escalation"
import type { ObligationId } from "./Obligation"
import type { HandBackAttempted, HolderChange, ResponsibilityRecord } from "./ResponsibilityRecord"
import { formatDuration, isoLocal, shortLocal } from "./Timeline"

/** What the report needs besides the records. */
export interface ReportContext {
  /** The locality's calendar, to measure delays in working time. */
  readonly calendar: BusinessCalendar
  /** The instant the report is made at (default: the last record's instant); open obligations are judged then. */
  readonly asOf?: Instant | undefined
  /** For names of units and actors in the text. */
  readonly organization?: Organization | undefined
}

/** The context of a loaded locality model. */
export const contextOf = (model: LocalityModel, asOf?: Instant): ReportContext => ({
  calendar: model.businessCalendar,
  organization: model.organization,
  ...(asOf === undefined ? {} : { asOf })
})

/** What became of an obligation while one unit owed it. */
export type Outcome = "on-time" | "late" | "missed" | "passed-on" | "cancelled" | "open"

/** An obligation as owed by one unit, from when it took it on to when it left it. */
export interface ObligationShare {
  readonly obligation: ObligationId
  readonly subject: string
  readonly rule: string
  readonly title: string
  readonly policyVersion: string
  readonly unit: string
  readonly actor: string | undefined
  readonly from: Instant
  /** When the unit stopped owing it (fulfilled, cancelled, passed on); undefined while it still owes it. */
  readonly to: Instant | undefined
  /** The due time in force at the end of the share. */
  readonly due: Instant
  readonly outcome: Outcome
  /** When the outcome happened: fulfilment, the missed due time, hand-over, cancellation. */
  readonly outcomeAt: Instant | undefined
  /** Delay past the due time (to fulfilment, hand-over, cancellation or `asOf`); 0 when none. */
  readonly lateBy: number
  /** How `lateBy` is measured. */
  readonly measure: "working" | "elapsed"
}

/** One holder of a matter and the obligations it owed while holding it. */
export interface HolderInterval {
  readonly unit: string
  readonly tier: string | undefined
  readonly from: Instant
  readonly to: Instant | undefined
  readonly change: HolderChange
  /** The escalation rule that moved the matter to this holder, if any. */
  readonly rule: string | undefined
  readonly policyVersion: string
  readonly designated: boolean
  /** A leader who took personal charge while this unit held the matter (领导包案). */
  readonly leader:
    | { readonly actor: string | undefined; readonly role: string | undefined; readonly at: Instant }
    | undefined
  readonly obligations: ReadonlyArray<ObligationShare>
}

/** One escalation of the matter with its explanation. */
export interface EscalationLine {
  readonly at: Instant
  readonly rule: string
  readonly policyVersion: string
  readonly explanation: string
}

/** The backward tracing of one matter. */
export interface MatterReport {
  readonly subject: string
  readonly asOf: Instant
  readonly holders: ReadonlyArray<HolderInterval>
  readonly escalations: ReadonlyArray<EscalationLine>
  readonly handBacks: ReadonlyArray<HandBackAttempted>
  /** Obligations owed by units that never held the matter (e.g. a leader's approval), or before anyone held it. */
  readonly otherObligations: ReadonlyArray<ObligationShare>
}

/** The record of one unit over a period. */
export interface UnitReport {
  readonly unit: string
  readonly from: Instant
  readonly to: Instant
  /** Obligations with an outcome in the period: fulfilled, or fallen due unmet. */
  readonly judged: number
  readonly onTime: number
  readonly late: number
  readonly missed: number
  /** `onTime / judged`; undefined when nothing was judged. */
  readonly onTimeShare: number | undefined
  /** Obligations that went past their due time while the unit owed them (`late + missed`). */
  readonly overdueCount: number
  /** Mean delay of those, in working time (ms); undefined when none. */
  readonly averageDelay: number | undefined
  /** Matters the unit handed back (accepted returns). */
  readonly returns: number
  /** Attempts to hand back a matter the unit had been designated for (refused). */
  readonly refusedHandBacks: number
  /** Matters moved to the unit by an escalation rule. */
  readonly escalationsReceived: number
  /** Matters moved away from the unit by an escalation rule. */
  readonly escalatedAway: number
  readonly shares: ReadonlyArray<ObligationShare>
}

interface Building {
  obligation: ObligationId
  subject: string
  rule: string
  title: string
  policyVersion: string
  unit: string
  actor: string | undefined
  from: Instant
  due: Instant
  overdueAt: Instant | undefined
}

const lastInstant = (records: ReadonlyArray<ResponsibilityRecord>): Instant => {
  let last = 0
  for (const r of records) if (r.at > last) last = r.at
  return last as Instant
}

const delay = (
  calendar: BusinessCalendar,
  due: Instant,
  end: Instant
): { ms: number; measure: "working" | "elapsed" } => {
  if (end <= due) return { ms: 0, measure: "working" }
  const working = calendar.workingTimeBetween(due, end)
  return Result.isSuccess(working)
    ? { ms: Math.max(0, working.success.ms), measure: "working" }
    : { ms: end - due, measure: "elapsed" }
}

/** Splits every obligation into the shares of the units that owed it. */
export const sharesOf = (
  records: ReadonlyArray<ResponsibilityRecord>,
  context: ReportContext
): Array<ObligationShare> => {
  const asOf = context.asOf ?? lastInstant(records)
  const open = new Map<string, Building>()
  const shares: Array<ObligationShare> = []
  const close = (
    b: Building,
    to: Instant | undefined,
    outcome: Outcome,
    outcomeAt: Instant | undefined,
    end: Instant
  ): void => {
    const late = outcome === "late" || outcome === "missed" ? delay(context.calendar, b.due, end) : undefined
    shares.push({
      obligation: b.obligation,
      subject: b.subject,
      rule: b.rule,
      title: b.title,
      policyVersion: b.policyVersion,
      unit: b.unit,
      actor: b.actor,
      from: b.from,
      to,
      due: b.due,
      outcome,
      outcomeAt,
      lateBy: late?.ms ?? 0,
      measure: late?.measure ?? "working"
    })
  }
  for (const record of records) {
    switch (record._tag) {
      case "ObligationOpened":
        open.set(record.obligationId, {
          obligation: record.obligationId,
          subject: record.subject,
          rule: record.terms.rule,
          title: record.terms.title,
          policyVersion: record.terms.policyVersion,
          unit: record.owner.unit,
          actor: record.owner.actor,
          from: record.at,
          due: record.due,
          overdueAt: undefined
        })
        break
      case "ObligationResumed":
      case "ObligationExtended": {
        const b = open.get(record.obligationId)
        if (b !== undefined) b.due = record.due
        break
      }
      case "ObligationOverdue": {
        const b = open.get(record.obligationId)
        if (b !== undefined) b.overdueAt = record.at
        break
      }
      case "ObligationReassigned": {
        const b = open.get(record.obligationId)
        if (b === undefined) break
        if (record.to.unit === b.unit) {
          b.actor = record.to.actor
          break
        }
        const missed = b.overdueAt !== undefined || record.at > b.due
        close(b, record.at, missed ? "missed" : "passed-on", missed ? b.due : record.at, record.at)
        open.set(record.obligationId, { ...b, unit: record.to.unit, actor: record.to.actor, from: record.at })
        break
      }
      case "ObligationFulfilled": {
        const b = open.get(record.obligationId)
        if (b === undefined) break
        b.due = record.due
        close(b, record.at, record.onTime ? "on-time" : "late", record.at, record.at)
        open.delete(record.obligationId)
        break
      }
      case "ObligationCancelled": {
        const b = open.get(record.obligationId)
        if (b === undefined) break
        b.due = record.due
        close(b, record.at, record.overdue ? "missed" : "cancelled", record.overdue ? b.due : record.at, record.at)
        open.delete(record.obligationId)
        break
      }
      default:
        break
    }
  }
  for (const b of open.values()) {
    const missed = b.overdueAt !== undefined || asOf > b.due
    close(b, undefined, missed ? "missed" : "open", missed ? b.due : undefined, asOf)
  }
  return shares
}

/** The backward tracing of one matter (see the module documentation). */
export const forMatter = (
  records: ReadonlyArray<ResponsibilityRecord>,
  subject: string,
  context: ReportContext
): MatterReport => {
  const own = recordsOf(records, subject)
  const asOf = context.asOf ?? lastInstant(records)
  const shares = sharesOf(own, { ...context, asOf })
  const intervals: Array<{ -readonly [K in keyof HolderInterval]: HolderInterval[K] }> = []
  for (const r of own) {
    if (r._tag !== "HolderChanged") continue
    const current = intervals.at(-1)
    if (r.change === "leaderAssigned" && current !== undefined && current.unit === r.to.unit) {
      current.leader = { actor: r.to.actor, role: r.to.role, at: r.at }
      continue
    }
    if (current !== undefined) current.to = r.at
    intervals.push({
      unit: r.to.unit,
      tier: r.tier,
      from: r.at,
      to: undefined,
      change: r.change,
      rule: r.rule,
      policyVersion: r.policyVersion,
      designated: r.designated,
      // A leader in charge of the matter stays in charge when it moves on.
      leader: r.to.actor === undefined ? undefined : { actor: r.to.actor, role: r.to.role, at: r.at },
      obligations: []
    })
  }
  const placed = new Set<ObligationShare>()
  for (const interval of intervals) {
    interval.obligations = shares.filter((s) => {
      const inside =
        s.unit === interval.unit && s.from >= interval.from && (interval.to === undefined || s.from < interval.to)
      if (inside) placed.add(s)
      return inside
    })
  }
  const escalations: Array<EscalationLine> = []
  const handBacks: Array<HandBackAttempted> = []
  for (const r of own) {
    if (r._tag === "EscalationTriggered") {
      escalations.push({
        at: r.at,
        rule: r.firing.rule,
        policyVersion: r.firing.policyVersion,
        explanation: Escalation.explain(r.firing, context.calendar.timeZone)
      })
    } else if (r._tag === "HandBackAttempted") handBacks.push(r)
  }
  return {
    subject,
    asOf,
    holders: intervals,
    escalations,
    handBacks,
    otherObligations: shares.filter((s) => !placed.has(s))
  }
}

/** The records about one matter: its own, and every event of the obligations opened on it. */
export const recordsOf = (
  records: ReadonlyArray<ResponsibilityRecord>,
  subject: string
): ReadonlyArray<ResponsibilityRecord> => {
  const obligations = new Set<string>()
  for (const r of records) if (r._tag === "ObligationOpened" && r.subject === subject) obligations.add(r.obligationId)
  return records.filter((r) => ("subject" in r ? r.subject === subject : obligations.has(r.obligationId)))
}

/** The record of one unit over `[from, to)` (see the module documentation). */
export const forUnit = (
  records: ReadonlyArray<ResponsibilityRecord>,
  unit: string,
  period: { readonly from: Instant; readonly to: Instant },
  context: ReportContext
): UnitReport => {
  const asOf = context.asOf ?? (Math.min(period.to, Math.max(lastInstant(records), period.from)) as Instant)
  const within = (t: Instant | undefined): boolean => t !== undefined && t >= period.from && t < period.to
  const shares = sharesOf(records, { ...context, asOf }).filter(
    (s) =>
      s.unit === unit &&
      (s.outcome === "on-time" || s.outcome === "late" || s.outcome === "missed") &&
      within(s.outcomeAt)
  )
  const onTime = shares.filter((s) => s.outcome === "on-time").length
  const late = shares.filter((s) => s.outcome === "late").length
  const missed = shares.filter((s) => s.outcome === "missed").length
  const delayed = shares.filter((s) => s.outcome !== "on-time")
  let returns = 0
  let refusedHandBacks = 0
  let escalationsReceived = 0
  let escalatedAway = 0
  for (const r of records) {
    if (!within(r.at)) continue
    if (r._tag === "HandBackAttempted" && r.by.unit === unit) {
      if (r.accepted) returns++
      else if (r.designated) refusedHandBacks++
    }
    if (r._tag === "HolderChanged" && r.change === "escalated") {
      if (r.to.unit === unit) escalationsReceived++
      if (r.from?.unit === unit) escalatedAway++
    }
  }
  const judged = shares.length
  return {
    unit,
    from: period.from,
    to: period.to,
    judged,
    onTime,
    late,
    missed,
    onTimeShare: judged === 0 ? undefined : onTime / judged,
    overdueCount: late + missed,
    averageDelay: delayed.length === 0 ? undefined : delayed.reduce((sum, s) => sum + s.lateBy, 0) / delayed.length,
    returns,
    refusedHandBacks,
    escalationsReceived,
    escalatedAway,
    shares
  }
}

// ---------------------------------------------------------------------------
// Text and JSON
// ---------------------------------------------------------------------------

const unitName = (code: string, context: ReportContext): string => {
  const unit = context.organization === undefined ? undefined : Option.getOrUndefined(context.organization.unit(code))
  return unit === undefined ? code : `${code} (${unit.name})`
}

const actorName = (id: string | undefined, context: ReportContext): string | undefined => {
  if (id === undefined) return undefined
  const actor = context.organization === undefined ? undefined : Option.getOrUndefined(context.organization.actor(id))
  return actor === undefined ? id : `${actor.name} (${id})`
}

/** One share in words. */
export const describeShare = (share: ObligationShare, context: ReportContext): string => {
  const tz = context.calendar.timeZone
  const when = (t: Instant | undefined): string => (t === undefined ? "-" : shortLocal(t, tz))
  const lateness = formatDuration(share.lateBy, share.measure)
  const head = `${share.rule} "${share.title}" (policy ${share.policyVersion}), due ${when(share.due)}`
  switch (share.outcome) {
    case "on-time":
      return `${head}: met on time, ${when(share.to)}`
    case "late":
      return `${head}: met LATE by ${lateness}, ${when(share.to)}`
    case "missed":
      return share.to === undefined
        ? `${head}: MISSED, still unmet ${lateness} after its due time`
        : `${head}: MISSED, ${lateness} past its due time when it left this unit (${when(share.to)})`
    case "passed-on":
      return `${head}: passed on before its due time, ${when(share.to)}`
    case "cancelled":
      return `${head}: cancelled before its due time, ${when(share.to)}`
    case "open":
      return `${head}: still open`
  }
}

/** A matter report as readable text. */
export const renderMatter = (report: MatterReport, context: ReportContext): string => {
  const tz = context.calendar.timeZone
  const lines: Array<string> = [
    `Backward tracing (责任倒查) of ${report.subject}, as of ${shortLocal(report.asOf, tz)} (${tz})`,
    "",
    "Holders:"
  ]
  report.holders.forEach((h, index) => {
    const how =
      h.change === "escalated"
        ? `escalated by rule ${h.rule ?? "?"} (policy ${h.policyVersion})`
        : `${h.change}${h.designated ? ", designated" : ""}`
    lines.push(
      `  ${index + 1}. ${unitName(h.unit, context)}${h.tier === undefined ? "" : ` [${h.tier}]`}  ${shortLocal(h.from, tz)} → ${h.to === undefined ? "now" : shortLocal(h.to, tz)}  ${how}`
    )
    if (h.leader !== undefined) {
      lines.push(
        `       leader in charge (包案): ${actorName(h.leader.actor, context) ?? h.leader.role ?? "?"} from ${shortLocal(h.leader.at, tz)}`
      )
    }
    for (const share of h.obligations) lines.push(`       - ${describeShare(share, context)}`)
    if (h.obligations.length === 0) lines.push("       (no obligations)")
  })
  if (report.otherObligations.length > 0) {
    lines.push("", "Obligations of units that did not hold the matter:")
    for (const share of report.otherObligations)
      lines.push(`  - ${unitName(share.unit, context)}: ${describeShare(share, context)}`)
  }
  lines.push("", "Escalations:")
  if (report.escalations.length === 0) lines.push("  (none)")
  for (const e of report.escalations) lines.push(`  ${shortLocal(e.at, tz)}  ${e.explanation}`)
  if (report.handBacks.length > 0) {
    lines.push("", "Hand-backs:")
    for (const h of report.handBacks) {
      lines.push(
        `  ${shortLocal(h.at, tz)}  ${h.by.unit} ${h.accepted ? "handed the matter back" : h.designated ? "tried to hand it back but was designated (refused)" : "tried to hand it back (nobody to return it to)"}`
      )
    }
  }
  return lines.join("\n")
}

const percent = (share: number | undefined): string => (share === undefined ? "-" : `${Math.round(share * 1000) / 10}%`)

/** A unit report as readable text. */
export const renderUnit = (report: UnitReport, context: ReportContext): string => {
  const tz = context.calendar.timeZone
  return [
    `Record of ${unitName(report.unit, context)}, ${shortLocal(report.from, tz)} → ${shortLocal(report.to, tz)} (${tz})`,
    `  obligations judged:     ${report.judged} (on time ${report.onTime}, late ${report.late}, missed ${report.missed})`,
    `  on-time share:          ${percent(report.onTimeShare)}`,
    `  overdue:                ${report.overdueCount}`,
    `  average delay:          ${report.averageDelay === undefined ? "-" : formatDuration(report.averageDelay, "working")}`,
    `  handed back (returns):  ${report.returns}; refused hand-backs (designated): ${report.refusedHandBacks}`,
    `  escalations received:   ${report.escalationsReceived}; escalated away: ${report.escalatedAway}`,
    ...report.shares.map((s) => `  - ${s.subject}: ${describeShare(s, context)}`)
  ].join("\n")
}

const shareJson = (s: ObligationShare, tz: string) => ({
  ...s,
  from: isoLocal(s.from, tz),
  to: s.to === undefined ? null : isoLocal(s.to, tz),
  due: isoLocal(s.due, tz),
  outcomeAt: s.outcomeAt === undefined ? null : isoLocal(s.outcomeAt, tz),
  lateByHours: s.lateBy / 3_600_000,
  actor: s.actor ?? null
})

/** A matter report as JSON-ready data: instants as local ISO 8601 with offset, delays also in hours. */
export const matterToJson = (report: MatterReport, context: ReportContext): unknown => {
  const tz = context.calendar.timeZone
  return {
    subject: report.subject,
    asOf: isoLocal(report.asOf, tz),
    holders: report.holders.map((h) => ({
      unit: h.unit,
      tier: h.tier ?? null,
      from: isoLocal(h.from, tz),
      to: h.to === undefined ? null : isoLocal(h.to, tz),
      change: h.change,
      rule: h.rule ?? null,
      policyVersion: h.policyVersion,
      designated: h.designated,
      leader: h.leader === undefined ? null : { ...h.leader, at: isoLocal(h.leader.at, tz) },
      obligations: h.obligations.map((s) => shareJson(s, tz))
    })),
    otherObligations: report.otherObligations.map((s) => shareJson(s, tz)),
    escalations: report.escalations.map((e) => ({ ...e, at: isoLocal(e.at, tz) })),
    handBacks: report.handBacks.map((h) => ({ ...h, at: isoLocal(h.at, tz) }))
  }
}

/** A unit report as JSON-ready data. */
export const unitToJson = (report: UnitReport, context: ReportContext): unknown => {
  const tz = context.calendar.timeZone
  return {
    ...report,
    from: isoLocal(report.from, tz),
    to: isoLocal(report.to, tz),
    onTimeShare: report.onTimeShare ?? null,
    averageDelay: report.averageDelay ?? null,
    averageDelayHours: report.averageDelay === undefined ? null : report.averageDelay / 3_600_000,
    shares: report.shares.map((s) => shareJson(s, tz))
  }
}
