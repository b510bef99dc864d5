import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { DocsPage, OpenApi, Route } from "../src/index"
import { makeFixture, routes } from "./support/NotesService"

type Json = unknown

const refsIn = (value: Json, out: Array<string> = []): Array<string> => {
  if (Array.isArray(value)) for (const item of value) refsIn(item, out)
  else if (value !== null && typeof value === "object") {
    for (const [key, inner] of Object.entries(value)) {
      if (key === "$ref" && typeof inner === "string") out.push(inner)
      else refsIn(inner, out)
    }
  }
  return out
}

describe("OpenApi", () => {
  const document = OpenApi.make({ title: "Notes", version: "1.0.0" }, routes)

  it("is an OpenAPI 3.1 document with a path per route and the health endpoints", () => {
    assert.match(document.openapi, /^3\.1\.\d+$/)
    assert.deepStrictEqual(document.info, { title: "Notes", version: "1.0.0" })
    assert.includeMembers(Object.keys(document.paths), [
      "/notes",
      "/notes/{id}",
      "/notes/{id}/archive",
      "/slow",
      "/echo",
      "/health/live",
      "/health/ready"
    ])
    assert.hasAllKeys(document.paths["/notes"] ?? {}, ["get", "post"])
    const ids = Object.values(document.paths).flatMap((item) => Object.values(item).map((op) => op.operationId))
    assert.strictEqual(new Set(ids).size, ids.length, "operation ids are unique")
  })

  it("describes bodies, responses and parameters with component schemas", () => {
    const create = document.paths["/notes"]?.post
    assert.isDefined(create)
    assert.deepStrictEqual(create?.requestBody?.content["application/json"]?.schema, {
      $ref: "#/components/schemas/CreateNote"
    })
    assert.includeMembers(Object.keys(create?.responses ?? {}), [
      "201",
      "400",
      "401",
      "403",
      "409",
      "413",
      "422",
      "500"
    ])
    assert.deepStrictEqual(create?.responses["201"]?.content?.["application/json"]?.schema, {
      $ref: "#/components/schemas/NoteEncoded"
    })
    assert.deepStrictEqual(create?.responses["422"]?.content?.["application/problem+json"]?.schema, {
      $ref: "#/components/schemas/Problem"
    })
    assert.deepStrictEqual(create?.security, [{ bearerAuth: [] }])
    assert.strictEqual(create?.["x-permission"], "note.create")
    const idempotencyKey = create?.parameters?.find((parameter) => parameter.name === "Idempotency-Key")
    assert.strictEqual(idempotencyKey?.in, "header")
    assert.isTrue(idempotencyKey?.required)

    const get = document.paths["/notes/{id}"]?.get
    assert.deepStrictEqual(
      get?.parameters?.map((parameter) => [parameter.name, parameter.in, parameter.required]),
      [["id", "path", true]]
    )
    assert.strictEqual(get?.responses["404"]?.description, "Note not found")
    const search = document.paths["/notes"]?.get
    assert.deepStrictEqual(
      search?.parameters?.map((parameter) => [parameter.name, parameter.in, parameter.required]),
      [
        ["limit", "query", false],
        ["q", "query", false]
      ]
    )
    assert.deepStrictEqual(search?.security, [{ bearerAuth: [] }, {}])
    assert.deepStrictEqual(document.paths["/echo"]?.post?.security, [])

    const schemas = document.components.schemas
    assert.includeMembers(Object.keys(schemas), ["Problem", "FieldError", "CreateNote", "NoteEncoded", "NoteView"])
    const createNote = schemas.CreateNote as {
      type: string
      required: ReadonlyArray<string>
      additionalProperties: unknown
    }
    assert.strictEqual(createNote.type, "object")
    assert.sameMembers([...createNote.required], ["jurisdiction", "title", "priority"])
    assert.strictEqual(createNote.additionalProperties, false)
    assert.deepStrictEqual(document.components.securitySchemes.bearerAuth, {
      type: "http",
      scheme: "bearer",
      bearerFormat: "JWT"
    })
  })

  it("resolves every $ref to a component", () => {
    const refs = refsIn(document)
    assert.isAbove(refs.length, 10)
    for (const ref of refs) {
      const name = /^#\/components\/schemas\/(.+)$/.exec(ref)?.[1]
      assert.isDefined(name, ref)
      assert.isDefined(document.components.schemas[decodeURIComponent(name ?? "")], ref)
    }
  })

  it("declares every path template parameter", () => {
    for (const [path, item] of Object.entries(document.paths)) {
      const names = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1])
      for (const operation of Object.values(item)) {
        const declared = (operation.parameters ?? []).filter((p) => p.in === "path").map((p) => p.name)
        assert.sameMembers(declared, names, `${path} ${operation.operationId}`)
      }
    }
  })

  it("refuses two different schemas with the same name, and duplicate operations", () => {
    const a = Schema.Struct({ x: Schema.String }).annotate({ identifier: "Thing" })
    const b = Schema.Struct({ y: Schema.Int }).annotate({ identifier: "Thing" })
    const route = (path: string, id: string, schema: Schema.Codec<unknown, unknown>) =>
      Route.get(path, { operationId: id, auth: "none", success: schema, handler: () => Effect.die("unused") })
    assert.throws(
      () => OpenApi.make({ title: "t", version: "1" }, [route("/a", "a", a), route("/b", "b", b)]),
      /named Thing/
    )
    assert.throws(
      () => OpenApi.make({ title: "t", version: "1" }, [route("/a", "a", a), route("/b", "a", a)]),
      /operation id a/
    )
  })

  it("converts Hono path patterns", () => {
    assert.strictEqual(OpenApi.toOpenApiPath("/cases/:id/replies/:replyId"), "/cases/{id}/replies/{replyId}")
    assert.strictEqual(OpenApi.toOpenApiPath("/posts/:id{[0-9]+}"), "/posts/{id}")
  })

  it("is served at /openapi.json, and a self-contained docs page at /docs", async () => {
    const { app } = await makeFixture()
    const served = await app.request("/openapi.json")
    assert.strictEqual(served.status, 200)
    assert.deepStrictEqual(await served.json(), JSON.parse(JSON.stringify(app.openapi)))
    const docs = await app.request("/docs")
    assert.strictEqual(docs.status, 200)
    assert.include(docs.headers.get("content-type") ?? "", "text/html")
    const html = await docs.text()
    assert.include(html, "createNote")
    assert.include(html, "/notes/{id}")
    assert.include(html, "note.create")
    assert.notMatch(html, /<script/i)
    assert.notMatch(html, /(src|href)="(https?:)?\/\//i, "no external assets")
    assert.include(docs.headers.get("content-security-policy") ?? "", DocsPage.STYLE_HASH)
  })

  it("escapes HTML in the docs page", () => {
    const html = DocsPage.render(
      OpenApi.make({ title: "<script>alert(1)</script>", version: "1" }, [
        Route.get("/x", {
          operationId: "x",
          summary: '"><img src=x onerror=alert(1)>',
          auth: "none",
          handler: () => Effect.void
        })
      ])
    )
    assert.notInclude(html, "<script>alert(1)</script>")
    assert.notInclude(html, "<img src=x")
    assert.include(html, "&lt;script&gt;")
  })
})
