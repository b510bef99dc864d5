/**
 * The accountability service as a `ServiceApp`: its routes, and the layers behind them,
 * assembled from the parts the caller chooses (stores, transport, signing key, clock).
 *
 * Layers, bottom up: the locality, the stores and the signing key (with the clock the
 * caller gives: `TestClock` in tests) → the write path (`Matters`) → the reports, the
 * ledger audit (with its periodic checkpoints), the transport with the domain-event
 * consumers, and the deadline driver (which ticks matters whose warnings or due times
 * came). Every background fiber lives as long as the app's runtime: `dispose` (or
 * `Serve`'s graceful shutdown) stops them after the requests in flight.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { DevIssuer } from "@gridwork/service-kit"
 * import { App, Locality, SigningKey, Storage, Transport } from "@gridwork/service-accountability"
 *
 * declare const model: import("@gridwork/core").LocalityModel.LocalityModel
 * const issuer = await Effect.runPromise(DevIssuer.make({ issuer: "urn:dev", audience: "gridwork-accountability" }))
 * const app = App.make({
 *   locality: Locality.make(model),
 *   stores: Storage.layerMemory(model.locality.id),
 *   transport: Transport.layerInProcess(),
 *   signingKey: SigningKey.SigningKey.layerGenerated,
 *   authentication: issuer.verifierOptions
 * })
 * const response = await app.request("/health/ready")
 * ```
 * @module
 */
import { type Bus, Checkpoint, DeadlineSchedulerDriver, type Outbox } from "@gridwork/core"
import { LocalityService, type Route, ServiceApp } from "@gridwork/service-kit"
import { type Duration, Layer } from "effect"
import * as DomainEvents from "./DomainEvents"
import * as EventRoutes from "./EventRoutes"
import { LedgerAudit } from "./LedgerAudit"
import * as LedgerRoutes from "./LedgerRoutes"
import { Locality, type LocalityShape } from "./Locality"
import { Matters } from "./Matters"
import * as ObligationRoutes from "./ObligationRoutes"
import * as ReportRoutes from "./ReportRoutes"
import { Reports } from "./Reports"
import type { SigningKey } from "./SigningKey"
import * as SimulateRoutes from "./SimulateRoutes"
import { ledgerNameOf, type Stores } from "./Storage"

/** The service's version (OpenAPI `info.version`). */
export const VERSION = "0.1.0"

/** The services the routes and the background fibers use. */
export type Services<SR> = Locality | Stores | SR | SigningKey | Matters | Reports | LedgerAudit | Bus.Bus

/** Every route of the service. */
export const routes: ReadonlyArray<Route.Route<Services<never>>> = [
  EventRoutes.ingest,
  ...ObligationRoutes.routes,
  ...ReportRoutes.routes,
  ...LedgerRoutes.routes,
  SimulateRoutes.simulate
] as const

/**
 * What the service is assembled from; besides these, the kit's common options:
 * `authentication`, `idempotencyStore` (default in memory; with SQL stores use
 * `SqlIdempotencyStore.layer({ scope: "accountability" })`, which survives restarts),
 * `readiness` (e.g. `Storage.databaseReady`) and `log`.
 */
export interface Options<SE, TE, KE, SR, CL = never, IE = never>
  extends LocalityService.CommonOptions<Services<SR>, IE, SR> {
  /** The locality (a loaded model; see `Locality.make`). */
  readonly locality: LocalityShape
  /** The stores (`Storage.layerSql` or `Storage.layerMemory`). */
  readonly stores: Layer.Layer<Stores | SR, SE>
  /** The transport (`Transport.layerNats` or `Transport.layerInProcess`); it may use the stores' outbox. */
  readonly transport: Layer.Layer<Bus.Bus, TE, Outbox.Outbox>
  /** The key that signs ledger checkpoints. */
  readonly signingKey: Layer.Layer<SigningKey, KE>
  /** The clock of the whole service, e.g. `TestClock.layer()` (default: the real clock). */
  readonly clock?: Layer.Layer<CL> | undefined
  /** How often a ledger checkpoint is issued when the ledger grew (default 1 minute). */
  readonly checkpointEvery?: Duration.Input | undefined
  /** Consume domain events from the bus (default true). */
  readonly consumers?: boolean | undefined
  /** Tuning of the deadline driver (default: look at least every second, retry a failed firing after a minute). */
  readonly deadlines?: DeadlineSchedulerDriver.DriverOptions | undefined
}

/** The services the handlers and background fibers run with. */
export const layer = <SE, TE, KE, SR, CL = never, IE = never>(
  options: Options<SE, TE, KE, SR, CL, IE>
): Layer.Layer<Services<SR> | CL, SE | TE | KE> => {
  // Without a clock, CL is `never` (its default): the empty layer provides exactly that.
  const clock = options.clock ?? (Layer.empty as Layer.Layer<CL>)
  const foundation = Layer.mergeAll(Locality.fromShape(options.locality), options.stores, options.signingKey).pipe(
    Layer.provideMerge(clock)
  )
  const writePath = Matters.layer.pipe(Layer.provideMerge(foundation))
  const ledgerId = Checkpoint.LedgerId.make(ledgerNameOf(options.locality.id))
  const transport =
    options.consumers === false
      ? options.transport
      : DomainEvents.layerConsumers.pipe(Layer.provideMerge(options.transport))
  const driver = DeadlineSchedulerDriver.layer(
    (timer, token) => Matters.use((matters) => matters.onDeadline(timer, token)),
    options.deadlines ?? { maxTick: "1 second", retryAfter: "1 minute" }
  )
  return Layer.mergeAll(
    Reports.layer,
    LedgerAudit.layer(ledgerId, options.checkpointEvery ?? "1 minute"),
    transport,
    driver
  ).pipe(Layer.provideMerge(writePath))
}

/** Builds the service (throws an `Error` naming the option when an option is invalid). */
export const make = <SE, TE, KE, SR, CL = never, IE = never>(options: Options<SE, TE, KE, SR, CL, IE>) =>
  ServiceApp.make({
    info: {
      title: `Gridwork accountability service (${options.locality.model.locality.name})`,
      version: VERSION,
      description:
        "Obligations and their deadlines under the locality's policy, escalation, the hash-chained responsibility ledger with signed checkpoints, and backward tracing of responsibility (责任倒查)."
    },
    layer: layer(options),
    routes,
    ...LocalityService.appOptions(options, options.locality)
  })
