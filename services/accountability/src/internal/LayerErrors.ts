/**
 * `Layer` has no `mapError`: this is one, through `Layer.catch`.
 * @internal
 * @module
 */
import { Effect, Layer } from "effect"

/** The layer with its typed error mapped by `f`. */
export const mapError =
  <E, E2>(f: (error: E) => E2) =>
  <A, R>(layer: Layer.Layer<A, E, R>): Layer.Layer<A, E2, R> =>
    Layer.catch(layer, (error: E) => Layer.effectContext(Effect.fail(f(error))))
