/**
 * Route definitions: one operation of a service, declared with Schemas so that the
 * kit can decode its input, authorize it, run its handler Effect, map its typed errors
 * to problems, encode its output, and describe it in the OpenAPI document.
 *
 * For each request the kit, in order:
 * 1. checks authentication (`auth`, default `required`) and the `permission`, if any
 *    (401/403, before any input is looked at);
 * 2. decodes `params` and `query` (from strings: use `Schema.NumberFromString` and the
 *    like) and the JSON `body` (through `Schema.toCodecJson`): a body that is not JSON
 *    or not sent as `application/json` is a 400, input that is JSON but breaks the
 *    schema is a 422 listing every failed rule with its path; excess properties are
 *    refused; a client never gets a 500 for bad input;
 * 3. checks the `jurisdiction` of the input against the caller's scope (403);
 * 4. runs `handler` with a time limit (`timeoutMs`, app default 30 s; 504 when
 *    exceeded, the handler is interrupted);
 * 5. maps its failures: `HttpProblem`s as they are, a `PersonalDataAccessLogError` to
 *    503, other tagged errors through `errors` (`{ PetitionNotFound: { status: 404,
 *    title: "Petition not found" } }`; the compiler insists on one entry per tag, and
 *    a `detail` function annotates its parameter: `(error: PetitionNotFound) => ...`),
 *    anything else is a defect (500, logged with the request id, generic body);
 * 6. encodes the output with `success` (JSON) and answers with `status` (default
 *    200, or 204 without a `success` schema).
 *
 * A handler that must answer with another media type (GeoJSON passed through as
 * stored, plain text, a server-sent event stream) returns a {@link RawResponse}
 * instead, and the route lists the media types it may produce in `produces` (for the
 * OpenAPI document); the kit sends it as it is. Keep streaming responses on GET: POST
 * and PATCH responses are read in full to be stored for `Idempotency-Key` replays.
 *
 * @example
 * ```ts
 * import { Effect, Schema } from "effect"
 * import { Route } from "@gridwork/service-kit"
 *
 * class Greeting extends Schema.Class<Greeting>("Greeting")({ text: Schema.String }) {}
 *
 * const greet = Route.post("/greetings/:name", {
 *   operationId: "greet",
 *   summary: "Greets somebody",
 *   auth: "none",
 *   params: Schema.Struct({ name: Schema.String.check(Schema.isMaxLength(40)) }),
 *   body: Schema.Struct({ polite: Schema.Boolean }),
 *   success: Greeting,
 *   status: 201,
 *   handler: ({ params, body }) =>
 *     Effect.succeed(new Greeting({ text: body.polite ? `Good day, ${params.name}` : `Hi ${params.name}` }))
 * })
 * ```
 * @module
 */
import { Effect, Option, Schema } from "effect"
import type { Mode } from "../auth/Authentication"
import { type Authorizer, Permission, requireJurisdiction, requirePermission } from "../auth/Authorization"
import type { RequestContext } from "../context/RequestContext"
import { PersonalDataAccessLogError } from "../privacy/PersonalDataAccessLog"
import { HttpProblem } from "../problem/HttpProblem"
import { fromIssue } from "../problem/IssueErrors"
import { decodeOptions } from "../problem/OptionsError"
import type { FieldLocation } from "../problem/Problem"

/** HTTP methods routes can use. */
export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE"

/** Success statuses. */
export type SuccessStatus = 200 | 201 | 202 | 204

/** The body of a {@link RawResponse}. */
export type RawBody = string | Uint8Array | ReadableStream<Uint8Array> | null

/**
 * A response the handler writes itself: a media type other than JSON, a stored document
 * passed through without re-encoding, or a stream. The route declares the media types
 * in `produces`. Headers are sent as given (set `content-type`).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Route } from "@gridwork/service-kit"
 *
 * const hello = Route.get("/hello.txt", {
 *   operationId: "helloText",
 *   auth: "none",
 *   produces: { "text/plain": undefined },
 *   handler: () => Effect.succeed(new Route.RawResponse({ headers: { "content-type": "text/plain" }, body: "hello" }))
 * })
 * ```
 */
