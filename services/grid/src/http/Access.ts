/**
 * Jurisdiction checks of the grid service, beside the permission each route declares:
 *
 * - {@link inLocality}: reads need a caller whose jurisdictions lie in this locality (a
 *   ward coordinator reads the whole city's grids; a token scoped to another locality
 *   reads nothing here);
 * - {@link overLocality}: uploads, partitions and publications change the whole
 *   locality, so the caller's scope must cover its top jurisdiction;
 * - roster changes check the grid's own jurisdiction (`RosterRoutes`).
 *
 * @example
 * ```ts
 * import type { Effect } from "effect"
 * import { Access } from "@gridwork/service-grid"
 *
 * const handler = Effect.gen(function* () {
 *   yield* Access.inLocality
 *   // ...
 * })
 * ```
 * @module
 */
import { Authorization, type HttpProblem, type Principal, type RequestContext } from "@gridwork/service-kit"
import type { Effect } from "effect"
import { Locality } from "../config/Locality"

/** The caller, if one of its jurisdictions lies in the locality (or covers it); 403 otherwise. */
export const inLocality: Effect.Effect<
  Principal.Principal,
  HttpProblem.HttpProblem,
  Locality | RequestContext.RequestContext | Authorization.Authorizer
> = Locality.use((locality) =>
  Authorization.requireThat(
    (_, principal) =>
      principal.jurisdictions.some(
        (scope) => locality.isWithin(scope, locality.root) || locality.isWithin(locality.root, scope)
      ),
    `None of the caller's jurisdictions lies in ${locality.root}`
  )
)

/** The caller, if its scope covers the locality's top jurisdiction; 403 otherwise. */
export const overLocality: Effect.Effect<
  Principal.Principal,
  HttpProblem.HttpProblem,
  Locality | RequestContext.RequestContext | Authorization.Authorizer
> = Locality.use((locality) => Authorization.requireJurisdiction(locality.root))
