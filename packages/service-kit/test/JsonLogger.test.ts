import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { JsonLogger, Redact } from "../src/index"

describe("Redact", () => {
  it("redacts known sensitive keys at any depth, in any spelling, without mutating", () => {
    const input = {
      Authorization: "Bearer abc",
      user: { phone_number: "138", Email: "a@b.c", role: "handler", nested: [{ "Set-Cookie": "sid=1" }] },
      idNumber: "110101199003070000",
      count: 3
    }
    const output = Redact.redact(input)
    assert.deepStrictEqual(output, {
      Authorization: Redact.REDACTED,
      user: {
        phone_number: Redact.REDACTED,
        Email: Redact.REDACTED,
        role: "handler",
        nested: [{ "Set-Cookie": Redact.REDACTED }]
      },
      idNumber: Redact.REDACTED,
      count: 3
    })
    assert.strictEqual(input.Authorization, "Bearer abc")
  })

  it("takes extra keys, survives cycles and bounds depth", () => {
    const redact = Redact.makeRedactor({ keys: ["complainant-name"], maxDepth: 3 })
    const cyclic: Record<string, unknown> = { complainantName: "x" }
    cyclic.self = cyclic
    assert.deepStrictEqual(redact(cyclic), { complainantName: Redact.REDACTED, self: "[CIRCULAR]" })
    assert.deepStrictEqual(redact({ a: { b: { c: { d: 1 } } } }), { a: { b: { c: "[TRUNCATED]" } } })
    assert.deepStrictEqual(Redact.redact(new Error("boom")), { name: "Error", message: "boom" })
    assert.isTrue(Redact.isSensitiveKey("X-Api-Key"))
    assert.isFalse(Redact.isSensitiveKey("status"))
  })
})

describe("JsonLogger", () => {
  it.effect("writes one JSON line per entry with time, level, message and redacted annotations", () => {
    const lines: Array<string> = []
    return Effect.gen(function* () {
      yield* Effect.logInfo("hello").pipe(
        Effect.annotateLogs({ requestId: "r-1", password: "hunter2", user: { email: "a@b.c", role: "clerk" } })
      )
      yield* Effect.logDebug("hidden below the minimum level")
      yield* Effect.logError("failed", new Error("disk full"))
      const [first, second] = lines.map((line) => JSON.parse(line) as Record<string, unknown>)
      assert.strictEqual(lines.length, 2)
      assert.strictEqual(first?.level, "info")
      assert.strictEqual(first?.message, "hello")
      assert.strictEqual(first?.requestId, "r-1")
      assert.strictEqual(first?.password, Redact.REDACTED)
      assert.deepStrictEqual(first?.user, { email: Redact.REDACTED, role: "clerk" })
      assert.match(String(first?.time), /^\d{4}-\d{2}-\d{2}T/)
      assert.strictEqual(second?.level, "error")
      assert.deepStrictEqual(second?.message, ["failed", { name: "Error", message: "disk full" }])
      assert.notInclude(lines.join("\n"), "hunter2")
    }).pipe(Effect.provide(JsonLogger.layer({ sink: (line) => lines.push(line) })))
  })
})