export class RawResponse {
  /** HTTP status (default: the route's status). */
  readonly status: number | undefined
  /** Response headers. */
  readonly headers: Readonly<Record<string, string>>
  /** The body. */
  readonly body: RawBody
  constructor(options: {
    readonly status?: number | undefined
    readonly headers?: Readonly<Record<string, string>> | undefined
    readonly body: RawBody
  }) {
    this.status = options.status
    this.headers = options.headers ?? {}
    this.body = options.body
  }
}

/** The decoded input handed to a handler. */
export interface Input<P, Q, B> {
  readonly params: P
  readonly query: Q
  readonly body: B
}

/** The `_tag`s of an error union. */
export type TagOf<E> = E extends { readonly _tag: infer T extends string } ? T : never

/** How one typed error becomes a problem. */
export interface ErrorMapping<Err> {
  /** HTTP status, 400-599. */
  readonly status: number
  /** Problem title (the same for every occurrence). */
  readonly title: string
  /** Problem type URI (default `urn:gridwork:problem:<kebab-case tag>`). */
  readonly type?: string | undefined
  /** Occurrence detail; must not contain personal data. */
  readonly detail?: ((error: Err) => string) | undefined
}

/** One {@link ErrorMapping} per tag of `E`. */
export type ErrorMappings<E> = {
  readonly [K in TagOf<E>]: ErrorMapping<Extract<E, { readonly _tag: K }>>
}

/**
 * Errors the kit maps itself, so routes need no mapping for them: `HttpProblem` (as
 * it is) and `PersonalDataAccessLogError` (503: personal data is not served when its
 * access cannot be logged).
 */
export type KitError = HttpProblem | PersonalDataAccessLogError

/** The encoded form of path and query parameters: strings. */
export type StringRecord = { readonly [key: string]: string | undefined }

/**
 * The `errors` member of a {@link Definition}: required, with one entry per tag, when
 * the handler can fail with errors the kit does not map itself.
 */
export type ErrorsMember<E> = [TagOf<Exclude<E, KitError>>] extends [never]
  ? { readonly errors?: Record<never, never> | undefined }
  : { readonly errors: ErrorMappings<Exclude<E, KitError>> }

/** What a route is made of. */
export type Definition<P, Q, B, S, E, R> = BaseDefinition<P, Q, B, S, E, R> & ErrorsMember<E>

/** The members of a {@link Definition} other than `errors`. */
export interface BaseDefinition<P, Q, B, S, E, R> {
  /** Unique operation id, e.g. `registerPetition`. */
  readonly operationId: string
  /** One line for the docs. */
  readonly summary?: string | undefined
  /** More for the docs (CommonMark). */
  readonly description?: string | undefined
  /** Groups in the docs. */
  readonly tags?: ReadonlyArray<string> | undefined
  /** Path parameters (decoded from strings). */
  readonly params?: Schema.Codec<P, StringRecord> | undefined
  /** Query parameters (decoded from strings; one value per name). */
  readonly query?: Schema.Codec<Q, StringRecord> | undefined
  /** JSON request body (decoded with `Schema.toCodecJson`). */
  readonly body?: Schema.Codec<B, unknown> | undefined
  /** JSON response body; omit for 204 No Content. */
  readonly success?: Schema.Codec<S, unknown> | undefined
  /**
   * Media types the handler answers with as a {@link RawResponse}, each with the Schema
   * of its content when there is one (for the OpenAPI document), e.g.
   * `{ "application/geo+json": GridsCollection, "text/event-stream": undefined }`.
   */
  readonly produces?: Readonly<Record<string, Schema.Top | undefined>> | undefined
  /** Success status (default 200; 204 when `success` is omitted). */
  readonly status?: SuccessStatus | undefined
  /** Response headers from the output, e.g. `Location`. */
  readonly responseHeaders?: ((output: S) => Readonly<Record<string, string>>) | undefined
  /** Authentication needed (default `required`). */
  readonly auth?: Mode | undefined
  /** Permission the caller must hold, e.g. `petition.accept`. */
  readonly permission?: string | undefined
  /** The jurisdiction the request acts on; the caller's scope must cover it. */
  readonly jurisdiction?: ((input: Input<P, Q, B>) => string) | undefined
  /** Time limit in ms (default: the app's, 30 s). */
  readonly timeoutMs?: number | undefined
  /** The operation. */
  readonly handler: (input: Input<P, Q, B>) => Effect.Effect<S, E, R>
}

