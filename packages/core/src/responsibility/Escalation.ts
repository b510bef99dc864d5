/**
 * Evaluation of escalation rules: `evaluate(table, facts) → Firing[]`. Pure.
 *
 * The facts are what is known of one matter at one instant: where it is held, its
 * running obligations and how much of their time they have used, its risk level, how
 * often it was filed again, how many parties it involves, whether a party asked for it
 * to be escalated, whether a designated unit tried to hand it back. A rule matches when
 * every trigger it gives holds. The table's hit policy picks the firings: `first` (the
 * first matching rule, in table order) or `collect` (every matching rule).
 *
 * Every firing carries its explanation: the rule, the facts observed for each of its
 * triggers, and the policy version of the table. It also carries a `key`: the rule and
 * the identity of what it reacted to (which obligation was overdue, which request was
 * made, at which tier). A caller that re-evaluates after each change passes the keys
 * already acted on in `facts.fired`, so a rule reacts once to each new situation, and
 * under `first` the next rule gets its turn.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Escalation, EscalationRule } from "@gridwork/core"
 *
 * const settings = Schema.decodeUnknownSync(EscalationRule.EscalationSettings)({
 *   hitPolicy: "first",
 *   rules: [{ id: "crowd", when: { partiesAtLeast: 5 }, actions: [{ do: "supervise", tier: "county" }] }]
 * })
 * const facts = Schema.decodeUnknownSync(Escalation.Facts)({
 *   subject: "petition-7", tier: "village", obligations: [], repeats: 0, parties: 12
 * })
 * Escalation.evaluate(Escalation.table(settings, "2026.1"), facts).map((f) => Escalation.explain(f))
 * // ["rule crowd (policy 2026.1, hit policy first): 12 parties (≥ 5) → list for supervision by county"]
 * ```
 * @module
 */
import { Schema } from "effect"
import { TierName } from "../jurisdiction/Jurisdiction"
import { PolicyVersion } from "../locality/LocalityModel"
import { UnitCode } from "../primitives/Ids"
import { Instant } from "../primitives/Instant"
import {
  Action,
  type EscalationRule,
  EscalationRuleId,
  type EscalationSettings,
  HitPolicy,
  RiskLevel,
  riskRank
} from "./EscalationRule"
import { ObligationId, SubjectId } from "./Obligation"
import { ObligationRuleId } from "./ObligationRule"
import { shortLocal } from "./Timeline"

/** What the escalation rules see of one running obligation of the matter. */
export const ObligationFact = Schema.Struct({
  obligation: ObligationId,
  rule: ObligationRuleId,
  status: Schema.Literals(["open", "paused", "overdue"]),
  /** Share of the allowed time used, as last observed (its last warning's share; 1 once overdue). */
  shareUsed: Schema.Finite,
  due: Instant
})
/** @see {@link ObligationFact} */
export type ObligationFact = typeof ObligationFact.Type

/** The facts of one matter that escalation rules are evaluated against. */
export const Facts = Schema.Struct({
  subject: SubjectId,
  /** The unit holding the matter. */
  holder: Schema.optionalKey(UnitCode),
  /** The tier of the holder's jurisdiction. */
  tier: Schema.optionalKey(TierName),
  /** Running obligations of the matter. */
  obligations: Schema.Array(ObligationFact),
  riskLevel: Schema.optionalKey(RiskLevel),
  /** How many times the same matter was filed again. */
  repeats: Schema.Int,
  /** Number of parties (people) involved. */
  parties: Schema.Int,
  /** The latest request of a party to escalate, not yet acted on. */
  partyRequest: Schema.optionalKey(Schema.Struct({ at: Instant })),
  /** The latest attempt to hand the matter back. */
  handBack: Schema.optionalKey(Schema.Struct({ unit: UnitCode, at: Instant, designated: Schema.Boolean })),
  /** Keys of the firings already acted on (see {@link Firing}). */
  fired: Schema.optionalKey(Schema.Array(Schema.String))
})
/** @see {@link Facts} */
export type Facts = typeof Facts.Type

