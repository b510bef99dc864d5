import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Effect, Result } from "effect"
import { DevIssuer, JwtVerifier } from "../src/index"

const options = { issuer: "http://localhost:4000", audience: "gridwork-demo" }

const withEnv = (env: Record<string, string>) => Effect.provide(ConfigProvider.layer(ConfigProvider.fromUnknown(env)))

describe("DevIssuer", () => {
  it.effect("refuses to start when NODE_ENV=production", () =>
    Effect.gen(function* () {
      const result = yield* Effect.result(DevIssuer.make(options).pipe(withEnv({ NODE_ENV: "production" })))
      assert.isTrue(Result.isFailure(result))
      if (Result.isFailure(result)) {
        assert.strictEqual(result.failure._tag, "DevIssuerRefused")
        assert.include(result.failure.message, "not for production")
      }
    })
  )

  it.effect("starts in production only when explicitly allowed", () =>
    Effect.gen(function* () {
      const issuer = yield* DevIssuer.make({ ...options, allowInProduction: true }).pipe(
        withEnv({ NODE_ENV: "production" })
      )
      assert.strictEqual(issuer.issuer, options.issuer)
    })
  )

  it.effect("generates an Ed25519 key by default, serves the public JWKS and mints verifiable tokens", () =>
    Effect.gen(function* () {
      const issuer = yield* DevIssuer.make(options).pipe(withEnv({ NODE_ENV: "development" }))
      assert.strictEqual(issuer.algorithm, "EdDSA")
      const response = yield* Effect.promise(() => Promise.resolve(issuer.app.request(DevIssuer.JWKS_PATH)))
      assert.strictEqual(response.status, 200)
      const jwks = (yield* Effect.promise(() => response.json())) as { keys: ReadonlyArray<Record<string, unknown>> }
      assert.strictEqual(jwks.keys.length, 1)
      const key = jwks.keys[0]!
      assert.strictEqual(key.kty, "OKP")
      assert.strictEqual(key.crv, "Ed25519")
      assert.isUndefined(key.d, "never the private key")
      const token = yield* issuer.mint({ subject: "s-1", roles: ["mediator"], jurisdictions: ["lanxi"] })
      const principal = yield* JwtVerifier.make(issuer.verifierOptions).verify(token)
      assert.strictEqual(principal.subject, "s-1")
    })
  )

  it.effect("can use ES256", () =>
    Effect.gen(function* () {
      const issuer = yield* DevIssuer.make({ ...options, algorithm: "ES256" })
      assert.strictEqual(issuer.jwks.keys[0]?.kty, "EC")
      const principal = yield* JwtVerifier.make(issuer.verifierOptions).verify(yield* issuer.mint({ subject: "x" }))
      assert.strictEqual(principal.subject, "x")
    })
  )

  it("refuses invalid options", () => {
    assert.throws(() => Effect.runSync(DevIssuer.make({ ...options, ttlSeconds: 0 })), /\/ttlSeconds/)
  })
})
