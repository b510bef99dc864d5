/**
 * `gridwork model …`: commands over locality model files.
 *
 * - `gridwork model show <file>` loads a model and prints its summary (locality,
 *   tiers, jurisdiction tree, calendar, units and roles, deadlines with their articles).
 * - `gridwork model check <file> [--json]` loads a model and prints every problem
 *   (file:line:column, path, message, rule), or a one-line confirmation.
 *
 * Both exit with status 1 when the model has problems. The commands load modules from
 * a {@link ModuleRegistry} (default: the modules of `@gridwork/core`); an application
 * that registers more modules builds its own command with {@link make}.
 *
 * @example
 * ```ts
 * import { ModuleRegistry } from "@gridwork/core"
 * import { ModelCommand } from "@gridwork/cli"
 *
 * const model = ModelCommand.make(ModuleRegistry.core) // .add(petition.manifest)
 * ```
 * @module
 */
import {
  type LocalityModelError,
  ModelLoader,
  ModelSummary,
  ModuleRegistry,
  ResponsibilityModule
} from "@gridwork/core"
import { Console, Effect, type FileSystem, type Path, Runtime, Schema } from "effect"
import { Argument, Command, Flag } from "effect/cli"

/**
 * The model has problems; they have been printed already. The CLI exits with status 1
 * without printing the error again.
 */
export class ModelInvalid extends Schema.TaggedError<ModelInvalid>()("ModelInvalid", {
  file: Schema.String,
  problems: Schema.Int
}) {
  override readonly [Runtime.errorReported] = false
}

const fileArgument = Argument.String("file").pipe(
  Argument.withDescription("Path of the locality model file (.yaml, .yml or .json)")
)

const invalid = (error: LocalityModelError.LocalityModelError) =>
  new ModelInvalid({ file: error.file, problems: error.problems.length })

/** Loads a model, or prints its problems to standard error and fails with {@link ModelInvalid}. */
const loadOrReport = (file: string, registry: ModuleRegistry.ModuleRegistry) =>
  ModelLoader.loadModel(file, registry).pipe(
    Effect.catchTag("LocalityModelError", (error) =>
      Console.error(error.render()).pipe(Effect.andThen(Effect.fail(invalid(error))))
    )
  )

/** `gridwork model show <file>` over a registry. */
export const makeShow = (registry: ModuleRegistry.ModuleRegistry) =>
  Command.make("show", { file: fileArgument }, ({ file }) =>
    loadOrReport(file, registry).pipe(Effect.flatMap((model) => Console.log(ModelSummary.render(model).trimEnd())))
  ).pipe(
    Command.withDescription("Print a readable summary of a locality model"),
    Command.withExamples([
      { command: "gridwork model show examples/localities/lanxi-county.yaml", description: "Summarize Lanxi County" }
    ])
  )

const problemJson = (p: LocalityModelError.ModelProblem) => ({
  file: p.file,
  path: p.path,
  rule: p.rule,
  message: p.message,
  ...(p.line === undefined ? {} : { line: p.line, column: p.column })
})

/** `gridwork model check <file> [--json]` over a registry. */
export const makeCheck = (registry: ModuleRegistry.ModuleRegistry) =>
  Command.make(
    "check",
    {
      file: fileArgument,
      json: Flag.Boolean("json").pipe(
        Flag.withDescription(
          "Print the result as JSON: { file, valid, problems: [{ file, path, rule, message, line, column }] }"
        ),
        Flag.withDefault(false)
      )
    },
    Effect.fnUntraced(function* ({
      file,
      json
    }): Effect.fn.Return<void, ModelInvalid, FileSystem.FileSystem | Path.Path> {
      const result = yield* Effect.result(ModelLoader.loadModel(file, registry))
      if (result._tag === "Failure") {
        const error = result.failure
        yield* Console.log(
          json
            ? JSON.stringify({ file, valid: false, problems: error.problems.map(problemJson) }, null, 2)
            : error.render()
        )
        return yield* invalid(error)
      }
      const model = result.success
      if (json) {
        yield* Console.log(JSON.stringify({ file, valid: true, problems: [] }, null, 2))
        return
      }
      const counts = [
        `${model.jurisdictions.size} jurisdictions`,
        `${model.organization.units.length} units`,
        `${model.organization.roles.length} roles`,
        `${ResponsibilityModule.deadlinesOf(model).length} deadlines`
      ]
      yield* Console.log(`${file}: valid locality model "${model.locality.name}" (${counts.join(", ")})`)
    })
  ).pipe(
    Command.withDescription("Check a locality model and print every problem; exit status 1 if there is any"),
    Command.withExamples([
      { command: "gridwork model check examples/localities/riverton-311.yaml", description: "Check Riverton" },
      { command: "gridwork model check model.yaml --json", description: "Problems as JSON, for CI" }
    ])
  )

/** `gridwork model` with its subcommands, over a registry. */
export const make = (registry: ModuleRegistry.ModuleRegistry = ModuleRegistry.core) =>
  Command.make("model").pipe(
    Command.withDescription("Show and check locality model files"),
    Command.withSubcommands([makeShow(registry), makeCheck(registry)])
  )
