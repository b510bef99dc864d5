/**
 * The obligation policy of a locality: which domain events open, fulfil, cancel,
 * pause, resume and extend obligations, as its `deadlines` (obligation rules) declare,
 * and on which business calendar their due times are computed.
 *
 * `plan(event, context)` maps one domain event (type, subject, unit, time) to the
 * obligation commands it causes, in order: first the commands for obligations already
 * running on the subject (fulfil, cancel, pause, resume, extend; matched against the
 * *terms each obligation was opened under*, so a later policy change never alters
 * them), then `Open` for every rule the event opens under the current policy version.
 * Run the commands through {@link decider}, which computes due times with the
 * locality's {@link BusinessCalendar} and records them, with the calendar's
 * `provisional` flag, in the events.
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs"
 * import { Result, Schema } from "effect"
 * import { Decider, Instant, ModelParser, ObligationPolicy } from "@gridwork/core"
 *
 * // A file of the Gridwork repository (examples/localities), read from its root.
 * const file = "examples/localities/lanxi-county.yaml"
 * const model = Result.getOrThrow(ModelParser.parseModel(readFileSync(file, "utf8"), file))
 * const policy = ObligationPolicy.fromModel(model)
 * const event = Schema.decodeUnknownSync(ObligationPolicy.DomainEvent)({
 *   type: "PetitionAccepted",
 *   subject: "petition-7",
 *   unit: "lanxi.dongshan.zzzx",
 *   at: Date.parse("2026-09-30T15:00:00+08:00")
 * })
 * // `obligations`: the states of the matter's running obligations (none yet)
 * const planned = Result.getOrThrow(policy.plan(event, { obligations: [] }))
 * for (const { command } of planned) {
 *   // load the obligation's stream (empty for an Open), decide, append the new events
 *   const decision = Result.getOrThrow(Decider.run(policy.decider, [], command))
 *   const opened = decision.events[0]
 *   if (opened?._tag === "ObligationOpened") console.log(opened.terms.rule, Instant.toIso(opened.due))
 * }
 * // petition.handle 2026-11-30T09:30:00.000Z (60 calendar days, due at the close of business)
 * ```
 * @module
 */
import { Option, Result, Schema } from "effect"
import type { BusinessCalendar } from "../calendar/BusinessCalendar"
import type * as Decider from "../events/Decider"
import type { LocalityModel } from "../locality/LocalityModel"
import { deadlinesOf } from "../locality/ResponsibilityModule"
import type { Organization } from "../organization/Organization"
import { ActorId, CategoryCode, Code, EventId, UnitCode } from "../primitives/Ids"
import { Instant } from "../primitives/Instant"
import * as Obligation from "./Obligation"
import { appliesToCategory, EventType, type ObligationRule } from "./ObligationRule"

/**
 * A domain event as the obligation policy sees it: its type, the matter (subject) it
 * is about, when it happened, and optionally the unit and actor that did it, the
 * matter's category (for rules with `appliesTo`), a reason code (for pauses and
 * cancellations) and an approver's decision (for extensions).
 */
export const DomainEvent = Schema.Struct({
  id: Schema.optionalKey(EventId),
  type: EventType,
  subject: Obligation.SubjectId,
  at: Instant,
  unit: Schema.optionalKey(UnitCode),
  actor: Schema.optionalKey(ActorId),
  category: Schema.optionalKey(CategoryCode),
  reason: Schema.optionalKey(Code),
  approval: Schema.optionalKey(Obligation.Approval)
})
/** @see {@link DomainEvent} */
export type DomainEvent = typeof DomainEvent.Type

/** What the policy needs to know of the matter besides the event. */
export interface Context {
  /** Who holds the matter now (after the event's own routing, if any). Default: the event's unit. */
  readonly holder?: Obligation.Owner | undefined
  /** The obligations of the matter opened so far (their states); closed ones are ignored. */
  readonly obligations: ReadonlyArray<Obligation.State>
}

