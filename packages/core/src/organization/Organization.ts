/**
 * The organization of a locality: units attached to jurisdictions, roles that grant
 * permissions, and actors holding roles in units. It answers "may actor X do action A
 * in jurisdiction J": yes when one of X's assignments has a role granting A in a unit
 * whose jurisdiction is J or an ancestor of J.
 *
 * {@link validate} reports every problem at once (duplicate codes, units attached to
 * unknown jurisdictions, actors referring to unknown units or roles, roles granting
 * permissions no registered module declares); {@link make} builds the organization.
 *
 * @example
 * ```ts
 * import { Result, Schema } from "effect"
 * import { Actor, Jurisdiction, JurisdictionTree, Organization, Role, Unit } from "@gridwork/core"
 *
 * const tree = Result.getOrThrow(
 *   JurisdictionTree.make({
 *     tiers: ["village", "township"],
 *     jurisdictions: Schema.decodeUnknownSync(Schema.Array(Jurisdiction.Jurisdiction))([
 *       { code: "dongshan", name: "Dongshan Town", level: "township" },
 *       { code: "dongshan.qiaotou", name: "Qiaotou Village", level: "village", parent: "dongshan" }
 *     ])
 *   })
 * )
 * const wangLi = "01936f4e-8c00-7000-8000-000000000001"
 * const organization = Result.getOrThrow(
 *   Organization.make({
 *     tree,
 *     units: [
 *       Schema.decodeUnknownSync(Unit.Unit)({
 *         code: "dongshan.zzzx",
 *         name: "Dongshan Center",
 *         kind: "center",
 *         jurisdiction: "dongshan"
 *       })
 *     ],
 *     roles: [Schema.decodeUnknownSync(Role.Role)({ code: "case-handler", name: "Case handler", permissions: ["petition.*"] })],
 *     actors: [
 *       Schema.decodeUnknownSync(Actor.Actor)({
 *         id: wangLi,
 *         name: "Wang Li",
 *         assignments: [{ unit: "dongshan.zzzx", role: "case-handler" }]
 *       })
 *     ]
 *   })
 * )
 * console.log(organization.can(wangLi, "petition.accept", "dongshan.qiaotou")) // true: the town's center covers its villages
 * console.log(organization.authorize(wangLi, "mediation.assign", "dongshan.qiaotou"))
 * // { _tag: "Denied", reason: "none of Wang Li's roles grants mediation.assign" }
 * ```
 * @module
 */
import { Option, Result } from "effect"
import type { JurisdictionTree } from "../jurisdiction/JurisdictionTree"
import type { ActorId } from "../primitives/Ids"
import type { Actor, Assignment } from "./Actor"
import * as Permission from "./Permission"
import type { Role } from "./Role"
import type { Unit } from "./Unit"

/** The parts of an organization, as decoded from a locality model. */
export interface OrganizationParts {
  readonly units: ReadonlyArray<Unit>
  readonly roles: ReadonlyArray<Role>
  readonly actors: ReadonlyArray<Actor>
  /**
   * Permissions declared by the registered modules. When given, a role's grant for a
   * module in the catalog must name an action that module declares (grants for modules
   * not in the catalog stay unchecked: the module may be embedded elsewhere), and the
   * catalog's default roles apply.
   */
  readonly catalog?: Permission.Catalog | undefined
}

/** What {@link validate} checks. */
export interface ValidateInput extends OrganizationParts {
  /** Whether a jurisdiction code exists. */
  readonly hasJurisdiction: (code: string) => boolean
  /** Codes present in the source but not decodable; references to them are not reported again. */
  readonly undecoded?:
    | {
        readonly units?: ReadonlySet<string> | undefined
        readonly roles?: ReadonlySet<string> | undefined
        readonly jurisdictions?: ReadonlySet<string> | undefined
      }
    | undefined
  /** Names an item in messages (default `units[i]`), e.g. by its place in the source file. */
  readonly describe?: ((collection: string, index: number) => string) | undefined
}

/** What {@link make} takes. */
export interface OrganizationInput extends OrganizationParts {
  readonly tree: JurisdictionTree
}

/** A problem found by {@link validate}; `path` is relative to the parts, e.g. `["units", 2, "jurisdiction"]`. */
export interface OrganizationProblem {
  readonly path: ReadonlyArray<string | number>
  readonly rule: string
  readonly message: string
}

const duplicates = <A>(
  items: ReadonlyArray<A>,
  key: (item: A) => string,
  collection: string,
  field: string,
  rule: string,
  describe: (collection: string, index: number) => string
): Array<OrganizationProblem> => {
  const seen = new Map<string, number>()
  const problems: Array<OrganizationProblem> = []
  items.forEach((item, index) => {
    const value = key(item)
    const previous = seen.get(value)
    if (previous === undefined) seen.set(value, index)
    else
      problems.push({
        path: [collection, index, field],
        rule,
        message: `${field} "${value}" is already used by ${describe(collection, previous)}; it must be unique`
      })
  })
  return problems
}

