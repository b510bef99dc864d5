import { assert, describe, it } from "@effect/vitest"
import { Ids } from "@gridwork/core"
import { Effect, Schema } from "effect"
import fc from "fast-check"
import { CommandIds, IdempotencyKey } from "../src/index"

const isV7 = Schema.is(Schema.String.check(Schema.isUUID(7)))

describe("CommandIds", () => {
  it.effect("uses a UUIDv7 key as the command id, lower-cased", () =>
    Effect.gen(function* () {
      const key = yield* Ids.makeUuidV7
      assert.strictEqual(CommandIds.commandIdFor(key.toUpperCase(), 123), key)
    })
  )

  it("turns a UUIDv4 key into a deterministic UUIDv7 stamped with the first-seen time", () => {
    fc.assert(
      fc.property(fc.uuid({ version: 4 }), fc.integer({ min: 0, max: 2 ** 47 }), (key, firstSeenAt) => {
        const id = CommandIds.commandIdFor(key, firstSeenAt)
        assert.isTrue(isV7(id))
        assert.strictEqual(Ids.uuidV7Millis(id), firstSeenAt)
        assert.strictEqual(CommandIds.commandIdFor(key.toUpperCase(), firstSeenAt), id)
      })
    )
  })

  it("gives different UUIDv4 keys different command ids", () => {
    const a = CommandIds.commandIdFor("8f14e45f-ceea-467f-a0b5-6c2f4d1c9a01", 1000)
    const b = CommandIds.commandIdFor("8f14e45f-ceea-467f-a0b5-6c2f4d1c9a02", 1000)
    assert.notStrictEqual(a, b)
  })

  it("refuses a key that is not a UUID v4 or v7", () => {
    assert.throws(() => CommandIds.commandIdFor("not-a-uuid", 0), /UUID/)
  })

  it.effect("derives event ids: the first is the command id, the others share its time and differ", () =>
    Effect.gen(function* () {
      const commandId = yield* Ids.makeCommandId
      const ids: ReadonlyArray<string> = [0, 1, 2, 3].map((index) => CommandIds.eventIdFor(commandId, index))
      assert.strictEqual(ids[0], commandId)
      assert.strictEqual(new Set(ids).size, 4)
      for (const id of ids) {
        assert.isTrue(isV7(id))
        assert.strictEqual(Ids.uuidV7Millis(id), Ids.uuidV7Millis(commandId))
      }
      assert.deepStrictEqual(
        [1, 2, 3].map((index) => CommandIds.eventIdFor(commandId, index)),
        ids.slice(1),
        "deterministic"
      )
      assert.throws(() => CommandIds.eventIdFor(commandId, -1), /index/)
    })
  )
})

describe("IdempotencyKey", () => {
  it("fingerprints method, path and canonical body", () => {
    const base = IdempotencyKey.fingerprint("POST", "/notes", '{"a":1,"b":[1,2]}')
    assert.strictEqual(IdempotencyKey.fingerprint("post", "/notes", '{ "b": [1, 2], "a": 1 }'), base)
    assert.notStrictEqual(IdempotencyKey.fingerprint("PATCH", "/notes", '{"a":1,"b":[1,2]}'), base)
    assert.notStrictEqual(IdempotencyKey.fingerprint("POST", "/notes/1", '{"a":1,"b":[1,2]}'), base)
    assert.notStrictEqual(IdempotencyKey.fingerprint("POST", "/notes", '{"a":1,"b":[2,1]}'), base)
    assert.notStrictEqual(IdempotencyKey.fingerprint("POST", "/notes", '{"a":"1","b":[1,2]}'), base)
  })

  it("keeps a body that is not JSON as sent", () => {
    assert.strictEqual(IdempotencyKey.canonicalBody("{oops"), "{oops")
    assert.strictEqual(IdempotencyKey.canonicalBody('"\\ud800"'), '"\\ud800"')
    assert.strictEqual(IdempotencyKey.canonicalBody("  "), "")
  })

  it("is canonical for any JSON value: re-serializing with shuffled keys gives the same form", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value)
        const shuffled = JSON.stringify(value, (_key, inner: unknown) =>
          inner !== null && typeof inner === "object" && !Array.isArray(inner)
            ? Object.fromEntries(Object.entries(inner).reverse())
            : inner
        )
        assert.strictEqual(IdempotencyKey.canonicalBody(shuffled), IdempotencyKey.canonicalBody(text))
      })
    )
  })
})
