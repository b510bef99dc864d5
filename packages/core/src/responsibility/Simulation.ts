/**
 * Simulation: "given this locality model and these events, what fires when?"
 *
 * `simulate(model, history, until)` replays the history in time order without any
 * I/O. Time advances through the events and through the obligations' own instants:
 * warnings and overdues fire at exactly the instants their obligations recorded.
 * Domain events open, fulfil, pause, resume, extend and cancel obligations as the
 * model's `deadlines` declare (via {@link ObligationPolicy}); after every change of the
 * facts of a matter the model's escalation table is evaluated, and the actions of each
 * firing are applied:
 *
 * - `move-up` / `move-to`: the matter moves to the unit responsible at the target
 *   tier's jurisdiction over the matter (per the organization; where a jurisdiction
 *   has several units, `escalation.receivers` names the kind that receives); the old
 *   holder's running obligations pass to the new holder, except overdue ones, which
 *   are cancelled as `escalated` (the miss stays on record with its delay);
 * - `assign-leader`: the leader becomes the owner of the matter and of its running
 *   obligations (领导包案);
 * - `supervise`: the matter is listed for supervision (挂牌督办) at the target tier;
 * - `notify`: the actors holding the roles over the matter are listed;
 * - `open`: a new obligation of the named rule opens for the holder.
 *
 * The result is a timeline (instant, kind, subject, holder, rule, explanation), the
 * responsibility records (obligation and holder events) an `AccountabilityReport` is
 * built from, and the final state of every matter and obligation. A command the
 * obligation decider refuses, or an action that cannot be carried out, appears in the
 * timeline as `refused` with the reason; it never stops the simulation.
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs"
 * import { Result } from "effect"
 * import { Instant, ModelParser, Simulation, SimulationEvent, Timeline } from "@gridwork/core"
 *
 * // Files of the Gridwork repository (examples/localities), read from its root.
 * const file = "examples/localities/lanxi-county.yaml"
 * const model = Result.getOrThrow(ModelParser.parseModel(readFileSync(file, "utf8"), file))
 * const text = readFileSync("examples/localities/events/lanxi-petition-climbs.json", "utf8")
 * const events = Result.getOrThrow(SimulationEvent.parseEvents(text, "lanxi-petition-climbs.json"))
 * const run = Simulation.simulate(model, events, Instant.unsafeFromIso("2026-12-31T00:00:00+08:00"))
 * console.log(Timeline.render(run.timeline, run.timeZone))
 * ```
 * @module
 */
import { Option, Result } from "effect"
import type { Jurisdiction } from "../jurisdiction/Jurisdiction"
import type { LocalityModel } from "../locality/LocalityModel"
import { escalationOf } from "../locality/ResponsibilityModule"
import type { Organization } from "../organization/Organization"
import type { Unit } from "../organization/Unit"
import type { UnitCode } from "../primitives/Ids"
import type { Instant } from "../primitives/Instant"
import type { TimerKey } from "../scheduler/DeadlineScheduler"
import { TimerWheel } from "../scheduler/DeadlineSchedulerWheel"
import * as Escalation from "./Escalation"
import type { Action, EscalationSettings, RiskLevel } from "./EscalationRule"
import type { MatterState } from "./MatterState"
import * as Obligation from "./Obligation"
import * as ObligationPolicy from "./ObligationPolicy"
import type { HolderChange, ResponsibilityRecord } from "./ResponsibilityRecord"
import { type SimulationEvent, toDomainEvent } from "./SimulationEvent"
import { type EntryKind, formatDuration, shortLocal, type TimelineEntry } from "./Timeline"

/** What the simulation knows of a matter at the end (or at any point) of a run. */
export interface Matter {
  readonly subject: Obligation.SubjectId
  readonly holder: Obligation.Owner | undefined
  readonly tier: string | undefined
  /** Whether the holder was specifically designated (it may not hand the matter back). */
  readonly designated: boolean
  /** Where the matter arose; moves go to the target tier's jurisdiction over it. */
  readonly location: string | undefined
  readonly leader: Obligation.Owner | undefined
  /** Jurisdiction that listed the matter for supervision. */
  readonly supervisedBy: string | undefined
  readonly riskLevel: RiskLevel | undefined
  readonly parties: number
  readonly repeats: number
  readonly partyRequest: { readonly at: Instant } | undefined
  readonly handBack: { readonly unit: UnitCode; readonly at: Instant; readonly designated: boolean } | undefined
  /** Keys of the escalation situations already acted on. */
  readonly fired: ReadonlyArray<string>
}