/** One command the event causes, and the obligation it is for. */
export interface Planned {
  readonly obligationId: Obligation.ObligationId
  readonly command: Obligation.ObligationCommand
}

/** An event opens an obligation owed by the holder, but nobody holds the matter and the event names no unit. */
export class OwnerUnknown extends Schema.TaggedError<OwnerUnknown>()("OwnerUnknown", {
  subject: Obligation.SubjectId,
  rule: Schema.String,
  eventType: Schema.String
}) {
  override get message(): string {
    return `${this.eventType} on ${this.subject} opens ${this.rule}, but nobody holds the matter and the event names no unit`
  }
}

/** A locality's obligation policy (see the module documentation). */
export interface ObligationPolicy {
  /** The policy version every obligation opened here records. */
  readonly policyVersion: string
  readonly rules: ReadonlyArray<ObligationRule>
  readonly calendar: BusinessCalendar
  readonly organization: Organization | undefined
  /** The obligation decider on this policy's calendar. */
  readonly decider: Decider.Decider<
    Obligation.ObligationCommand,
    Obligation.ObligationEvent,
    Obligation.State,
    Obligation.ObligationError
  >
  /** The rule with this id, under the current version. */
  readonly rule: (id: string) => ObligationRule | undefined
  /** The terms of a rule under this policy version (what an obligation opened now keeps). */
  readonly terms: (rule: ObligationRule) => Obligation.Terms
  /** Who owes an obligation of `rule` when the matter is held by `holder` (role owners are looked up in the organization). */
  readonly ownerFor: (rule: ObligationRule, holder: Obligation.Owner) => Obligation.Owner
  /** The commands one domain event causes, in the order to run them. */
  readonly plan: (event: DomainEvent, context: Context) => Result.Result<ReadonlyArray<Planned>, OwnerUnknown>
}

/** The parts of a policy. */
export interface PolicyInput {
  readonly policyVersion: string
  readonly rules: ReadonlyArray<ObligationRule>
  readonly calendar: BusinessCalendar
  readonly organization?: Organization | undefined
}

/** The terms of `rule` under `policyVersion`: a plain copy kept by every obligation opened under it. */
export const termsOf = (rule: ObligationRule, policyVersion: string): Obligation.Terms => ({
  rule: rule.id,
  title: rule.title,
  policyVersion,
  within: { amount: rule.within.amount, unit: rule.within.unit },
  ...(rule.extension === undefined
    ? {}
    : {
        extension: {
          max: rule.extension.max,
          amount: rule.extension.amount,
          unit: rule.extension.unit,
          requiresApproval: rule.extension.requiresApproval
        }
      }),
  warnAt: rule.warnAt ?? [],
  fulfilledBy: rule.fulfilledBy,
  cancelledBy: rule.cancelledBy ?? [],
  extendedBy: rule.extendedBy ?? [],
  pauses: (rule.pauses ?? []).map((p) => ({ on: p.on, resumeOn: p.resumeOn, reason: p.reason })),
  source: {
    law: rule.source.law,
    ...(rule.source.article === undefined ? {} : { article: rule.source.article })
  }
})

const causeOf = (event: DomainEvent): Obligation.Cause => ({
  type: event.type,
  ...(event.id === undefined ? {} : { eventId: event.id })
})

/** The commands the event causes for one running obligation (at most one). */
const commandFor = (state: Obligation.Obligation, event: DomainEvent): Obligation.ObligationCommand | undefined => {
  const terms = state.terms
  const type = event.type
  if (terms.fulfilledBy.includes(type)) return { _tag: "Fulfil", at: event.at, cause: causeOf(event) }
  if (terms.cancelledBy.includes(type)) {
    return { _tag: "Cancel", at: event.at, reason: event.reason ?? type, cause: causeOf(event) }
  }
  if (state.status === "open") {
    const pause = terms.pauses.find((p) => p.on.includes(type))
    if (pause !== undefined) {
      return {
        _tag: "Pause",
        at: event.at,
        reason: pause.reason,
        ...(event.actor === undefined ? {} : { actor: event.actor })
      }
    }
  }
  if (state.status === "paused" && terms.pauses.some((p) => p.resumeOn.includes(type))) {
    return { _tag: "Resume", at: event.at, ...(event.actor === undefined ? {} : { actor: event.actor }) }
  }
  if (terms.extendedBy.includes(type)) {
    return { _tag: "Extend", at: event.at, ...(event.approval === undefined ? {} : { approval: event.approval }) }
  }
  return undefined
}

