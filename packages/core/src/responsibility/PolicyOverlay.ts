/**
 * Policy overlays: a draft of a locality's responsibility policy (deadlines and
 * escalation rules) in a file of its own, applied on top of a loaded locality model so
 * that a county can try the draft (e.g. with `gridwork simulate`) before writing it
 * into its model. The overlay is checked exactly like the model's own
 * `modules.responsibility` section, against the model's tiers, roles and deadlines;
 * problems name the overlay file, line and column, path and rule.
 *
 * ```yaml
 * version: "2026.2-draft"        # optional: the policy version recorded on obligations
 * responsibility:
 *   deadlines:                   # optional: added, or replacing the model's rule of the same id
 *     - { id: escalated.handle, title: ..., module: petition, opensOn: MatterEscalated,
 *         fulfilledBy: [PetitionReplied], owner: holder, within: { amount: 10, unit: working-days },
 *         source: { law: county policy (draft) } }
 *   escalation:                  # optional: replaces the model's escalation table
 *     hitPolicy: first
 *     rules: [...]
 * ```
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs"
 * import { Result } from "effect"
 * import { Instant, ModelParser, PolicyOverlay, Simulation, SimulationEvent } from "@gridwork/core"
 *
 * // Files of the Gridwork repository (examples/localities), read from its root.
 * const file = "examples/localities/lanxi-county.yaml"
 * const model = Result.getOrThrow(ModelParser.parseModel(readFileSync(file, "utf8"), file))
 * const draftFile = "examples/localities/policies/lanxi-escalation-draft.yaml"
 * const draft = PolicyOverlay.apply(model, readFileSync(draftFile, "utf8"), draftFile)
 * if (Result.isFailure(draft)) throw new Error(draft.failure.render())
 * const text = readFileSync("examples/localities/events/lanxi-petition-climbs.json", "utf8")
 * const events = Result.getOrThrow(SimulationEvent.parseEvents(text, "lanxi-petition-climbs.json"))
 * const run = Simulation.simulate(draft.success, events, Instant.unsafeFromIso("2026-12-01T00:00:00+08:00"))
 * console.log(run.policyVersion, run.timeline.filter((entry) => entry.kind === "escalated").length)
 * ```
 * @module
 */
import { Option, Result, Schema } from "effect"
import { LocalityModel, PolicyVersion } from "../locality/LocalityModel"
import { formatPath, LocalityModelError, ModelProblem } from "../locality/LocalityModelError"
import * as ModuleManifest from "../locality/ModuleManifest"
import { manifest, type Settings } from "../locality/ResponsibilityModule"
import * as SchemaProblems from "../locality/SchemaProblems"
import * as SourceDocument from "../locality/SourceDocument"
import { EscalationSettings } from "./EscalationRule"
import { ObligationRule } from "./ObligationRule"

/** The schema of an overlay file. */
export const Overlay = Schema.Struct({
  version: Schema.optionalKey(PolicyVersion),
  responsibility: Schema.Struct({
    deadlines: Schema.optionalKey(Schema.Array(ObligationRule)),
    escalation: Schema.optionalKey(EscalationSettings)
  })
})
/** @see {@link Overlay} */
export type Overlay = typeof Overlay.Type

/** What the checks of the responsibility module see of a model. */
const contextOf = (model: LocalityModel): ModuleManifest.ModelContext => ({
  tiers: model.tiers,
  jurisdictions: new Set(model.jurisdictions.all.map((j) => j.code as string)),
  units: new Set(model.organization.units.map((u) => u.code as string)),
  roles: new Set(model.organization.roles.map((r) => r.code as string)),
  modules: new Set(model.modules.keys()),
  calendar: model.calendar
})