/** The outcome of a simulation. */
export interface Simulation {
  readonly locality: string
  readonly policyVersion: string
  readonly timeZone: string
  readonly until: Instant
  readonly timeline: ReadonlyArray<TimelineEntry>
  readonly records: ReadonlyArray<ResponsibilityRecord>
  readonly matters: ReadonlyArray<Matter>
  readonly obligations: ReadonlyArray<Obligation.Obligation>
  /** Events of the history dated after `until`, not replayed. */
  readonly eventsAfterUntil: number
  /** Whether the run stopped at `maxEntries` before reaching `until`. */
  readonly truncated: boolean
}

/** Options of {@link simulate}. */
export interface SimulateOptions {
  /** Stop after this many timeline entries (default 2,000,000), in case rules keep firing. */
  readonly maxEntries?: number | undefined
}

type MutableMatter = { -readonly [K in keyof Matter]: Matter[K] } & {
  readonly previousHolders: Array<Obligation.Owner>
}

const MAX_ROUNDS = 32

/**
 * The engine behind {@link simulate}: matters, their obligations and the escalation
 * table, changed by domain events ({@link Run.handleEvent}), by time
 * ({@link Run.fireTimers}, {@link Run.tickMatter}) and by commands on one obligation
 * ({@link Run.act}). Every change is appended to `records` and explained in
 * `timeline`.
 *
 * Services use it one matter at a time: {@link Run.restore} the matter as recorded,
 * apply one event, deadline or command, and keep the new `records` and the new
 * {@link Run.matterState} (see `MatterDecider`), so that the service and the simulation
 * of the same history decide alike.
 */
export class Run {
  readonly timeline: Array<TimelineEntry> = []
  readonly records: Array<ResponsibilityRecord> = []
  readonly matters = new Map<string, MutableMatter>()
  readonly obligations = new Map<string, Obligation.State>()
  readonly bySubject = new Map<string, Array<string>>()
  readonly timers = new TimerWheel(64)
  readonly organization: Organization
  readonly tiers: ReadonlyArray<string>
  readonly timeZone: string

  constructor(
    readonly model: LocalityModel,
    readonly policy: ObligationPolicy.ObligationPolicy,
    readonly table: Escalation.Table | undefined,
    readonly settings: EscalationSettings | undefined
  ) {
    this.organization = model.organization
    this.tiers = model.tiers
    this.timeZone = policy.calendar.timeZone
  }

  /** An engine over a loaded model: its obligation policy and its escalation table (if it sets one). */
  static make(model: LocalityModel): Run {
    const settings = Option.getOrUndefined(escalationOf(model))
    return new Run(
      model,
      ObligationPolicy.fromModel(model),
      settings === undefined ? undefined : Escalation.table(settings, model.version),
      settings
    )
  }

  // ---- one matter at a time (services) ------------------------------------------

  /**
   * Puts a matter and its obligations (in the order they were opened) back as a
   * service recorded them, so that its next event, deadline or command continues from
   * there. Nothing is recorded.
   */
  restore(state: MatterState, obligations: ReadonlyArray<Obligation.State>): void {
    this.matters.set(state.subject, {
      subject: state.subject,
      holder: state.holder,
      tier: state.tier,
      designated: state.designated,
      location: state.location,
      leader: state.leader,
      supervisedBy: state.supervisedBy,
      riskLevel: state.riskLevel,
      parties: state.parties,
      repeats: state.repeats,
      partyRequest: state.partyRequest,
      handBack: state.handBack,
      fired: [...state.fired],
      previousHolders: [...state.previousHolders]
    })
    const ids: Array<string> = []
    for (const obligation of obligations) {
      if (obligation._tag !== "Obligation") continue
      this.obligations.set(obligation.id, obligation)
      ids.push(obligation.id)
      this.syncTimer(obligation.id)
    }
    this.bySubject.set(state.subject, ids)
  }

  /** The state of a matter, as a service records it; undefined for a matter this run never saw. */
  matterState(subject: string): MatterState | undefined {
    const matter = this.matters.get(subject)
    if (matter === undefined) return undefined
    return {
      subject: matter.subject,
      ...(matter.holder === undefined ? {} : { holder: matter.holder }),
      ...(matter.tier === undefined ? {} : { tier: matter.tier }),
      designated: matter.designated,
      ...(matter.location === undefined ? {} : { location: matter.location }),
      ...(matter.leader === undefined ? {} : { leader: matter.leader }),
      ...(matter.supervisedBy === undefined ? {} : { supervisedBy: matter.supervisedBy }),
      ...(matter.riskLevel === undefined ? {} : { riskLevel: matter.riskLevel }),
      parties: matter.parties,
      repeats: matter.repeats,
      ...(matter.partyRequest === undefined ? {} : { partyRequest: matter.partyRequest }),
      ...(matter.handBack === undefined ? {} : { handBack: matter.handBack }),
      fired: [...matter.fired],
      previousHolders: [...matter.previousHolders]
    }
  }

