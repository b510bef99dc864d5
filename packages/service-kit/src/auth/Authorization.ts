/**
 * Authorization hooks: per action (permission strings such as `petition.accept`),
 * per jurisdiction scope, checked against the request's {@link Principal}.
 *
 * - Roles map to permission patterns in the options (core's `<module>.<action>`,
 *   `<module>.*` or `*`; from a core `Organization`:
 *   `Object.fromEntries(org.roles.map((r) => [r.code, org.grantsOf(r.code)]))`); the
 *   principal holds a permission when one of its roles grants a matching pattern.
 *   Permissions are declared per route (`permission: "petition.accept"`) or checked
 *   in a handler with {@link requirePermission}.
 * - The principal's `jurisdictions` are its scope. A request on jurisdiction J is
 *   allowed when `isWithin(J, scope)` holds for one of them. The default `isWithin` is
 *   equality; services plug in core's jurisdiction tree (`(j, s) => tree.isWithin(j, s)`).
 *
 * Failures are `HttpProblem`s: 401 without a principal, 403 otherwise, with a detail
 * naming the missing permission or the jurisdiction (never other people's data).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Authorization } from "@gridwork/service-kit"
 *
 * const layer = Authorization.Authorizer.layer({
 *   roles: { "petition-handler": ["petition.*"], supervisor: ["petition.read", "ledger.read"] },
 *   isWithin: (jurisdiction, scope) => jurisdiction === scope || jurisdiction.startsWith(`${scope}.`)
 * })
 * const handler = Effect.gen(function* () {
 *   yield* Authorization.requireJurisdiction("lanxi.dongshan.village-3")
 * })
 * ```
 * @module
 */
import { Permission as CorePermission } from "@gridwork/core"
import { Context, Effect, Layer, Schema } from "effect"
import { RequestContext } from "../context/RequestContext"
import { HttpProblem } from "../problem/HttpProblem"
import { decodeOptions } from "../problem/OptionsError"
import type { Principal } from "./Principal"

/** A permission: `<module>.<action>`, e.g. `petition.accept` (core's `Permission`). */
export const Permission = CorePermission.Permission
/** What a role grants: a permission, `<module>.*` or `*` (core's `PermissionPattern`). */
export const PermissionPattern = CorePermission.PermissionPattern

/** The data part of {@link Options}. */
export const OptionsSchema = Schema.Struct({
  roles: Schema.Record(
    Schema.String.check(Schema.isPattern(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, { expected: "a role code" })),
    Schema.Array(PermissionPattern)
  )
})

/** Options of {@link Authorizer.layer}. */
export interface Options {
  /** Role code → permission patterns it grants. */
  readonly roles: Readonly<Record<string, ReadonlyArray<string>>>
  /** Whether jurisdiction `jurisdiction` lies within `scope` (default: equality). */
  readonly isWithin?: ((jurisdiction: string, scope: string) => boolean) | undefined
}

/** Whether `pattern` grants `permission` (core's `Permission.matches`). */
export const matches = CorePermission.matches

/** The decisions an authorizer makes. */
export interface Service {
  /** Whether one of the principal's roles grants `permission`. */
  readonly can: (principal: Principal, permission: string) => boolean
  /** Whether `jurisdiction` lies within one of the principal's scopes. */
  readonly inScope: (principal: Principal, jurisdiction: string) => boolean
}

/** Makes the pure decision functions from options (validated; throws on bad options). */
export const make = (options: Options): Service => {
  const config = decodeOptions(OptionsSchema, "Authorization options", { roles: options.roles })
  const grants = new Map(Object.entries(config.roles))
  const isWithin = options.isWithin ?? ((jurisdiction: string, scope: string) => jurisdiction === scope)
  return {
    can: (principal, permission) =>
      principal.roles.some((role) => (grants.get(role) ?? []).some((pattern) => matches(pattern, permission))),
    inScope: (principal, jurisdiction) => principal.jurisdictions.some((scope) => isWithin(jurisdiction, scope))
  }
}

/** The service's authorization policy. */
export class Authorizer extends Context.Service<Authorizer, Service>()("@gridwork/service-kit/Authorizer") {
  /** A layer from options (role grants and the jurisdiction containment function). */
  static layer(options: Options): Layer.Layer<Authorizer> {
    return Layer.sync(Authorizer, () => make(options))
  }
  /** Grants nothing: every permission check fails with 403. */
  static readonly layerDenyAll: Layer.Layer<Authorizer> = Layer.sync(Authorizer, () => make({ roles: {} }))
}

const currentPrincipal = RequestContext.use((request) =>
  request.principal._tag === "Some"
    ? Effect.succeed(request.principal.value)
    : Effect.fail(HttpProblem.unauthenticated("This operation needs a bearer token"))
)

/**
 * The principal, if `allowed` holds for it; 401 when anonymous, 403 with `denial`
 * otherwise. The building block of {@link requirePermission} and
 * {@link requireJurisdiction}, for checks of your own.
 */
export const requireThat = (
  allowed: (authorizer: Service, principal: Principal) => boolean,
  denial: string
): Effect.Effect<Principal, HttpProblem, RequestContext | Authorizer> =>
  Effect.gen(function* () {
    const principal = yield* currentPrincipal
    const authorizer = yield* Authorizer
    if (!allowed(authorizer, principal)) return yield* HttpProblem.forbidden(denial)
    return principal
  })

/** The principal, if it holds `permission`; 401 when anonymous, 403 otherwise. */
export const requirePermission = (
  permission: string
): Effect.Effect<Principal, HttpProblem, RequestContext | Authorizer> =>
  requireThat((authorizer, principal) => authorizer.can(principal, permission), `Missing permission ${permission}`)

/** The principal, if `jurisdiction` is within its scope; 401 when anonymous, 403 otherwise. */
export const requireJurisdiction = (
  jurisdiction: string
): Effect.Effect<Principal, HttpProblem, RequestContext | Authorizer> =>
  requireThat(
    (authorizer, principal) => authorizer.inScope(principal, jurisdiction),
    `Jurisdiction ${jurisdiction} is outside the caller's scope`
  )
