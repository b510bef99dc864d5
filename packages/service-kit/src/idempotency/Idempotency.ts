/**
 * The `Idempotency-Key` middleware (after draft-ietf-httpapi-idempotency-key-header),
 * for every POST and PATCH:
 *
 * | request                                           | answer                              |
 * |---------------------------------------------------|-------------------------------------|
 * | no `Idempotency-Key`                              | 400 problem                          |
 * | key is not a UUID v7 (or v4)                      | 400 problem naming the header        |
 * | first use of the key                              | the handler runs; its response is stored |
 * | same key, same request, first one still running   | 409 problem, `Retry-After: 1`        |
 * | same key, same request, first one completed       | the stored response, `Idempotent-Replayed: true` |
 * | same key, different method, path or body          | 422 problem                          |
 *
 * "Same request" means the same fingerprint: SHA-256 of method, path and the canonical
 * JSON of the body (key order and whitespace do not matter). Keys are scoped to the
 * caller (issuer and subject, or anonymous): two callers cannot collide, and nobody
 * can replay somebody else's response by guessing a key.
 *
 * Responses with status < 500 are stored (so a retried invalid request gets the same
 * 4xx); a 5xx or a crash releases the key so the client can retry with the same key and
 * the same command id (the first-seen time is kept). Stored records expire after
 * `ttlMs` (24 h by default); an in-flight claim whose process died is taken over after
 * `leaseMs` (2 min by default, which must exceed the request time limit).
 *
 * The key and the command id derived from it (see `CommandIds`) are stored as
 * `c.var.idempotency` for the handler's `RequestContext`.
 *
 * @example
 * ```ts
 * import { Hono } from "hono"
 * import { Idempotency, type KitEnv, type IdempotencyStore } from "@gridwork/service-kit"
 *
 * declare const run: KitEnv.Runner<IdempotencyStore.IdempotencyStore>
 * const app = new Hono<KitEnv.KitEnv>()
 * app.post("/petitions", Idempotency.idempotency({ run }), (c) => c.json({ ok: true }, 201))
 * ```
 * @module
 */
import { Effect, Exit, Schema } from "effect"
import type { MiddlewareHandler } from "hono"
import { commandIdFor } from "../context/CommandIds"
import type { KitEnv, Runner } from "../http/KitEnv"
import { internalError, problem } from "../http/Respond"
import { HttpProblem } from "../problem/HttpProblem"
import { fromIssue } from "../problem/IssueErrors"
import { decodeOptions } from "../problem/OptionsError"
import { ProblemType } from "../problem/Problem"
import { fingerprint, HEADER, IdempotencyKey, REPLAYED_HEADER } from "./IdempotencyKey"
import { type AcquireResult, IdempotencyStore, StoredResponse } from "./IdempotencyStore"

/** Default time-to-live of stored keys: 24 hours. */
export const DEFAULT_TTL_MS = 24 * 60 * 60 * 1000
/** Default in-flight lease: 2 minutes. */
export const DEFAULT_LEASE_MS = 2 * 60 * 1000

/** Response headers kept with a stored response (besides the body and status). */
export const STORED_HEADERS: ReadonlyArray<string> = [
  "content-type",
  "location",
  "content-location",
  "etag",
  "last-modified"
]

/** The data part of {@link Options}. */
export const OptionsSchema = Schema.Struct({
  ttlMs: Schema.optional(Schema.Int.check(Schema.isBetween({ minimum: 1000, maximum: 30 * 24 * 3600 * 1000 }))),
  leaseMs: Schema.optional(Schema.Int.check(Schema.isBetween({ minimum: 100, maximum: 24 * 3600 * 1000 }))),
  methods: Schema.optional(Schema.Array(Schema.Literals(["POST", "PATCH", "PUT", "DELETE"])))
})

/** Options of {@link idempotency}. */
export interface Options {
  /** Runs store operations on the service's runtime. */
  readonly run: Runner<IdempotencyStore>
  /** How long a key is remembered (default 24 h). */
  readonly ttlMs?: number | undefined
  /** How long an in-flight claim holds (default 2 min). */
  readonly leaseMs?: number | undefined
  /** Methods that need a key (default POST and PATCH). */
  readonly methods?: ReadonlyArray<"POST" | "PATCH" | "PUT" | "DELETE"> | undefined
}

