/**
 * The escalation rules of a locality: a decision table under
 * `modules.responsibility.escalation` of the locality model, decoded and checked with
 * Schema. Each rule says `when` (triggers, all of which must hold) and which `actions`
 * follow; the table's explicit hit policy says whether the first matching rule fires
 * (`first`) or every matching rule does (`collect`). Evaluation is in {@link Escalation}.
 *
 * Nothing is hard-coded: the ladder is the locality's `tiers` (e.g. grid → village →
 * township → county), leaders and notified people are found by their roles in the
 * organization, and new obligations are opened by the id of a rule in `deadlines`.
 *
 * ```yaml
 * modules:
 *   responsibility:
 *     deadlines: [...]
 *     escalation:
 *       hitPolicy: first            # or collect
 *       receivers: { village: village-committee, township: township-center, county: county-center }
 *       rules:
 *         - id: designated-hand-back
 *           description: A designated unit may not hand a matter back (信访工作条例)
 *           when: { designatedHandBack: true }
 *           actions: [{ do: notify, roles: [supervisor] }]
 *         - id: overdue-climbs
 *           when: { overdue: true, tiers: [grid, village, township] }
 *           actions: [{ do: move-up }, { do: open, rule: escalated.handle }]
 *         - id: high-risk-leader
 *           when: { riskAtLeast: high }
 *           actions: [{ do: assign-leader, role: leader, tier: county }, { do: supervise, tier: county }]
 * ```
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { EscalationRule } from "@gridwork/core"
 *
 * const settings = Schema.decodeUnknownSync(EscalationRule.EscalationSettings)({
 *   hitPolicy: "collect",
 *   rules: [{ id: "overdue-climbs", when: { overdue: true }, actions: [{ do: "move-up" }] }]
 * })
 * settings.rules[0]?.actions[0] // { do: "move-up" }
 * ```
 * @module
 */
import { Schema } from "effect"
import { TierName } from "../jurisdiction/Jurisdiction"
import { Code, RoleCode } from "../primitives/Ids"
import { ObligationRuleId } from "./ObligationRule"

/** The id of an escalation rule, e.g. `overdue-climbs`. */
export const EscalationRuleId = Code.pipe(Schema.brand("EscalationRuleId"))
/** @see {@link EscalationRuleId} */
export type EscalationRuleId = typeof EscalationRuleId.Type

/** Risk levels of a matter, lowest first (风险等级: 低/中/高). */
export const RiskLevel = Schema.Literals(["low", "medium", "high"])
/** @see {@link RiskLevel} */
export type RiskLevel = typeof RiskLevel.Type

/** Levels in ascending order; the position is the rank compared by `riskAtLeast`. */
export const riskLevels: ReadonlyArray<RiskLevel> = ["low", "medium", "high"]

/** Rank of a risk level: low 0, medium 1, high 2. */
export const riskRank = (level: RiskLevel): number => riskLevels.indexOf(level)

/** How a decision table picks among matching rules. */
export const HitPolicy = Schema.Literals(["first", "collect"])
/** @see {@link HitPolicy} */
export type HitPolicy = typeof HitPolicy.Type

const PositiveInt = Schema.Int.check(Schema.makeFilter((n: number) => n >= 1, { expected: "a whole number 1 or more" }))

const Share = Schema.Finite.check(
  Schema.makeFilter((n: number) => n > 0 && n <= 1, { expected: "a share of the period in (0, 1], e.g. 0.8" })
)

const True = Schema.Literal(true)

/**
 * The triggers of a rule. Every trigger given must hold for the rule to match (a row
 * of the decision table); `tiers` and `obligations` narrow the others.
 *
 * - `overdue: true`: a running obligation of the matter is overdue.
 * - `shareUsedAtLeast: s`: a running obligation has used at least share `s` of its
 *   time (its warning at that share, or a later one, was issued; overdue counts as 1).
 * - `obligations: [ids]`: `overdue` and `shareUsedAtLeast` look only at obligations of
 *   these deadline rules (default: any).
 * - `riskAtLeast: level`: the matter's risk level is at or above `low`/`medium`/`high`.
 * - `repeatsAtLeast: n`: the same matter was filed again at least `n` times.
 * - `partiesAtLeast: n`: at least `n` parties are involved (group matters).
 * - `partyRequest: true`: a party asked for the matter to be escalated.
 * - `designatedHandBack: true`: a unit that was specifically designated tried to hand
 *   the matter back (it may not).
 * - `tiers: [names]`: only while the matter is held at one of these tiers.
 */
