import { spawn } from "node:child_process"
import { existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { freePort, waitForPort } from "./FreePort"
import { stopProcess } from "./Process"

/** A private nats-server with JetStream on a free loopback port. */
export interface NatsServerHandle {
  readonly url: string
  readonly port: number
  readonly pid: number
  readonly storeDir: string
  /** Stops the server by PID (SIGTERM, then SIGKILL) and removes its store unless `keepStore`. */
  readonly stop: (options?: { readonly keepStore?: boolean }) => Promise<void>
}

const candidates = ["/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server"]

/** Path of the nats-server binary, or undefined when it is not installed. */
export const natsServerBinary = (): string | undefined =>
  process.env.NATS_SERVER_BIN ?? candidates.find((path) => existsSync(path))

/**
 * Starts `nats-server -js` on 127.0.0.1 and a free port with file storage in a temp
 * directory (or `storeDir`, to restart on the same data). Install it with
 * `apt-get install nats-server` (`.ci/run` does this).
 */
export const startNatsServer = async (
  options: { readonly storeDir?: string; readonly port?: number } = {}
): Promise<NatsServerHandle> => {
  const binary = natsServerBinary()
  if (binary === undefined) throw new Error("nats-server is not installed: run `apt-get install -y nats-server`")
  const port = options.port ?? (await freePort())
  const storeDir = options.storeDir ?? mkdtempSync(join(tmpdir(), "gridwork-nats-"))
  const child = spawn(binary, ["-js", "-a", "127.0.0.1", "-p", String(port), "-sd", storeDir], {
    stdio: ["ignore", "ignore", "pipe"]
  })
  let stderr = ""
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000)
  })
  try {
    await waitForPort(port)
  } catch (error) {
    await stopProcess(child)
    throw new Error(`nats-server did not start: ${String(error)}\n${stderr}`)
  }
  // A test process that exits without running its teardown must not leave the server behind.
  const killOnExit = (): void => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, "SIGKILL")
  }
  process.once("exit", killOnExit)
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    pid: child.pid ?? -1,
    storeDir,
    stop: async ({ keepStore = false } = {}) => {
      process.off("exit", killOnExit)
      await stopProcess(child)
      if (!keepStore) rmSync(storeDir, { recursive: true, force: true })
    }
  }
}