/** The raw request parts the kit hands to {@link Route.run}. */
export interface RawRequest {
  readonly params: Readonly<Record<string, string>>
  readonly query: Readonly<Record<string, string>>
  readonly contentType: string | undefined
  readonly body: string
}

/** What {@link Route.run} answers with on success. */
export interface RouteResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: RawBody
}

/** A documented error response of a route. */
export interface ErrorResponse {
  readonly tag: string
  readonly status: number
  readonly title: string
  readonly type: string
}

/** A defined route, its types erased except the services its handler needs. */
export interface Route<out R> {
  readonly method: Method
  /** Hono path pattern, e.g. `/petitions/:id`. */
  readonly path: string
  readonly operationId: string
  readonly summary: string | undefined
  readonly description: string | undefined
  readonly tags: ReadonlyArray<string>
  readonly auth: Mode
  readonly permission: string | undefined
  readonly scoped: boolean
  readonly status: SuccessStatus
  readonly timeoutMs: number | undefined
  /** The Schemas, for the OpenAPI document. */
  readonly schemas: {
    readonly params: Schema.Top | undefined
    readonly query: Schema.Top | undefined
    readonly body: Schema.Top | undefined
    readonly success: Schema.Top | undefined
    /** Media types of raw responses, with their Schemas when known. */
    readonly produces: Readonly<Record<string, Schema.Top | undefined>>
  }
  readonly errorResponses: ReadonlyArray<ErrorResponse>
  /** Decodes, authorizes, runs, maps and encodes (see the module docs). */
  readonly run: (
    request: RawRequest,
    defaults: { readonly timeoutMs: number }
  ) => Effect.Effect<RouteResponse, HttpProblem, R | RequestContext | Authorizer>
}

const DefinitionSchema = Schema.Struct({
  method: Schema.Literals(["GET", "POST", "PUT", "PATCH", "DELETE"]),
  path: Schema.String.check(
    Schema.isPattern(
      /^\/([A-Za-z0-9._~!$&'()*+,;=@-]+|:[A-Za-z_][A-Za-z0-9_]*)?(\/([A-Za-z0-9._~!$&'()*+,;=@-]+|:[A-Za-z_][A-Za-z0-9_]*))*$/,
      {
        expected: "a path like /petitions/:id (segments of URL characters or :name parameters)"
      }
    )
  ),
  operationId: Schema.String.check(
    Schema.isPattern(/^[A-Za-z][A-Za-z0-9_.-]{0,127}$/, { expected: "an operation id such as registerPetition" })
  ),
  status: Schema.Literals([200, 201, 202, 204]),
  auth: Schema.Literals(["required", "optional", "none"]),
  permission: Schema.optional(Permission),
  timeoutMs: Schema.optional(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 10 * 60 * 1000 }))),
  errors: Schema.Array(
    Schema.Struct({
      tag: Schema.String,
      status: Schema.Int.check(Schema.isBetween({ minimum: 400, maximum: 599 })),
      title: Schema.String.check(Schema.isMinLength(1))
    })
  )
})

const kebab = (tag: string): string =>
  tag
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/([A-Z])([A-Z][a-z])/g, "$1-$2")
    .toLowerCase()

const isJsonMediaType = (contentType: string | undefined): boolean => {
  if (contentType === undefined) return false
  const mediaType = contentType.split(";")[0]?.trim().toLowerCase() ?? ""
  return mediaType === "application/json" || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType)
}

const decodeOptions_ = { errors: "all", onExcessProperty: "error" } as const

const decodePart = <A>(
  decode: (input: unknown) => Effect.Effect<A, Schema.SchemaError>,
  input: unknown,
  location: FieldLocation
): Effect.Effect<A, HttpProblem> =>
  Effect.mapError(decode(input), (error) =>
    HttpProblem.validation(`The request ${location} is invalid`, fromIssue(error.issue, location))
  )

const hasTag = (error: unknown): error is { readonly _tag: string } =>
  typeof error === "object" && error !== null && "_tag" in error && typeof error._tag === "string"