  /**
   * Lets time pass to `at` for one matter: every running obligation whose next warning
   * or due time has come is ticked at `at`, then the escalation rules are evaluated
   * (what {@link Run.fireTimers} does for the timers of every matter).
   */
  tickMatter(subject: Obligation.SubjectId, at: Instant): void {
    const matter = this.matters.get(subject)
    if (matter === undefined) return
    let ticked = false
    for (const state of this.running(subject)) {
      const next = Obligation.nextDueAt(state)
      if (next === undefined || next > at) continue
      this.command(matter, state.id, { _tag: "Tick", at })
      ticked = true
    }
    if (ticked) this.escalate(matter, at)
  }

  /**
   * Runs a command on one obligation of a matter (pause, resume, extend ... asked for by
   * a person rather than by a domain event), then evaluates the escalation rules. A
   * command the obligation decider refuses changes nothing and returns its error.
   */
  act(
    subject: Obligation.SubjectId,
    obligationId: Obligation.ObligationId,
    command: Obligation.ObligationCommand
  ): Result.Result<ReadonlyArray<Obligation.ObligationEvent>, Obligation.ObligationError> {
    const matter = this.matter(subject)
    const decided = this.policy.decider.decide(command, this.obligations.get(obligationId) ?? Obligation.initialState)
    if (Result.isFailure(decided)) return Result.fail(decided.failure)
    const events = this.command(matter, obligationId, command)
    this.escalate(matter, command.at)
    return Result.succeed(events)
  }

  // ---- helpers -------------------------------------------------------------

  time(t: number): string {
    return shortLocal(t, this.timeZone)
  }

  /** The owner of a matter held by `unit`: the unit, with the leader in charge of the matter if one was assigned. */
  ownerAt(matter: MutableMatter, unit: UnitCode): Obligation.Owner {
    const leader = matter.leader
    return leader === undefined
      ? { unit }
      : {
          unit,
          ...(leader.role === undefined ? {} : { role: leader.role }),
          ...(leader.actor === undefined ? {} : { actor: leader.actor })
        }
  }

  /** A unit, and the actor by name when there is one: `unit (Name)`. */
  ownerLabel(owner: Obligation.Owner): string {
    if (owner.actor === undefined) return owner.unit
    const actor = Option.getOrUndefined(this.organization.actor(owner.actor))
    return `${owner.unit} (${actor === undefined ? owner.actor : actor.name})`
  }

  unitOf(code: string): Unit | undefined {
    return Option.getOrUndefined(this.organization.unit(code))
  }

  tierOfUnit(code: string): string | undefined {
    const unit = this.unitOf(code)
    if (unit === undefined) return undefined
    return Option.getOrUndefined(this.model.jurisdictions.get(unit.jurisdiction))?.level
  }

  matter(subject: Obligation.SubjectId): MutableMatter {
    let matter = this.matters.get(subject)
    if (matter === undefined) {
      matter = {
        subject,
        holder: undefined,
        tier: undefined,
        designated: false,
        location: undefined,
        leader: undefined,
        supervisedBy: undefined,
        riskLevel: undefined,
        parties: 0,
        repeats: 0,
        partyRequest: undefined,
        handBack: undefined,
        fired: [],
        previousHolders: []
      }
      this.matters.set(subject, matter)
    }
    return matter
  }

  entry(
    matter: MutableMatter,
    at: Instant,
    kind: EntryKind,
    explanation: string,
    extra: { readonly rule?: string | undefined; readonly obligation?: Obligation.ObligationId | undefined } = {}
  ): void {
    this.timeline.push({
      at,
      kind,
      subject: matter.subject,
      ...(matter.holder === undefined ? {} : { holder: matter.holder.unit }),
      ...(matter.tier === undefined ? {} : { tier: matter.tier as TimelineEntry["tier"] & string }),
      ...(extra.rule === undefined ? {} : { rule: extra.rule }),
      ...(extra.obligation === undefined ? {} : { obligation: extra.obligation }),
      explanation
    })
  }

