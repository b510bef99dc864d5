/**
 * Loads locality model files through the `FileSystem` and `Path` services: reads the
 * model, reads the files it refers to (a GeoJSON of jurisdictions, relative to the
 * model), and parses and checks everything with `ModelParser.parseModel`. Every problem
 * (unreadable files included) arrives in one {@link LocalityModelError}.
 *
 * Provide the platform's services, e.g. `NodeServices.layer` from
 * `@effect/platform-node`.
 *
 * @example
 * ```ts
 * import { NodeRuntime, NodeServices } from "@effect/platform-node"
 * import { Console, Effect } from "effect"
 * import { ModelLoader, ModelSummary } from "@gridwork/core"
 *
 * ModelLoader.loadModel("examples/localities/lanxi-county.yaml").pipe(
 *   Effect.flatMap((model) => Console.log(ModelSummary.render(model))),
 *   Effect.provide(NodeServices.layer),
 *   NodeRuntime.runMain
 * )
 * ```
 * @module
 */
import { Context, Effect, FileSystem, Layer, Path, type PlatformError, Result } from "effect"
import type { LocalityModel } from "./LocalityModel"
import { LocalityModelError, ModelProblem } from "./LocalityModelError"
import * as ModelParser from "./ModelParser"
import * as ModuleRegistry from "./ModuleRegistry"

/** A short reason for a failed read: "no such file", "permission denied", or the platform's message. */
const reasonOf = (error: PlatformError.PlatformError): string => {
  const reason = error.reason
  if (reason._tag === "NotFound") return "no such file"
  if (reason._tag === "PermissionDenied") return "permission denied"
  return error.message
}

const unreadable = (file: string, reason: string): LocalityModelError =>
  new LocalityModelError({
    file,
    problems: [
      new ModelProblem({ file, path: "", rule: "file.unreadable", message: `cannot read the file: ${reason}` })
    ]
  })

/**
 * Reads, parses and checks the model file `file` against the modules of `registry`
 * (default: the modules of `@gridwork/core`).
 */
export const loadModel = Effect.fn("ModelLoader.loadModel")(function* (
  file: string,
  registry: ModuleRegistry.ModuleRegistry = ModuleRegistry.core
): Effect.fn.Return<LocalityModel, LocalityModelError, FileSystem.FileSystem | Path.Path> {
  const fs = yield* FileSystem.FileSystem
  const path = yield* Path.Path
  const text = yield* fs.readFileString(file).pipe(Effect.mapError((error) => unreadable(file, reasonOf(error))))
  const directory = path.dirname(file)
  const referenced = new Map<string, Result.Result<string, string>>()
  for (const reference of ModelParser.referencesOf(text, file)) {
    const content = yield* fs.readFileString(path.resolve(directory, reference)).pipe(
      Effect.map((content) => Result.succeed(content)),
      Effect.catch((error) => Effect.succeed(Result.fail(reasonOf(error))))
    )
    referenced.set(reference, content)
  }
  const parsed = ModelParser.parseModel(text, file, registry, {
    readFile: (reference) => referenced.get(reference) ?? Result.fail("not read by the loader")
  })
  return yield* Result.isSuccess(parsed) ? Effect.succeed(parsed.success) : Effect.fail(parsed.failure)
})

/** Loads locality models; the registry is fixed when the layer is built. */
export class ModelLoader extends Context.Service<
  ModelLoader,
  {
    /** Reads, parses and checks a model file. */
    readonly load: (file: string) => Effect.Effect<LocalityModel, LocalityModelError>
  }
>()("@gridwork/core/locality/ModelLoader") {
  /** A loader over the given registry (default: core modules), using `FileSystem` and `Path`. */
  static readonly layerWith = (
    registry: ModuleRegistry.ModuleRegistry
  ): Layer.Layer<ModelLoader, never, FileSystem.FileSystem | Path.Path> =>
    Layer.effect(
      ModelLoader,
      Effect.gen(function* () {
        const fs = yield* FileSystem.FileSystem
        const path = yield* Path.Path
        return ModelLoader.of({
          load: (file) =>
            loadModel(file, registry).pipe(
              Effect.provideService(FileSystem.FileSystem, fs),
              Effect.provideService(Path.Path, path)
            )
        })
      })
    )

  /**
   * A loader over in-memory files, for tests: `files` maps paths to texts; references
   * are looked up next to the model (`dir/model.yaml` + `j.geojson` → `dir/j.geojson`).
   */
  static readonly layerTest = (
    files: Readonly<Record<string, string>>,
    registry: ModuleRegistry.ModuleRegistry = ModuleRegistry.core
  ): Layer.Layer<ModelLoader> =>
    Layer.succeed(ModelLoader)(
      ModelLoader.of({
        load: (file) => {
          const text = files[file]
          if (text === undefined) return Effect.fail(unreadable(file, "no such file"))
          const parsed = ModelParser.parseModel(text, file, registry, {
            readFile: (reference) => {
              const content = files[ModelParser.siblingPath(file, reference)]
              return content === undefined ? Result.fail("no such file") : Result.succeed(content)
            }
          })
          return Result.isSuccess(parsed) ? Effect.succeed(parsed.success) : Effect.fail(parsed.failure)
        }
      })
    )

  /** A loader over the modules of `@gridwork/core`. */
  static readonly layer: Layer.Layer<ModelLoader, never, FileSystem.FileSystem | Path.Path> = ModelLoader.layerWith(
    ModuleRegistry.core
  )
}
