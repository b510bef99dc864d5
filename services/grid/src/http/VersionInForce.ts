/**
 * The grid version in force, as every read route needs it: the caller's token must lie
 * in the locality, and no published version is a 404 problem.
 * @module
 */
import type { Authorization, HttpProblem, RequestContext } from "@gridwork/service-kit"
import { Effect } from "effect"
import type { Locality } from "../config/Locality"
import { GridVersions, type LoadedVersion } from "../services/GridVersions"
import * as Access from "./Access"
import * as Problems from "./Problems"

/** Loads the version in force; 404 when none is published, 503 when storage is unavailable. */
export const load: Effect.Effect<
  LoadedVersion,
  HttpProblem.HttpProblem,
  GridVersions | Locality | RequestContext.RequestContext | Authorization.Authorizer
> = Effect.gen(function* () {
  yield* Access.inLocality
  const versions = yield* GridVersions
  return yield* versions.load(0).pipe(
    Problems.orUnavailable,
    Effect.catchTag("VersionNotFound", (error) => Problems.notFound(error.message))
  )
})