  statesOf(subject: string): Array<Obligation.Obligation> {
    const states: Array<Obligation.Obligation> = []
    for (const id of this.bySubject.get(subject) ?? []) {
      const state = this.obligations.get(id)
      if (state !== undefined && state._tag === "Obligation") states.push(state)
    }
    return states
  }

  running(subject: string): Array<Obligation.Obligation> {
    return this.statesOf(subject).filter((s) => Obligation.isRunning(s.status))
  }

  syncTimer(id: string): void {
    const key = id as TimerKey
    this.timers.cancel(key)
    const next = Obligation.nextDueAt(this.obligations.get(id) ?? Obligation.initialState)
    if (next !== undefined) this.timers.arm(key, next, 0)
  }

  // ---- obligations -----------------------------------------------------------

  measureOf(state: Obligation.Obligation): "working" | "elapsed" {
    const unit = state.terms.within.unit
    return unit === "working-days" || unit === "working-hours" ? "working" : "elapsed"
  }

  describe(event: Obligation.ObligationEvent, state: Obligation.Obligation): [EntryKind, string] {
    const rule = state.terms.rule
    switch (event._tag) {
      case "ObligationOpened": {
        const source = state.terms.source
        const basis =
          source === undefined ? "" : `; ${source.law}${source.article === undefined ? "" : ` art. ${source.article}`}`
        return [
          "opened",
          `${this.ownerLabel(event.owner)} owes "${state.terms.title}" ` +
            `within ${state.terms.within.amount} ${state.terms.within.unit}, due ${this.time(event.due)}` +
            `${event.provisional ? " (provisional)" : ""} (policy ${state.terms.policyVersion}${basis})`
        ]
      }
      case "ObligationPaused":
        return ["paused", `${rule} paused (${event.reason}); its clock stops`]
      case "ObligationResumed":
        return [
          "resumed",
          `${rule} resumed after ${formatDuration(event.pausedFor, this.measureOf(state))} paused; due ${this.time(event.previousDue)} → ${this.time(event.due)}`
        ]
      case "ObligationExtended":
        return [
          "extended",
          `${rule} extended (${event.extension}) by ${event.amount} ${event.unit}; due ${this.time(event.previousDue)} → ${this.time(event.due)}` +
            (event.approval === undefined
              ? ""
              : `; approved by ${event.approval.approver} (${event.approval.reasonCode}) at ${this.time(event.approval.decidedAt)}`)
        ]
      case "ObligationWarned":
        return ["warned", `${Math.round(event.share * 100)}% of the time for ${rule} used; due ${this.time(event.due)}`]
      case "ObligationOverdue":
        return [
          "overdue",
          `${rule} overdue: due ${this.time(event.due)} passed, owed by ${this.ownerLabel(state.owner)}`
        ]
      case "ObligationFulfilled":
        return [
          "fulfilled",
          event.onTime
            ? `${rule} fulfilled on time (due ${this.time(event.due)})`
            : `${rule} fulfilled late by ${formatDuration(event.lateBy, this.measureOf(state))} (due ${this.time(event.due)})`
        ]
      case "ObligationCancelled":
        return [
          "cancelled",
          `${rule} cancelled (${event.reason})` +
            (event.overdue ? `, ${formatDuration(event.lateBy, this.measureOf(state))} after its due time` : "")
        ]
      case "ObligationReassigned":
        return [
          "reassigned",
          `${rule} passes from ${this.ownerLabel(event.from)} to ${this.ownerLabel(event.to)} (${event.reason}), still due ${this.time(state.due)}`
        ]
    }
  }

  /** Runs one command; records its events; a refusal becomes a `refused` entry. */
  command(
    matter: MutableMatter,
    obligationId: Obligation.ObligationId,
    command: Obligation.ObligationCommand
  ): ReadonlyArray<Obligation.ObligationEvent> {
    const before = this.obligations.get(obligationId) ?? Obligation.initialState
    const decided = this.policy.decider.decide(command, before)
    if (Result.isFailure(decided)) {
      const rule =
        before._tag === "Obligation" ? before.terms.rule : command._tag === "Open" ? command.terms.rule : undefined
      this.entry(matter, command.at, "refused", `${command._tag} refused: ${decided.failure.message}`, {
        rule,
        obligation: obligationId
      })
      return []
    }
    let state = before
    for (const event of decided.success) {
      state = this.policy.decider.evolve(state, event)
      this.records.push(event)
      if (state._tag === "Obligation") {
        const [kind, explanation] = this.describe(event, state)
        this.entry(matter, event.at, kind, explanation, { rule: state.terms.rule, obligation: obligationId })
      }
    }
    if (before._tag === "Unopened" && state._tag === "Obligation") {
      const list = this.bySubject.get(matter.subject) ?? []
      list.push(obligationId)
      this.bySubject.set(matter.subject, list)
    }
    this.obligations.set(obligationId, state)
    this.syncTimer(obligationId)
    return decided.success
  }

