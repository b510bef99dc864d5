/**
 * The `Idempotency-Key` request header and request fingerprints.
 *
 * A key is a UUID, version 7 (preferred: it becomes the command id as it is) or
 * version 4 (accepted for clients that cannot make v7; the command id is then derived
 * from it, see `CommandIds`). Any other string is refused with a 400 problem.
 *
 * A fingerprint is the SHA-256 (hex) of `METHOD \n path \n canonical body`, the body
 * in RFC 8785 canonical JSON (core's `CanonicalJson`) when it parses as JSON, as sent
 * otherwise: the same key sent again with another fingerprint is a different request
 * and is refused with 422.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { IdempotencyKey } from "@gridwork/service-kit"
 *
 * Schema.decodeUnknownSync(IdempotencyKey.IdempotencyKey)("0193A0C4-7A10-7CC3-9D35-5D8F1F0A1B2C")
 * // "0193a0c4-7a10-7cc3-9d35-5d8f1f0a1b2c" (lower-cased)
 * IdempotencyKey.fingerprint("POST", "/petitions", '{"b":1, "a":2}') ===
 *   IdempotencyKey.fingerprint("POST", "/petitions", '{"a":2,"b":1}') // true
 * ```
 * @module
 */
import { createHash } from "node:crypto"
import { CanonicalJson } from "@gridwork/core"
import { Schema, SchemaGetter } from "effect"

/** The request header carrying the key. */
export const HEADER = "Idempotency-Key"

/** The response header set on a replayed response. */
export const REPLAYED_HEADER = "Idempotent-Replayed"

const uuidV4orV7 = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[47][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/

/** A UUID v4 or v7 in any case, decoded to lower case. */
export const IdempotencyKey = Schema.String.check(
  Schema.makeFilter((value: string) => uuidV4orV7.test(value), {
    expected: "a UUID version 7 (or 4), e.g. 0193a0c4-7a10-7cc3-9d35-5d8f1f0a1b2c",
    identifier: "isUUIDv4orV7"
  })
)
  .pipe(
    Schema.decodeTo(Schema.String, {
      decode: SchemaGetter.transform((value: string) => value.toLowerCase()),
      encode: SchemaGetter.transform((value: string) => value)
    })
  )
  .annotate({ identifier: "IdempotencyKey" })
/** @see {@link IdempotencyKey} */
export type IdempotencyKey = typeof IdempotencyKey.Type

/**
 * The canonical form of a body text: RFC 8785 JSON when it parses as JSON (key order
 * and whitespace do not matter), the text itself otherwise.
 */
export const canonicalBody = (text: string): string => {
  if (text.trim().length === 0) return ""
  try {
    return CanonicalJson.canonicalize(JSON.parse(text))
  } catch {
    return text
  }
}

/** SHA-256 (hex) of method, path and canonical body: what "the same request" means. */
export const fingerprint = (method: string, path: string, bodyText: string): string =>
  createHash("sha256")
    .update(`${method.toUpperCase()}\n${path}\n${canonicalBody(bodyText)}`)
    .digest("hex")
