import { assert, describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import { IdempotencyStore, Serve, ServiceApp } from "../src/index"
import { Gate, makeFixture, newKey } from "./support/NotesService"

const post = (url: string, value: number) =>
  fetch(`${url}/slow`, {
    method: "POST",
    body: JSON.stringify({ value }),
    headers: { "content-type": "application/json", "idempotency-key": newKey() }
  })

describe("Serve", () => {
  it("serves over HTTP and, on shutdown, drains the request in flight, then runs drain hooks and disposes the runtime", async () => {
    const { app } = await makeFixture({ testClock: false })
    const events: Array<string> = []
    app.onShutdown(
      "consumer",
      Effect.sync(() => {
        events.push("consumer drained")
      })
    )
    app.onShutdown(
      "relay",
      Effect.sync(() => {
        events.push("relay drained")
      })
    )
    const server = await Serve.serve(app, { port: 0 })
    assert.isAbove(server.port, 0)
    const live = await fetch(`${server.url}/health/live`)
    assert.strictEqual(live.status, 200)

    const inFlight = post(server.url, 7)
    await app.run(Gate.use((gate) => gate.entered))
    assert.isAbove(app.tracker.inFlight(), 0)
    const shutdown = server.shutdown()
    let shutdownDone = false
    void shutdown.then(() => {
      shutdownDone = true
    })
    await app.run(Effect.yieldNow)
    assert.isTrue(app.tracker.isDraining())
    assert.isFalse(shutdownDone, "shutdown waits for the request in flight")
    assert.deepStrictEqual(events, [], "hooks run after draining")
    await app.run(Gate.use((gate) => gate.open))
    const response = await inFlight
    assert.strictEqual(response.status, 200)
    assert.strictEqual(((await response.json()) as { value: number }).value, 7)
    await shutdown
    assert.deepStrictEqual(events, ["consumer drained", "relay drained"])
    let refused = false
    try {
      await fetch(`${server.url}/health/live`)
    } catch {
      refused = true
    }
    assert.isTrue(refused, "the port no longer accepts connections")
    assert.strictEqual(server.server.listening, false)
    await server.shutdown()
  })

  it("stops waiting for requests in flight after the shutdown time limit", async () => {
    const { app } = await makeFixture({ testClock: false })
    const server = await Serve.serve(app, { port: 0, shutdownTimeoutMs: 50 })
    const stuck = post(server.url, 1).then(
      (response) => response.status,
      () => "connection closed"
    )
    await app.run(Gate.use((gate) => gate.entered))
    await server.shutdown()
    assert.strictEqual(await stuck, "connection closed")
  })

  it("keeps running hooks when one fails", async () => {
    const { app, logs } = await makeFixture({ testClock: false })
    const ran: Array<string> = []
    app.onShutdown("broken", Effect.fail(new Error("cannot drain")))
    app.onShutdown(
      "next",
      Effect.sync(() => {
        ran.push("next")
      })
    )
    const server = await Serve.serve(app, { port: 0 })
    await server.shutdown()
    assert.deepStrictEqual(ran, ["next"])
    assert.isTrue(logs.some((line) => line.includes("shutdown hook broken failed")))
  })

  it("refuses invalid options and reports a port in use", async () => {
    const { app } = await makeFixture({ testClock: false })
    await expect(Serve.serve(app, { port: 70_000 })).rejects.toThrow(/\/port/)
    const first = await Serve.serve(app, { port: 0 })
    await expect(Serve.serve(app, { port: first.port })).rejects.toThrow(/EADDRINUSE/)
    await first.shutdown()
  })

  it("does not listen when the app's layers cannot be built", async () => {
    class DatabaseDown extends Schema.TaggedError<DatabaseDown>()("DatabaseDown", {}) {}
    const app = ServiceApp.make({
      info: { title: "broken", version: "1" },
      layer: Layer.effectDiscard(Effect.fail(new DatabaseDown())),
      idempotencyStore: IdempotencyStore.IdempotencyStore.layerMemory,
      routes: [],
      log: { sink: () => undefined }
    })
    await expect(Serve.serve(app, { port: 0 })).rejects.toMatchObject({ _tag: "DatabaseDown" })
    const ready = await app.request("/health/ready")
    assert.strictEqual(ready.status, 503)
  })
})