export const Triggers = Schema.Struct({
  overdue: Schema.optionalKey(True),
  shareUsedAtLeast: Schema.optionalKey(Share),
  obligations: Schema.optionalKey(Schema.NonEmptyArray(ObligationRuleId)),
  riskAtLeast: Schema.optionalKey(RiskLevel),
  repeatsAtLeast: Schema.optionalKey(PositiveInt),
  partiesAtLeast: Schema.optionalKey(PositiveInt),
  partyRequest: Schema.optionalKey(True),
  designatedHandBack: Schema.optionalKey(True),
  tiers: Schema.optionalKey(Schema.NonEmptyArray(TierName))
}).check(
  Schema.makeFilter(
    (when) => {
      const issues: Array<Schema.FilterIssue> = []
      const triggers = [
        when.overdue,
        when.shareUsedAtLeast,
        when.riskAtLeast,
        when.repeatsAtLeast,
        when.partiesAtLeast,
        when.partyRequest,
        when.designatedHandBack
      ].filter((t) => t !== undefined)
      if (triggers.length === 0) {
        issues.push({
          path: [],
          issue:
            "a rule needs at least one trigger: overdue, shareUsedAtLeast, riskAtLeast, repeatsAtLeast, partiesAtLeast, partyRequest or designatedHandBack"
        })
      }
      if (when.obligations !== undefined && when.overdue === undefined && when.shareUsedAtLeast === undefined) {
        issues.push({
          path: ["obligations"],
          issue: "obligations narrows overdue or shareUsedAtLeast; give one of them"
        })
      }
      return issues
    },
    { gridworkRule: "escalation.triggers" }
  )
)
/** @see {@link Triggers} */
export type Triggers = typeof Triggers.Type

/** Move the matter to the next tier up the locality's ladder. */
export const MoveUp = Schema.Struct({ do: Schema.Literal("move-up") })
/** Move the matter to a named tier (up or down the ladder). */
export const MoveTo = Schema.Struct({ do: Schema.Literal("move-to"), tier: TierName })
/**
 * Assign a leader as the owner of the matter (领导包案): the first actor holding `role`
 * in a unit of the jurisdiction at `tier` over the matter (default: the nearest unit
 * covering the holder's jurisdiction that has such an actor).
 */
export const AssignLeader = Schema.Struct({
  do: Schema.Literal("assign-leader"),
  role: RoleCode,
  tier: Schema.optionalKey(TierName)
})
/**
 * List the matter for supervision (挂牌督办) by the units at `tier` over it (default:
 * the tier above the holder).
 */
export const Supervise = Schema.Struct({ do: Schema.Literal("supervise"), tier: Schema.optionalKey(TierName) })
/** Notify the holders of these roles over the matter. */
export const Notify = Schema.Struct({ do: Schema.Literal("notify"), roles: Schema.NonEmptyArray(RoleCode) })
/** Open a new obligation of a rule of `deadlines`, owed by the holder after any move. */
export const OpenObligation = Schema.Struct({ do: Schema.Literal("open"), rule: ObligationRuleId })

/** One action of a rule, told apart by `do`. */
export const Action = Schema.Union([MoveUp, MoveTo, AssignLeader, Supervise, Notify, OpenObligation])
/** @see {@link Action} */
export type Action = typeof Action.Type

/** The kinds of action, the values of `do`. */
export type ActionKind = Action["do"]

const isMove = (action: Action): boolean => action.do === "move-up" || action.do === "move-to"

/** One row of the decision table: when all its triggers hold, its actions, in order. */
export const EscalationRule = Schema.Struct({
  id: EscalationRuleId,
  description: Schema.optionalKey(Schema.String),
  when: Triggers,
  actions: Schema.NonEmptyArray(Action).check(
    Schema.makeFilter(
      (actions: ReadonlyArray<Action>) =>
        actions.filter(isMove).length <= 1 || "a rule may move the matter at most once (one move-up or move-to)",
      { gridworkRule: "escalation.one-move" }
    )
  )
})
/** @see {@link EscalationRule} */
export type EscalationRule = typeof EscalationRule.Type

