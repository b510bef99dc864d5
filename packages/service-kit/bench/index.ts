/**
 * In-process throughput of the kit's request pipeline (no sockets): how many requests
 * per second one core pushes through request id, access log, secure headers, body
 * limit, authentication, idempotency and Schema decoding/encoding, with the logger
 * writing to a no-op sink. Run with `npm run bench` in packages/service-kit.
 */
import { Effect, Layer, Schema } from "effect"
import { DevIssuer, IdempotencyStore, Route, ServiceApp } from "../src/index"

const Item = Schema.Struct({
  jurisdiction: Schema.String.check(Schema.isMinLength(1)),
  title: Schema.String.check(Schema.isMaxLength(200)),
  priority: Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 5 })),
  tags: Schema.Array(Schema.String)
}).annotate({ identifier: "BenchItem" })

const issuer = await Effect.runPromise(DevIssuer.make({ issuer: "http://bench.local", audience: "bench" }))

const app = ServiceApp.make({
  info: { title: "bench", version: "1" },
  layer: Layer.empty,
  idempotencyStore: IdempotencyStore.IdempotencyStore.layerMemory,
  authentication: issuer.verifierOptions,
  authorization: { roles: { clerk: ["item.*"] } },
  log: { sink: () => undefined },
  routes: [
    Route.get("/items/:id", {
      operationId: "getItem",
      auth: "none",
      params: Schema.Struct({ id: Schema.String }),
      success: Item,
      handler: ({ params }) => Effect.succeed({ jurisdiction: "lanxi", title: params.id, priority: 3, tags: ["a"] })
    }),
    Route.post("/items", {
      operationId: "createItem",
      auth: "none",
      body: Item,
      success: Item,
      status: 201,
      handler: ({ body }) => Effect.succeed(body)
    }),
    Route.post("/secure-items", {
      operationId: "createSecureItem",
      permission: "item.create",
      body: Item,
      success: Item,
      status: 201,
      handler: ({ body }) => Effect.succeed(body)
    })
  ]
})

const token = await Effect.runPromise(issuer.mint({ subject: "bench", roles: ["clerk"], jurisdictions: ["lanxi"] }))
const body = JSON.stringify({ jurisdiction: "lanxi", title: "Street light out", priority: 2, tags: ["light", "night"] })

const measure = async (name: string, count: number, request: (index: number) => Promise<Response>) => {
  for (let index = 0; index < 200; index++) await (await request(index)).arrayBuffer()
  const latencies: Array<number> = []
  const start = performance.now()
  for (let index = 0; index < count; index++) {
    const t0 = performance.now()
    const response = await request(index)
    await response.arrayBuffer()
    if (response.status >= 400) throw new Error(`${name}: status ${response.status}`)
    latencies.push(performance.now() - t0)
  }
  const elapsed = performance.now() - start
  latencies.sort((a, b) => a - b)
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!
  console.log(
    `${name.padEnd(44)} ${Math.round((count / elapsed) * 1000)
      .toString()
      .padStart(6)} req/s   p50 ${pct(50).toFixed(3)} ms   p99 ${pct(99).toFixed(3)} ms`
  )
}

const key = () => crypto.randomUUID()

await measure("GET /health/live", 3000, () => Promise.resolve(app.request("/health/live")))
await measure("GET route (params decode, success encode)", 3000, (i) => Promise.resolve(app.request(`/items/x${i}`)))
await measure("POST route (idempotency key, body decode)", 3000, () =>
  Promise.resolve(
    app.request("/items", {
      method: "POST",
      body,
      headers: { "content-type": "application/json", "idempotency-key": key() }
    })
  )
)
await measure("POST route + JWT (EdDSA) + permission", 2000, () =>
  Promise.resolve(
    app.request("/secure-items", {
      method: "POST",
      body,
      headers: { "content-type": "application/json", "idempotency-key": key(), authorization: `Bearer ${token}` }
    })
  )
)
const replayKey = key()
await measure("POST replay of a stored response", 3000, () =>
  Promise.resolve(
    app.request("/items", {
      method: "POST",
      body,
      headers: { "content-type": "application/json", "idempotency-key": replayKey }
    })
  )
)
await app.dispose()
