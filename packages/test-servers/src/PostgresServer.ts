import { execFileSync, spawn, spawnSync } from "node:child_process"
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir, userInfo } from "node:os"
import { join } from "node:path"
import { freePort, waitForPort } from "./FreePort"
import { stopProcess } from "./Process"

/** A private PostgreSQL cluster on a free loopback port. */
export interface PostgresServerHandle {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust authentication on loopback). */
  readonly url: string
  readonly port: number
  readonly pid: number
  readonly dataDir: string
  /** Creates a fresh database and returns its URL. */
  readonly createDatabase: (name: string) => string
  /** Stops the server by PID (SIGINT: fast shutdown) and removes its data directory. */
  readonly stop: () => Promise<void>
}

/** Directory holding initdb/postgres, or undefined when PostgreSQL is not installed. */
export const postgresBinDir = (): string | undefined => {
  if (process.env.PG_BIN_DIR) return process.env.PG_BIN_DIR
  const base = "/usr/lib/postgresql"
  if (!existsSync(base)) return undefined
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a))
  return versions[0] === undefined ? undefined : join(base, versions[0], "bin")
}

const isRoot = (): boolean => userInfo().uid === 0

/** `runuser` lives in /usr/sbin or /sbin, which a non-login PATH may lack. */
const runuserBinary = (): string =>
  ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser"].find((path) => existsSync(path)) ??
  "runuser"

/**
 * `initdb`s a private cluster in a temp directory and starts `postgres` on 127.0.0.1 and
 * a free port, with `fsync=on` (the system of record is durable in tests too). PostgreSQL
 * refuses to run as root, so as root the cluster runs as the `postgres` system user
 * (created by the Debian package). Install it with `apt-get install postgresql`.
 */
export const startPostgres = async (): Promise<PostgresServerHandle> => {
  const bin = postgresBinDir()
  if (bin === undefined) throw new Error("PostgreSQL is not installed: run `apt-get install -y postgresql`")
  const port = await freePort()
  const dataDir = mkdtempSync(join(tmpdir(), "gridwork-pg-"))
  const asUser = (command: string, args: ReadonlyArray<string>): [string, Array<string>] =>
    isRoot() ? [runuserBinary(), ["-u", "postgres", "--", command, ...args]] : [command, [...args]]
  if (isRoot()) {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim())
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim())
    chownSync(dataDir, uid, gid)
  }
  chmodSync(dataDir, 0o700)
  const [initCmd, initArgs] = asUser(join(bin, "initdb"), [
    "-D",
    dataDir,
    "-U",
    "postgres",
    "-A",
    "trust",
    "-E",
    "UTF8",
    "--no-locale"
  ])
  execFileSync(initCmd, initArgs, { stdio: "pipe" })
  const [cmd, args] = asUser(join(bin, "postgres"), [
    "-D",
    dataDir,
    "-p",
    String(port),
    "-c",
    "listen_addresses=127.0.0.1",
    "-c",
    `unix_socket_directories=${dataDir}`,
    "-c",
    "fsync=on",
    "-c",
    "max_connections=100"
  ])
  const child = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"] })
  let stderr = ""
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000)
  })
  try {
    await waitForPort(port, 30_000)
  } catch (error) {
    await stopProcess(child)
    throw new Error(`postgres did not start: ${String(error)}\n${stderr}`)
  }
  // The port opens before the server accepts queries ("the database system is starting
  // up"): wait until pg_isready says it accepts connections.
  const ready = join(bin, "pg_isready")
  const deadline = Date.now() + 30_000
  for (;;) {
    const status = spawnSync(ready, ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-q"]).status
    if (status === 0) break
    if (Date.now() > deadline) {
      await stopProcess(child)
      throw new Error(`postgres did not accept connections within 30 s\n${stderr}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  const postmasterPid = (): number | undefined => {
    try {
      const pid = Number(readFileSync(join(dataDir, "postmaster.pid"), "utf8").split("\n")[0])
      return Number.isInteger(pid) && pid > 0 ? pid : undefined
    } catch {
      return child.pid
    }
  }
  const signalPostmaster = (signal: NodeJS.Signals): void => {
    const pid = postmasterPid()
    if (pid === undefined) return
    try {
      process.kill(pid, signal)
    } catch {
      // already gone
    }
  }
  // A test process that exits without running its teardown must not leave the server behind.
  const killOnExit = (): void => signalPostmaster("SIGQUIT")
  process.once("exit", killOnExit)
  const psql = join(bin, "psql")
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`
  return {
    url,
    port,
    pid: child.pid ?? -1,
    dataDir,
    createDatabase: (name) => {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`invalid database name: ${name}`)
      execFileSync(psql, ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-c", `CREATE DATABASE ${name}`], {
        stdio: "pipe"
      })
      return `postgres://postgres@127.0.0.1:${port}/${name}`
    },
    stop: async () => {
      process.off("exit", killOnExit)
      // SIGINT to the postmaster is PostgreSQL's "fast" shutdown: it does not wait for
      // clients to disconnect. The direct child may be `runuser`, so signal the postmaster.
      const exited = new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) resolve()
        else child.once("exit", () => resolve())
      })
      signalPostmaster("SIGINT")
      const timer = setTimeout(() => signalPostmaster("SIGQUIT"), 10_000)
      let giveUp: NodeJS.Timeout | undefined
      await Promise.race([exited, new Promise((resolve) => (giveUp = setTimeout(resolve, 15_000)))])
      clearTimeout(timer)
      clearTimeout(giveUp)
      await stopProcess(child, 1_000)
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
}
