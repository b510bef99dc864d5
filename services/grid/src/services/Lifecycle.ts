/**
 * Whether the service is shutting down, for long responses that should end by
 * themselves when it does (server-sent event streams): the kit's draining switch,
 * read through a function `app.ts` connects once the app exists.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Lifecycle } from "@gridwork/service-grid"
 *
 * const { layer, connect } = Lifecycle.make()
 * // after ServiceApp.make(...): connect(app.tracker.isDraining)
 * ```
 * @module
 */
import { Context, Effect, Layer } from "effect"

/** The lifecycle service. */
export class Lifecycle extends Context.Service<
  Lifecycle,
  {
    /** True once the service has started to shut down. */
    readonly draining: Effect.Effect<boolean>
  }
>()("@gridwork/service-grid/services/Lifecycle") {}

/** A lifecycle layer and the function connecting it to the app's draining switch. */
export const make = (): {
  readonly layer: Layer.Layer<Lifecycle>
  readonly connect: (isDraining: () => boolean) => void
} => {
  let isDraining: () => boolean = () => false
  return {
    layer: Layer.succeed(Lifecycle)(Lifecycle.of({ draining: Effect.sync(() => isDraining()) })),
    connect: (source) => {
      isDraining = source
    }
  }
}
