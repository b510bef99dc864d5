import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { TestClock } from "effect/testing"
import fc from "fast-check"
import { HttpProblem, Route } from "../src/index"
import { Gate, jsonPost, makeFixture, newKey } from "./support/NotesService"

interface ProblemBody {
  readonly type: string
  readonly title: string
  readonly status: number
  readonly detail?: string
  readonly instance?: string
  readonly requestId?: string
  readonly errors?: ReadonlyArray<{
    readonly in: string
    readonly path: string
    readonly rule: string
    readonly message: string
  }>
}

const problemOf = async (response: Response): Promise<ProblemBody> => {
  assert.strictEqual(response.headers.get("content-type"), "application/problem+json")
  return (await response.json()) as ProblemBody
}

const valid = { jurisdiction: "lanxi.east", title: "Street light out", priority: 2 }

const errorAt = (problem: ProblemBody, path: string) => problem.errors?.find((error) => error.path === path)

describe("Route decoding", () => {
  it("answers malformed JSON with 400 (rule json), never 500", async () => {
    const { app } = await makeFixture()
    const response = await app.request("/echo", jsonPost('{"title": "unterminated'))
    assert.strictEqual(response.status, 400)
    const problem = await problemOf(response)
    assert.strictEqual(problem.type, "urn:gridwork:problem:malformed-request")
    assert.deepStrictEqual(problem.errors, [
      { in: "body", path: "", rule: "json", message: "Expected a JSON document" }
    ])
    assert.strictEqual(problem.requestId, response.headers.get("x-request-id"))
    assert.strictEqual(problem.instance, `urn:uuid:${problem.requestId}`)
  })

  it("answers a body not sent as JSON with 400 naming Content-Type", async () => {
    const { app } = await makeFixture()
    for (const contentType of ["text/plain", "application/x-www-form-urlencoded", "application/jsonp"]) {
      const response = await app.request("/echo", jsonPost(valid, { "content-type": contentType }))
      assert.strictEqual(response.status, 400, contentType)
      const problem = await problemOf(response)
      assert.strictEqual(errorAt(problem, "/Content-Type")?.rule, "mediaType")
    }
    const vendor = await app.request(
      "/echo",
      jsonPost(valid, { "content-type": "application/vnd.gridwork+json; charset=utf-8" })
    )
    assert.strictEqual(vendor.status, 200)
  })

  it("answers an empty body with 400", async () => {
    const { app } = await makeFixture()
    const response = await app.request("/echo", jsonPost(""))
    assert.strictEqual(response.status, 400)
    assert.strictEqual(errorAt(await problemOf(response), "")?.rule, "required")
  })

  it("answers a wrong type with 422 naming the field and the rule", async () => {
    const { app } = await makeFixture()
    const response = await app.request("/echo", jsonPost({ ...valid, priority: "high" }))
    assert.strictEqual(response.status, 422)
    const problem = await problemOf(response)
    assert.strictEqual(problem.type, "urn:gridwork:problem:validation-failed")
    assert.deepStrictEqual(errorAt(problem, "/priority"), {
      in: "body",
      path: "/priority",
      rule: "schema.type",
      message: "Expected number"
    })
  })

  it("answers a missing field with 422 rule schema.required", async () => {
    const { app } = await makeFixture()
    const { title: _title, ...withoutTitle } = valid
    const problem = await problemOf(await app.request("/echo", jsonPost(withoutTitle)))
    assert.strictEqual(problem.status, 422)
    assert.strictEqual(errorAt(problem, "/title")?.rule, "schema.required")
  })

  it("reports every broken constraint with its path, nested ones included", async () => {
    const { app } = await makeFixture()
    const response = await app.request(
      "/echo",
      jsonPost({
        jurisdiction: "no spaces allowed",
        title: "x".repeat(101),
        priority: 9,
        tags: ["ok", "y".repeat(21), "a", "b", "c", "d"],
        contact: { name: "Li", phone: "call me" },
        extra: true
      })
    )
    assert.strictEqual(response.status, 422)
    const problem = await problemOf(response)
    const rules = Object.fromEntries((problem.errors ?? []).map((error) => [error.path, error.rule]))
    assert.strictEqual(rules["/title"], "schema.max-length")
    assert.strictEqual(rules["/priority"], "schema.between")
    assert.strictEqual(rules["/tags/1"], "schema.max-length")
    assert.strictEqual(rules["/contact/phone"], "schema.pattern")
    assert.strictEqual(rules["/extra"], "schema.unknown-key")
    assert.isDefined(rules["/jurisdiction"])
    for (const error of problem.errors ?? []) {
      assert.strictEqual(error.in, "body")
      assert.isAbove(error.message.length, 0)
      assert.notInclude(error.message, "call me", "messages never echo input")
    }
    const tooMany = await problemOf(
      await app.request("/echo", jsonPost({ ...valid, tags: ["a", "b", "c", "d", "e", "f"] }))
    )
    assert.deepStrictEqual(
      tooMany.errors?.map((error) => [error.path, error.rule]),
      [["/tags", "schema.max-length"]]
    )
  })

  it("answers JSON of the wrong shape (array, null, number) with 422 at the root", async () => {
    const { app } = await makeFixture()
    for (const body of ["[]", "null", "42", '"text"']) {
      const problem = await problemOf(await app.request("/echo", jsonPost(body)))
      assert.strictEqual(problem.status, 422, body)
      assert.strictEqual(errorAt(problem, "")?.rule, "schema.type")
    }
  })

  it("decodes query and path parameters, 422 with in: query / path", async () => {
    const { app, token } = await makeFixture()
    const ok = await app.request("/notes?limit=7")
    assert.strictEqual(ok.status, 200)
    assert.deepStrictEqual(await ok.json(), { count: 0, limit: 7 })
    const bad = await problemOf(await app.request("/notes?limit=abc"))
    assert.strictEqual(bad.status, 422)
    assert.strictEqual(errorAt(bad, "/limit")?.in, "query")
    const tooBig = await problemOf(await app.request("/notes?limit=500"))
    assert.strictEqual(errorAt(tooBig, "/limit")?.rule, "schema.between")
    const unknown = await problemOf(await app.request("/notes?debug=1"))
    assert.strictEqual(errorAt(unknown, "/debug")?.rule, "schema.unknown-key")
    const bearer = await token({ subject: "h", roles: ["note-handler"], jurisdictions: ["lanxi"] })
    const badId = await problemOf(
      await app.request("/notes/not-a-uuid", { headers: { authorization: `Bearer ${bearer}` } })
    )
    assert.strictEqual(badId.status, 422)
    assert.strictEqual(errorAt(badId, "/id")?.in, "path")
  })

  it("maps declared typed errors to their problems", async () => {
    const { app, token } = await makeFixture()
    const bearer = await token({ subject: "h", roles: ["note-handler"], jurisdictions: ["lanxi"] })
    const id = newKey()
    const missing = await app.request(`/notes/${id}`, { headers: { authorization: `Bearer ${bearer}` } })
    assert.strictEqual(missing.status, 404)
    const problem = await problemOf(missing)
    assert.strictEqual(problem.title, "Note not found")
    assert.strictEqual(problem.detail, `No note ${id}`)
    assert.strictEqual(problem.type, "urn:gridwork:problem:note-not-found")
    const archived = await app.request(`/notes/${id}/archive`, {
      method: "PATCH",
      body: JSON.stringify({ reason: "duplicate" }),
      headers: { "content-type": "application/json", "idempotency-key": newKey(), authorization: `Bearer ${bearer}` }
    })
    assert.strictEqual(archived.status, 409)
    assert.strictEqual((await problemOf(archived)).type, "urn:gridwork:problem:note-archived")
  })

  it("stops a handler at its time limit with a 504 problem", async () => {
    const { app } = await makeFixture()
    const pending = app.request("/hang")
    await app.run(Gate.use((gate) => gate.entered))
    await app.run(TestClock.adjust(1000))
    const response = await pending
    assert.strictEqual(response.status, 504)
    assert.strictEqual((await problemOf(response)).type, "urn:gridwork:problem:timeout")
  })

  it("never answers 5xx to random JSON bodies", async () => {
    const { app } = await makeFixture()
    const field = fc.oneof(fc.jsonValue(), fc.string(), fc.integer())
    const body = fc.oneof(
      fc.jsonValue().map((value) => JSON.stringify(value)),
      fc
        .record(
          {
            jurisdiction: field,
            title: field,
            priority: field,
            tags: fc.array(field),
            contact: fc.dictionary(fc.string(), field)
          },
          { requiredKeys: [] }
        )
        .map((value) => JSON.stringify(value)),
      fc.string()
    )
    await fc.assert(
      fc.asyncProperty(
        body,
        fc.constantFrom("application/json", "text/plain", "application/problem+json"),
        async (text, contentType) => {
          const response = await app.request("/echo", jsonPost(text, { "content-type": contentType }))
          assert.isBelow(response.status, 500, `${response.status} for ${contentType} ${text}`)
          await response.arrayBuffer()
        }
      ),
      { numRuns: 200 }
    )
  })
})

