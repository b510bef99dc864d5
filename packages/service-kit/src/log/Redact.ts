/**
 * Redaction of known sensitive keys before anything reaches a log line.
 *
 * Gridwork logs never carry request bodies, query strings or `Authorization` headers;
 * `redact` is the second line of defence for structured values that do get logged
 * (annotations, error causes): every property whose key names a secret or a piece of
 * personal data is replaced by `"[REDACTED]"`, at any depth. Keys match
 * case-insensitively and ignoring `-` and `_`, so `Set-Cookie`, `set_cookie` and
 * `setCookie` are all caught.
 *
 * @example
 * ```ts
 * import { Redact } from "@gridwork/service-kit"
 *
 * Redact.redact({ user: { phone: "138...", role: "handler" }, authorization: "Bearer x" })
 * // { user: { phone: "[REDACTED]", role: "handler" }, authorization: "[REDACTED]" }
 * ```
 * @module
 */

/** The replacement written instead of a sensitive value. */
export const REDACTED = "[REDACTED]"

/**
 * Keys redacted by default (compared after lower-casing and removing `-`/`_`):
 * credentials, session material and the personal data fields Gridwork models use.
 */
export const defaultSensitiveKeys: ReadonlyArray<string> = [
  "authorization",
  "proxyauthorization",
  "cookie",
  "setcookie",
  "password",
  "passwd",
  "secret",
  "clientsecret",
  "token",
  "accesstoken",
  "refreshtoken",
  "idtoken",
  "apikey",
  "xapikey",
  "privatekey",
  "idempotencykey",
  "body",
  "query",
  "querystring",
  "phone",
  "phonenumber",
  "mobile",
  "email",
  "address",
  "homeaddress",
  "idnumber",
  "idcard",
  "nationalid",
  "passport",
  "fullname",
  "realname",
  "birthdate",
  "dateofbirth"
]

const normalize = (key: string): string => key.toLowerCase().replaceAll("-", "").replaceAll("_", "")

/** Options of {@link makeRedactor}. */
export interface RedactOptions {
  /** Extra keys to redact, in any spelling (normalized like the defaults). */
  readonly keys?: ReadonlyArray<string> | undefined
  /** Maximum depth to descend; deeper values are replaced by `"[TRUNCATED]"`. Default 8. */
  readonly maxDepth?: number | undefined
}

/** Builds a redaction function with extra sensitive keys. */
export const makeRedactor = (options?: RedactOptions): ((value: unknown) => unknown) => {
  const keys = new Set([...defaultSensitiveKeys, ...(options?.keys ?? [])].map(normalize))
  const maxDepth = options?.maxDepth ?? 8
  const visit = (value: unknown, depth: number, seen: WeakSet<object>): unknown => {
    if (value === null || typeof value !== "object") return value
    if (depth >= maxDepth) return "[TRUNCATED]"
    if (seen.has(value)) return "[CIRCULAR]"
    seen.add(value)
    if (Array.isArray(value)) return value.map((item) => visit(item, depth + 1, seen))
    if (value instanceof Date) return value.toISOString()
    if (value instanceof Error) {
      return { name: value.name, message: value.message }
    }
    const out: Record<string, unknown> = {}
    for (const [key, inner] of Object.entries(value)) {
      out[key] = keys.has(normalize(key)) ? REDACTED : visit(inner, depth + 1, seen)
    }
    return out
  }
  return (value) => visit(value, 0, new WeakSet())
}

/** Redacts {@link defaultSensitiveKeys} at any depth; returns a copy, never mutates. */
export const redact: (value: unknown) => unknown = makeRedactor()

/** Whether a key is sensitive under the default list. */
export const isSensitiveKey = (key: string): boolean => defaultSensitiveKeys.includes(normalize(key))
