import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { Gate, makeFixture } from "./support/NotesService"

describe("Health", () => {
  it("answers liveness without checking anything", async () => {
    const { app } = await makeFixture()
    app.addReadinessCheck({ name: "database", check: Effect.fail("down") })
    const response = await app.request("/health/live")
    assert.strictEqual(response.status, 200)
    assert.deepStrictEqual(await response.json(), { status: "live" })
  })

  it("is ready when every registered check is up", async () => {
    const { app } = await makeFixture()
    const empty = await app.request("/health/ready")
    assert.strictEqual(empty.status, 200)
    assert.deepStrictEqual(await empty.json(), { status: "ready", checks: [] })
    app.addReadinessCheck({ name: "database", check: Effect.void })
    app.addReadinessCheck({ name: "nats", check: Effect.succeed("connected") })
    const ready = await app.request("/health/ready")
    assert.strictEqual(ready.status, 200)
    assert.deepStrictEqual(await ready.json(), {
      status: "ready",
      checks: [
        { name: "database", status: "up" },
        { name: "nats", status: "up" }
      ]
    })
  })

  it("answers 503 with the failing checks, logging why but not returning it", async () => {
    const { app, logs } = await makeFixture()
    app.addReadinessCheck({ name: "database", check: Effect.void })
    app.addReadinessCheck({ name: "nats", check: Effect.fail(new Error("connection refused at 10.0.0.7:4222")) })
    const response = await app.request("/health/ready")
    assert.strictEqual(response.status, 503)
    assert.strictEqual(response.headers.get("content-type"), "application/problem+json")
    const body = (await response.json()) as { status: number; checks: ReadonlyArray<{ name: string; status: string }> }
    assert.strictEqual(body.status, 503)
    assert.deepStrictEqual(body.checks, [
      { name: "database", status: "up" },
      { name: "nats", status: "down" }
    ])
    assert.notInclude(JSON.stringify(body), "10.0.0.7")
    assert.isTrue(logs.some((line) => line.includes("readiness check nats failed") && line.includes("10.0.0.7")))
  })

  it("counts a check that exceeds its time limit as timeout", async () => {
    const { app } = await makeFixture()
    app.addReadinessCheck({ name: "slow", check: Gate.use((gate) => gate.wait), timeoutMs: 500 })
    const pending = app.request("/health/ready")
    await app.run(Gate.use((gate) => gate.entered))
    await app.run(TestClock.adjust(500))
    const response = await pending
    assert.strictEqual(response.status, 503)
    assert.deepStrictEqual(((await response.json()) as { checks: unknown }).checks, [
      { name: "slow", status: "timeout" }
    ])
  })

  it("is not ready while draining, but still live; other requests are refused", async () => {
    const { app } = await makeFixture()
    app.tracker.startDraining()
    const ready = await app.request("/health/ready")
    assert.strictEqual(ready.status, 503)
    assert.include(((await ready.json()) as { detail: string }).detail, "shutting down")
    assert.strictEqual((await app.request("/health/live")).status, 200)
    const other = await app.request("/notes")
    assert.strictEqual(other.status, 503)
    assert.strictEqual(other.headers.get("connection"), "close")
  })
})