const patternIsKnown = (pattern: string, catalog: Permission.Catalog, modules: ReadonlySet<string>): boolean => {
  if (pattern === "*" || !modules.has(Permission.moduleOf(pattern))) return true
  for (const permission of catalog.keys()) if (Permission.matches(pattern, permission)) return true
  return false
}

/** Checks the parts; returns every problem found (empty when valid). */
export const validate = (input: ValidateInput): Array<OrganizationProblem> => {
  const describe = input.describe ?? ((collection: string, index: number) => `${collection}[${index}]`)
  const problems: Array<OrganizationProblem> = [
    ...duplicates(input.units, (u) => u.code, "units", "code", "organization.duplicate-code", describe),
    ...duplicates(input.roles, (r) => r.code, "roles", "code", "organization.duplicate-code", describe),
    ...duplicates(input.actors, (a) => a.id, "actors", "id", "organization.duplicate-id", describe)
  ]
  const undecodedJurisdictions = input.undecoded?.jurisdictions ?? new Set<string>()
  const undecodedUnits = input.undecoded?.units ?? new Set<string>()
  const undecodedRoles = input.undecoded?.roles ?? new Set<string>()

  input.units.forEach((unit, index) => {
    if (!input.hasJurisdiction(unit.jurisdiction) && !undecodedJurisdictions.has(unit.jurisdiction)) {
      problems.push({
        path: ["units", index, "jurisdiction"],
        rule: "organization.unknown-jurisdiction",
        message: `unit ${unit.code} is attached to "${unit.jurisdiction}", which is not a jurisdiction code in this model`
      })
    }
  })

  const catalog = input.catalog
  if (catalog !== undefined) {
    const modules = new Set([...catalog.keys()].map(Permission.moduleOf))
    input.roles.forEach((role, index) => {
      role.permissions.forEach((pattern, p) => {
        if (!patternIsKnown(pattern, catalog, modules)) {
          const module = Permission.moduleOf(pattern)
          const actions = [...catalog.keys()].filter((k) => Permission.moduleOf(k) === module)
          problems.push({
            path: ["roles", index, "permissions", p],
            rule: "organization.unknown-permission",
            message: `module ${module} declares no action "${pattern.slice(module.length + 1)}" (its permissions: ${actions.join(", ")})`
          })
        }
      })
    })
  }

  const unitCodes = new Set<string>(input.units.map((u) => u.code))
  const roleCodes = new Set<string>(input.roles.map((r) => r.code))
  const roleList = [...roleCodes].join(", ")
  input.actors.forEach((actor, index) => {
    actor.assignments.forEach((assignment, a) => {
      if (!unitCodes.has(assignment.unit) && !undecodedUnits.has(assignment.unit)) {
        problems.push({
          path: ["actors", index, "assignments", a, "unit"],
          rule: "organization.unknown-unit",
          message: `"${assignment.unit}" is not the code of any unit in this model`
        })
      }
      if (!roleCodes.has(assignment.role) && !undecodedRoles.has(assignment.role)) {
        problems.push({
          path: ["actors", index, "assignments", a, "role"],
          rule: "organization.unknown-role",
          message: `"${assignment.role}" is not the code of any role in this model (roles: ${roleList || "none"})`
        })
      }
    })
  })
  return problems
}

/** The answer to "may this actor do this here", with the assignment that allows it or the reason it does not. */
export type Authorization =
  | {
      readonly _tag: "Allowed"
      readonly unit: Unit
      readonly role: Role
      /** The granted pattern that matched, e.g. `petition.*`. */
      readonly grantedBy: string
    }
  | {
      readonly _tag: "Denied"
      readonly reason: string
    }

/** A checked organization. Build it with {@link make}. */
export class Organization {
  readonly tree: JurisdictionTree
  readonly units: ReadonlyArray<Unit>
  readonly roles: ReadonlyArray<Role>
  readonly actors: ReadonlyArray<Actor>
  readonly #units: ReadonlyMap<string, Unit>
  readonly #roles: ReadonlyMap<string, Role>
  readonly #actors: ReadonlyMap<string, Actor>
  readonly #grants: ReadonlyMap<string, ReadonlyArray<string>>