/** Defines a route with `method` at `path` (a Hono pattern). Throws on an invalid definition. */
export const make = <P = Record<never, never>, Q = Record<never, never>, B = undefined, S = void, E = never, R = never>(
  method: Method,
  path: string,
  definition: Definition<P, Q, B, S, E, R>
): Route<Exclude<R, RequestContext | Authorizer>> => {
  const declared: Readonly<Record<string, ErrorMapping<never>>> | undefined = definition.errors
  const errorEntries: ReadonlyArray<[string, ErrorMapping<never>]> = Object.entries(declared ?? {})
  const produces = definition.produces ?? {}
  const producesRaw = Object.keys(produces).length > 0
  const status: SuccessStatus = definition.status ?? (definition.success === undefined && !producesRaw ? 204 : 200)
  const valid = decodeOptions(DefinitionSchema, `route ${method} ${path}`, {
    method,
    path,
    operationId: definition.operationId,
    status,
    auth: definition.auth ?? "required",
    ...(definition.permission === undefined ? {} : { permission: definition.permission }),
    ...(definition.timeoutMs === undefined ? {} : { timeoutMs: definition.timeoutMs }),
    errors: errorEntries.map(([tag, mapping]) => ({ tag, status: mapping.status, title: mapping.title }))
  })
  for (const mediaType of Object.keys(produces)) {
    if (!/^[a-z]+\/[A-Za-z0-9.+-]+$/.test(mediaType)) {
      throw new Error(
        `invalid route ${method} ${path}:\n  /produces: "${mediaType}" is not a media type such as text/plain`
      )
    }
  }
  if (definition.success === undefined && status !== 204 && !producesRaw) {
    throw new Error(`invalid route ${method} ${path}:\n  /status: a route without a success schema answers 204`)
  }
  if (definition.success !== undefined && status === 204) {
    throw new Error(`invalid route ${method} ${path}:\n  /status: 204 has no body; drop the success schema`)
  }
  if (definition.body !== undefined && (method === "GET" || method === "DELETE")) {
    throw new Error(`invalid route ${method} ${path}:\n  /body: ${method} requests carry no body`)
  }
  if (valid.auth === "none" && (definition.permission !== undefined || definition.jurisdiction !== undefined)) {
    throw new Error(
      `invalid route ${method} ${path}:\n  /auth: a permission or jurisdiction check needs authentication`
    )
  }

  const decodeParams =
    definition.params === undefined ? undefined : Schema.decodeUnknownEffect(definition.params, decodeOptions_)
  const decodeQuery =
    definition.query === undefined ? undefined : Schema.decodeUnknownEffect(definition.query, decodeOptions_)
  const decodeBody =
    definition.body === undefined
      ? undefined
      : Schema.decodeUnknownEffect(Schema.toCodecJson(definition.body), decodeOptions_)
  const encodeSuccess =
    definition.success === undefined ? undefined : Schema.encodeUnknownEffect(Schema.toCodecJson(definition.success))

  const errorResponses: Array<ErrorResponse> = errorEntries.map(([tag, mapping]) => ({
    tag,
    status: mapping.status,
    title: mapping.title,
    type: mapping.type ?? `urn:gridwork:problem:${kebab(tag)}`
  }))
  const mappings = new Map<string, ErrorMapping<never>>(errorEntries)
  const toProblem = (error: unknown): Effect.Effect<never, HttpProblem> => {
    if (error instanceof HttpProblem) return Effect.fail(error)
    if (error instanceof PersonalDataAccessLogError) {
      return Effect.andThen(
        Effect.logError("personal data access log unavailable", error.message),
        Effect.fail(HttpProblem.unavailable("Personal data cannot be served right now"))
      )
    }
    const mapping = hasTag(error) ? mappings.get(error._tag) : undefined
    if (mapping === undefined || !hasTag(error)) return Effect.die(error)
    const detail = mapping.detail?.(error as never)
    return Effect.fail(
      new HttpProblem({
        status: mapping.status,
        type: mapping.type ?? `urn:gridwork:problem:${kebab(error._tag)}`,
        title: mapping.title,
        ...(detail === undefined ? {} : { detail })
      })
    )
  }

  const parseBody = (request: RawRequest): Effect.Effect<unknown, HttpProblem> => {
    if (!isJsonMediaType(request.contentType)) {
      return Effect.fail(
        HttpProblem.malformed("The request body must be sent as application/json", [
          {
            in: "header",
            path: "/Content-Type",
            rule: "mediaType",
            message: "Expected application/json"
          }
        ])
      )
    }
    if (request.body.trim().length === 0) {
      return Effect.fail(
        HttpProblem.malformed("The request body is empty; a JSON document is expected", [
          { in: "body", path: "", rule: "required", message: "Missing body" }
        ])
      )
    }
    return Effect.try({
      try: (): unknown => JSON.parse(request.body),
      catch: () =>
        HttpProblem.malformed("The request body is not valid JSON", [
          { in: "body", path: "", rule: "json", message: "Expected a JSON document" }
        ])
    })
  }

  const run = (request: RawRequest, defaults: { readonly timeoutMs: number }) =>
    Effect.gen(function* () {
      if (valid.permission !== undefined) yield* requirePermission(valid.permission)
      const params = (decodeParams === undefined ? {} : yield* decodePart(decodeParams, request.params, "path")) as P
      const query = (decodeQuery === undefined ? {} : yield* decodePart(decodeQuery, request.query, "query")) as Q
      const body = (
        decodeBody === undefined ? undefined : yield* decodePart(decodeBody, yield* parseBody(request), "body")
      ) as B
      const input: Input<P, Q, B> = { params, query, body }
      if (definition.jurisdiction !== undefined) yield* requireJurisdiction(definition.jurisdiction(input))
      const limit = valid.timeoutMs ?? defaults.timeoutMs
      const outcome = yield* definition.handler(input).pipe(Effect.catch(toProblem), Effect.timeoutOption(limit))
      if (Option.isNone(outcome)) {
        return yield* HttpProblem.timeout(`The request did not complete within ${limit} ms`)
      }
      const output = outcome.value
      if (output instanceof RawResponse) {
        return { status: output.status ?? status, headers: output.headers, body: output.body } satisfies RouteResponse
      }
      const headers: Record<string, string> = { ...(definition.responseHeaders?.(output) ?? {}) }
      if (encodeSuccess === undefined) return { status, headers, body: null } satisfies RouteResponse
      const encoded = yield* Effect.orDie(encodeSuccess(output))
      headers["content-type"] = "application/json"
      return { status, headers, body: JSON.stringify(encoded) } satisfies RouteResponse
    })

  return {
    method,
    path,
    operationId: valid.operationId,
    summary: definition.summary,
    description: definition.description,
    tags: definition.tags ?? [],
    auth: valid.auth,
    permission: valid.permission,
    scoped: definition.jurisdiction !== undefined,
    status,
    timeoutMs: valid.timeoutMs,
    schemas: {
      params: definition.params,
      query: definition.query,
      body: definition.body,
      success: definition.success,
      produces
    },
    errorResponses,
    run: run as Route<Exclude<R, RequestContext | Authorizer>>["run"]
  }
}