  // ---- holders -----------------------------------------------------------------

  changeHolder(
    matter: MutableMatter,
    to: Obligation.Owner,
    change: HolderChange,
    at: Instant,
    options: { readonly designated: boolean; readonly rule?: string | undefined; readonly explanation: string }
  ): void {
    const from = matter.holder
    if (from !== undefined && change !== "leaderAssigned") matter.previousHolders.push(from)
    matter.holder = to
    matter.tier = this.tierOfUnit(to.unit)
    matter.designated = options.designated
    if (matter.location === undefined) matter.location = this.unitOf(to.unit)?.jurisdiction
    this.records.push({
      _tag: "HolderChanged",
      subject: matter.subject,
      at,
      change,
      ...(from === undefined ? {} : { from }),
      to,
      ...(matter.tier === undefined ? {} : { tier: matter.tier as never }),
      designated: options.designated,
      ...(options.rule === undefined ? {} : { rule: options.rule }),
      policyVersion: this.policy.policyVersion
    })
    this.entry(matter, at, change === "leaderAssigned" ? "leader" : "holder", options.explanation, {
      rule: options.rule
    })
  }

  /** Running obligations owed by `fromUnit` follow the matter to `to`; overdue ones are cancelled when `cancelOverdue`. */
  handOver(
    matter: MutableMatter,
    fromUnit: string,
    to: Obligation.Owner,
    at: Instant,
    reason: string,
    cancelOverdue: boolean,
    cause: Obligation.Cause | undefined
  ): void {
    for (const state of this.running(matter.subject)) {
      if (state.owner.unit !== fromUnit) continue
      if (cancelOverdue && (state.status === "overdue" || (state.status === "open" && state.due <= at))) {
        this.command(matter, state.id, { _tag: "Cancel", at, reason, ...(cause === undefined ? {} : { cause }) })
      } else {
        const owner: Obligation.Owner = {
          unit: to.unit,
          ...(to.role === undefined ? {} : { role: to.role }),
          ...(to.actor === undefined ? {} : { actor: to.actor })
        }
        this.command(matter, state.id, {
          _tag: "Reassign",
          at,
          to: owner,
          reason,
          ...(cause === undefined ? {} : { cause })
        })
      }
    }
  }

  // ---- events ------------------------------------------------------------------

  handleEvent(event: SimulationEvent): void {
    const matter = this.matter(event.subject)
    const at = event.at
    if (matter.location === undefined && event.jurisdiction !== undefined) matter.location = event.jurisdiction
    this.entry(matter, at, "event", this.describeEvent(event))

    if (event.handBack === true) this.handBack(matter, event)

    // Routing: the new holder owes what the event opens; the old holder's fulfilments count for it.
    const previous = matter.holder
    let target: Obligation.Owner | undefined
    let change: HolderChange | undefined
    if (event.assignTo !== undefined && event.assignTo !== previous?.unit) {
      target = this.ownerAt(matter, event.assignTo)
      change = "routed"
    } else if (previous === undefined && event.unit !== undefined) {
      target = { unit: event.unit }
      change = "received"
    }
    const planned = this.policy.plan(toDomainEvent(event), {
      holder: target ?? previous,
      obligations: this.statesOf(event.subject)
    })
    if (Result.isFailure(planned)) {
      this.entry(matter, at, "refused", planned.failure.message, { rule: planned.failure.rule })
    }
    const commands = Result.isSuccess(planned) ? planned.success : []
    for (const { obligationId, command } of commands) {
      if (command._tag !== "Open") this.command(matter, obligationId, command)
    }
    if (target !== undefined && change !== undefined) {
      const designated = event.designated === true
      if (this.unitOf(target.unit) === undefined) {
        this.entry(matter, at, "refused", `cannot route to ${target.unit}: no such unit in the model`)
      } else {
        this.changeHolder(matter, target, change, at, {
          designated,
          explanation:
            change === "received"
              ? `${target.unit} receives the matter first and owns it until it is handed on (首问负责)`
              : `routed from ${previous?.unit ?? "-"} to ${target.unit}${designated ? " (designated: may not hand it back)" : ""}`
        })
        if (previous !== undefined) {
          this.handOver(matter, previous.unit, target, at, "routed", false, { type: event.type })
        }
      }
    }
    for (const { obligationId, command } of commands) {
      if (command._tag === "Open") this.command(matter, obligationId, command)
    }

    if (event.riskLevel !== undefined) matter.riskLevel = event.riskLevel
    if (event.parties !== undefined) matter.parties = event.parties
    if (event.repeat === true) matter.repeats += 1
    if (event.partyRequest === true) matter.partyRequest = { at }
    this.escalate(matter, at)
  }