describe("Route definitions", () => {
  const success = Schema.Struct({ ok: Schema.Boolean })

  it("refuses invalid definitions with the path and the rule", () => {
    assert.throws(
      () =>
        Route.get("no-slash", { operationId: "x", auth: "none", success, handler: () => Effect.succeed({ ok: true }) }),
      /\/path/
    )
    assert.throws(
      () =>
        Route.get("/x", { operationId: "bad id!", auth: "none", success, handler: () => Effect.succeed({ ok: true }) }),
      /\/operationId/
    )
    assert.throws(
      () =>
        Route.get("/x", {
          operationId: "x",
          permission: "Not A Permission",
          success,
          handler: () => Effect.succeed({ ok: true })
        }),
      /\/permission/
    )
    assert.throws(
      () =>
        Route.get("/x", {
          operationId: "x",
          auth: "none",
          permission: "note.read",
          success,
          handler: () => Effect.succeed({ ok: true })
        }),
      /\/auth/
    )
    assert.throws(
      () => Route.post("/x", { operationId: "x", auth: "none", status: 201, handler: () => Effect.void }),
      /\/status/
    )
  })

  it("answers 204 without a success schema", async () => {
    const route = Route.del("/things/:id", {
      operationId: "deleteThing",
      auth: "none",
      params: Schema.Struct({ id: Schema.String }),
      handler: () => Effect.void
    })
    assert.strictEqual(route.status, 204)
  })

  it("requires a problem mapping for every typed error the handler can fail with (compile time)", () => {
    class A extends Schema.TaggedError<A>()("A", { id: Schema.String }) {}
    class B extends Schema.TaggedError<B>()("B", {}) {}
    const mapped = Route.get("/mapped", {
      operationId: "mapped",
      auth: "none",
      errors: { A: { status: 404, title: "A missing", detail: (error: A) => error.id } },
      handler: () => Effect.fail(new A({ id: "1" }))
    })
    assert.deepStrictEqual(mapped.errorResponses, [
      { tag: "A", status: 404, title: "A missing", type: "urn:gridwork:problem:a" }
    ])
    // @ts-expect-error the handler can fail with A, which has no problem mapping
    Route.get("/unmapped", { operationId: "unmapped", auth: "none", handler: () => Effect.fail(new A({ id: "1" })) })
    Route.get("/partly", {
      operationId: "partly",
      auth: "none",
      // @ts-expect-error B is not mapped
      handler: () => (Math.random() > 2 ? Effect.fail(new A({ id: "1" })) : Effect.fail(new B())),
      errors: { A: { status: 404, title: "a" } }
    })
    const kitOnly = Route.get("/kit-only", {
      operationId: "kitOnly",
      auth: "none",
      handler: () => Effect.fail(HttpProblem.HttpProblem.notFound("nothing"))
    })
    assert.deepStrictEqual(kitOnly.errorResponses, [])
  })
})