  /** @internal use {@link make} */
  constructor(input: OrganizationInput) {
    this.tree = input.tree
    this.units = input.units
    this.roles = input.roles
    this.actors = input.actors
    this.#units = new Map(input.units.map((u) => [u.code, u]))
    this.#roles = new Map(input.roles.map((r) => [r.code, r]))
    this.#actors = new Map(input.actors.map((a) => [a.id, a]))
    const defaults = new Map<string, Array<string>>()
    for (const [permission, declaration] of input.catalog ?? new Map()) {
      for (const role of declaration.defaultRoles) {
        const list = defaults.get(role)
        if (list === undefined) defaults.set(role, [permission])
        else list.push(permission)
      }
    }
    this.#grants = new Map(
      input.roles.map((role) => [
        role.code,
        [...new Set([...role.permissions, ...(role.inheritDefaults ? (defaults.get(role.code) ?? []) : [])])]
      ])
    )
  }

  /** The unit with this code. */
  unit(code: string): Option.Option<Unit> {
    return Option.fromNullishOr(this.#units.get(code))
  }

  /** The role with this code. */
  role(code: string): Option.Option<Role> {
    return Option.fromNullishOr(this.#roles.get(code))
  }

  /** The actor with this id. */
  actor(id: string): Option.Option<Actor> {
    return Option.fromNullishOr(this.#actors.get(id))
  }

  /** Everything a role grants: its own patterns plus the module defaults it inherits. */
  grantsOf(roleCode: string): ReadonlyArray<string> {
    return this.#grants.get(roleCode) ?? []
  }

  /** Whether a role grants a permission (anywhere). */
  roleGrants(roleCode: string, permission: string): boolean {
    return this.grantsOf(roleCode).some((pattern) => Permission.matches(pattern, permission))
  }

  /** Units attached to exactly this jurisdiction. */
  unitsAt(jurisdiction: string): ReadonlyArray<Unit> {
    return this.units.filter((u) => u.jurisdiction === jurisdiction)
  }

  /** Units whose scope covers this jurisdiction, nearest first (the jurisdiction's own units, then its parent's …). */
  unitsCovering(jurisdiction: string): ReadonlyArray<Unit> {
    if (!this.tree.has(jurisdiction)) return []
    const chain = [jurisdiction, ...this.tree.ancestors(jurisdiction).map((j) => j.code)]
    return chain.flatMap((code) => this.unitsAt(code))
  }

  /** Actors holding any role in a unit. */
  actorsIn(unitCode: string): ReadonlyArray<Actor> {
    return this.actors.filter((a) => a.assignments.some((s) => s.unit === unitCode))
  }

  #allows(assignment: Assignment, permission: string, jurisdiction: string): string | undefined {
    const unit = this.#units.get(assignment.unit)
    if (unit === undefined || !this.tree.isWithin(jurisdiction, unit.jurisdiction)) return undefined
    return this.grantsOf(assignment.role).find((pattern) => Permission.matches(pattern, permission))
  }

  /**
   * Whether the actor may do `permission` (e.g. `petition.accept`) in `jurisdiction`,
   * with the assignment that allows it or the reason it does not.
   */
  authorize(actorId: ActorId | string, permission: string, jurisdiction: string): Authorization {
    const actor = this.#actors.get(actorId)
    if (actor === undefined) return { _tag: "Denied", reason: `unknown actor ${actorId}` }
    if (!this.tree.has(jurisdiction)) return { _tag: "Denied", reason: `unknown jurisdiction ${jurisdiction}` }
    for (const assignment of actor.assignments) {
      const grantedBy = this.#allows(assignment, permission, jurisdiction)
      if (grantedBy !== undefined) {
        return {
          _tag: "Allowed",
          unit: this.#units.get(assignment.unit)!,
          role: this.#roles.get(assignment.role)!,
          grantedBy
        }
      }
    }
    const withPermission = actor.assignments.filter((a) => this.roleGrants(a.role, permission))
    return {
      _tag: "Denied",
      reason:
        withPermission.length === 0
          ? `none of ${actor.name}'s roles grants ${permission}`
          : `${actor.name} holds ${permission} only in ${withPermission
              .map((a) => this.#units.get(a.unit)?.jurisdiction ?? a.unit)
              .join(", ")}, which does not cover ${jurisdiction}`
    }
  }

  /** Whether the actor may do `permission` in `jurisdiction` (see {@link authorize}). */
  can(actorId: ActorId | string, permission: string, jurisdiction: string): boolean {
    return this.authorize(actorId, permission, jurisdiction)._tag === "Allowed"
  }

  /** Every actor who may do `permission` in `jurisdiction`. */
  actorsAllowed(permission: string, jurisdiction: string): ReadonlyArray<Actor> {
    return this.actors.filter((actor) => this.can(actor.id, permission, jurisdiction))
  }
}

/** Checks the parts against the tree and builds the organization, or fails with every problem found. */
export const make = (input: OrganizationInput): Result.Result<Organization, ReadonlyArray<OrganizationProblem>> => {
  const problems = validate({ ...input, hasJurisdiction: (code) => input.tree.has(code) })
  return problems.length > 0 ? Result.fail(problems) : Result.succeed(new Organization(input))
}
