/**
 * The `gridwork-grid` command line: parses the arguments, runs the command and turns the
 * outcome into an exit code — `0` done, `1` invalid input (message on stderr), `2` usage
 * error (message and usage on stderr), `3` audit found errors under `--strict`.
 * Results go to stdout only; messages and progress to stderr.
 *
 * In-process (as the tests do), with the output captured:
 * ```ts
 * const { layer, buffers } = CliIO.capture()
 * const code = await Effect.runPromise(
 *   Cli.run(["locate", "grids.geojson", "--points", "points.csv"]).pipe(
 *     Effect.provide(Layer.merge(layer, NodeFileSystem.layer))
 *   )
 * )
 * buffers.out // "id,grid_id\n..."
 * ```
 * @module
 */
import { Effect, type FileSystem, Result } from "effect"
import * as CliArgs from "./CliArgs"
import * as CliCommands from "./CliCommands"
import { CliIO } from "./CliIO"

const dispatch = (
  args: CliArgs.CliArgs
): Effect.Effect<number, CliCommands.CliInputError, CliIO | FileSystem.FileSystem> => {
  switch (args.command) {
    case "help":
      return Effect.flatMap(Effect.service(CliIO), (io) => Effect.as(io.out(CliArgs.usage), 0))
    case "locate":
      return CliCommands.locate(args)
    case "audit":
      return CliCommands.audit(args)
    case "partition":
      return CliCommands.partition(args)
  }
}

/** Runs `gridwork-grid` with `argv` (without `node` and the script path); never fails. */
export const run = Effect.fn("Cli.run")(function* (argv: ReadonlyArray<string>) {
  const io = yield* CliIO
  const parsed = CliArgs.parse(argv)
  if (Result.isFailure(parsed)) {
    yield* io.err(`gridwork-grid: ${parsed.failure.message}\n\n${CliArgs.usage}`)
    return 2
  }
  return yield* dispatch(parsed.success).pipe(
    Effect.catchTag("CliInputError", (error) => Effect.as(io.err(`gridwork-grid: error: ${error.message}\n`), 1)),
    Effect.catchDefect((defect) =>
      Effect.as(
        io.err(
          `gridwork-grid: internal error (please report it): ${defect instanceof Error ? (defect.stack ?? defect.message) : String(defect)}\n`
        ),
        1
      )
    )
  )
})
