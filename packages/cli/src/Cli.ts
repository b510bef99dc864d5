/**
 * The `gridwork` command line: its root command and a runner over an argument list.
 *
 * @example
 * ```ts
 * import { NodeRuntime, NodeServices } from "@effect/platform-node"
 * import { Effect } from "effect"
 * import { Cli } from "@gridwork/cli"
 *
 * Cli.run(process.argv.slice(2)).pipe(Effect.provide(NodeServices.layer), NodeRuntime.runMain)
 * ```
 * @module
 */
import { ModuleRegistry } from "@gridwork/core"
import { Command } from "effect/cli"
import * as ModelCommand from "./ModelCommand"
import * as SimulateCommand from "./SimulateCommand"

/** The version printed by `gridwork --version`. */
export const version = "0.1.0"

/** The root command `gridwork` over a registry (default: the modules of `@gridwork/core`). */
export const make = (registry: ModuleRegistry.ModuleRegistry = ModuleRegistry.core) =>
  Command.make("gridwork").pipe(
    Command.withDescription("Gridwork: tools for grassroots governance locality models"),
    Command.withSubcommands([ModelCommand.make(registry), SimulateCommand.make(registry)])
  )

/** Runs `gridwork` with the given arguments (without the `node` and script paths). */
export const run = (args: ReadonlyArray<string>, registry: ModuleRegistry.ModuleRegistry = ModuleRegistry.core) =>
  Command.runWith(make(registry), { version })(args)
