/**
 * `@gridwork/cli`: the `gridwork` command line, and its commands for embedding in other
 * Effect command lines.
 * @packageDocumentation
 */
export * as Cli from "./Cli"
export * as ModelCommand from "./ModelCommand"
export * as SimulateCommand from "./SimulateCommand"
