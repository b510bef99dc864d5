/**
 * The set of module manifests a loader knows. {@link core} holds the modules of
 * `@gridwork/core` (`responsibility`); packages add theirs with {@link ModuleRegistry.add}.
 *
 * @example
 * ```ts
 * import { ModuleRegistry } from "@gridwork/core"
 *
 * const registry = ModuleRegistry.core // .add(petitionManifest).add(mediationManifest)
 * registry.names // ["responsibility"]
 * ```
 * @module
 */
import { Option } from "effect"
import type * as Permission from "../organization/Permission"
import * as ModuleManifest from "./ModuleManifest"
import * as ResponsibilityModule from "./ResponsibilityModule"

/** An immutable set of manifests, by name. */
export class ModuleRegistry {
  readonly #manifests: ReadonlyMap<string, ModuleManifest.Any>

  /** @internal use {@link make} */
  constructor(manifests: ReadonlyMap<string, ModuleManifest.Any>) {
    this.#manifests = manifests
  }

  /** Registered module names, sorted. */
  get names(): ReadonlyArray<string> {
    return [...this.#manifests.keys()].sort()
  }

  /** Every manifest, sorted by name. */
  get manifests(): ReadonlyArray<ModuleManifest.Any> {
    return this.names.map((name) => this.#manifests.get(name)!)
  }

  /** The manifest registered under a name. */
  get(name: string): Option.Option<ModuleManifest.Any> {
    return Option.fromNullishOr(this.#manifests.get(name))
  }

  /** A registry with one more manifest. Throws when the name is taken (a programming error). */
  add(manifest: ModuleManifest.Any): ModuleRegistry {
    if (this.#manifests.has(manifest.name)) {
      throw new Error(`Module "${manifest.name}" is registered twice`)
    }
    const next = new Map(this.#manifests)
    next.set(manifest.name, manifest)
    return new ModuleRegistry(next)
  }

  /** Every permission every registered module declares. */
  get catalog(): Permission.Catalog {
    return new Map(this.manifests.flatMap((manifest) => [...ModuleManifest.permissionsOf(manifest)]))
  }
}

/** A registry of the given manifests. Throws when two share a name. */
export const make = (manifests: ReadonlyArray<ModuleManifest.Any>): ModuleRegistry =>
  manifests.reduce<ModuleRegistry>((registry, manifest) => registry.add(manifest), new ModuleRegistry(new Map()))

/** An empty registry. */
export const empty: ModuleRegistry = new ModuleRegistry(new Map())

/** The modules of `@gridwork/core`: `responsibility`. */
export const core: ModuleRegistry = empty.add(ResponsibilityModule.manifest)