  describeEvent(event: SimulationEvent): string {
    const facts: Array<string> = []
    if (event.unit !== undefined) facts.push(`by ${event.unit}`)
    if (event.assignTo !== undefined)
      facts.push(`to ${event.assignTo}${event.designated === true ? " (designated)" : ""}`)
    if (event.category !== undefined) facts.push(`category ${event.category}`)
    if (event.reason !== undefined) facts.push(`reason ${event.reason}`)
    if (event.approval !== undefined) facts.push(`approved by ${event.approval.approver}`)
    if (event.handBack === true) facts.push("hand-back")
    if (event.riskLevel !== undefined) facts.push(`risk ${event.riskLevel}`)
    if (event.parties !== undefined) facts.push(`${event.parties} parties`)
    if (event.repeat === true) facts.push("filed again")
    if (event.partyRequest === true) facts.push("a party asks for escalation")
    return facts.length === 0 ? event.type : `${event.type} (${facts.join(", ")})`
  }

  handBack(matter: MutableMatter, event: SimulationEvent): void {
    const at = event.at
    const holder = matter.holder
    const by = event.unit ?? holder?.unit
    if (holder === undefined || by === undefined || by !== holder.unit) {
      this.entry(
        matter,
        at,
        "refused",
        `hand-back by ${by ?? "an unknown unit"} refused: only the holder (${holder?.unit ?? "nobody"}) can hand the matter back`
      )
      return
    }
    const designated = matter.designated
    const back = designated ? undefined : matter.previousHolders.at(-1)
    const accepted = !designated && back !== undefined
    this.records.push({ _tag: "HandBackAttempted", subject: matter.subject, at, by: holder, designated, accepted })
    matter.handBack = { unit: holder.unit, at, designated }
    if (designated) {
      this.entry(matter, at, "hand-back", `${by} was designated and may not hand the matter back; it stays with ${by}`)
      return
    }
    if (back === undefined) {
      this.entry(
        matter,
        at,
        "hand-back",
        `${by} tries to hand the matter back, but nobody handed it on to ${by}; it stays`
      )
      return
    }
    this.entry(matter, at, "hand-back", `${by} hands the matter back to ${back.unit}`)
    matter.previousHolders.pop()
    this.changeHolder(matter, this.ownerAt(matter, back.unit), "handedBack", at, {
      designated: false,
      explanation: `handed back from ${by} to ${back.unit}`
    })
    matter.previousHolders.pop() // changeHolder pushed `by`; a returned matter does not go back to it
    this.handOver(matter, by, this.ownerAt(matter, back.unit), at, "handed-back", false, { type: event.type })
  }

  // ---- timers ------------------------------------------------------------------

  fireTimers(at: Instant): void {
    const due = this.timers.takeDue(at, Number.MAX_SAFE_INTEGER)
    const touched: Array<MutableMatter> = []
    for (const timer of due) {
      const state = this.obligations.get(timer.key)
      if (state === undefined || state._tag !== "Obligation") continue
      const matter = this.matter(state.subject)
      const events = this.command(matter, state.id, { _tag: "Tick", at })
      if (events.length === 0) this.timers.cancel(timer.key) // nothing left to fire for it
      if (!touched.includes(matter)) touched.push(matter)
    }
    for (const matter of touched) this.escalate(matter, at)
  }

  // ---- escalation --------------------------------------------------------------

  factsOf(matter: MutableMatter): Escalation.Facts {
    return {
      subject: matter.subject,
      ...(matter.holder === undefined ? {} : { holder: matter.holder.unit }),
      ...(matter.tier === undefined ? {} : { tier: matter.tier as never }),
      obligations: this.running(matter.subject).map((s) => ({
        obligation: s.id,
        rule: s.terms.rule,
        status: s.status as "open" | "paused" | "overdue",
        shareUsed: s.status === "overdue" ? 1 : Math.max(0, ...s.warned),
        due: s.due
      })),
      ...(matter.riskLevel === undefined ? {} : { riskLevel: matter.riskLevel }),
      repeats: matter.repeats,
      parties: matter.parties,
      ...(matter.partyRequest === undefined ? {} : { partyRequest: matter.partyRequest }),
      ...(matter.handBack === undefined ? {} : { handBack: matter.handBack }),
      fired: matter.fired
    }
  }

