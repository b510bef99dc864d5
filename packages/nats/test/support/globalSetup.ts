/**
 * Starts the private nats-server and PostgreSQL server shared by the run's test files
 * (tests that restart a server start their own). Both binaries must be installed
 * (`apt-get install -y nats-server postgresql`): the suites never skip, they fail with
 * that instruction.
 */
import { startNatsServer, startPostgres } from "@gridwork/test-servers"
import type { TestProject } from "vitest/node"

declare module "vitest" {
  export interface ProvidedContext {
    /** The URL of the run's nats-server. */
    readonly natsUrl: string
    /** The URL of the run's PostgreSQL server (database `postgres`). */
    readonly postgresUrl: string
  }
}

const hint = (what: string, install: string, error: unknown): Error =>
  new Error(
    `the @gridwork/nats integration tests need ${what}: install it with \`${install}\`\n${error instanceof Error ? error.message : String(error)}`
  )

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [nats, postgres] = await Promise.allSettled([startNatsServer(), startPostgres()])
  const stopAll = async () => {
    if (nats.status === "fulfilled") await nats.value.stop()
    if (postgres.status === "fulfilled") await postgres.value.stop()
  }
  if (nats.status === "rejected") {
    await stopAll()
    throw hint("a real nats-server", "apt-get install -y nats-server (or set NATS_SERVER_BIN)", nats.reason)
  }
  if (postgres.status === "rejected") {
    await stopAll()
    throw hint("PostgreSQL", "apt-get install -y postgresql (or set PG_BIN_DIR)", postgres.reason)
  }
  project.provide("natsUrl", nats.value.url)
  project.provide("postgresUrl", postgres.value.url)
  return stopAll
}
