/**
 * JSON Canonicalization Scheme (JCS, RFC 8785): one exact text for a JSON value, so
 * that hashes and signatures over it are repeatable on any machine.
 *
 * Rules implemented here (RFC 8785 section 3.2):
 * - no whitespace between tokens;
 * - object members sorted by their names compared as arrays of UTF-16 code units
 *   (not code points, not locale order), recursively; array order kept;
 * - numbers serialized exactly as ECMAScript's `Number.prototype.toString` does
 *   (shortest round-trip form: `1e+21`, `0.000001`, `1e-7`, `-0` → `0`);
 *   `NaN` and `±Infinity` are errors;
 * - strings: `"` `\` and the controls `\b \t \n \f \r` get their short escapes, other
 *   controls below U+0020 become `\u00xx` (lowercase hex), everything else is written
 *   as is (UTF-8 when encoded to bytes); lone surrogates are errors (I-JSON, RFC 7493);
 * - only `null`, booleans, finite numbers, strings, arrays and plain objects are JSON;
 *   `undefined`, functions, symbols, bigints, class instances and cycles are errors.
 *
 * @example
 * ```ts
 * import { CanonicalJson } from "@gridwork/core"
 *
 * CanonicalJson.canonicalize({ b: [1e21, 0.000001, -0], a: "€" })
 * // '{"a":"€","b":[1e+21,0.000001,0]}'
 * ```
 * @module
 */
import { Schema } from "effect"

/** A JSON value as JCS accepts it. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | ReadonlyArray<JsonValue>
  | { readonly [key: string]: JsonValue }

/** The value cannot be canonicalized; `path` is a JSON Pointer (RFC 6901) to the culprit. */
export class CanonicalJsonError extends Schema.TaggedError<CanonicalJsonError>()("CanonicalJsonError", {
  path: Schema.String,
  rule: Schema.String
}) {
  /** `at <path>: <rule>`. */
  override get message(): string {
    return `at ${this.path === "" ? "/" : this.path}: ${this.rule}`
  }
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters JCS must escape
const needsEscape = /[\u0000-\u001f"\\\ud800-\udfff]/

const shortEscapes: Record<number, string> = {
  8: "\\b",
  9: "\\t",
  10: "\\n",
  12: "\\f",
  13: "\\r",
  34: '\\"',
  92: "\\\\"
}

/** The path to the value being written, as JSON Pointer segments; rendered only on error. */
type Path = Array<string | number>

const pointer = (path: Path): string =>
  path.map((segment) => `/${String(segment).replaceAll("~", "~0").replaceAll("/", "~1")}`).join("")

const fail = (path: Path, rule: string): never => {
  throw new CanonicalJsonError({ path: pointer(path), rule })
}

const serializeString = (value: string, path: Path): string => {
  if (!needsEscape.test(value)) return `"${value}"`
  let out = '"'
  let start = 0
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i)
    let replacement: string | undefined
    if (unit < 0x20 || unit === 0x22 || unit === 0x5c) {
      replacement = shortEscapes[unit] ?? `\\u00${unit.toString(16).padStart(2, "0")}`
    } else if (unit >= 0xd800 && unit <= 0xdfff) {
      const next = i + 1 < value.length ? value.charCodeAt(i + 1) : 0
      if (unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++ // a well-formed surrogate pair is copied as is
        continue
      }
      fail(
        path,
        `lone surrogate U+${unit.toString(16).toUpperCase()} at index ${i}: I-JSON strings must be valid Unicode`
      )
    } else {
      continue
    }
    out += value.slice(start, i) + replacement
    start = i + 1
  }
  return `${out}${value.slice(start)}"`
}

const serializeNumber = (value: number, path: Path): string => {
  if (!Number.isFinite(value)) fail(path, `${value} is not a JSON number (only finite numbers are allowed)`)
  // ECMAScript Number::toString is the JCS number format; -0 becomes "0"
  return Object.is(value, -0) ? "0" : String(value)
}

/** Orders strings by UTF-16 code units, as RFC 8785 section 3.2.3 requires. */
export const compareUtf16 = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

const isPlainObject = (value: object): boolean => {
  const prototype = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}

const serialize = (value: unknown, path: Path, ancestors: Array<object>): string => {
  switch (typeof value) {
    case "string":
      return serializeString(value, path)
    case "number":
      return serializeNumber(value, path)
    case "boolean":
      return value ? "true" : "false"
    case "object": {
      if (value === null) return "null"
      if (ancestors.includes(value)) fail(path, "cyclic structure")
      ancestors.push(value)
      let out: string
      if (Array.isArray(value)) {
        out = "["
        for (let i = 0; i < value.length; i++) {
          path.push(i)
          out += (i === 0 ? "" : ",") + serialize(value[i], path, ancestors)
          path.pop()
        }
        out += "]"
      } else if (isPlainObject(value)) {
        const record = value as Record<string, unknown>
        // the default sort compares strings by UTF-16 code units (same as compareUtf16)
        const keys = Object.keys(record).sort()
        out = "{"
        for (let i = 0; i < keys.length; i++) {
          const key = keys[i]!
          path.push(key)
          out += `${i === 0 ? "" : ","}${serializeString(key, path)}:${serialize(record[key], path, ancestors)}`
          path.pop()
        }
        out += "}"
      } else {
        out = fail(
          path,
          `a ${value.constructor?.name ?? "non-plain object"} is not JSON (only plain objects and arrays)`
        )
      }
      ancestors.pop()
      return out
    }
    default:
      return fail(path, `a value of type ${typeof value} is not JSON`)
  }
}

/**
 * The RFC 8785 canonical text of `value`. Throws {@link CanonicalJsonError} naming the
 * JSON Pointer of the first value that is not I-JSON.
 */
export const canonicalize = (value: unknown): string => serialize(value, [], [])

const encoder = new TextEncoder()

/** The canonical text of `value` as UTF-8 bytes (what gets hashed or signed). */
export const canonicalBytes = (value: unknown): Uint8Array => encoder.encode(canonicalize(value))
