import { assert, describe, it } from "@effect/vitest"
import { Effect, Result } from "effect"
import { TestClock } from "effect/testing"
import { base64url, exportSPKI, importJWK, SignJWT } from "jose"
import { DevIssuer, JwtVerifier } from "../src/index"
import { jsonPost, makeFixture } from "./support/NotesService"

const ISSUER = "https://id.lanxi.example"
const AUDIENCE = "gridwork-notes"

const reasonOf = <A>(
  effect: Effect.Effect<A, JwtVerifier.AuthenticationFailed | JwtVerifier.AuthenticationUnavailable>
) =>
  Effect.map(Effect.result(effect), (result) =>
    Result.isFailure(result)
      ? result.failure._tag === "AuthenticationFailed"
        ? result.failure.reason
        : "unavailable"
      : "accepted"
  )

const unsigned = (claims: Record<string, unknown>): string =>
  `${base64url.encode(JSON.stringify({ alg: "none", typ: "JWT" }))}.${base64url.encode(JSON.stringify(claims))}.`

/** The classic key-confusion attack: HS256 "signed" with the server's public key as HMAC secret. */
const keyConfusion = async (
  issuer: DevIssuer.DevIssuer,
  claims: Record<string, unknown>
): Promise<ReadonlyArray<string>> => {
  const jwk = issuer.jwks.keys[0]!
  const publicKey = await importJWK(jwk, issuer.algorithm, { extractable: true })
  if (publicKey instanceof Uint8Array) throw new Error("expected an asymmetric public key")
  const pem = await exportSPKI(publicKey)
  const secrets = [new TextEncoder().encode(pem), new TextEncoder().encode(JSON.stringify(jwk))]
  return Promise.all(
    secrets.map((secret) =>
      new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "JWT", kid: jwk.kid ?? "" }).sign(secret)
    )
  )
}

