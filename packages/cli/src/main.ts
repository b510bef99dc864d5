/**
 * Entry point of the `gridwork` executable (`dist/main.js`, with a `#!/usr/bin/env node`
 * banner added by tsup).
 * @module
 */
import { NodeRuntime, NodeServices } from "@effect/platform-node"
import { Effect } from "effect"
import * as Cli from "./Cli"

Cli.run(process.argv.slice(2)).pipe(Effect.provide(NodeServices.layer), NodeRuntime.runMain)