  escalate(matter: MutableMatter, at: Instant): void {
    const table = this.table
    if (table === undefined) return
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const firings = Escalation.evaluate(table, this.factsOf(matter))
      if (firings.length === 0) return
      for (const firing of firings) {
        matter.fired = [...matter.fired, firing.key, ...firing.supersedes]
        this.records.push({ _tag: "EscalationTriggered", subject: matter.subject, at, firing })
        this.entry(matter, at, "escalated", Escalation.explain(firing, this.timeZone), { rule: firing.rule })
        for (const action of firing.actions) this.apply(matter, at, firing, action)
      }
    }
    this.entry(
      matter,
      at,
      "refused",
      `escalation stopped after ${MAX_ROUNDS} rounds at one instant; check the rules for a loop`
    )
  }

  /** The node of the matter's jurisdiction path at `tier`. */
  jurisdictionAt(matter: MutableMatter, tier: string): Jurisdiction | undefined {
    const from =
      matter.location ?? (matter.holder === undefined ? undefined : this.unitOf(matter.holder.unit)?.jurisdiction)
    if (from === undefined) return undefined
    return this.model.jurisdictions.pathTo(from).find((node) => node.level === tier)
  }

  tierAbove(matter: MutableMatter): string | undefined {
    if (matter.tier === undefined) return undefined
    const index = this.tiers.indexOf(matter.tier)
    return index < 0 ? undefined : this.tiers[index + 1]
  }

  /** Applies one action of a firing; false (with a `refused` entry) when it cannot be carried out. */
  apply(matter: MutableMatter, at: Instant, firing: Escalation.Firing, action: Action): boolean {
    const rule = firing.rule
    const refuse = (why: string): boolean => {
      this.entry(matter, at, "refused", `${Escalation.describeAction(action)}: ${why}`, { rule })
      return false
    }
    switch (action.do) {
      case "move-up":
      case "move-to": {
        const tier = action.do === "move-to" ? action.tier : this.tierAbove(matter)
        if (tier === undefined) {
          return refuse(matter.tier === undefined ? "the holder's tier is unknown" : `${matter.tier} is the top tier`)
        }
        const node = this.jurisdictionAt(matter, tier)
        if (node === undefined) return refuse(`the matter has no jurisdiction at tier ${tier}`)
        const kind = this.settings?.receivers?.[tier as keyof NonNullable<EscalationSettings["receivers"]>]
        const units = this.organization.unitsAt(node.code).filter((u) => kind === undefined || u.kind === kind)
        const unit = units[0]
        if (unit === undefined) {
          return refuse(
            `no unit${kind === undefined ? "" : ` of kind ${kind}`} at ${node.code} (${node.name}) receives matters`
          )
        }
        const previous = matter.holder
        if (previous?.unit === unit.code) return refuse(`${unit.code} already holds the matter`)
        const choice =
          units.length > 1 ? ` (first of ${units.length} units there; set escalation.receivers.${tier})` : ""
        const owner = this.ownerAt(matter, unit.code)
        this.changeHolder(matter, owner, "escalated", at, {
          designated: false,
          rule,
          explanation: `moved ${previous === undefined ? "" : `from ${previous.unit} `}to ${unit.code} (${unit.name}) at ${tier} ${node.code}${choice}`
        })
        if (previous !== undefined) {
          this.handOver(matter, previous.unit, owner, at, "escalated", true, { escalation: rule })
        }
        return true
      }
      case "assign-leader": {
        const units =
          action.tier === undefined
            ? (() => {
                const j = matter.holder === undefined ? undefined : this.unitOf(matter.holder.unit)?.jurisdiction
                return j === undefined ? [] : this.organization.unitsCovering(j)
              })()
            : (() => {
                const node = this.jurisdictionAt(matter, action.tier)
                return node === undefined ? [] : this.organization.unitsAt(node.code)
              })()
        for (const unit of units) {
          const actor = this.organization
            .actorsIn(unit.code)
            .find((a) => a.assignments.some((s) => s.unit === unit.code && s.role === action.role))
          if (actor === undefined) continue
          const holder = matter.holder
          if (holder === undefined) return refuse("nobody holds the matter")
          const owner: Obligation.Owner = { unit: holder.unit, role: action.role, actor: actor.id }
          matter.leader = { unit: unit.code, role: action.role, actor: actor.id }
          this.changeHolder(matter, owner, "leaderAssigned", at, {
            designated: matter.designated,
            rule,
            explanation: `${actor.name} (${action.role}, ${unit.code}) takes personal charge of the matter (包案); ${holder.unit} keeps handling it`
          })
          this.handOver(matter, holder.unit, owner, at, "leader-assigned", false, { escalation: rule })
          return true
        }
        return refuse(
          `no actor holds the role ${action.role}${action.tier === undefined ? " over the matter" : ` at ${action.tier}`}`
        )
      }
      case "supervise": {
        const tier = action.tier ?? this.tierAbove(matter) ?? matter.tier
        const node = tier === undefined ? undefined : this.jurisdictionAt(matter, tier)
        if (node === undefined) return refuse(`the matter has no jurisdiction at tier ${tier ?? "?"}`)
        matter.supervisedBy = node.code
        const units = this.organization.unitsAt(node.code).map((u) => u.code)
        this.entry(
          matter,
          at,
          "supervision",
          `listed for supervision (挂牌督办) by ${node.name} (${node.code}${units.length === 0 ? "" : `: ${units.join(", ")}`})`,
          { rule }
        )
        return true
      }
      case "notify": {
        const j = matter.holder === undefined ? undefined : this.unitOf(matter.holder.unit)?.jurisdiction
        const units = j === undefined ? [] : this.organization.unitsCovering(j)
        const recipients: Array<string> = []
        for (const unit of units) {
          for (const actor of this.organization.actorsIn(unit.code)) {
            if (actor.assignments.some((s) => s.unit === unit.code && action.roles.includes(s.role))) {
              const label = `${actor.name} (${unit.code})`
              if (!recipients.includes(label)) recipients.push(label)
            }
          }
        }
        this.entry(
          matter,
          at,
          "notified",
          `notify ${action.roles.join(", ")}: ${recipients.length === 0 ? "nobody holds these roles over the matter" : recipients.join("; ")}`,
          { rule }
        )
        return true
      }
      case "open": {
        const obligationRule = this.policy.rule(action.rule)
        if (obligationRule === undefined) return refuse(`no deadline rule ${action.rule} in this policy`)
        const holder = matter.holder
        if (holder === undefined) return refuse("nobody holds the matter")
        if (this.running(matter.subject).some((s) => s.terms.rule === action.rule)) {
          return refuse(`an obligation of ${action.rule} is already running`)
        }
        const obligationId = Obligation.deriveId(`${firing.key}@${at}`, action.rule, at)
        this.command(matter, obligationId, {
          _tag: "Open",
          obligationId,
          subject: matter.subject,
          owner: this.policy.ownerFor(obligationRule, holder),
          terms: this.policy.terms(obligationRule),
          at,
          cause: { escalation: rule }
        })
        return true
      }
    }
  }
}