/**
 * The `escalation` section: the hit policy (required, so nobody has to guess), the
 * rules in priority order, and optionally which kind of unit receives a matter moved
 * to each tier (needed where a jurisdiction has several units).
 */
export const EscalationSettings = Schema.Struct({
  hitPolicy: HitPolicy,
  rules: Schema.Array(EscalationRule).check(
    Schema.makeFilter(
      (rules: ReadonlyArray<EscalationRule>) => {
        const seen = new Map<string, number>()
        const issues: Array<Schema.FilterIssue> = []
        rules.forEach((rule, index) => {
          const previous = seen.get(rule.id)
          if (previous !== undefined) {
            issues.push({ path: [index, "id"], issue: `rule id "${rule.id}" is already used by rules[${previous}]` })
          } else seen.set(rule.id, index)
        })
        return issues
      },
      { gridworkRule: "escalation.duplicate-id" }
    )
  ),
  receivers: Schema.optionalKey(Schema.Record(TierName, Code))
})
/** @see {@link EscalationSettings} */
export type EscalationSettings = typeof EscalationSettings.Type

/** What a model's escalation section may refer to, for {@link validate}. */
export interface ValidationContext {
  /** Tier names, lowest first. */
  readonly tiers: ReadonlyArray<string>
  /** Role codes of the organization. */
  readonly roles: ReadonlySet<string>
  /** Ids of the rules under `deadlines`. */
  readonly deadlines: ReadonlySet<string>
}

/** A cross-reference problem, with its path relative to the `escalation` section. */
export interface Problem {
  readonly path: ReadonlyArray<string | number>
  readonly rule: string
  readonly message: string
}

/**
 * Checks the references of an escalation section against the rest of the model: tier
 * names are tiers of the ladder, roles exist, opened rules are deadlines.
 */
export const validate = (settings: EscalationSettings, context: ValidationContext): ReadonlyArray<Problem> => {
  const problems: Array<Problem> = []
  const tiers = new Set(context.tiers)
  const tierList = context.tiers.join(", ")
  const unknownTier = (path: ReadonlyArray<string | number>, tier: string): void => {
    if (!tiers.has(tier)) {
      problems.push({
        path,
        rule: "escalation.unknown-tier",
        message: `"${tier}" is not a tier of this model (tiers: ${tierList || "none"})`
      })
    }
  }
  const unknownRole = (path: ReadonlyArray<string | number>, role: string): void => {
    if (!context.roles.has(role)) {
      problems.push({
        path,
        rule: "escalation.unknown-role",
        message: `"${role}" is not a role of this model (roles: ${[...context.roles].join(", ") || "none"})`
      })
    }
  }
  const unknownDeadline = (path: ReadonlyArray<string | number>, id: string): void => {
    if (!context.deadlines.has(id)) {
      problems.push({
        path,
        rule: "escalation.unknown-deadline",
        message: `"${id}" is not the id of a rule under deadlines (${[...context.deadlines].join(", ") || "none"})`
      })
    }
  }
  for (const tier of Object.keys(settings.receivers ?? {})) unknownTier(["receivers", tier], tier)
  settings.rules.forEach((rule, r) => {
    rule.when.tiers?.forEach((tier, t) => {
      unknownTier(["rules", r, "when", "tiers", t], tier)
    })
    rule.when.obligations?.forEach((id, o) => {
      unknownDeadline(["rules", r, "when", "obligations", o], id)
    })
    rule.actions.forEach((action, a) => {
      const path = ["rules", r, "actions", a]
      switch (action.do) {
        case "move-to":
          unknownTier([...path, "tier"], action.tier)
          break
        case "assign-leader":
          unknownRole([...path, "role"], action.role)
          if (action.tier !== undefined) unknownTier([...path, "tier"], action.tier)
          break
        case "supervise":
          if (action.tier !== undefined) unknownTier([...path, "tier"], action.tier)
          break
        case "notify":
          action.roles.forEach((role, i) => {
            unknownRole([...path, "roles", i], role)
          })
          break
        case "open":
          unknownDeadline([...path, "rule"], action.rule)
          break
        case "move-up":
          break
      }
    })
  })
  return problems
}
