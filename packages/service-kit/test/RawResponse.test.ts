import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Option, Schema } from "effect"
import { IdempotencyStore, RequestContext, Route, ServiceApp } from "../src/index"

const Note = Schema.Struct({ text: Schema.String })

const makeApp = () =>
  ServiceApp.make({
    info: { title: "Raw", version: "1" },
    layer: Layer.empty,
    idempotencyStore: IdempotencyStore.IdempotencyStore.layerMemory,
    log: { sink: () => {} },
    routes: [
      Route.get("/note", {
        operationId: "note",
        auth: "none",
        produces: { "application/json": Note, "text/plain": undefined },
        handler: () =>
          Effect.gen(function* () {
            const accept = yield* RequestContext.header("accept")
            const text = Option.isSome(accept) && accept.value.includes("text/plain")
            return new Route.RawResponse({
              headers: { "content-type": text ? "text/plain; charset=utf-8" : "application/json", vary: "accept" },
              body: text ? "a note" : JSON.stringify({ text: "a note" })
            })
          })
      }),
      Route.get("/ticks", {
        operationId: "ticks",
        auth: "none",
        produces: { "text/event-stream": undefined },
        handler: () =>
          Effect.succeed(
            new Route.RawResponse({
              status: 200,
              headers: { "content-type": "text/event-stream" },
              body: new ReadableStream<Uint8Array>({
                start(controller) {
                  const encoder = new TextEncoder()
                  for (const n of [1, 2, 3]) controller.enqueue(encoder.encode(`data: ${n}\n\n`))
                  controller.close()
                }
              })
            })
          )
      })
    ]
  })

describe("raw responses", () => {
  it("passes a handler's own media type through, chosen by the Accept header", async () => {
    const app = makeApp()
    const text = await app.request("/note", { headers: { accept: "text/plain" } })
    assert.strictEqual(text.status, 200)
    assert.strictEqual(text.headers.get("content-type"), "text/plain; charset=utf-8")
    assert.strictEqual(await text.text(), "a note")
    const json = await app.request("/note")
    assert.deepStrictEqual(await json.json(), { text: "a note" })
    await app.dispose()
  })

  it("streams a ReadableStream body", async () => {
    const app = makeApp()
    const response = await app.request("/ticks")
    assert.strictEqual(response.headers.get("content-type"), "text/event-stream")
    assert.strictEqual(await response.text(), "data: 1\n\ndata: 2\n\ndata: 3\n\n")
    await app.dispose()
  })

  it("documents every produced media type in OpenAPI, with its Schema when given", async () => {
    const app = makeApp()
    const content = app.openapi.paths["/note"]?.get?.responses["200"]?.content ?? {}
    assert.deepStrictEqual(Object.keys(content).sort(), ["application/json", "text/plain"])
    assert.deepStrictEqual(content["text/plain"]?.schema, {})
    assert.isAbove(Object.keys(content["application/json"]?.schema ?? {}).length, 0)
    await app.dispose()
  })

  it("refuses a media type that is not one", () => {
    assert.throws(
      () =>
        Route.get("/bad", {
          operationId: "bad",
          auth: "none",
          produces: { plain: undefined },
          handler: () => Effect.succeed(new Route.RawResponse({ body: "x" }))
        }),
      /produces: "plain" is not a media type/
    )
  })
})
