import { assert, describe, it } from "@effect/vitest"
import { Context, Deferred, Effect, Layer, Schema } from "effect"
import { IdempotencyStore, Route, ServiceApp } from "../src/index"
import { type Fixture, jsonPost, makeFixture, newKey } from "./support/NotesService"

const json = async (response: Response): Promise<Record<string, unknown>> =>
  (await response.json()) as Record<string, unknown>

describe("ServiceApp", () => {
  let fixture: Fixture
  const fresh = async () => {
    fixture = await makeFixture()
    return fixture
  }

  it("echoes a valid incoming X-Request-Id and generates a UUIDv7 otherwise", async () => {
    const { app } = await fresh()
    const given = await app.request("/health/live", { headers: { "x-request-id": "proxy-1234abcd" } })
    assert.strictEqual(given.headers.get("x-request-id"), "proxy-1234abcd")
    const generated = await app.request("/health/live")
    assert.match(
      generated.headers.get("x-request-id") ?? "",
      /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
    )
    const hostile = await app.request("/health/live", { headers: { "x-request-id": 'bad id", "level": "fatal' } })
    assert.notStrictEqual(hostile.headers.get("x-request-id"), 'bad id", "level": "fatal')
    assert.match(hostile.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/)
  })

  it("logs one JSON line per request with the route pattern and no personal data", async () => {
    const { app, logs, token } = await fresh()
    const bearer = await token({ subject: "clerk-1", roles: ["clerk"], jurisdictions: ["lanxi"] })
    const response = await app.request(
      "/notes?secret-query=1",
      jsonPost(
        {
          jurisdiction: "lanxi.east",
          title: "Noise",
          priority: 2,
          contact: { name: "Wang Fang", phone: "+86 138 0000 0000" }
        },
        { authorization: `Bearer ${bearer}` }
      )
    )
    assert.strictEqual(response.status, 201)
    const lines = logs.map((line) => JSON.parse(line) as Record<string, unknown>)
    const access = lines.filter((line) => line.message === "request")
    assert.strictEqual(access.length, 1)
    const entry = access[0]!
    assert.strictEqual(entry.level, "info")
    assert.strictEqual(entry.method, "POST")
    assert.strictEqual(entry.route, "/notes")
    assert.strictEqual(entry.status, 201)
    assert.strictEqual(entry.requestId, response.headers.get("x-request-id"))
    assert.isNumber(entry.durationMs)
    assert.isString(entry.time)
    const all = logs.join("\n")
    for (const secret of ["Wang Fang", "138 0000", "secret-query", bearer, "Noise"]) {
      assert.notInclude(all, secret)
    }
  })

  it("answers unknown paths with a 404 problem and wrong methods with a 405 problem", async () => {
    const { app } = await fresh()
    const missing = await app.request("/nope")
    assert.strictEqual(missing.status, 404)
    assert.strictEqual(missing.headers.get("content-type"), "application/problem+json")
    const body = await json(missing)
    assert.strictEqual(body.status, 404)
    assert.strictEqual(body.type, "urn:gridwork:problem:not-found")
    assert.strictEqual(body.requestId, missing.headers.get("x-request-id"))
    const wrong = await app.request("/notes", { method: "DELETE" })
    assert.strictEqual(wrong.status, 405)
    assert.strictEqual(wrong.headers.get("content-type"), "application/problem+json")
    assert.include(wrong.headers.get("allow") ?? "", "POST")
    assert.include(wrong.headers.get("allow") ?? "", "GET")
    assert.strictEqual((await json(wrong)).type, "urn:gridwork:problem:method-not-allowed")
  })

  it("sets secure headers and no CORS headers by default", async () => {
    const { app } = await fresh()
    const response = await app.request("/health/live", { headers: { origin: "https://evil.example" } })
    assert.strictEqual(response.headers.get("x-content-type-options"), "nosniff")
    assert.strictEqual(response.headers.get("x-frame-options"), "SAMEORIGIN")
    assert.include(response.headers.get("content-security-policy") ?? "", "default-src 'none'")
    assert.isNull(response.headers.get("access-control-allow-origin"))
    const preflight = await app.request("/notes", {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "POST" }
    })
    assert.isNull(preflight.headers.get("access-control-allow-origin"))
  })

  it("allows configured CORS origins only", async () => {
    const app = ServiceApp.make({
      info: { title: "Cors", version: "1" },
      layer: Layer.empty,
      idempotencyStore: IdempotencyStore.IdempotencyStore.layerMemory,
      routes: [
        Route.get("/ping", {
          operationId: "ping",
          auth: "none",
          success: Schema.Struct({ ok: Schema.Boolean }),
          handler: () => Effect.succeed({ ok: true })
        })
      ],
      cors: { origins: ["https://portal.lanxi.example"] },
      log: { sink: () => undefined }
    })
    const allowed = await app.request("/ping", { headers: { origin: "https://portal.lanxi.example" } })
    assert.strictEqual(allowed.headers.get("access-control-allow-origin"), "https://portal.lanxi.example")
    const other = await app.request("/ping", { headers: { origin: "https://evil.example" } })
    assert.notStrictEqual(other.headers.get("access-control-allow-origin"), "https://evil.example")
  })

  it("refuses bodies over the limit with a 413 problem", async () => {
    const { app } = await fresh()
    const response = await app.request("/echo", jsonPost({ title: "x".repeat(5000) }))
    assert.strictEqual(response.status, 413)
    assert.strictEqual(response.headers.get("content-type"), "application/problem+json")
    assert.strictEqual((await json(response)).type, "urn:gridwork:problem:payload-too-large")
  })

  it("answers a handler defect with a generic 500 carrying the request id and logs the cause", async () => {
    const { app, logs } = await fresh()
    const response = await app.request("/boom", jsonPost({ secret: "s3cr3t-value" }))
    assert.strictEqual(response.status, 500)
    const body = await json(response)
    const requestId = response.headers.get("x-request-id") ?? ""
    assert.strictEqual(body.requestId, requestId)
    assert.include(String(body.detail), requestId)
    assert.notInclude(JSON.stringify(body), "exploded")
    const failure = logs
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.message === "request failed")
    assert.isDefined(failure)
    assert.strictEqual(failure?.requestId, requestId)
    assert.include(String(failure?.cause), "database exploded")
  })

  it("passes an HttpProblem of the handler through with its status", async () => {
    const { app } = await fresh()
    const response = await app.request("/teapot")
    assert.strictEqual(response.status, 418)
    assert.strictEqual((await json(response)).detail, "short and stout")
  })

  it("refuses to build when routes need authentication and none is configured", () => {
    assert.throws(
      () =>
        ServiceApp.make({
          info: { title: "x", version: "1" },
          layer: Layer.empty,
          idempotencyStore: IdempotencyStore.IdempotencyStore.layerMemory,
          routes: [
            Route.get("/secret", {
              operationId: "secret",
              success: Schema.Struct({ ok: Schema.Boolean }),
              handler: () => Effect.succeed({ ok: true })
            })
          ]
        }),
      /\/authentication: required by GET \/secret/
    )
  })

  it("requires the layer to provide every service the handlers use (compile time)", () => {
    class Clerks extends Context.Service<Clerks, { readonly count: Effect.Effect<number> }>()("test/Clerks") {}
    const route = Route.get("/clerks", {
      operationId: "countClerks",
      auth: "none",
      success: Schema.Struct({ count: Schema.Int }),
      handler: () =>
        Effect.map(
          Clerks.use((clerks) => clerks.count),
          (count) => ({ count })
        )
    })
    const options = {
      info: { title: "x", version: "1" },
      idempotencyStore: IdempotencyStore.IdempotencyStore.layerMemory,
      routes: [route],
      log: { sink: () => undefined }
    }
    // @ts-expect-error Clerks is not provided by the layer
    ServiceApp.make({ ...options, layer: Layer.empty })
    const app = ServiceApp.make({ ...options, layer: Layer.succeed(Clerks, Clerks.of({ count: Effect.succeed(3) })) })
    assert.isDefined(app.openapi.paths["/clerks"])
  })

  it("refuses invalid options with the path and the rule", () => {
    assert.throws(
      () =>
        ServiceApp.make({
          info: { title: "", version: "1" },
          layer: Layer.empty,
          idempotencyStore: IdempotencyStore.IdempotencyStore.layerMemory,
          routes: [],
          bodyLimitBytes: -1
        }),
      /\/info\/title[\s\S]*\/bodyLimitBytes/
    )
  })

  it("gives every POST a command id equal to its UUIDv7 idempotency key, and derived event ids", async () => {
    const { app } = await fresh()
    const key = newKey()
    const response = await app.request(
      "/echo",
      jsonPost({ jurisdiction: "lanxi", title: "t", priority: 1 }, { "idempotency-key": key.toUpperCase() })
    )
    assert.strictEqual(response.status, 200)
    const body = await json(response)
    assert.strictEqual(body.commandId, key)
    assert.strictEqual(body.firstEventId, key)
    assert.notStrictEqual(body.secondEventId, key)
    assert.strictEqual(String(body.secondEventId).slice(0, 13), key.slice(0, 13))
  })
  it("logs the fibers its layer forks (consumers, drivers) through the kit's JSON logger too", async () => {
    const lines: Array<string> = []
    // The layer waits until its forked fiber has logged, so the line exists once the runtime is built.
    const worker = Layer.effectDiscard(
      Effect.gen(function* () {
        const logged = yield* Deferred.make<void>()
        yield* Effect.forkScoped(
          Effect.andThen(Effect.logInfo("background work started"), Deferred.succeed(logged, undefined))
        )
        yield* Deferred.await(logged)
      })
    )
    const app = ServiceApp.make({
      info: { title: "x", version: "1" },
      layer: worker,
      idempotencyStore: IdempotencyStore.IdempotencyStore.layerMemory,
      routes: [],
      log: { sink: (line) => lines.push(line) }
    })
    await app.request("/health/ready")
    await app.dispose()
    const entry = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((l) => l.message === "background work started")
    assert.strictEqual(entry?.level, "info")
  })
})
