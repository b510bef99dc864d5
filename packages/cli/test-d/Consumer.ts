/**
 * A consumer of the BUILT package (`dist`, no `@gridwork/source` condition), compiled
 * with `nodenext` resolution, declaration emit and library checking by
 * `npm run test:declarations` (after `npm run build`; `turbo run test:declarations`
 * builds first). It fails when the published declarations lose a namespace value or a
 * type, degrade one to `any`, or declare one that a consumer's declaration emit cannot
 * name (TS2742/TS2883).
 */
import { Cli, ModelCommand, SimulateCommand } from "@gridwork/cli"
// The commands' types mention `ModuleRegistry.ModuleRegistry` of @gridwork/core. A consumer
// that emits declarations for them must import that namespace: TypeScript names a type
// behind `export * as` only through an import in scope, else TS2883 (see the README).
import type { ModuleRegistry } from "@gridwork/core"

// Values and types by name.
export const version: string = Cli.version
export const registryOf = (registry: ModuleRegistry.ModuleRegistry): ModuleRegistry.ModuleRegistry => registry
export const explain = (error: ModelCommand.ModelInvalid | SimulateCommand.SimulationInputInvalid): string =>
  error.message

// A string stays one (this line is an error unless the type degraded to `any`).
// @ts-expect-error the version is a string
export const notAVersion: number = Cli.version

// Inferred types the declaration emit has to name.
export const command = Cli.make()
export const run = Cli.run
export const modelCommand = ModelCommand.make
export const simulateCommand = SimulateCommand.make