const missing = new HttpProblem({
  status: 400,
  type: ProblemType.idempotencyKeyMissing,
  title: "Idempotency-Key missing",
  detail: `${HEADER} header is required on this request (a UUIDv7, or UUIDv4)`,
  errors: [{ in: "header", path: `/${HEADER}`, rule: "required", message: "Missing header" }]
})

const reused = new HttpProblem({
  status: 422,
  type: ProblemType.idempotencyKeyReused,
  title: "Idempotency-Key reused",
  detail: `This ${HEADER} was already used for a different request (method, path or body differ); use a new key`
})

const inFlight = new HttpProblem({
  status: 409,
  type: ProblemType.idempotencyKeyInFlight,
  title: "Request in progress",
  detail: `A request with this ${HEADER} is still being processed; retry later`,
  headers: { "retry-after": "1" }
})

const scopeOf = (principal: KitEnv["Variables"]["principal"]): string =>
  principal === undefined ? JSON.stringify(["anonymous"]) : JSON.stringify([principal.issuer, principal.subject])

const storedHeaders = (headers: Headers): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const name of STORED_HEADERS) {
    const value = headers.get(name)
    if (value !== null) out[name] = value
  }
  return out
}

/** The idempotency middleware. */
export const idempotency = (options: Options): MiddlewareHandler<KitEnv> => {
  const { run, ...data } = options
  const config = decodeOptions(OptionsSchema, "Idempotency options", data)
  const ttlMillis = config.ttlMs ?? DEFAULT_TTL_MS
  const leaseMillis = config.leaseMs ?? DEFAULT_LEASE_MS
  const methods = new Set<string>(config.methods ?? ["POST", "PATCH"])
  const decodeKey = Schema.decodeUnknownResult(IdempotencyKey)

  return async function idempotency(c, next) {
    if (!methods.has(c.req.method)) return next()
    const requestId = c.var.requestId
    const header = c.req.header(HEADER)
    if (header === undefined) {
      return problem(requestId, missing)
    }
    const decoded = decodeKey(header.trim())
    if (decoded._tag === "Failure") {
      return problem(
        requestId,
        HttpProblem.invalidParameter(
          `${HEADER} must be a UUIDv7 (or UUIDv4)`,
          fromIssue(decoded.failure.issue, "header").map((error) => ({ ...error, path: `/${HEADER}` }))
        )
      )
    }
    const key = decoded.success
    const body = await c.req.text()
    const scopedKey = `${scopeOf(c.var.principal)}:${key}`
    const print = fingerprint(c.req.method, c.req.path, body)
    const acquired = await run(
      IdempotencyStore.use((store) => store.acquire({ key: scopedKey, fingerprint: print, ttlMillis, leaseMillis }))
    )
    if (Exit.isFailure(acquired)) {
      await run(Effect.logError("idempotency store unavailable", acquired.cause))
      return problem(requestId, HttpProblem.unavailable("Requests cannot be de-duplicated right now; retry later"))
    }
    const result: AcquireResult = acquired.value
    switch (result._tag) {
      case "Mismatch":
        return problem(requestId, reused)
      case "InFlight":
        return problem(requestId, inFlight)
      case "Completed": {
        const headers = new Headers(result.response.headers)
        headers.set(REPLAYED_HEADER, "true")
        return new Response(result.response.body, { status: result.response.status, headers })
      }
      case "Acquired":
        break
    }
    c.set("idempotency", { key, commandId: commandIdFor(key, result.firstSeenAt) })
    let settled = false
    try {
      await next()
      const response = c.res
      if (response.status < 500) {
        const stored = new StoredResponse({
          status: response.status,
          headers: storedHeaders(response.headers),
          body: await response.clone().text()
        })
        const completed = await run(
          IdempotencyStore.use((store) => store.complete({ key: scopedKey, fingerprint: print, response: stored }))
        )
        if (Exit.isFailure(completed)) await run(Effect.logError("idempotent response not stored", completed.cause))
        settled = true
      }
    } finally {
      if (!settled) {
        const released = await run(
          IdempotencyStore.use((store) => store.release({ key: scopedKey, fingerprint: print }))
        )
        if (Exit.isFailure(released)) await run(Effect.logError("idempotency key not released", released.cause))
      }
    }
    return c.res ?? internalError(requestId)
  }
}
