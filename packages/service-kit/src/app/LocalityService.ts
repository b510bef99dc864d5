/**
 * The options every locality service's `App.make` shares, and how they become
 * `ServiceApp.make` options: JWT verification, where `Idempotency-Key`s are kept
 * (default in memory), extra readiness checks, logging, and authorization from the
 * locality's role grants and jurisdiction tree.
 *
 * @example
 * ```ts
 * import { LocalityService, ServiceApp } from "@gridwork/service-kit"
 *
 * interface Options extends LocalityService.CommonOptions<never, never, never> {
 *   readonly locality: LocalityService.Locality
 * }
 * declare const routes: ReadonlyArray<import("@gridwork/service-kit").Route.Route<never>>
 * declare const layer: import("effect").Layer.Layer<never>
 * const make = (options: Options) =>
 *   ServiceApp.make({
 *     info: { title: `Demo (${options.locality.model.locality.name})`, version: "0.1.0" },
 *     layer,
 *     routes,
 *     ...LocalityService.appOptions(options, options.locality)
 *   })
 * ```
 * @module
 */
import type { Layer } from "effect"
import type * as Authorization from "../auth/Authorization"
import type * as JwtVerifier from "../auth/JwtVerifier"
import type { ReadinessCheck } from "../health/Health"
import { IdempotencyStore } from "../idempotency/IdempotencyStore"
import type * as JsonLogger from "../log/JsonLogger"

/** What a service needs of its locality to authorize requests and title itself. */
export interface Locality {
  /** The permissions each role grants (e.g. `{ leader: ["responsibility.*"] }`). */
  readonly roleGrants: Readonly<Record<string, ReadonlyArray<string>>>
  /** Whether jurisdiction `code` lies within `scope` (or is it). */
  readonly isWithin: (code: string, scope: string) => boolean
  /** The loaded model (its name goes into the OpenAPI title). */
  readonly model: { readonly locality: { readonly name: string } }
}

/**
 * The options every locality service takes besides its own layers: `R` is what the
 * idempotency store may use, `IE` its error, `SR` what readiness checks may use.
 */
export interface CommonOptions<R, IE, SR> {
  /** JWT verification (an identity provider's JWKS, or a `DevIssuer`'s `verifierOptions`). */
  readonly authentication: JwtVerifier.Options
  /**
   * Where `Idempotency-Key`s are kept (default in memory; in production
   * `SqlIdempotencyStore.layer({ scope })` on the stores' database, which survives restarts).
   */
  readonly idempotencyStore?: Layer.Layer<IdempotencyStore, IE, R> | undefined
  /** Readiness checks besides the kit's (e.g. a database round trip). */
  readonly readiness?: ReadonlyArray<ReadinessCheck<SR>> | undefined
  /** Logging (default JSON lines on stdout). */
  readonly log?: JsonLogger.Options | undefined
}

/** The `ServiceApp.make` options {@link appOptions} fills in. */
export interface AppOptions<R, IE, SR> {
  /** The given store, or the in-memory one. */
  readonly idempotencyStore: Layer.Layer<IdempotencyStore, IE, R>
  /** As given. */
  readonly authentication: JwtVerifier.Options
  /** The locality's role grants and jurisdiction containment. */
  readonly authorization: Authorization.Options
  /** As given. */
  readonly readiness: ReadonlyArray<ReadinessCheck<SR>> | undefined
  /** As given. */
  readonly log: JsonLogger.Options | undefined
}

/** The shared part of a locality service's `ServiceApp.make` options. */
export const appOptions = <R = never, IE = never, SR = never>(
  options: CommonOptions<R, IE, SR>,
  locality: Locality
): AppOptions<R, IE, SR> => ({
  idempotencyStore: options.idempotencyStore ?? IdempotencyStore.layerMemory,
  authentication: options.authentication,
  authorization: { roles: locality.roleGrants, isWithin: locality.isWithin },
  readiness: options.readiness,
  log: options.log
})
