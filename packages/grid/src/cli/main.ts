/**
 * Entry point of the `gridwork-grid` executable (`dist/cli.js`, with a `#!/usr/bin/env node`
 * banner added by tsup). Sets the exit code and lets stdout drain before Node exits.
 * @module
 */
import { NodeFileSystem } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import * as Cli from "./Cli"
import { CliIO } from "./CliIO"

// A reader that stops early (`gridwork-grid locate ... | head`) closes the pipe: stop quietly.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0)
  throw error
})

Effect.runPromise(
  Cli.run(process.argv.slice(2)).pipe(Effect.provide(Layer.merge(NodeFileSystem.layer, CliIO.layer)))
).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    process.stderr.write(`gridwork-grid: internal error: ${String(error)}\n`)
    process.exitCode = 1
  }
)