/** A GET route. */
export const get = <P = Record<never, never>, Q = Record<never, never>, S = void, E = never, R = never>(
  path: string,
  definition: Definition<P, Q, undefined, S, E, R>
) => make("GET", path, definition)

/** A POST route (needs an `Idempotency-Key`). */
export const post = <P = Record<never, never>, Q = Record<never, never>, B = undefined, S = void, E = never, R = never>(
  path: string,
  definition: Definition<P, Q, B, S, E, R>
) => make("POST", path, definition)

/** A PUT route. */
export const put = <P = Record<never, never>, Q = Record<never, never>, B = undefined, S = void, E = never, R = never>(
  path: string,
  definition: Definition<P, Q, B, S, E, R>
) => make("PUT", path, definition)

/** A PATCH route (needs an `Idempotency-Key`). */
export const patch = <
  P = Record<never, never>,
  Q = Record<never, never>,
  B = undefined,
  S = void,
  E = never,
  R = never
>(
  path: string,
  definition: Definition<P, Q, B, S, E, R>
) => make("PATCH", path, definition)

/** A DELETE route. */
export const del = <P = Record<never, never>, Q = Record<never, never>, S = void, E = never, R = never>(
  path: string,
  definition: Definition<P, Q, undefined, S, E, R>
) => make("DELETE", path, definition)