describe("JwtVerifier", () => {
  const setup = Effect.gen(function* () {
    const issuer = yield* DevIssuer.make({ issuer: ISSUER, audience: AUDIENCE, algorithm: "ES256" })
    const verifier = JwtVerifier.make(issuer.verifierOptions)
    return { issuer, verifier }
  })

  it.effect("accepts a valid token and maps its claims to a principal", () =>
    Effect.gen(function* () {
      const { issuer, verifier } = yield* setup
      const token = yield* issuer.mint({ subject: "clerk-1", roles: ["clerk"], jurisdictions: ["lanxi.east"] })
      const principal = yield* verifier.verify(token)
      assert.strictEqual(principal.subject, "clerk-1")
      assert.strictEqual(principal.issuer, ISSUER)
      assert.deepStrictEqual<ReadonlyArray<string>>(principal.roles, ["clerk"])
      assert.deepStrictEqual<ReadonlyArray<string>>(principal.jurisdictions, ["lanxi.east"])
    })
  )

  it.effect("rejects a wrong audience and a wrong issuer", () =>
    Effect.gen(function* () {
      const { issuer, verifier } = yield* setup
      assert.strictEqual(
        yield* reasonOf(verifier.verify(yield* issuer.mint({ subject: "a", audience: "other" }))),
        "audience"
      )
      assert.strictEqual(
        yield* reasonOf(verifier.verify(yield* issuer.mint({ subject: "a", issuer: "https://evil.example" }))),
        "issuer"
      )
    })
  )

  it.effect("rejects an expired token, allowing the clock tolerance", () =>
    Effect.gen(function* () {
      const { issuer, verifier } = yield* setup
      yield* TestClock.adjust("10 days")
      const token = yield* issuer.mint({ subject: "a", expiresInSeconds: 60 })
      assert.strictEqual(yield* reasonOf(verifier.verify(token)), "accepted")
      yield* TestClock.adjust("80 seconds")
      assert.strictEqual(yield* reasonOf(verifier.verify(token)), "accepted", "within 30 s of tolerance")
      yield* TestClock.adjust("11 seconds")
      assert.strictEqual(yield* reasonOf(verifier.verify(token)), "expired")
      const strict = JwtVerifier.make({ ...issuer.verifierOptions, clockToleranceSeconds: 0 })
      const fresh = yield* issuer.mint({ subject: "a", expiresInSeconds: 5 })
      yield* TestClock.adjust("6 seconds")
      assert.strictEqual(yield* reasonOf(strict.verify(fresh)), "expired")
    })
  )

  it.effect("rejects a token that is not valid yet", () =>
    Effect.gen(function* () {
      const { issuer, verifier } = yield* setup
      yield* TestClock.adjust("1 day")
      assert.strictEqual(
        yield* reasonOf(verifier.verify(yield* issuer.mint({ subject: "a", notBeforeInSeconds: 120 }))),
        "not-yet-valid"
      )
      assert.strictEqual(
        yield* reasonOf(verifier.verify(yield* issuer.mint({ subject: "a", notBeforeInSeconds: 20 }))),
        "accepted"
      )
    })
  )

  it.effect("rejects alg none", () =>
    Effect.gen(function* () {
      const { verifier } = yield* setup
      const token = unsigned({ sub: "root", iss: ISSUER, aud: AUDIENCE, exp: 4_000_000_000, roles: ["admin"] })
      assert.strictEqual(yield* reasonOf(verifier.verify(token)), "algorithm")
    })
  )

  it.effect("rejects HS256 signed with the public key material (key confusion)", () =>
    Effect.gen(function* () {
      const { issuer, verifier } = yield* setup
      const tokens = yield* Effect.promise(() =>
        keyConfusion(issuer, { sub: "root", iss: ISSUER, aud: AUDIENCE, exp: 4_000_000_000, roles: ["admin"] })
      )
      for (const token of tokens) assert.strictEqual(yield* reasonOf(verifier.verify(token)), "algorithm")
    })
  )

  it.effect("rejects a token signed by another key, and garbage", () =>
    Effect.gen(function* () {
      const { verifier } = yield* setup
      const stranger = yield* DevIssuer.make({ issuer: ISSUER, audience: AUDIENCE, algorithm: "ES256" })
      assert.strictEqual(yield* reasonOf(verifier.verify(yield* stranger.mint({ subject: "a" }))), "unknown-key")
      assert.strictEqual(yield* reasonOf(verifier.verify("not.a.jwt")), "malformed")
      assert.strictEqual(yield* reasonOf(verifier.verify("")), "malformed")
    })
  )

  it.effect("rejects a token whose claims do not decode", () =>
    Effect.gen(function* () {
      const { issuer, verifier } = yield* setup
      const token = yield* issuer.mint({ subject: "a", roles: ["not a role code!"] })
      assert.strictEqual(yield* reasonOf(verifier.verify(token)), "claims")
    })
  )

  it.effect("fetches a remote JWKS once and caches it", () =>
    Effect.gen(function* () {
      const issuer = yield* DevIssuer.make({ issuer: ISSUER, audience: AUDIENCE })
      let fetches = 0
      const verifier = JwtVerifier.make({
        issuer: ISSUER,
        audience: AUDIENCE,
        jwks: { url: "https://id.lanxi.example/.well-known/jwks.json" },
        fetch: (url) => {
          fetches++
          return Promise.resolve(issuer.app.request(new URL(url).pathname))
        }
      })
      for (const subject of ["a", "b", "c"]) {
        const principal = yield* verifier.verify(yield* issuer.mint({ subject }))
        assert.strictEqual(principal.subject, subject)
      }
      assert.strictEqual(fetches, 1)
    })
  )

  it.effect("reports unreachable keys as unavailable, not as the client's fault", () =>
    Effect.gen(function* () {
      const issuer = yield* DevIssuer.make({ issuer: ISSUER, audience: AUDIENCE })
      const verifier = JwtVerifier.make({
        issuer: ISSUER,
        audience: AUDIENCE,
        jwks: { url: "https://id.lanxi.example/.well-known/jwks.json" },
        fetch: () => Promise.reject(new TypeError("fetch failed"))
      })
      assert.strictEqual(yield* reasonOf(verifier.verify(yield* issuer.mint({ subject: "a" }))), "unavailable")
    })
  )

  it("refuses symmetric or private keys, symmetric algorithms and plain-http URLs at construction", () => {
    const base = { issuer: ISSUER, audience: AUDIENCE }
    assert.throws(() => JwtVerifier.make({ ...base, jwks: { keys: [{ kty: "oct", k: "c2VjcmV0" }] } }), /\/jwks/)
    assert.throws(
      () => JwtVerifier.make({ ...base, jwks: { keys: [{ kty: "EC", crv: "P-256", x: "AA", y: "AA", d: "AA" }] } }),
      /\/jwks\/keys\/0\/d/
    )
    assert.throws(
      () =>
        JwtVerifier.make({
          ...base,
          jwks: { keys: [{ kty: "OKP", crv: "Ed25519", x: "AA" }] },
          // @ts-expect-error HS256 is not an accepted algorithm
          algorithms: ["HS256"]
        }),
      /\/algorithms\/0/
    )
    assert.throws(() => JwtVerifier.make({ ...base, jwks: { url: "http://id.lanxi.example/jwks" } }), /\/jwks/)
    assert.doesNotThrow(() => JwtVerifier.make({ ...base, jwks: { url: "http://localhost:4000/jwks" } }))
  })
})