/** One trigger of a matching rule and the fact observed for it. */
export const Observation = Schema.Union([
  Schema.TaggedStruct("Overdue", { obligation: ObligationId, rule: ObligationRuleId, due: Instant }),
  Schema.TaggedStruct("ShareUsed", {
    obligation: ObligationId,
    rule: ObligationRuleId,
    share: Schema.Finite,
    threshold: Schema.Finite
  }),
  Schema.TaggedStruct("Risk", { level: RiskLevel, threshold: RiskLevel }),
  Schema.TaggedStruct("Repeats", { count: Schema.Int, threshold: Schema.Int }),
  Schema.TaggedStruct("Parties", { count: Schema.Int, threshold: Schema.Int }),
  Schema.TaggedStruct("PartyRequest", { at: Instant }),
  Schema.TaggedStruct("DesignatedHandBack", { unit: UnitCode, at: Instant }),
  Schema.TaggedStruct("Tier", { tier: TierName })
]).pipe(Schema.toTaggedUnion("_tag"))
/** @see {@link Observation} */
export type Observation = typeof Observation.Type

/**
 * A rule that fired, with its explanation: the rule, the observed facts, the policy
 * version, the actions to take, and the `key` identifying the situation it reacted to.
 */
export const Firing = Schema.Struct({
  rule: EscalationRuleId,
  description: Schema.optionalKey(Schema.String),
  policyVersion: PolicyVersion,
  hitPolicy: HitPolicy,
  subject: SubjectId,
  observed: Schema.Array(Observation),
  actions: Schema.Array(Action),
  key: Schema.String,
  /**
   * Under hit policy `first`: the keys of the other rules that matched a new situation
   * at the same evaluation and were passed over. A caller marks them acted on too, so
   * one change of facts leads to one decision.
   */
  supersedes: Schema.Array(Schema.String)
})
/** @see {@link Firing} */
export type Firing = typeof Firing.Type

/** An escalation decision table as in force under one policy version. */
export interface Table {
  readonly policyVersion: string
  readonly hitPolicy: HitPolicy
  readonly rules: ReadonlyArray<EscalationRule>
}

/** The table of decoded escalation settings under a policy version (the model's `version`). */
export const table = (settings: EscalationSettings, policyVersion: string): Table => ({
  policyVersion,
  hitPolicy: settings.hitPolicy,
  rules: settings.rules
})

interface Match {
  readonly observed: ReadonlyArray<Observation>
  /** The parts of the situation that make it new: obligations, request instants, tier. */
  readonly identity: ReadonlyArray<string>
}

/** Whether `rule` matches `facts`; the observed facts when it does. */
export const match = (rule: EscalationRule, facts: Facts): Match | undefined => {
  const when = rule.when
  const observed: Array<Observation> = []
  const identity: Array<string> = []
  if (when.tiers !== undefined) {
    if (facts.tier === undefined || !when.tiers.includes(facts.tier)) return undefined
    observed.push({ _tag: "Tier", tier: facts.tier })
    identity.push(`tier=${facts.tier}`)
  }
  const considered =
    when.obligations === undefined
      ? facts.obligations
      : facts.obligations.filter((o) => when.obligations?.includes(o.rule))
  if (when.overdue !== undefined) {
    const overdue = considered.filter((o) => o.status === "overdue")
    if (overdue.length === 0) return undefined
    for (const o of overdue) {
      observed.push({ _tag: "Overdue", obligation: o.obligation, rule: o.rule, due: o.due })
      identity.push(`overdue=${o.obligation}`)
    }
  }
  if (when.shareUsedAtLeast !== undefined) {
    const threshold = when.shareUsedAtLeast
    const used = considered.filter((o) => o.shareUsed >= threshold)
    if (used.length === 0) return undefined
    for (const o of used) {
      observed.push({ _tag: "ShareUsed", obligation: o.obligation, rule: o.rule, share: o.shareUsed, threshold })
      identity.push(`share=${o.obligation}`)
    }
  }
  if (when.riskAtLeast !== undefined) {
    if (facts.riskLevel === undefined || riskRank(facts.riskLevel) < riskRank(when.riskAtLeast)) return undefined
    observed.push({ _tag: "Risk", level: facts.riskLevel, threshold: when.riskAtLeast })
  }
  if (when.repeatsAtLeast !== undefined) {
    if (facts.repeats < when.repeatsAtLeast) return undefined
    observed.push({ _tag: "Repeats", count: facts.repeats, threshold: when.repeatsAtLeast })
  }
  if (when.partiesAtLeast !== undefined) {
    if (facts.parties < when.partiesAtLeast) return undefined
    observed.push({ _tag: "Parties", count: facts.parties, threshold: when.partiesAtLeast })
  }
  if (when.partyRequest !== undefined) {
    if (facts.partyRequest === undefined) return undefined
    observed.push({ _tag: "PartyRequest", at: facts.partyRequest.at })
    identity.push(`request=${facts.partyRequest.at}`)
  }
  if (when.designatedHandBack !== undefined) {
    if (facts.handBack === undefined || !facts.handBack.designated) return undefined
    observed.push({ _tag: "DesignatedHandBack", unit: facts.handBack.unit, at: facts.handBack.at })
    identity.push(`handBack=${facts.handBack.at}`)
  }
  return { observed, identity }
}

