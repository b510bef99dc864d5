import { describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { TestClock } from "effect/testing"
import { Ids, Instant } from "../src"

describe("Ids", () => {
  it.effect("makes UUIDv7 ids that carry the clock's time and sort by it", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.parse("2026-10-01T00:00:00Z"))
      const first = yield* Ids.makeCaseId
      yield* TestClock.adjust(1)
      const second = yield* Ids.makeCaseId
      expect(Schema.is(Ids.CaseId)(first)).toBe(true)
      expect(first[14]).toBe("7")
      expect(Ids.uuidV7Millis(first)).toBe(Date.parse("2026-10-01T00:00:00Z"))
      expect(first < second).toBe(true)
    })
  )

  it("rejects a UUIDv4 where a UUIDv7 is required", () => {
    expect(Schema.is(Ids.EventId)("0b7e5c2a-4f1e-4c1a-9d2b-8f3e2a1b0c9d")).toBe(false)
  })

  it("validates codes with a readable rule", () => {
    expect(Schema.is(Ids.JurisdictionCode)("lanxi.dongshan")).toBe(true)
    expect(Schema.is(Ids.JurisdictionCode)("has space")).toBe(false)
    expect(Schema.is(Ids.LocalityId)("Lanxi")).toBe(false)
  })
})

describe("Instant", () => {
  it("decodes an offset date-time to UTC millis and encodes it back as Z", () => {
    const t = Schema.decodeUnknownSync(Instant.InstantFromString)("2026-10-01T08:00:00+08:00")
    expect(t).toBe(Date.parse("2026-10-01T00:00:00Z"))
    expect(Schema.encodeSync(Instant.InstantFromString)(t)).toBe("2026-10-01T00:00:00.000Z")
  })

  it("rejects a local time without an offset", () => {
    expect(() => Schema.decodeUnknownSync(Instant.InstantFromString)("2026-10-01T08:00:00")).toThrow()
    expect(() => Schema.decodeUnknownSync(Instant.InstantFromString)("2026-13-01T08:00:00Z")).toThrow()
  })
})