describe("Authentication over HTTP", () => {
  const problemOf = async (response: Response) => {
    assert.strictEqual(response.status, 401)
    assert.strictEqual(response.headers.get("content-type"), "application/problem+json")
    assert.include(response.headers.get("www-authenticate") ?? "", "Bearer")
    const body = (await response.json()) as { type: string; status: number; detail: string }
    assert.strictEqual(body.type, "urn:gridwork:problem:unauthenticated")
    assert.strictEqual(body.status, 401)
    return body
  }

  it("answers 401 problem+json to every refused token and 201 to a valid one", async () => {
    const { app, issuer, token } = await makeFixture()
    const claims = { subject: "clerk-1", roles: ["clerk"], jurisdictions: ["lanxi"] }
    const post = (bearer: string) =>
      app.request(
        "/notes",
        jsonPost({ jurisdiction: "lanxi", title: "t", priority: 1 }, { authorization: `Bearer ${bearer}` })
      )

    const valid = await post(await token(claims))
    assert.strictEqual(valid.status, 201)

    assert.include((await problemOf(await post(await token({ ...claims, audience: "other-service" })))).detail, "aud")
    assert.include(
      (await problemOf(await post(await token({ ...claims, issuer: "http://evil.test" })))).detail,
      "issuer"
    )
    assert.include((await problemOf(await post(await token({ ...claims, expiresInSeconds: -31 })))).detail, "expired")
    assert.include(
      (await problemOf(await post(await token({ ...claims, notBeforeInSeconds: 3600 })))).detail,
      "not valid yet"
    )
    const none = unsigned({
      sub: "root",
      iss: issuer.issuer,
      aud: issuer.audience,
      exp: 4_000_000_000,
      roles: ["note-handler"]
    })
    assert.include((await problemOf(await post(none))).detail, "algorithm")
    for (const forged of await keyConfusion(issuer, {
      sub: "root",
      iss: issuer.issuer,
      aud: issuer.audience,
      exp: 4_000_000_000,
      roles: ["note-handler"],
      jurisdictions: ["lanxi"]
    })) {
      assert.include((await problemOf(await post(forged))).detail, "algorithm")
    }
  })

  it("answers 401 without a token, and with a header that is not Bearer", async () => {
    const { app } = await makeFixture()
    const missing = await app.request("/notes", jsonPost({ jurisdiction: "lanxi", title: "t", priority: 1 }))
    assert.include((await problemOf(missing)).detail, "bearer token")
    const basic = await app.request(
      "/notes",
      jsonPost({ jurisdiction: "lanxi", title: "t", priority: 1 }, { authorization: "Basic dXNlcjpwYXNz" })
    )
    assert.include((await problemOf(basic)).detail, "Bearer")
  })

  it("refuses a bad token even where authentication is optional", async () => {
    const { app } = await makeFixture()
    assert.strictEqual((await app.request("/notes")).status, 200)
    await problemOf(await app.request("/notes", { headers: { authorization: "Bearer not.a.token" } }))
  })
})