/**
 * Evaluates the table against the facts of one matter. Rules are tried in table order;
 * a match whose key is in `facts.fired` was already acted on and is skipped. Under
 * `first` at most one firing is returned (the first new match; the keys of the other
 * new matches are in its `supersedes`), under `collect` every new match.
 */
export const evaluate = (table: Table, facts: Facts): ReadonlyArray<Firing> => {
  const fired = new Set(facts.fired ?? [])
  const firings: Array<Firing> = []
  const passedOver: Array<string> = []
  for (const rule of table.rules) {
    const found = match(rule, facts)
    if (found === undefined) continue
    const key = [rule.id, ...found.identity].join("|")
    if (fired.has(key)) continue
    if (table.hitPolicy === "first" && firings.length > 0) {
      passedOver.push(key)
      continue
    }
    firings.push({
      rule: rule.id,
      ...(rule.description === undefined ? {} : { description: rule.description }),
      policyVersion: table.policyVersion,
      hitPolicy: table.hitPolicy,
      subject: facts.subject,
      observed: found.observed,
      actions: rule.actions,
      key,
      supersedes: []
    })
  }
  const [first] = firings
  return table.hitPolicy === "first" && first !== undefined ? [{ ...first, supersedes: passedOver }] : firings
}

/** One observation in words; instants in `timeZone` (default UTC). */
export const describeObservation = (observation: Observation, timeZone = "UTC"): string => {
  const iso = (t: number): string => shortLocal(t, timeZone)
  switch (observation._tag) {
    case "Overdue":
      return `obligation ${observation.obligation} (${observation.rule}) overdue since ${iso(observation.due)}`
    case "ShareUsed":
      return `obligation ${observation.obligation} (${observation.rule}) used ${Math.round(observation.share * 100)}% of its time (≥ ${Math.round(observation.threshold * 100)}%)`
    case "Risk":
      return `risk ${observation.level} (≥ ${observation.threshold})`
    case "Repeats":
      return `filed again ${observation.count} time(s) (≥ ${observation.threshold})`
    case "Parties":
      return `${observation.count} parties (≥ ${observation.threshold})`
    case "PartyRequest":
      return `a party asked for escalation at ${iso(observation.at)}`
    case "DesignatedHandBack":
      return `designated unit ${observation.unit} tried to hand the matter back at ${iso(observation.at)}`
    case "Tier":
      return `held at tier ${observation.tier}`
  }
}

/** One action in words. */
export const describeAction = (action: Action): string => {
  switch (action.do) {
    case "move-up":
      return "move to the next tier"
    case "move-to":
      return `move to tier ${action.tier}`
    case "assign-leader":
      return `assign a ${action.role} as owner${action.tier === undefined ? "" : ` (${action.tier})`}`
    case "supervise":
      return `list for supervision${action.tier === undefined ? "" : ` by ${action.tier}`}`
    case "notify":
      return `notify ${action.roles.join(", ")}`
    case "open":
      return `open obligation ${action.rule}`
  }
}

/** A firing in words: `rule R (policy V, hit policy H): facts → actions`; instants in `timeZone` (default UTC). */
export const explain = (firing: Firing, timeZone = "UTC"): string =>
  `rule ${firing.rule} (policy ${firing.policyVersion}, hit policy ${firing.hitPolicy}): ` +
  `${firing.observed.map((o) => describeObservation(o, timeZone)).join("; ")} → ${firing.actions.map(describeAction).join(", ")}` +
  (firing.supersedes.length === 0
    ? ""
    : ` (passed over: ${firing.supersedes.map((key) => key.split("|")[0]).join(", ")})`)
