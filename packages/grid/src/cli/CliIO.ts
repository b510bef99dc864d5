/**
 * Where the `gridwork-grid` command writes: results on stdout, messages and progress on
 * stderr. A service, so the commands can run in-process against captured buffers.
 * @module
 */
import { Context, Effect, Layer } from "effect"

/** The command's output streams. */
export class CliIO extends Context.Service<
  CliIO,
  {
    /** Writes to stdout (results only). */
    readonly out: (text: string) => Effect.Effect<void>
    /** Writes to stderr (messages, progress). */
    readonly err: (text: string) => Effect.Effect<void>
    /** Writes to stderr at once, for progress callbacks called from synchronous code. */
    readonly errSync: (text: string) => void
    /** Whether stderr is a terminal (progress bars redraw in place only then). */
    readonly errIsTTY: boolean
  }
>()("@gridwork/grid/cli/CliIO") {
  /** The process's stdout and stderr. */
  static readonly layer: Layer.Layer<CliIO> = Layer.sync(CliIO, () =>
    CliIO.of({
      out: (text) => Effect.sync(() => void process.stdout.write(text)),
      err: (text) => Effect.sync(() => void process.stderr.write(text)),
      errSync: (text) => void process.stderr.write(text),
      errIsTTY: process.stderr.isTTY === true
    })
  )

  /** Captures everything written, for tests: read `buffers.out` / `buffers.err` afterwards. */
  static capture(errIsTTY = false): {
    readonly layer: Layer.Layer<CliIO>
    readonly buffers: { out: string; err: string }
  } {
    const buffers = { out: "", err: "" }
    const layer = Layer.succeed(
      CliIO,
      CliIO.of({
        out: (text) =>
          Effect.sync(() => {
            buffers.out += text
          }),
        err: (text) =>
          Effect.sync(() => {
            buffers.err += text
          }),
        errSync: (text) => {
          buffers.err += text
        },
        errIsTTY
      })
    )
    return { layer, buffers }
  }
}