/** Builds a policy from its parts. */
export const make = (input: PolicyInput): ObligationPolicy => {
  const byId = new Map(input.rules.map((rule) => [rule.id as string, rule]))
  const organization = input.organization
  const decider = Obligation.decider(input.calendar)

  const ownerFor = (rule: ObligationRule, holder: Obligation.Owner): Obligation.Owner => {
    if (rule.owner === "holder") return holder
    const role = rule.owner
    if (organization !== undefined) {
      const jurisdiction = Option.getOrUndefined(organization.unit(holder.unit))?.jurisdiction
      if (jurisdiction !== undefined) {
        for (const unit of organization.unitsCovering(jurisdiction)) {
          const actor = organization
            .actorsIn(unit.code)
            .find((a) => a.assignments.some((s) => s.unit === unit.code && s.role === role))
          if (actor !== undefined) return { unit: unit.code, role, actor: actor.id }
        }
      }
    }
    return { unit: holder.unit, role }
  }

  const plan = (event: DomainEvent, context: Context): Result.Result<ReadonlyArray<Planned>, OwnerUnknown> => {
    const planned: Array<Planned> = []
    const running = context.obligations.filter(
      (s): s is Obligation.Obligation =>
        s._tag === "Obligation" && s.subject === event.subject && Obligation.isRunning(s.status)
    )
    for (const state of running) {
      const command = commandFor(state, event)
      if (command !== undefined) planned.push({ obligationId: state.id, command })
    }
    const stillRunning = new Set(
      running
        .filter(
          (s) =>
            !planned.some(
              (p) => p.obligationId === s.id && (p.command._tag === "Fulfil" || p.command._tag === "Cancel")
            )
        )
        .map((s) => s.terms.rule as string)
    )
    const holder: Obligation.Owner | undefined =
      context.holder ?? (event.unit === undefined ? undefined : { unit: event.unit })
    for (const rule of input.rules) {
      if (!rule.opensOn.includes(event.type)) continue
      if (rule.appliesTo !== undefined && (event.category === undefined || !appliesToCategory(rule, event.category))) {
        continue
      }
      // A matter owes one running obligation per rule: opening it again (a repeated event) changes nothing.
      if (stillRunning.has(rule.id)) continue
      if (holder === undefined) {
        return Result.fail(new OwnerUnknown({ subject: event.subject, rule: rule.id, eventType: event.type }))
      }
      const cause = event.id ?? `${event.subject}@${event.at}#${event.type}`
      const obligationId = Obligation.deriveId(cause, rule.id, event.at)
      planned.push({
        obligationId,
        command: {
          _tag: "Open",
          obligationId,
          subject: event.subject,
          owner: ownerFor(rule, holder),
          terms: termsOf(rule, input.policyVersion),
          at: event.at,
          cause: causeOf(event)
        }
      })
    }
    return Result.succeed(planned)
  }

  return {
    policyVersion: input.policyVersion,
    rules: input.rules,
    calendar: input.calendar,
    organization,
    decider,
    rule: (id) => byId.get(id),
    terms: (rule) => termsOf(rule, input.policyVersion),
    ownerFor,
    plan
  }
}

/** The policy of a loaded locality model: its deadlines, version, calendar and organization. */
export const fromModel = (model: LocalityModel): ObligationPolicy =>
  make({
    policyVersion: model.version,
    rules: deadlinesOf(model),
    calendar: model.businessCalendar,
    organization: model.organization
  })
