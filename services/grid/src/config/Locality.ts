/**
 * The locality the grid service runs for, derived from its model file (with the
 * `grid` module registered): role grants for authorization, jurisdiction containment,
 * the jurisdiction chain of each community, and the `grid` module's settings.
 *
 * @example
 * ```ts
 * import { NodeServices } from "@effect/platform-node"
 * import { Effect } from "effect"
 * import { Locality } from "@gridwork/service-grid"
 *
 * const program = Effect.gen(function* () {
 *   const locality = yield* Locality.Locality
 *   return locality.jurisdictionsOf("3") // ["providence.ward-3", "providence"]
 * }).pipe(
 *   Effect.provide(Locality.Locality.layer("services/grid/localities/providence.yaml")),
 *   Effect.provide(NodeServices.layer)
 * )
 * ```
 * @module
 */
import {
  type Ids,
  type LocalityModel,
  type LocalityModelError,
  ModelLoader,
  ModuleManifest,
  ModuleRegistry
} from "@gridwork/core"
import { Context, Effect, type FileSystem, Layer, Option, type Path, Result } from "effect"
import * as GridModule from "./GridModule"

/** The modules the grid service's model may enable. */
export const registry: ModuleRegistry.ModuleRegistry = ModuleRegistry.core.add(GridModule.manifest)

/** What the service knows of its locality. */
export interface LocalityShape {
  readonly model: LocalityModel.LocalityModel
  /** The locality id (`providence`), the first token after `gw.` of every subject. */
  readonly id: string
  /** The top jurisdiction: partitions and publications act on it. */
  readonly root: Ids.JurisdictionCode
  /** Role code → permission patterns, for `Authorization`. */
  readonly roleGrants: Readonly<Record<string, ReadonlyArray<string>>>
  /** Whether jurisdiction `code` lies within `scope` (the same node or below it). */
  readonly isWithin: (code: string, scope: string) => boolean
  /** The jurisdiction chain of a community, lowest first, ending at the root; `[]` when unknown. */
  readonly jurisdictionsOf: (community: string | null) => ReadonlyArray<Ids.JurisdictionCode>
  /** The lowest jurisdiction of a community, or the root when it maps to none. */
  readonly jurisdictionOf: (community: string | null) => Ids.JurisdictionCode
  /** The `grid` module's settings (defaults when the model has no `grid` section). */
  readonly settings: GridModule.Settings
}

/** Builds the locality from a loaded model. */
export const make = (model: LocalityModel.LocalityModel): LocalityShape => {
  const organization = model.organization
  const roleGrants: Record<string, ReadonlyArray<string>> = Object.fromEntries(
    organization.roles.map((role) => [role.code, organization.grantsOf(role.code)])
  )
  const settings: GridModule.Settings = Option.getOrElse(model.settings(GridModule.manifest), () =>
    Result.getOrThrow(ModuleManifest.defaults(GridModule.manifest))
  )
  const tree = model.jurisdictions
  const root = tree.roots[0]!.code
  const codeOf = (community: string): string | undefined => {
    const mapped = settings.communities.map?.[community]
    if (mapped !== undefined) return mapped
    const template = settings.communities.jurisdiction
    return template === undefined ? undefined : template.replaceAll("{community}", community)
  }
  const chains = new Map<string, ReadonlyArray<Ids.JurisdictionCode>>()
  const jurisdictionsOf = (community: string | null): ReadonlyArray<Ids.JurisdictionCode> => {
    if (community === null) return []
    const cached = chains.get(community)
    if (cached !== undefined) return cached
    const code = codeOf(community)
    const node = code === undefined ? Option.none() : tree.get(code)
    const chain = Option.isNone(node) ? [] : [node.value.code, ...tree.ancestors(node.value.code).map((j) => j.code)]
    chains.set(community, chain)
    return chain
  }
  return {
    model,
    id: model.locality.id,
    root,
    roleGrants,
    isWithin: (code, scope) => code === scope || tree.isWithin(code, scope),
    jurisdictionsOf,
    jurisdictionOf: (community) => jurisdictionsOf(community)[0] ?? root,
    settings
  }
}

/** The locality of the running service. */
export class Locality extends Context.Service<Locality, LocalityShape>()("@gridwork/service-grid/config/Locality") {
  /** Loads the model file with the `grid` module registered. */
  static layer(
    modelFile: string
  ): Layer.Layer<Locality, LocalityModelError.LocalityModelError, FileSystem.FileSystem | Path.Path> {
    return Layer.effect(Locality, Effect.map(ModelLoader.loadModel(modelFile, registry), make))
  }

  /** A locality from a model already loaded (tests). */
  static fromModel(model: LocalityModel.LocalityModel): Layer.Layer<Locality> {
    return Layer.succeed(Locality)(make(model))
  }
}
