/**
 * The locality the service runs for: its model (with any policy overlays applied), the
 * matter decider under it, and what the rest of the service derives from it: which
 * modules' events to consume, the role grants for authorization, and jurisdiction
 * containment.
 *
 * @example
 * ```ts
 * import { NodeServices } from "@effect/platform-node"
 * import { Effect } from "effect"
 * import { Locality } from "@gridwork/service-accountability"
 *
 * const program = Effect.gen(function* () {
 *   const locality = yield* Locality.Locality
 *   return locality.model.locality.id // "lanxi"
 * }).pipe(
 *   Effect.provide(Locality.Locality.layer({ modelFile: "examples/localities/lanxi-county.yaml", policyFiles: [] })),
 *   Effect.provide(NodeServices.layer)
 * )
 * ```
 * @module
 */
import {
  type Decider,
  type LocalityModel,
  LocalityModelError,
  MatterDecider,
  ModelLoader,
  PolicyOverlay,
  ResponsibilityModule
} from "@gridwork/core"
import { Context, Effect, FileSystem, Layer, Option, type Path, Result } from "effect"

/** The role every integration account carries: it may submit domain events over HTTP. */
export const SERVICE_ROLE = "gridwork-service"

/** What the service knows of its locality. */
export interface LocalityShape {
  /** The model, overlays applied. */
  readonly model: LocalityModel.LocalityModel
  /** The locality id (`lanxi`), the first token after `gw.` of every subject. */
  readonly id: string
  /** The matter decider under the model. */
  readonly decider: Decider.Decider<
    MatterDecider.MatterCommand,
    MatterDecider.MatterEvent,
    MatterDecider.State,
    MatterDecider.MatterError
  >
  /** The locality's time zone (reports and logs). */
  readonly timeZone: string
  /** Modules whose events the deadlines name (their subjects are consumed). */
  readonly modules: ReadonlyArray<string>
  /** Every event type a deadline names (opens, fulfils, cancels, pauses, resumes, extends). */
  readonly eventTypes: ReadonlySet<string>
  /** Role code → permission patterns, for `Authorization` (plus {@link SERVICE_ROLE}). */
  readonly roleGrants: Readonly<Record<string, ReadonlyArray<string>>>
  /** Whether jurisdiction `code` lies within `scope` (the same node or below it). */
  readonly isWithin: (code: string, scope: string) => boolean
  /** The jurisdiction of a unit, if the unit exists. */
  readonly jurisdictionOf: (unit: string) => string | undefined
}

/** Builds the locality from a loaded model. */
export const make = (model: LocalityModel.LocalityModel): LocalityShape => {
  const rules = ResponsibilityModule.deadlinesOf(model)
  const eventTypes = new Set<string>()
  const modules = new Set<string>()
  for (const rule of rules) {
    modules.add(rule.module)
    for (const type of [
      ...rule.opensOn,
      ...rule.fulfilledBy,
      ...(rule.cancelledBy ?? []),
      ...(rule.extendedBy ?? [])
    ]) {
      eventTypes.add(type)
    }
    for (const pause of rule.pauses ?? []) for (const type of [...pause.on, ...pause.resumeOn]) eventTypes.add(type)
  }
  const organization = model.organization
  const roleGrants: Record<string, ReadonlyArray<string>> = Object.fromEntries(
    organization.roles.map((role) => [role.code, organization.grantsOf(role.code)])
  )
  roleGrants[SERVICE_ROLE] = ["responsibility.record-events"]
  return {
    model,
    id: model.locality.id,
    decider: MatterDecider.make(model),
    timeZone: model.businessCalendar.timeZone,
    modules: [...modules].sort(),
    eventTypes,
    roleGrants,
    isWithin: (code, scope) => code === scope || model.jurisdictions.isWithin(code, scope),
    jurisdictionOf: (unit) => Option.getOrUndefined(organization.unit(unit))?.jurisdiction
  }
}

/** Loads the model file and applies the overlay files in order. */
export const load = (files: {
  readonly modelFile: string
  readonly policyFiles: ReadonlyArray<string>
}): Effect.Effect<
  LocalityModel.LocalityModel,
  LocalityModelError.LocalityModelError,
  ModelLoader.ModelLoader | FileSystem.FileSystem
> =>
  Effect.gen(function* () {
    const loader = yield* ModelLoader.ModelLoader
    const fs = yield* FileSystem.FileSystem
    let model = yield* loader.load(files.modelFile)
    for (const file of files.policyFiles) {
      const text = yield* fs.readFileString(file).pipe(
        Effect.mapError(
          (error) =>
            new LocalityModelError.LocalityModelError({
              file,
              problems: [
                new LocalityModelError.ModelProblem({
                  file,
                  path: "",
                  rule: "file.unreadable",
                  message: `cannot read the policy overlay: ${error.message}`
                })
              ]
            })
        )
      )
      const applied = PolicyOverlay.apply(model, text, file)
      if (Result.isFailure(applied)) return yield* applied.failure
      model = applied.success
    }
    return model
  })

/** The locality of the running service. */
export class Locality extends Context.Service<Locality, LocalityShape>()("@gridwork/service-accountability/Locality") {
  /** Loads the model (and overlays) from files. */
  static layer(files: {
    readonly modelFile: string
    readonly policyFiles: ReadonlyArray<string>
  }): Layer.Layer<Locality, LocalityModelError.LocalityModelError, FileSystem.FileSystem | Path.Path> {
    return Layer.effect(Locality, Effect.map(load(files), make)).pipe(Layer.provide(ModelLoader.ModelLoader.layer))
  }

  /** A locality from a model already loaded (tests). */
  static fromModel(model: LocalityModel.LocalityModel): Layer.Layer<Locality> {
    return Layer.succeed(Locality)(make(model))
  }

  /** A locality already made with {@link make}. */
  static fromShape(shape: LocalityShape): Layer.Layer<Locality> {
    return Layer.succeed(Locality)(shape)
  }
}
