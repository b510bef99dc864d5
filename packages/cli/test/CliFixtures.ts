/**
 * What the `gridwork` command tests share: the paths of the example localities and test
 * fixtures, and a runner of the command line that captures what it prints.
 */
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { NodeServices } from "@effect/platform-node"
import { Console, Effect } from "effect"
import { Cli } from "../src"

/** This test folder. */
export const here = dirname(fileURLToPath(import.meta.url))
/** The root of the repository. */
export const root = join(here, "..", "..", "..")
/** A file of `examples/localities`. */
export const example = (...path: ReadonlyArray<string>): string => join(root, "examples", "localities", ...path)
/** A file of `test/fixtures`. */
export const fixture = (name: string): string => join(here, "fixtures", name)

/** The Lanxi County model (a Chinese county under the 2022 Letters and Visits regulations). */
export const lanxi = example("lanxi-county.yaml")

/** Runs `gridwork <args>` in-process, capturing what it prints to standard output and error. */
export const gridwork = (...args: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const out: Array<string> = []
    const err: Array<string> = []
    const capture: Console.Console = {
      ...globalThis.console,
      log: (...parts: ReadonlyArray<unknown>) => void out.push(parts.map(String).join(" ")),
      error: (...parts: ReadonlyArray<unknown>) => void err.push(parts.map(String).join(" "))
    }
    const exit = yield* Effect.exit(Cli.run(args).pipe(Effect.provideService(Console.Console, capture)))
    return { exit, stdout: out.join("\n"), stderr: err.join("\n") }
  }).pipe(Effect.provide(NodeServices.layer))
