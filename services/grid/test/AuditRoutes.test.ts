import { describe, it } from "@effect/vitest"
import { assert } from "vitest"
import { prefersText } from "../src/http/AuditRoutes"

describe("AuditRoutes.prefersText", () => {
  it("serves text only when the client prefers it to JSON", () => {
    assert.isTrue(prefersText("text/plain"))
    assert.isTrue(prefersText("text/plain, application/json;q=0.5"))
    assert.isTrue(prefersText("application/json;q=0.2, text/plain;q=0.9"))
    assert.isFalse(prefersText(undefined))
    assert.isFalse(prefersText("application/json"))
    assert.isFalse(prefersText("*/*"))
    assert.isFalse(prefersText("application/json, text/plain"))
    assert.isFalse(prefersText("text/plain;q=0"))
  })
})