/** The settings after the overlay: deadlines merged by id, escalation replaced when given. */
export const merge = (current: Settings, overlay: Overlay): Settings => {
  const deadlines = [...current.deadlines]
  for (const rule of overlay.responsibility.deadlines ?? []) {
    const index = deadlines.findIndex((r) => r.id === rule.id)
    if (index >= 0) deadlines[index] = rule
    else deadlines.push(rule)
  }
  const escalation = overlay.responsibility.escalation ?? current.escalation
  return { deadlines, ...(escalation === undefined ? {} : { escalation }) }
}

/**
 * Applies an overlay (the text of a YAML or JSON file) to a model: the model with the
 * merged responsibility section and, when the overlay sets one, its policy version.
 * Fails with every problem of the overlay, located in its file.
 */
export const apply = (
  model: LocalityModel,
  text: string,
  file: string
): Result.Result<LocalityModel, LocalityModelError> => {
  const problem = (
    doc: SourceDocument.SourceDocument | undefined,
    path: ReadonlyArray<PropertyKey>,
    rule: string,
    message: string
  ): ModelProblem => {
    const position = doc?.locate(path)
    return new ModelProblem({
      file,
      path: formatPath(path),
      rule,
      message,
      ...(position === undefined ? {} : { line: position.line, column: position.column })
    })
  }
  const parsed = SourceDocument.parse(text, file)
  if (Result.isFailure(parsed)) {
    return Result.fail(
      new LocalityModelError({
        file,
        problems: parsed.failure.map(
          (p) =>
            new ModelProblem({
              file,
              path: "",
              rule: p.rule,
              message: p.message,
              ...(p.line === undefined ? {} : { line: p.line, column: p.column ?? 1 })
            })
        )
      })
    )
  }
  const doc = parsed.success
  if (Option.isNone(model.registry.get(manifest.name))) {
    return Result.fail(
      new LocalityModelError({
        file,
        problems: [problem(doc, [], "module.unknown", `the model's module registry does not register ${manifest.name}`)]
      })
    )
  }
  const decoded = SchemaProblems.decode(Overlay, doc.value)
  if (Result.isFailure(decoded)) {
    return Result.fail(
      new LocalityModelError({ file, problems: decoded.failure.map((p) => problem(doc, p.path, p.rule, p.message)) })
    )
  }
  const overlay = decoded.success
  const current = Option.getOrElse(model.settings(manifest), () => ({ deadlines: [] }) as Settings)
  const settings = merge(current, overlay)
  const context = contextOf(model)
  const crossProblems = ModuleManifest.validateSettings(manifest, settings, {
    ...context,
    modules: new Set([...context.modules, manifest.name])
  })
  if (crossProblems.length > 0) {
    // Paths of merged deadlines point into the model's list; name the overlay's own entry where it has one.
    const overlayIndex = (index: number): number | undefined => {
      const id = settings.deadlines[index]?.id
      const found = overlay.responsibility.deadlines?.findIndex((r) => r.id === id)
      return found === undefined || found < 0 ? undefined : found
    }
    return Result.fail(
      new LocalityModelError({
        file,
        problems: crossProblems.map((p) => {
          const [section, index, ...rest] = p.path
          const path =
            section === "deadlines" && typeof index === "number"
              ? overlayIndex(index) === undefined
                ? ["(model) deadlines", index, ...rest]
                : ["responsibility", "deadlines", overlayIndex(index) ?? index, ...rest]
              : ["responsibility", ...p.path]
          return problem(doc, path, p.rule, p.message)
        })
      })
    )
  }
  const modules = new Map(model.modules)
  modules.set(manifest.name, settings)
  return Result.succeed(
    new LocalityModel({
      file: model.file,
      version: overlay.version ?? model.version,
      locality: model.locality,
      tiers: model.tiers,
      leavesAllowedAt: model.leavesAllowedAt,
      jurisdictionSource: model.jurisdictionSource,
      jurisdictions: model.jurisdictions,
      calendar: model.calendar,
      businessCalendar: model.businessCalendar,
      organization: model.organization,
      privacyClasses: model.privacyClasses,
      modules,
      registry: model.registry
    })
  )
}
