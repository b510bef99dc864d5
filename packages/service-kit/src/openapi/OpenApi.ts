/**
 * OpenAPI 3.1 documents generated from route definitions.
 *
 * Every Schema of a route (path and query parameters, request body, response body)
 * goes through `Schema.toJsonSchemaDocument` (draft 2020-12, which OpenAPI 3.1 uses
 * as its schema dialect) with excess properties closed, as the kit decodes them;
 * named Schemas (an `identifier` annotation, or `Schema.Class`) become
 * `components.schemas` entries shared across operations, refs rewritten to
 * `#/components/schemas/...`. Two different Schemas with the same name are refused
 * with an error naming it. Problems, the `Idempotency-Key` header, bearer
 * authentication and the declared permission (`x-permission`) are described too.
 *
 * @example
 * ```ts
 * import { OpenApi } from "@gridwork/service-kit"
 *
 * declare const routes: ReadonlyArray<import("@gridwork/service-kit").Route.Route<unknown>>
 * const document = OpenApi.make({ title: "Petition service", version: "1.0.0" }, routes)
 * document.openapi // "3.1.0"
 * ```
 * @module
 */
import { JsonSchema, Schema } from "effect"
import { CheckResult, LivenessReport, ReadinessReport } from "../health/Health"
import type { Route } from "../http/Route"
import { HEADER as IDEMPOTENCY_HEADER } from "../idempotency/IdempotencyKey"
import { CONTENT_TYPE as PROBLEM_CONTENT_TYPE, Problem } from "../problem/Problem"

/** `info` of the document. */
export interface Info {
  readonly title: string
  readonly version: string
  readonly description?: string | undefined
}

/** An OpenAPI parameter object. */
export interface Parameter {
  readonly name: string
  readonly in: "path" | "query" | "header"
  readonly required: boolean
  readonly description?: string
  readonly schema: JsonSchema.JsonSchema
}

/** An OpenAPI response object. */
export interface ResponseObject {
  readonly description: string
  readonly content?: Readonly<Record<string, { readonly schema: JsonSchema.JsonSchema }>>
}

/** An OpenAPI operation object (the fields the kit emits). */
export interface Operation {
  readonly operationId: string
  readonly summary?: string
  readonly description?: string
  readonly tags?: ReadonlyArray<string>
  readonly parameters?: ReadonlyArray<Parameter>
  readonly requestBody?: {
    readonly required: boolean
    readonly content: Readonly<Record<string, { readonly schema: JsonSchema.JsonSchema }>>
  }
  readonly responses: Readonly<Record<string, ResponseObject>>
  readonly security: ReadonlyArray<Readonly<Record<string, ReadonlyArray<string>>>>
  readonly "x-permission"?: string
}

/** An OpenAPI 3.1 document. */
export interface Document {
  readonly openapi: "3.1.0"
  readonly info: Info
  readonly paths: Readonly<Record<string, Readonly<Record<string, Operation>>>>
  readonly components: {
    readonly schemas: Readonly<Record<string, JsonSchema.JsonSchema>>
    readonly securitySchemes: Readonly<Record<string, Readonly<Record<string, string>>>>
  }
}

/** Collects component schemas while converting route Schemas. */
export interface Registry {
  /** The JSON Schema of `schema`, its named parts registered as components. */
  readonly add: (schema: Schema.Top) => JsonSchema.JsonSchema
  /** The components collected so far. */
  readonly components: () => Record<string, JsonSchema.JsonSchema>
}

/** A fresh registry. */
export const makeRegistry = (): Registry => {
  const components: Record<string, JsonSchema.JsonSchema> = {}
  const add = (schema: Schema.Top): JsonSchema.JsonSchema => {
    const document = Schema.toJsonSchemaDocument(schema, { onExcessProperty: "error" })
    const converted = JsonSchema.toMultiDocumentOpenApi3_1({
      dialect: "draft-2020-12",
      schemas: [document.schema],
      definitions: document.definitions
    })
    for (const [name, definition] of Object.entries(converted.definitions)) {
      const existing = components[name]
      if (existing !== undefined && JSON.stringify(existing) !== JSON.stringify(definition)) {
        throw new Error(`OpenAPI: two different schemas are named ${name}; give one of them another identifier`)
      }
      components[name] = definition
    }
    return converted.schemas[0]
  }
  return { add, components: () => components }
}

