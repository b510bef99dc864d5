/**
 * The grid service as a `ServiceApp`: its routes, and the layers behind them,
 * assembled from the parts the caller chooses (stores, transport, compute pool).
 *
 * Layers, bottom up: the locality, the stores (event store with outbox, artefacts), the
 * compute pool (worker threads) and the lifecycle switch → unit sets and grid versions
 * → rosters → partition jobs (with their runner fibers) and the transport (the outbox
 * relay). Every background fiber and worker thread lives as long as the app's runtime:
 * `dispose` (or `Serve`'s graceful shutdown) cancels running jobs — recorded as failed
 * with code `cancelled` — after the requests in flight.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { DevIssuer } from "@gridwork/service-kit"
 * import { App, ComputePool, Locality, Storage, Transport } from "@gridwork/service-grid"
 *
 * declare const model: import("@gridwork/core").LocalityModel.LocalityModel
 * const issuer = await Effect.runPromise(DevIssuer.make({ issuer: "urn:dev", audience: "gridwork-grid" }))
 * const app = App.make({
 *   locality: Locality.make(model),
 *   stores: Storage.layerMemory(model.locality.id),
 *   transport: Transport.layerInProcess(),
 *   compute: ComputePool.ComputePool.layer({ size: 2 }),
 *   authentication: issuer.verifierOptions
 * })
 * const response = await app.request("/health/ready")
 * ```
 * @module
 */
import type { Bus, Outbox } from "@gridwork/core"
import { LocalityService, type Route, ServiceApp } from "@gridwork/service-kit"
import { Layer } from "effect"
import type { ComputePool } from "./compute/ComputePool"
import { Locality, type LocalityShape } from "./config/Locality"
import * as AuditRoutes from "./http/AuditRoutes"
import * as GridRoutes from "./http/GridRoutes"
import * as JobRoutes from "./http/JobRoutes"
import * as RosterRoutes from "./http/RosterRoutes"
import * as UnitSetRoutes from "./http/UnitSetRoutes"
import * as VersionRoutes from "./http/VersionRoutes"
import { GridVersions } from "./services/GridVersions"
import * as Lifecycle from "./services/Lifecycle"
import { PartitionJobs } from "./services/PartitionJobs"
import { Rosters } from "./services/Rosters"
import { UnitSets } from "./services/UnitSets"
import type { Stores } from "./storage/Storage"

/** The service's version (OpenAPI `info.version`). */
export const VERSION = "0.1.0"

/** The services the routes use. */
export type Services<SR> =
  | Locality
  | Stores
  | SR
  | ComputePool
  | Lifecycle.Lifecycle
  | UnitSets
  | GridVersions
  | Rosters
  | PartitionJobs
  | Bus.Bus

/** Every route of the service. */
export const routes: ReadonlyArray<Route.Route<Services<never>>> = [
  ...UnitSetRoutes.routes,
  ...JobRoutes.routes,
  ...VersionRoutes.routes,
  ...GridRoutes.routes,
  ...RosterRoutes.routes,
  ...AuditRoutes.routes
]

/**
 * What the service is assembled from; besides these, the kit's common options:
 * `authentication`, `idempotencyStore` (default in memory; in production
 * `SqlIdempotencyStore.layer({ scope: "grid" })` on the stores' database), `readiness`
 * (e.g. a database round trip) and `log`.
 */
export interface Options<SE, TE, SR, IE = never> extends LocalityService.CommonOptions<Services<SR>, IE, SR> {
  /** The locality (a loaded model; see `Locality.make`). */
  readonly locality: LocalityShape
  /** The stores (`Storage.layerSql` or `Storage.layerMemory`). */
  readonly stores: Layer.Layer<Stores | SR, SE>
  /** The transport (`Transport.layerNats` or `Transport.layerInProcess`); it relays the stores' outbox. */
  readonly transport: Layer.Layer<Bus.Bus, TE, Outbox.Outbox>
  /** Where partitions, validations and audits run (`ComputePool.layer({ size })`). */
  readonly compute: Layer.Layer<ComputePool>
  /** Partition jobs run at once (default 1). */
  readonly jobConcurrency?: number | undefined
  /** Largest request body in bytes (default 50 MiB: unit uploads). */
  readonly bodyLimitBytes?: number | undefined
}

/** The largest request body by default: 50 MiB. */
export const DEFAULT_BODY_LIMIT = 50 * 1024 * 1024

/** The services the handlers and background fibers run with, and the lifecycle switch to connect. */
export const layer = <SE, TE, SR, IE = never>(options: Options<SE, TE, SR, IE>) => {
  const lifecycle = Lifecycle.make()
  const foundation = Layer.mergeAll(
    Layer.succeed(Locality)(options.locality),
    options.stores,
    options.compute,
    lifecycle.layer
  )
  const records = Layer.merge(UnitSets.layer, GridVersions.layer).pipe(Layer.provideMerge(foundation))
  const rosters = Rosters.layer.pipe(Layer.provideMerge(records))
  const services: Layer.Layer<Services<SR>, SE | TE> = Layer.merge(
    PartitionJobs.layer({ concurrency: options.jobConcurrency ?? 1 }),
    options.transport
  ).pipe(Layer.provideMerge(rosters))
  return { layer: services, connect: lifecycle.connect }
}

/** Builds the service (throws an `Error` naming the option when an option is invalid). */
export const make = <SE, TE, SR, IE = never>(options: Options<SE, TE, SR, IE>) => {
  const assembled = layer(options)
  const app = ServiceApp.make({
    info: {
      title: `Gridwork grid service (${options.locality.model.locality.name})`,
      version: VERSION,
      description:
        "Service grids (网格): upload units, partition them into grids that keep communities whole in background jobs with live progress, publish grid versions with stable ids (retired ids are never reused), locate points, keep rosters and check staffing, audit coverage."
    },
    layer: assembled.layer,
    routes,
    ...LocalityService.appOptions(options, options.locality),
    bodyLimitBytes: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT,
    // Uploads and audits may take up to 5 minutes; an in-flight key's lease must outlast them.
    idempotency: { leaseMs: 6 * 60 * 1000 }
  })
  assembled.connect(app.tracker.isDraining)
  return app
}
