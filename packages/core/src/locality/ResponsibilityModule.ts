/**
 * The `responsibility` module of `@gridwork/core`: the deadlines of a locality's
 * policy and its escalation rules. Its section of a locality model holds `deadlines`,
 * a list of {@link ObligationRule}s, each citing the law and article that sets it, and
 * optionally `escalation` (see `EscalationRule`).
 *
 * ```yaml
 * modules:
 *   responsibility:
 *     deadlines:
 *       - id: petition.handle
 *         title: Handle an accepted matter
 *         module: petition
 *         opensOn: PetitionAccepted
 *         fulfilledBy: [PetitionReplied]
 *         owner: holder
 *         within: { amount: 60, unit: calendar-days }
 *         extension: { max: 1, amount: 30, unit: calendar-days, requiresApproval: true }
 *         source: { law: 信访工作条例 (2022), article: "32" }
 *     escalation:                     # optional: the escalation decision table
 *       hitPolicy: first
 *       rules:
 *         - { id: overdue-climbs, when: { overdue: true }, actions: [{ do: move-up }] }
 * ```
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs"
 * import { Option, Result } from "effect"
 * import { ModelParser, ResponsibilityModule } from "@gridwork/core"
 *
 * const file = "examples/localities/lanxi-county.yaml"
 * const model = Result.getOrThrow(ModelParser.parseModel(readFileSync(file, "utf8"), file))
 * console.log(ResponsibilityModule.deadlinesOf(model).map((rule) => rule.id).slice(0, 3))
 * console.log(Option.isSome(ResponsibilityModule.escalationOf(model)))
 * ```
 * @module
 */
import { Effect, Option, Schema } from "effect"
import * as EscalationRule from "../responsibility/EscalationRule"
import { ObligationRule } from "../responsibility/ObligationRule"
import type { LocalityModel } from "./LocalityModel"
import * as ModuleManifest from "./ModuleManifest"
import type { SchemaProblem } from "./SchemaProblems"

/**
 * The section's schema: `deadlines` (default: none) and optionally `escalation`, the
 * decision table of escalation rules (see `EscalationRule`).
 */
export const Settings = Schema.Struct({
  deadlines: Schema.Array(ObligationRule).pipe(Schema.withDecodingDefaultKey(Effect.succeed([]))),
  escalation: Schema.optionalKey(EscalationRule.EscalationSettings)
})
/** @see {@link Settings} */
export type Settings = typeof Settings.Type

const validate = (settings: Settings, context: ModuleManifest.ModelContext): ReadonlyArray<SchemaProblem> => {
  const problems: Array<SchemaProblem> = []
  const seen = new Map<string, number>()
  const roles = [...context.roles].join(", ")
  const hasWorkingHours = (context.calendar?.workingHours ?? []).length > 0
  settings.deadlines.forEach((rule, index) => {
    const previous = seen.get(rule.id)
    if (previous !== undefined) {
      problems.push({
        path: ["deadlines", index, "id"],
        rule: "responsibility.duplicate-id",
        message: `rule id "${rule.id}" is already used by deadlines[${previous}]`
      })
    } else seen.set(rule.id, index)
    if (rule.owner !== "holder" && !context.roles.has(rule.owner)) {
      problems.push({
        path: ["deadlines", index, "owner"],
        rule: "responsibility.unknown-owner",
        message: `owner "${rule.owner}" is neither "holder" nor a role of this model (roles: ${roles || "none"})`
      })
    }
    if (context.calendar !== undefined && !hasWorkingHours) {
      const periods: Array<[ReadonlyArray<string | number>, string]> = [[["within", "unit"], rule.within.unit]]
      if (rule.extension !== undefined) periods.push([["extension", "unit"], rule.extension.unit])
      for (const [path, unit] of periods) {
        if (unit === "working-hours") {
          problems.push({
            path: ["deadlines", index, ...path],
            rule: "responsibility.no-working-hours",
            message: "a period in working-hours needs calendar.workingHours, which this model does not set"
          })
        }
      }
    }
    if (rule.extendedBy !== undefined && rule.extension === undefined) {
      problems.push({
        path: ["deadlines", index, "extendedBy"],
        rule: "responsibility.extension-missing",
        message: "extendedBy names events that extend the deadline, but the rule sets no extension"
      })
    }
  })
  if (settings.escalation !== undefined) {
    const escalationProblems = EscalationRule.validate(settings.escalation, {
      tiers: context.tiers,
      roles: context.roles,
      deadlines: new Set(settings.deadlines.map((rule) => rule.id))
    })
    for (const problem of escalationProblems) problems.push({ ...problem, path: ["escalation", ...problem.path] })
  }
  return problems
}

/** The manifest core registers for `responsibility`. */
export const manifest: ModuleManifest.ModuleManifest<Settings> = ModuleManifest.make({
  name: "responsibility",
  version: "0.1.0",
  description: "Deadlines (obligation rules) with the law and article that set them, and escalation rules",
  settings: Settings,
  permissions: {
    "approve-extension": {
      description: "Approve the extension of a deadline that requires approval",
      defaultRoles: ["leader"]
    },
    "view-ledger": {
      description: "Read the responsibility ledger: who held a matter when, which deadlines were missed",
      defaultRoles: ["leader", "supervisor"]
    },
    "view-obligations": {
      description: "See the obligations of matters in one's jurisdiction: owner, due time, state",
      defaultRoles: ["leader", "supervisor", "case-handler"]
    },
    "pause-clock": {
      description: "Pause and resume the clock of an obligation (time that does not count, e.g. a hearing)",
      defaultRoles: ["leader", "case-handler"]
    },
    "record-events": {
      description: "Submit domain events to the accountability service over HTTP (integrations without NATS)",
      defaultRoles: []
    },
    simulate: {
      description: "Simulate a policy against a history of events (reads and writes no records)",
      defaultRoles: ["leader", "supervisor"]
    }
  },
  validate
})

/** The deadlines of a model; empty when the model does not enable `responsibility`. */
export const deadlinesOf = (model: LocalityModel): ReadonlyArray<ObligationRule> =>
  Option.match(model.settings(manifest), { onNone: () => [], onSome: (settings) => settings.deadlines })

/** The escalation rules of a model; none when the model sets no `escalation` section. */
export const escalationOf = (model: LocalityModel): Option.Option<EscalationRule.EscalationSettings> =>
  Option.flatMap(model.settings(manifest), (settings) => Option.fromNullishOr(settings.escalation))
