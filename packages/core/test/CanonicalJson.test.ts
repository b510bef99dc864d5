import { assert, describe, it } from "@effect/vitest"
import * as fc from "fast-check"
import { CanonicalJson } from "../src"

const { canonicalize } = CanonicalJson

/** The IEEE 754 double with the given 64-bit pattern (16 hex digits). */
const fromIeeeHex = (hex: string): number => {
  const view = new DataView(new ArrayBuffer(8))
  view.setBigUint64(0, BigInt(`0x${hex}`))
  return view.getFloat64(0)
}

const errorOf = (value: unknown): CanonicalJson.CanonicalJsonError => {
  try {
    canonicalize(value)
  } catch (error) {
    if (error instanceof CanonicalJson.CanonicalJsonError) return error
    throw error
  }
  throw new Error("expected canonicalize to fail")
}

describe("CanonicalJson (RFC 8785)", () => {
  it("canonicalizes the example of section 3.2.2 (primitives and whitespace)", () => {
    // the input of RFC 8785 section 3.2.2, as JSON text
    const input = JSON.parse(`{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\"\\/",
      "literals": [null, true, false]
    }`)
    assert.strictEqual(
      canonicalize(input),
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
    )
  })

  it("sorts properties by UTF-16 code units, as in section 3.2.3", () => {
    const input = JSON.parse(`{
      "\\u20ac": "Euro Sign",
      "\\r": "Carriage Return",
      "\\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\\ud83d\\ude00": "Emoji: Grinning Face",
      "\\u0080": "Control",
      "\\u00f6": "Latin Small Letter O With Diaeresis"
    }`)
    const text = canonicalize(input)
    assert.strictEqual(
      text,
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}'
    )
  })

  it("orders a supplementary-plane key before U+FB33 (code units, not code points)", () => {
    // by code point U+1F600 > U+FB33; by UTF-16 code unit 0xD83D < 0xFB33
    assert.strictEqual(canonicalize({ "\ufb33": 1, "\ud83d\ude00": 2 }), '{"\ud83d\ude00":2,"\ufb33":1}')
  })

  it.each([
    ["0000000000000000", "0"],
    ["8000000000000000", "0"],
    ["0000000000000001", "5e-324"],
    ["8000000000000001", "-5e-324"],
    ["7fefffffffffffff", "1.7976931348623157e+308"],
    ["ffefffffffffffff", "-1.7976931348623157e+308"],
    ["4340000000000000", "9007199254740992"],
    ["c340000000000000", "-9007199254740992"],
    ["4430000000000000", "295147905179352830000"],
    ["44b52d02c7e14af5", "9.999999999999997e+22"],
    ["44b52d02c7e14af6", "1e+23"],
    ["44b52d02c7e14af7", "1.0000000000000001e+23"],
    ["444b1ae4d6e2ef4e", "999999999999999700000"],
    ["444b1ae4d6e2ef4f", "999999999999999900000"],
    ["444b1ae4d6e2ef50", "1e+21"],
    ["3eb0c6f7a0b5ed8c", "9.999999999999997e-7"],
    ["3eb0c6f7a0b5ed8d", "0.000001"],
    ["41b3de4355555553", "333333333.3333332"],
    ["41b3de4355555554", "333333333.33333325"],
    ["41b3de4355555555", "333333333.3333333"],
    ["41b3de4355555556", "333333333.3333334"],
    ["41b3de4355555557", "333333333.33333343"],
    ["becbf647612f3696", "-0.0000033333333333333333"],
    ["43143ff3c1cb0959", "1424953923781206.2"]
  ])("serializes the IEEE 754 value %s as %s (appendix B)", (hex, expected) => {
    assert.strictEqual(canonicalize(fromIeeeHex(hex)), expected)
  })

  it("serializes the numbers named in the brief", () => {
    assert.strictEqual(canonicalize([1e21, 0.000001, -0, 1e-7, 100, 1.5e300]), "[1e+21,0.000001,0,1e-7,100,1.5e+300]")
  })

  it.each([
    ["7fffffffffffffff", "NaN"],
    ["7ff0000000000000", "Infinity"],
    ["fff0000000000000", "-Infinity"]
  ])("rejects the IEEE 754 value %s (%s)", (hex, name) => {
    const error = errorOf({ list: [1, fromIeeeHex(hex)] })
    assert.strictEqual(error.path, "/list/1")
    assert.include(error.rule, name)
  })

  it("escapes only what JCS escapes", () => {
    assert.strictEqual(canonicalize("\u0000\u0001\u001f"), '"\\u0000\\u0001\\u001f"')
    assert.strictEqual(canonicalize('\b\t\n\f\r"\\'), '"\\b\\t\\n\\f\\r\\"\\\\"')
    assert.strictEqual(canonicalize("</script>\u007f\u2028é"), '"</script>\u007f\u2028é"')
  })

  it("keeps surrogate pairs and rejects lone surrogates with the path", () => {
    assert.strictEqual(canonicalize({ "a/b~c": "x\ud83d\ude00y" }), '{"a/b~c":"x😀y"}')
    const lone = errorOf({ "a/b~c": ["ok", "x\ud83dy"] })
    assert.strictEqual(lone.path, "/a~1b~0c/1")
    assert.include(lone.rule, "lone surrogate U+D83D")
    assert.include(errorOf({ "\udc00": 1 }).rule, "lone surrogate U+DC00")
  })

  it("rejects what is not JSON, naming where", () => {
    assert.include(errorOf({ a: undefined }).rule, "undefined")
    assert.include(errorOf([() => 1]).rule, "function")
    assert.include(errorOf({ n: 10n }).rule, "bigint")
    assert.include(errorOf({ when: new Date(0) }).rule, "Date")
    assert.strictEqual(errorOf({ when: new Date(0) }).path, "/when")
    const cyclic: Record<string, unknown> = { a: 1 }
    cyclic.self = { back: cyclic }
    assert.strictEqual(errorOf(cyclic).path, "/self/back")
    assert.strictEqual(errorOf(cyclic).rule, "cyclic structure")
  })

  it("accepts shared (non-cyclic) references and null-prototype objects", () => {
    const shared = { x: 1 }
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { b: 2, a: 1 })
    assert.strictEqual(canonicalize([shared, shared, bare]), '[{"x":1},{"x":1},{"a":1,"b":2}]')
  })

  it("encodes UTF-8 bytes", () => {
    assert.deepStrictEqual(
      [...CanonicalJson.canonicalBytes({ "€": 1 })],
      [0x7b, 0x22, 0xe2, 0x82, 0xac, 0x22, 0x3a, 0x31, 0x7d]
    )
  })

  it("round-trips through JSON.parse and ignores property order", () => {
    const shuffle = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(shuffle)
      if (typeof value === "object" && value !== null) {
        return Object.fromEntries(
          Object.entries(value)
            .reverse()
            .map(([k, v]) => [k, shuffle(v)])
        )
      }
      return value
    }
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalize(value)
        assert.strictEqual(canonicalize(JSON.parse(text)), text, "idempotent")
        assert.strictEqual(canonicalize(shuffle(value)), text, "order-independent")
        assert.deepStrictEqual(JSON.parse(text), JSON.parse(JSON.stringify(value)), "same value")
      }),
      { numRuns: 300 }
    )
  })
})
