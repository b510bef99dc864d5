import { assert, describe, it } from "@effect/vitest"
import { TestClock } from "effect/testing"
import { Gate, jsonPost, makeFixture, newKey } from "./support/NotesService"

const json = async (response: Response): Promise<Record<string, unknown>> =>
  (await response.json()) as Record<string, unknown>

const note = (title: string) => ({ jurisdiction: "lanxi", title, priority: 3 })

describe("Idempotency-Key", () => {
  it("is required on POST: 400 problem naming the header", async () => {
    const { app } = await makeFixture()
    const response = await app.request("/echo", {
      method: "POST",
      body: JSON.stringify(note("a")),
      headers: { "content-type": "application/json" }
    })
    assert.strictEqual(response.status, 400)
    assert.strictEqual(response.headers.get("content-type"), "application/problem+json")
    const body = await json(response)
    assert.strictEqual(body.type, "urn:gridwork:problem:idempotency-key-missing")
    assert.deepStrictEqual(body.errors, [
      { in: "header", path: "/Idempotency-Key", rule: "required", message: "Missing header" }
    ])
  })

  it("is required on PATCH too, and not on GET", async () => {
    const { app, token } = await makeFixture()
    const bearer = await token({ subject: "h", roles: ["note-handler"], jurisdictions: ["lanxi"] })
    const patch = await app.request(`/notes/${newKey()}/archive`, {
      method: "PATCH",
      body: JSON.stringify({ reason: "done" }),
      headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` }
    })
    assert.strictEqual(patch.status, 400)
    assert.strictEqual((await json(patch)).type, "urn:gridwork:problem:idempotency-key-missing")
    const get = await app.request("/notes?limit=5")
    assert.strictEqual(get.status, 200)
  })

  it("must be a UUID v7 or v4: 400 with the rule", async () => {
    const { app } = await makeFixture()
    for (const key of ["abc", "6ba7b810-9dad-11d1-80b4-00c04fd430c8", "0193a0c4-7a10-7cc3-9d35-5d8f1f0a1b2"]) {
      const response = await app.request("/echo", jsonPost(note("a"), { "idempotency-key": key }))
      assert.strictEqual(response.status, 400, key)
      const body = await json(response)
      assert.strictEqual(body.type, "urn:gridwork:problem:invalid-parameter")
      const errors = body.errors as ReadonlyArray<Record<string, string>>
      assert.strictEqual(errors[0]?.path, "/Idempotency-Key")
      assert.strictEqual(errors[0]?.in, "header")
      assert.include(errors[0]?.message ?? "", "UUID")
    }
    const v4 = await app.request("/echo", jsonPost(note("a"), { "idempotency-key": crypto.randomUUID() }))
    assert.strictEqual(v4.status, 200)
    const body = await json(v4)
    assert.match(String(body.commandId), /^[0-9a-f]{8}-[0-9a-f]{4}-7/)
  })

  it("replays a completed request: same status, headers subset and body, Idempotent-Replayed: true, handler not run again", async () => {
    const { app, token } = await makeFixture()
    const bearer = await token({ subject: "clerk-1", roles: ["clerk"], jurisdictions: ["lanxi"] })
    const request = jsonPost(note("first"), { authorization: `Bearer ${bearer}` })
    const first = await app.request("/notes", request)
    assert.strictEqual(first.status, 201)
    assert.isNull(first.headers.get("idempotent-replayed"))
    const firstBody = await first.text()
    const again = await app.request("/notes", request)
    assert.strictEqual(again.status, 201)
    assert.strictEqual(again.headers.get("idempotent-replayed"), "true")
    assert.strictEqual(again.headers.get("location"), first.headers.get("location"))
    assert.strictEqual(again.headers.get("content-type"), first.headers.get("content-type"))
    assert.strictEqual(await again.text(), firstBody)
    assert.notStrictEqual(again.headers.get("x-request-id"), first.headers.get("x-request-id"))
    const listed = await json(await app.request("/notes"))
    assert.strictEqual(listed.count, 1, "the handler ran once")
  })

  it("treats the same JSON with other key order and whitespace as the same request", async () => {
    const { app } = await makeFixture()
    const key = newKey()
    const first = await app.request(
      "/echo",
      jsonPost('{"jurisdiction":"lanxi","title":"t","priority":3}', { "idempotency-key": key })
    )
    assert.strictEqual(first.status, 200)
    const reordered = await app.request(
      "/echo",
      jsonPost('{ "priority": 3,\n  "title": "t", "jurisdiction": "lanxi" }', { "idempotency-key": key })
    )
    assert.strictEqual(reordered.status, 200)
    assert.strictEqual(reordered.headers.get("idempotent-replayed"), "true")
  })

  it("refuses the same key with a different body or path: 422", async () => {
    const { app } = await makeFixture()
    const key = newKey()
    const first = await app.request("/echo", jsonPost(note("one"), { "idempotency-key": key }))
    assert.strictEqual(first.status, 200)
    const otherBody = await app.request("/echo", jsonPost(note("two"), { "idempotency-key": key }))
    assert.strictEqual(otherBody.status, 422)
    assert.strictEqual((await json(otherBody)).type, "urn:gridwork:problem:idempotency-key-reused")
    const otherPath = await app.request("/slow", jsonPost(note("one"), { "idempotency-key": key }))
    assert.strictEqual(otherPath.status, 422)
    const listed = await json(await app.request("/notes"))
    assert.strictEqual(listed.count, 1)
  })

  it("answers 409 while the first request with the key is in flight, then replays it", async () => {
    const { app } = await makeFixture()
    const key = newKey()
    const request = jsonPost({ value: 42 }, { "idempotency-key": key })
    const first = app.request("/slow", request)
    await app.run(Gate.use((gate) => gate.entered))
    const concurrent = await app.request("/slow", request)
    assert.strictEqual(concurrent.status, 409)
    assert.strictEqual(concurrent.headers.get("retry-after"), "1")
    assert.strictEqual((await json(concurrent)).type, "urn:gridwork:problem:idempotency-key-in-flight")
    await app.run(Gate.use((gate) => gate.open))
    const done = await first
    assert.strictEqual(done.status, 200)
    const doneBody = await done.text()
    const replay = await app.request("/slow", request)
    assert.strictEqual(replay.status, 200)
    assert.strictEqual(replay.headers.get("idempotent-replayed"), "true")
    assert.strictEqual(await replay.text(), doneBody)
  })

  it("keeps different keys independent", async () => {
    const { app } = await makeFixture()
    const a = await json(await app.request("/echo", jsonPost(note("same"))))
    const b = await json(await app.request("/echo", jsonPost(note("same"))))
    assert.strictEqual(a.calls, 1)
    assert.strictEqual(b.calls, 2)
    assert.notStrictEqual(a.commandId, b.commandId)
  })

  it("scopes keys to the caller: another caller's key is a fresh request", async () => {
    const { app, token } = await makeFixture()
    const alice = await token({ subject: "alice", roles: ["clerk"], jurisdictions: ["lanxi"] })
    const bob = await token({ subject: "bob", roles: ["clerk"], jurisdictions: ["lanxi"] })
    const key = newKey()
    const first = await app.request(
      "/notes",
      jsonPost(note("x"), { "idempotency-key": key, authorization: `Bearer ${alice}` })
    )
    const second = await app.request(
      "/notes",
      jsonPost(note("x"), { "idempotency-key": key, authorization: `Bearer ${bob}` })
    )
    assert.strictEqual(first.status, 201)
    assert.strictEqual(second.status, 201)
    assert.isNull(second.headers.get("idempotent-replayed"))
    assert.strictEqual(((await json(second)) as { author: string }).author, "bob")
  })

  it("forgets keys after their time-to-live", async () => {
    const { app } = await makeFixture({ ttlMs: 60_000 })
    const key = newKey()
    const first = await json(await app.request("/echo", jsonPost(note("a"), { "idempotency-key": key })))
    assert.strictEqual(first.calls, 1)
    await app.run(TestClock.adjust(59_999))
    const replay = await app.request("/echo", jsonPost(note("a"), { "idempotency-key": key }))
    assert.strictEqual(replay.headers.get("idempotent-replayed"), "true")
    await app.run(TestClock.adjust(1))
    const afterExpiry = await app.request("/echo", jsonPost(note("b"), { "idempotency-key": key }))
    assert.strictEqual(afterExpiry.status, 200)
    assert.isNull(afterExpiry.headers.get("idempotent-replayed"))
    assert.strictEqual((await json(afterExpiry)).calls, 2)
  })

  it("stores 4xx answers but releases the key after a 5xx so the client can retry", async () => {
    const { app } = await makeFixture()
    const invalid = jsonPost({ jurisdiction: "lanxi", title: "", priority: 9 })
    const first = await app.request("/echo", invalid)
    assert.strictEqual(first.status, 422)
    const second = await app.request("/echo", invalid)
    assert.strictEqual(second.status, 422)
    assert.strictEqual(second.headers.get("idempotent-replayed"), "true")
    const boom = jsonPost({ secret: "x" })
    const crashed = await app.request("/boom", boom)
    assert.strictEqual(crashed.status, 500)
    const retried = await app.request("/boom", boom)
    assert.strictEqual(retried.status, 500)
    assert.isNull(retried.headers.get("idempotent-replayed"), "a 5xx is never replayed")
  })

  it("derives a UUIDv7 command id from a UUIDv4 key, stamped with the first-seen time and kept across a retry after a 5xx", async () => {
    const { app } = await makeFixture()
    await app.run(TestClock.adjust(7_000))
    const key = crypto.randomUUID()
    const request = jsonPost({ value: 1 }, { "idempotency-key": key })
    const crashed = await app.request("/flaky", request)
    assert.strictEqual(crashed.status, 500)
    await app.run(TestClock.adjust(5_000))
    const retried = await app.request("/flaky", request)
    assert.strictEqual(retried.status, 200)
    const body = await json(retried)
    assert.strictEqual(body.attempt, 2)
    const commandId = String(body.commandId)
    assert.match(commandId, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab]/)
    assert.strictEqual(Number.parseInt(commandId.slice(0, 8) + commandId.slice(9, 13), 16), 7_000)
    const replay = await json(await app.request("/flaky", request))
    assert.strictEqual(replay.commandId, commandId)
  })
})
