import { execFileSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { connect } from "node:net"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { isAlive, postgresBinDir, startNatsServer, startPostgres } from "../src"

const canConnect = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host: "127.0.0.1", port })
    socket.once("connect", () => {
      socket.destroy()
      resolve(true)
    })
    socket.once("error", () => resolve(false))
  })

describe("test servers", () => {
  it("starts a private nats-server and stops it by PID", async () => {
    const nats = await startNatsServer()
    expect(nats.url).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/)
    expect(await canConnect(nats.port)).toBe(true)
    await nats.stop()
    expect(isAlive(nats.pid)).toBe(false)
  })

  it("starts a private PostgreSQL cluster, creates a database and stops it by PID", async () => {
    const pg = await startPostgres()
    const url = pg.createDatabase("gridwork_test")
    expect(url).toContain("/gridwork_test")
    const out = execFileSync(join(postgresBinDir()!, "psql"), [url, "-tAc", "SHOW fsync"]).toString().trim()
    expect(out).toBe("on")
    const postmaster = Number(readFileSync(join(pg.dataDir, "postmaster.pid"), "utf8").split("\n")[0])
    await pg.stop()
    expect(isAlive(pg.pid)).toBe(false)
    expect(isAlive(postmaster)).toBe(false)
  })
})
