/**
 * Starts the private PostgreSQL server of the test run and builds the embedded
 * database template (a PGlite directory with every migration applied), so that each
 * test file gets a fresh copy without running `initdb` again.
 *
 * PostgreSQL must be installed (`apt-get install -y postgresql`): the suites never
 * skip, they fail with that instruction.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { startPostgres } from "@gridwork/test-servers"
import { Effect, Layer } from "effect"
import type { TestProject } from "vitest/node"
import * as SqlStore from "../../src/SqlStore"

declare module "vitest" {
  export interface ProvidedContext {
    /** The URL of the test run's PostgreSQL server (database `postgres`). */
    readonly postgresUrl: string
    /** A migrated embedded database directory to copy. */
    readonly embeddedTemplate: string
  }
}

const buildTemplate = async (): Promise<string> => {
  const dir = mkdtempSync(join(tmpdir(), "gridwork-pglite-template-"))
  await Effect.runPromise(Effect.scoped(Layer.build(SqlStore.layer({ dataDir: dir }))))
  return dir
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [server, template] = await Promise.all([startPostgres(), buildTemplate()])
  project.provide("postgresUrl", server.url)
  project.provide("embeddedTemplate", template)
  return async () => {
    await server.stop()
    rmSync(template, { recursive: true, force: true })
  }
}