/** The OpenAPI path of a Hono pattern: `/petitions/:id` → `/petitions/{id}`. */
export const toOpenApiPath = (path: string): string =>
  path.replace(/:([A-Za-z_][A-Za-z0-9_]*)(\{[^}]*\})?\??/g, (_match, name: string) => `{${name}}`)

const componentRef = /^#\/components\/schemas\/(.+)$/

const resolve = (schema: JsonSchema.JsonSchema, registry: Registry): JsonSchema.JsonSchema => {
  const ref = schema.$ref
  if (typeof ref !== "string") return schema
  const match = componentRef.exec(ref)
  const name = match?.[1]
  const target = name === undefined ? undefined : registry.components()[decodeURIComponent(name)]
  return target === undefined ? schema : resolve(target, registry)
}

const parametersOf = (
  schema: Schema.Top | undefined,
  location: "path" | "query",
  registry: Registry,
  where: string
): Array<Parameter> => {
  if (schema === undefined) return []
  const root = resolve(registry.add(schema), registry)
  const properties = root.properties
  if (root.type !== "object" || typeof properties !== "object" || properties === null) {
    throw new Error(`OpenAPI: the ${location} schema of ${where} must be a struct of string-encoded fields`)
  }
  const required = new Set(Array.isArray(root.required) ? root.required.map(String) : [])
  return Object.entries(properties as Record<string, JsonSchema.JsonSchema>).map(([name, property]) => ({
    name,
    in: location,
    required: location === "path" || required.has(name),
    schema: property
  }))
}

const problemContent = (ref: JsonSchema.JsonSchema) => ({ [PROBLEM_CONTENT_TYPE]: { schema: ref } })

const successDescriptions: Readonly<Record<number, string>> = {
  200: "OK",
  201: "Created",
  202: "Accepted",
  204: "No Content"
}

const operationOf = (route: Route<unknown>, registry: Registry, problemRef: JsonSchema.JsonSchema): Operation => {
  const where = `${route.method} ${route.path}`
  const idempotent = route.method === "POST" || route.method === "PATCH"
  const parameters: Array<Parameter> = [
    ...parametersOf(route.schemas.params, "path", registry, where),
    ...parametersOf(route.schemas.query, "query", registry, where)
  ]
  if (idempotent) {
    parameters.push({
      name: IDEMPOTENCY_HEADER,
      in: "header",
      required: true,
      description:
        "A UUIDv7 (or UUIDv4) naming this request. Retrying with the same key and body replays the first response (Idempotent-Replayed: true).",
      schema: { type: "string", format: "uuid" }
    })
  }
  const responses: Record<string, ResponseObject> = {}
  const success = route.schemas.success
  const content: Record<string, { readonly schema: JsonSchema.JsonSchema }> = {}
  if (success !== undefined) content["application/json"] = { schema: registry.add(success) }
  for (const [mediaType, schema] of Object.entries(route.schemas.produces ?? {})) {
    content[mediaType] = { schema: schema === undefined ? {} : registry.add(schema) }
  }
  responses[String(route.status)] =
    Object.keys(content).length === 0
      ? { description: successDescriptions[route.status] ?? "Success" }
      : { description: successDescriptions[route.status] ?? "Success", content }
  const problems = new Map<number, Array<string>>()
  const addProblem = (status: number, title: string) => {
    const titles = problems.get(status) ?? []
    if (!titles.includes(title)) titles.push(title)
    problems.set(status, titles)
  }
  const hasInput =
    route.schemas.params !== undefined || route.schemas.query !== undefined || route.schemas.body !== undefined
  if (route.schemas.body !== undefined) {
    addProblem(400, "Malformed request: not JSON, or not sent as application/json")
    addProblem(413, "Content Too Large")
  }
  if (hasInput) addProblem(422, "Validation failed (see errors)")
  if (idempotent) {
    addProblem(400, "Idempotency-Key missing or not a UUID")
    addProblem(409, "A request with this Idempotency-Key is in progress")
    addProblem(422, "Idempotency-Key already used for a different request")
  }
  if (route.auth !== "none") addProblem(401, "Authentication required or token refused")
  if (route.permission !== undefined || route.scoped) addProblem(403, "Forbidden")
  for (const error of route.errorResponses) addProblem(error.status, error.title)
  addProblem(500, "Internal Server Error (details in the logs under the request id)")
  addProblem(503, "Service unavailable (starting, shutting down, or a dependency is down)")
  addProblem(504, "The request exceeded its time limit")
  for (const [status, titles] of [...problems.entries()].sort(([a], [b]) => a - b)) {
    responses[String(status)] = { description: titles.join("; "), content: problemContent(problemRef) }
  }
  const body = route.schemas.body
  return {
    operationId: route.operationId,
    ...(route.summary === undefined ? {} : { summary: route.summary }),
    ...(route.description === undefined ? {} : { description: route.description }),
    ...(route.tags.length === 0 ? {} : { tags: route.tags }),
    ...(parameters.length === 0 ? {} : { parameters }),
    ...(body === undefined
      ? {}
      : { requestBody: { required: true, content: { "application/json": { schema: registry.add(body) } } } }),
    responses,
    security:
      route.auth === "required" ? [{ bearerAuth: [] }] : route.auth === "optional" ? [{ bearerAuth: [] }, {}] : [],
    ...(route.permission === undefined ? {} : { "x-permission": route.permission })
  }
}