/**
 * Simulates a history against a locality model up to `until` (see the module
 * documentation). Pure: no I/O, no clock; the same inputs give the same result.
 */
export const simulate = (
  model: LocalityModel,
  history: ReadonlyArray<SimulationEvent>,
  until: Instant,
  options: SimulateOptions = {}
): Simulation => {
  const policy = ObligationPolicy.fromModel(model)
  const settings = Option.getOrUndefined(escalationOf(model))
  const table = settings === undefined ? undefined : Escalation.table(settings, model.version)
  const run = new Run(model, policy, table, settings)
  const maxEntries = options.maxEntries ?? 2_000_000
  const events = history
    .map((event, index) => ({ event, index }))
    .sort((a, b) => a.event.at - b.event.at || a.index - b.index)
    .map(({ event }) => event)
  let next = 0
  let truncated = false
  for (;;) {
    if (run.timeline.length >= maxEntries) {
      truncated = true
      break
    }
    const event = events[next]
    const timerAt = run.timers.nextDueAt()
    // At the same instant an event comes first: a reply at the very due time is on time.
    if (timerAt !== undefined && timerAt <= until && (event === undefined || timerAt < event.at)) {
      run.fireTimers(timerAt)
      continue
    }
    if (event !== undefined && event.at <= until) {
      run.handleEvent(event)
      next++
      continue
    }
    break
  }
  return {
    locality: model.locality.id,
    policyVersion: model.version,
    timeZone: policy.calendar.timeZone,
    until,
    timeline: run.timeline,
    records: run.records,
    matters: [...run.matters.values()].map(({ previousHolders: _, ...matter }) => matter),
    obligations: [...run.obligations.values()].filter((s): s is Obligation.Obligation => s._tag === "Obligation"),
    eventsAfterUntil: events.length - next,
    truncated
  }
}
