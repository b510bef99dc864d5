/**
 * RFC 9457 problem details (`application/problem+json`), the one error shape every
 * Gridwork service returns.
 *
 * A problem has a `type` (a URI naming the kind of problem; Gridwork uses
 * `urn:gridwork:problem:<slug>` URNs, listed in {@link ProblemType}), a human `title`,
 * the HTTP `status`, an optional `detail` for this occurrence, an `instance`
 * (`urn:uuid:<request id>`) and the `requestId` extension so that a resident's or an
 * operator's report can be matched to the logs. Validation problems add
 * `errors: [{ in, path, rule, message }]`, one entry per failed rule, where `path` is a
 * JSON Pointer (RFC 6901) into the request part named by `in`.
 *
 * @example
 * ```ts
 * import { Problem } from "@gridwork/service-kit"
 *
 * const response = Problem.toResponse({
 *   type: Problem.ProblemType.notFound,
 *   title: "Not Found",
 *   status: 404,
 *   detail: "No route matches GET /nope"
 * })
 * response.headers.get("content-type") // "application/problem+json"
 * ```
 * @module
 */
import { Schema } from "effect"

/** The media type of problem documents. */
export const CONTENT_TYPE = "application/problem+json"

/** Where in the request a field error was found. */
export const FieldLocation = Schema.Literals(["body", "query", "path", "header"]).annotate({
  identifier: "FieldLocation"
})
/** @see {@link FieldLocation} */
export type FieldLocation = typeof FieldLocation.Type

/**
 * One failed rule of a request: the request part (`in`), the JSON Pointer `path`
 * inside it (`""` for the whole part), a machine-readable `rule` (e.g. `required`,
 * `type`, `isMinLength`, `unexpected`) and a human `message`.
 */
export const FieldError = Schema.Struct({
  in: FieldLocation,
  path: Schema.String,
  rule: Schema.String,
  message: Schema.String
}).annotate({ identifier: "FieldError", description: "One failed validation rule." })
/** @see {@link FieldError} */
export type FieldError = typeof FieldError.Type

/** An RFC 9457 problem document as returned by Gridwork services. */
export const Problem = Schema.Struct({
  type: Schema.String.annotate({ description: "URI identifying the problem type" }),
  title: Schema.String.annotate({ description: "Short, human-readable summary of the problem type" }),
  status: Schema.Int.annotate({ description: "HTTP status code" }),
  detail: Schema.optional(Schema.String.annotate({ description: "Explanation specific to this occurrence" })),
  instance: Schema.optional(Schema.String.annotate({ description: "urn:uuid:<request id> of this occurrence" })),
  requestId: Schema.optional(Schema.String.annotate({ description: "The X-Request-Id of the request" })),
  errors: Schema.optional(Schema.Array(FieldError))
}).annotate({ identifier: "Problem", description: "RFC 9457 problem details" })
/** @see {@link Problem} */
export type Problem = typeof Problem.Type

/**
 * The problem types Gridwork services use. URNs rather than URLs: they name a kind
 * of problem without promising a page to dereference.
 */
export const ProblemType = {
  /** The body is not JSON, or not of a JSON media type. */
  malformedRequest: "urn:gridwork:problem:malformed-request",
  /** The request is well-formed but breaks a rule (see `errors`). */
  validationFailed: "urn:gridwork:problem:validation-failed",
  /** A header, path or query parameter is malformed or missing (see `errors`). */
  invalidParameter: "urn:gridwork:problem:invalid-parameter",
  /** No valid bearer token. */
  unauthenticated: "urn:gridwork:problem:unauthenticated",
  /** Authenticated, but not allowed to do this here. */
  forbidden: "urn:gridwork:problem:forbidden",
  /** Nothing at this path. */
  notFound: "urn:gridwork:problem:not-found",
  /** The path exists but not with this method. */
  methodNotAllowed: "urn:gridwork:problem:method-not-allowed",
  /** `Idempotency-Key` missing on a POST or PATCH. */
  idempotencyKeyMissing: "urn:gridwork:problem:idempotency-key-missing",
  /** `Idempotency-Key` reused with a different request. */
  idempotencyKeyReused: "urn:gridwork:problem:idempotency-key-reused",
  /** The first request with this `Idempotency-Key` is still being processed. */
  idempotencyKeyInFlight: "urn:gridwork:problem:idempotency-key-in-flight",
  /** The body is larger than the service accepts. */
  payloadTooLarge: "urn:gridwork:problem:payload-too-large",
  /** The service is starting, not ready, or shutting down. */
  serviceUnavailable: "urn:gridwork:problem:service-unavailable",
  /** The request took longer than the service's time limit. */
  timeout: "urn:gridwork:problem:timeout",
  /** An unexpected error; the details are in the service's logs under the request id. */
  internal: "urn:gridwork:problem:internal-error"
} as const

const reasonPhrases: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  409: "Conflict",
  410: "Gone",
  412: "Precondition Failed",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  428: "Precondition Required",
  429: "Too Many Requests",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout"
}

/** The standard reason phrase of an HTTP status, e.g. `Not Found` for 404. */
export const reasonPhrase = (status: number): string => reasonPhrases[status] ?? `HTTP ${status}`

/** The `instance` URI of a request id: `urn:uuid:<id>` for UUIDs, `urn:gridwork:request:<id>` otherwise. */
export const instanceOf = (requestId: string): string =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(requestId)
    ? `urn:uuid:${requestId.toLowerCase()}`
    : `urn:gridwork:request:${requestId}`

/** Options of {@link toResponse}. */
export interface ResponseOptions {
  /** Extra response headers (e.g. `WWW-Authenticate`, `Allow`, `Retry-After`). */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** Extension members added beside the standard ones (RFC 9457 §3.2). */
  readonly extensions?: Readonly<Record<string, unknown>> | undefined
}

/** Serializes a problem as an `application/problem+json` response with its status. */
export const toResponse = (problem: Problem, options?: ResponseOptions): Response => {
  const headers = new Headers(options?.headers)
  headers.set("content-type", CONTENT_TYPE)
  headers.set("cache-control", "no-store")
  const body = options?.extensions === undefined ? problem : { ...options.extensions, ...problem }
  return new Response(JSON.stringify(body), { status: problem.status, headers })
}
