import { assert, describe, it } from "@effect/vitest"
import { Cause, ConfigProvider, Effect, Exit, Fiber, Option, Scope } from "effect"
import { ServiceMain } from "../src/index"
import { makeFixture } from "./support/NotesService"

const development = Effect.provide(ConfigProvider.layer(ConfigProvider.fromUnknown({ NODE_ENV: "development" })))

describe("ServiceMain", () => {
  it.effect("verifies with the identity provider's JWKS, or runs a development issuer", () =>
    Effect.gen(function* () {
      const jwks = yield* ServiceMain.authentication({
        _tag: "Jwks",
        jwksUrl: "https://id.example/jwks.json",
        issuer: "https://id.example",
        audience: "gridwork-demo"
      })
      assert.deepStrictEqual(jwks.verifier, {
        issuer: "https://id.example",
        audience: "gridwork-demo",
        jwks: { url: "https://id.example/jwks.json" }
      })
      assert.isTrue(Option.isNone(jwks.devIssuer))
      const dev = yield* ServiceMain.authentication({ _tag: "Dev", issuer: "urn:dev", audience: "gridwork-demo" }).pipe(
        development
      )
      assert.isTrue(Option.isSome(dev.devIssuer))
      assert.strictEqual(dev.verifier.issuer, "urn:dev")
    })
  )

  it("describes the bus", () => {
    assert.strictEqual(ServiceMain.describeBus(undefined), "in-process (set NATS_URL for NATS JetStream)")
    assert.strictEqual(ServiceMain.describeBus("nats://nats:4222"), "NATS JetStream at nats://nats:4222")
  })

  it("serves, prints the banner, and shuts down gracefully when its scope closes", async () => {
    const { app } = await makeFixture({ testClock: false })
    const banner: Array<string> = []
    let url = ""
    const scope = Scope.makeUnsafe()
    const fiber = Effect.runFork(
      ServiceMain.serve({
        app,
        port: 0,
        host: "127.0.0.1",
        name: "notes service",
        stopping: "stopping notes",
        banner: (served) =>
          Effect.sync(() => {
            url = served
            banner.push("", `Notes at ${served}`)
            return banner
          })
      }).pipe(Scope.provide(scope))
    )
    await Effect.runPromise(Effect.yieldNow)
    while (url === "") await new Promise((resolve) => setTimeout(resolve, 10))
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/)
    const live = await fetch(`${url}/health/live`)
    assert.strictEqual(live.status, 200)
    await Effect.runPromise(Fiber.interrupt(fiber))
    await Effect.runPromise(Scope.close(scope, Exit.void))
    const refused = await fetch(`${url}/health/live`).then(
      () => false,
      () => true
    )
    assert.isTrue(refused)
  })

  it("fails with ServiceStartFailed when the port is taken", async () => {
    const first = await makeFixture({ testClock: false })
    const second = await makeFixture({ testClock: false })
    const scope = Scope.makeUnsafe()
    let url = ""
    const running = Effect.runFork(
      ServiceMain.serve({
        app: first.app,
        port: 0,
        host: "127.0.0.1",
        name: "first",
        stopping: "stopping first",
        banner: (served) =>
          Effect.sync(() => {
            url = served
            return []
          })
      }).pipe(Scope.provide(scope))
    )
    while (url === "") await new Promise((resolve) => setTimeout(resolve, 10))
    const port = Number(new URL(url).port)
    const exit = await Effect.runPromiseExit(
      Effect.scoped(
        ServiceMain.serve({ app: second.app, port, host: "127.0.0.1", name: "second", stopping: "stopping second" })
      )
    )
    await Effect.runPromise(Fiber.interrupt(running))
    await Effect.runPromise(Scope.close(scope, Exit.void))
    await second.app.dispose()
    assert.isTrue(Exit.isFailure(exit))
    if (Exit.isFailure(exit)) {
      const error = Cause.findErrorOption(exit.cause)
      assert.isTrue(Option.isSome(error))
      if (Option.isSome(error)) {
        assert.strictEqual(error.value._tag, "ServiceStartFailed")
        assert.include(error.value.message, "the service did not start")
      }
    }
  })
})
