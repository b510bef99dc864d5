import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { DevIssuer, IdempotencyStore, LocalityService, ServiceApp } from "../src/index"

const locality: LocalityService.Locality = {
  roleGrants: { planner: ["grid.*"], viewer: ["grid.read"] },
  isWithin: (code, scope) => code === scope || code.startsWith(`${scope}.`),
  model: { locality: { name: "Demo County" } }
}

describe("LocalityService", () => {
  it.effect("keeps the given options, defaults the idempotency store to memory and authorizes with the locality", () =>
    Effect.gen(function* () {
      const issuer = yield* DevIssuer.make({ issuer: "urn:dev", audience: "gridwork-demo" })
      const defaults = LocalityService.appOptions({ authentication: issuer.verifierOptions }, locality)
      assert.strictEqual(defaults.idempotencyStore, IdempotencyStore.IdempotencyStore.layerMemory)
      assert.strictEqual(defaults.authentication, issuer.verifierOptions)
      assert.strictEqual(defaults.authorization.roles, locality.roleGrants)
      assert.isTrue(defaults.authorization.isWithin?.("demo.north", "demo"))
      assert.isFalse(defaults.authorization.isWithin?.("other", "demo"))
      assert.isUndefined(defaults.readiness)
      assert.isUndefined(defaults.log)

      const store = IdempotencyStore.IdempotencyStore.layerMemory.pipe(Layer.fresh)
      const readiness = [{ name: "database", check: Effect.void }]
      const log = { minimumLevel: "Warn" as const }
      const given = LocalityService.appOptions(
        { authentication: issuer.verifierOptions, idempotencyStore: store, readiness, log },
        locality
      )
      assert.strictEqual(given.idempotencyStore, store)
      assert.strictEqual(given.readiness, readiness)
      assert.strictEqual(given.log, log)
    })
  )

  it("builds a ServiceApp whose readiness includes the given checks and whose logs go where asked", async () => {
    const issuer = await Effect.runPromise(DevIssuer.make({ issuer: "urn:dev", audience: "gridwork-demo" }))
    const logs: Array<string> = []
    const app = ServiceApp.make({
      info: { title: `Demo (${locality.model.locality.name})`, version: "0.1.0" },
      layer: Layer.empty,
      routes: [],
      ...LocalityService.appOptions(
        {
          authentication: issuer.verifierOptions,
          readiness: [{ name: "database", check: Effect.fail(new Error("refused")) }],
          log: { sink: (line) => logs.push(line), minimumLevel: "Info" }
        },
        locality
      )
    })
    const response = await app.request("/health/ready")
    assert.strictEqual(response.status, 503)
    const body = (await response.json()) as { checks: ReadonlyArray<{ name: string; status: string }> }
    assert.deepStrictEqual(body.checks, [{ name: "database", status: "down" }])
    assert.isTrue(logs.some((line) => line.includes("readiness check database failed")))
    await app.dispose()
  })
})
