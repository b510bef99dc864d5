import { describe, expect, it } from "@effect/vitest"
import { Schema } from "effect"
import { Negotiation } from "../src/index"

describe("Negotiation", () => {
  it("prefers text only when the Accept header says so; JSON wins ties and absence", () => {
    expect(Negotiation.prefersText(undefined)).toBe(false)
    expect(Negotiation.prefersText("*/*")).toBe(false)
    expect(Negotiation.prefersText("application/json")).toBe(false)
    expect(Negotiation.prefersText("text/plain")).toBe(true)
    expect(Negotiation.prefersText("text/*")).toBe(true)
    expect(Negotiation.prefersText("text/plain;q=0.9, application/json")).toBe(false)
    expect(Negotiation.prefersText("application/json;q=0.5, text/plain")).toBe(true)
    expect(Negotiation.prefersText("text/html, */*;q=0.1")).toBe(false)
    expect(Negotiation.prefersText("TEXT/PLAIN")).toBe(true)
  })

  it("takes the q-value of the most specific range", () => {
    expect(Negotiation.weight("text/*;q=0.2, text/plain;q=0.7", "text/plain")).toBe(0.7)
    expect(Negotiation.weight("text/plain;q=0.7, text/*;q=0.2", "text/plain")).toBe(0.7)
    expect(Negotiation.weight("*/*;q=0.3", "application/json")).toBe(0.3)
    expect(Negotiation.weight("text/plain", "application/json")).toBe(0)
  })

  it("answers with the Schema-encoded JSON or the text", async () => {
    const schema = Schema.Struct({ n: Schema.NumberFromString })
    const json = Negotiation.respond(undefined, schema, { n: 3 }, () => "three")
    expect(json.headers["content-type"]).toBe("application/json")
    expect(json.body).toBe('{"n":"3"}')
    const text = Negotiation.respond("text/plain", schema, { n: 3 }, () => "three")
    expect(text.headers).toMatchObject({ "content-type": "text/plain; charset=utf-8", vary: "accept" })
    expect(text.body).toBe("three")
  })
})
