/**
 * Permissions: `<module>.<action>` strings such as `petition.accept` or
 * `mediation.assign-mediator`, declared by module manifests and granted by roles.
 * A role may grant a whole module with `<module>.*`, or everything with `*`.
 *
 * @example
 * ```ts
 * import { Permission } from "@gridwork/core"
 *
 * Permission.matches("petition.*", "petition.accept") // true
 * Permission.matches("petition.*", "mediation.accept") // false
 * ```
 * @module
 */
import { Schema } from "effect"

const segment = "[a-z][a-z0-9-]*"

/** A module or action name: lowercase letters, digits and dashes, starting with a letter. */
export const Name = Schema.String.check(
  Schema.isPattern(new RegExp(`^${segment}$`), {
    message: "a module or action name is lowercase letters, digits or dashes, starting with a letter (e.g. petition)"
  })
)

/** A permission: `<module>.<action>`, e.g. `petition.accept`. */
export const Permission = Schema.String.check(
  Schema.isPattern(new RegExp(`^${segment}\\.${segment}$`), {
    message: "a permission is <module>.<action> in lowercase, e.g. petition.accept"
  })
).pipe(Schema.brand("Permission"))
/** @see {@link Permission} */
export type Permission = typeof Permission.Type

/** What a role grants: a {@link Permission}, `<module>.*` (every action of a module) or `*` (everything). */
export const PermissionPattern = Schema.String.check(
  Schema.isPattern(new RegExp(`^(\\*|${segment}\\.(\\*|${segment}))$`), {
    message: "expected <module>.<action>, <module>.* or *, e.g. petition.accept"
  })
)
/** @see {@link PermissionPattern} */
export type PermissionPattern = typeof PermissionPattern.Type

/** Builds a permission from a module name and an action name. */
export const make = (module: string, action: string): Permission => Permission.make(`${module}.${action}`)

/** The module part of a permission or pattern (`petition` for `petition.accept`); empty for `*`. */
export const moduleOf = (permissionOrPattern: string): string => {
  const dot = permissionOrPattern.indexOf(".")
  return dot < 0 ? "" : permissionOrPattern.slice(0, dot)
}

/** Whether a granted pattern covers a permission. */
export const matches = (pattern: string, permission: string): boolean => {
  if (pattern === "*") return true
  if (pattern.endsWith(".*")) return moduleOf(permission) === pattern.slice(0, -2)
  return pattern === permission
}

/**
 * A permission declared by a module: what the action is, and which role codes hold it
 * by default (a role may opt out of defaults with `inheritDefaults: false`).
 */
export interface Declaration {
  readonly description: string
  readonly defaultRoles: ReadonlyArray<string>
}

/** Every permission known to a set of modules, with its declaration. */
export type Catalog = ReadonlyMap<Permission, Declaration>