/** Paths of the kit's own endpoints. */
export const HEALTH_LIVE_PATH = "/health/live"
/** @see {@link HEALTH_LIVE_PATH} */
export const HEALTH_READY_PATH = "/health/ready"
/** Where the document is served. */
export const DOCUMENT_PATH = "/openapi.json"
/** Where the docs page is served. */
export const DOCS_PATH = "/docs"

/**
 * The document for `routes` (plus the health endpoints). Throws when two routes share
 * an operation id or a method and path, or when two different Schemas share a name.
 */
export const make = (info: Info, routes: ReadonlyArray<Route<unknown>>): Document => {
  const registry = makeRegistry()
  const problemRef = registry.add(Problem)
  const paths: Record<string, Record<string, Operation>> = {}
  const operationIds = new Set<string>()
  const add = (path: string, method: string, operation: Operation) => {
    if (operationIds.has(operation.operationId)) {
      throw new Error(`OpenAPI: operation id ${operation.operationId} is used twice`)
    }
    operationIds.add(operation.operationId)
    const item = paths[path] ?? {}
    if (item[method] !== undefined) throw new Error(`OpenAPI: ${method.toUpperCase()} ${path} is defined twice`)
    item[method] = operation
    paths[path] = item
  }
  for (const route of routes) {
    add(toOpenApiPath(route.path), route.method.toLowerCase(), operationOf(route, registry, problemRef))
  }
  registry.add(CheckResult)
  add(HEALTH_LIVE_PATH, "get", {
    operationId: "healthLive",
    summary: "Liveness: the process serves HTTP",
    tags: ["health"],
    responses: {
      "200": { description: "Live", content: { "application/json": { schema: registry.add(LivenessReport) } } }
    },
    security: []
  })
  add(HEALTH_READY_PATH, "get", {
    operationId: "healthReady",
    summary: "Readiness: every registered check is up",
    tags: ["health"],
    responses: {
      "200": { description: "Ready", content: { "application/json": { schema: registry.add(ReadinessReport) } } },
      "503": { description: "Not ready or shutting down (problem with checks)", content: problemContent(problemRef) }
    },
    security: []
  })
  return {
    openapi: "3.1.0",
    info: {
      title: info.title,
      version: info.version,
      ...(info.description === undefined ? {} : { description: info.description })
    },
    paths,
    components: {
      schemas: registry.components(),
      securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" } }
    }
  }
}
