/**
 * The app factory: a Gridwork service is a list of {@link Route}s plus the Effect
 * layers its handlers need. `make` builds a `ManagedRuntime` from those layers (plus
 * the kit's JSON logger, authorizer and idempotency store) and a Hono app that runs
 * every handler on it, with the kit's middleware in this order:
 *
 * request id → access log → secure headers → CORS (off unless configured) →
 * draining (503 during shutdown) → body limit (413) → 405 detection → per route:
 * authentication → `Idempotency-Key` (POST, PATCH) → decode / authorize / handle /
 * encode (see `Route`).
 *
 * It also serves `GET /health/live`, `GET /health/ready` (registered readiness
 * checks), `GET /openapi.json` (OpenAPI 3.1 from the routes) and `GET /docs` (a
 * self-contained page), answers unknown paths with a 404 problem and wrong methods
 * with a 405 problem (`Allow` header), and turns anything unexpected into a 500
 * problem whose only detail is the request id (the cause is logged).
 *
 * Test it in-process with `app.request(...)`; serve it with `Serve.serve(app, ...)`.
 *
 * @example
 * ```ts
 * import { Effect, Layer, Schema } from "effect"
 * import { IdempotencyStore, Route, ServiceApp } from "@gridwork/service-kit"
 *
 * const hello = Route.get("/hello", {
 *   operationId: "hello",
 *   auth: "none",
 *   success: Schema.Struct({ text: Schema.String }),
 *   handler: () => Effect.succeed({ text: "hello" })
 * })
 * const app = ServiceApp.make({
 *   info: { title: "Hello", version: "1.0.0" },
 *   layer: Layer.empty,
 *   idempotencyStore: IdempotencyStore.IdempotencyStore.layerMemory,
 *   routes: [hello]
 * })
 * const response = await app.request("/hello")
 * ```
 * @module
 */
import { randomUUID } from "node:crypto"
import { Ids } from "@gridwork/core"
import { Cause, Effect, Exit, Layer, ManagedRuntime, Option, Result, Schema } from "effect"
import { Hono, type MiddlewareHandler } from "hono"
import { cors } from "hono/cors"
import { methodNotAllowed } from "hono/method-not-allowed"
import { secureHeaders } from "hono/secure-headers"
import { authentication } from "../auth/Authentication"
import { type Options as AuthorizationOptions, Authorizer } from "../auth/Authorization"
import * as JwtVerifier from "../auth/JwtVerifier"
import type { RequestInfo } from "../context/RequestContext"
import { RequestContext } from "../context/RequestContext"
import { allUp, type ReadinessCheck, runChecks } from "../health/Health"
import { accessLog } from "../http/AccessLog"
import { bodyLimit } from "../http/BodyLimit"
import { draining, makeTracker, type Tracker } from "../http/Draining"
import type { KitEnv, Runner } from "../http/KitEnv"
import { requestId } from "../http/RequestId"
import { internalError, problem } from "../http/Respond"
import type { Route } from "../http/Route"
import { idempotency } from "../idempotency/Idempotency"
import type { IdempotencyStore } from "../idempotency/IdempotencyStore"
import * as JsonLogger from "../log/JsonLogger"
import * as DocsPage from "../openapi/DocsPage"
import * as OpenApi from "../openapi/OpenApi"
import { HttpProblem } from "../problem/HttpProblem"
import { decodeOptions } from "../problem/OptionsError"
import { ProblemType } from "../problem/Problem"

/** Services the kit adds to every service's runtime. */
export type KitServices = Authorizer | IdempotencyStore

/** CORS, off unless given. */
export const CorsSchema = Schema.Struct({
  /** Allowed origins, exactly (`https://portal.lanxi.example`). */
  origins: Schema.NonEmptyArray(
    Schema.String.check(
      Schema.isPattern(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/, {
        expected: "an origin such as https://portal.lanxi.example (scheme, host, optional port)"
      })
    )
  ),
  /** Allow credentials (cookies); default false. */
  credentials: Schema.optional(Schema.Boolean),
  /** Preflight cache in seconds (default 600). */
  maxAgeSeconds: Schema.optional(Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 86_400 })))
})
/** @see {@link CorsSchema} */
export type CorsOptions = typeof CorsSchema.Type

/** The data part of {@link Options}, validated at construction. */
export const SettingsSchema = Schema.Struct({
  info: Schema.Struct({
    title: Schema.String.check(Schema.isMinLength(1)),
    version: Schema.String.check(Schema.isMinLength(1)),
    description: Schema.optional(Schema.String)
  }),
  bodyLimitBytes: Schema.optional(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 1024 ** 3 }))),
  timeoutMs: Schema.optional(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 10 * 60 * 1000 }))),
  idempotency: Schema.optional(
    Schema.Struct({
      ttlMs: Schema.optional(Schema.Int.check(Schema.isBetween({ minimum: 1000, maximum: 30 * 24 * 3600 * 1000 }))),
      leaseMs: Schema.optional(Schema.Int.check(Schema.isBetween({ minimum: 100, maximum: 24 * 3600 * 1000 })))
    })
  ),
  shutdownHookTimeoutMs: Schema.optional(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 10 * 60 * 1000 }))),
  cors: Schema.optional(CorsSchema),
  docs: Schema.optional(Schema.Boolean)
})

/** Options of {@link make}. */
export interface Options<ROut, LE, IE> {
  /** Title, version and description of the service (OpenAPI `info`). */
  readonly info: OpenApi.Info
  /** The layers the handlers need (repositories, event store, clients ...). */
  readonly layer: Layer.Layer<ROut, LE>
  /** The idempotency store (in memory for tests and single instances; SQL in production). */
  readonly idempotencyStore: Layer.Layer<IdempotencyStore, IE, NoInfer<ROut>>
  /** The operations. */
  readonly routes: ReadonlyArray<Route<NoInfer<ROut> | KitServices>>
  /** JWT verification; without it only `auth: "none"` routes can be used. */
  readonly authentication?: JwtVerifier.Options | JwtVerifier.JwtVerifier | undefined
  /** Role grants and jurisdiction containment (default: no grants, equality). */
  readonly authorization?: AuthorizationOptions | undefined
  /** Largest request body in bytes (default 1 MiB). */
  readonly bodyLimitBytes?: number | undefined
  /** Default handler time limit in ms (default 30 s). */
  readonly timeoutMs?: number | undefined
  /** Idempotency-Key retention (default 24 h) and in-flight lease (default 2 min, > every route's limit). */
  readonly idempotency?: { readonly ttlMs?: number | undefined; readonly leaseMs?: number | undefined } | undefined
  /** Time limit of each shutdown hook in ms (default 10 s). */
  readonly shutdownHookTimeoutMs?: number | undefined
  /** CORS (off when absent). */
  readonly cors?: CorsOptions | undefined
  /** Logging (default JSON lines on stdout at `Info`). */
  readonly log?: JsonLogger.Options | undefined
  /** Readiness checks known at start-up (more with `addReadinessCheck`). */
  readonly readiness?: ReadonlyArray<ReadinessCheck<NoInfer<ROut>>> | undefined
  /** Serve `/openapi.json` and `/docs` (default true). */
  readonly docs?: boolean | undefined
}

/** A built service. */
export interface ServiceApp<R> {
  /** The Hono app (add raw routes here if you must; they get the global middleware). */
  readonly hono: Hono<KitEnv>
  /** The fetch handler (for `@hono/node-server` or any Fetch-API server). */
  readonly fetch: (request: Request) => Response | Promise<Response>
  /** In-process requests, for tests: `await app.request("/health/live")`. */
  readonly request: Hono<KitEnv>["request"]
  /** The runtime the handlers run on. */
  readonly runtime: ManagedRuntime.ManagedRuntime<R, unknown>
  /** Runs an Effect on the runtime and settles with its `Exit`. */
  readonly run: Runner<R>
  /** The OpenAPI document. */
  readonly openapi: OpenApi.Document
  /** In-flight requests and the draining switch. */
  readonly tracker: Tracker
  /** Registers a readiness check. */
  readonly addReadinessCheck: (check: ReadinessCheck<R>) => void
  /**
   * Registers a drain hook, run at shutdown after in-flight requests have finished and
   * before the runtime is disposed (in registration order, each with a time limit;
   * failures are logged and do not stop the others).
   */
  readonly onShutdown: (name: string, hook: Effect.Effect<unknown, unknown, R>) => void
  /** Runs the drain hooks and disposes the runtime (once). `Serve` calls it after draining. */
  readonly dispose: () => Promise<void>
}

const DEFAULT_BODY_LIMIT = 1024 * 1024
const DEFAULT_TIMEOUT_MS = 30_000
const DEFAULT_HOOK_TIMEOUT_MS = 10_000

const setRoute = (pattern: string): MiddlewareHandler<KitEnv> =>
  async function setRoute(c, next) {
    c.set("routePattern", pattern)
    await next()
  }

/** Builds a service. Throws an `Error` naming the option and the rule when the options are invalid. */
export const make = <ROut, LE = never, IE = never>(options: Options<ROut, LE, IE>): ServiceApp<ROut | KitServices> => {
  const settings = decodeOptions(SettingsSchema, "ServiceApp options", {
    info: options.info,
    ...(options.bodyLimitBytes === undefined ? {} : { bodyLimitBytes: options.bodyLimitBytes }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.idempotency === undefined ? {} : { idempotency: options.idempotency }),
    ...(options.shutdownHookTimeoutMs === undefined ? {} : { shutdownHookTimeoutMs: options.shutdownHookTimeoutMs }),
    ...(options.cors === undefined ? {} : { cors: options.cors }),
    ...(options.docs === undefined ? {} : { docs: options.docs })
  })
  const timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const leaseMs = settings.idempotency?.leaseMs
  const longest = Math.max(timeoutMs, ...options.routes.map((route) => route.timeoutMs ?? 0))
  if (leaseMs !== undefined && leaseMs <= longest) {
    throw new Error(
      `invalid ServiceApp options:\n  /idempotency/leaseMs: must exceed the longest request time limit (${longest} ms)`
    )
  }
  const verifier =
    options.authentication === undefined
      ? undefined
      : "verify" in options.authentication
        ? options.authentication
        : JwtVerifier.make(options.authentication)
  const needsAuth = options.routes.filter((route) => route.auth !== "none")
  if (verifier === undefined && needsAuth.length > 0) {
    throw new Error(
      `invalid ServiceApp options:\n  /authentication: required by ${needsAuth
        .map((route) => `${route.method} ${route.path}`)
        .join(", ")} (or declare them auth: "none")`
    )
  }
  const openapi = OpenApi.make(settings.info, options.routes)

  // The logger is provided to the service's layer as well, so that the fibers it forks
  // (consumers, relays, schedulers) log JSON lines like the handlers.
  const base = Layer.mergeAll(
    options.layer.pipe(Layer.provideMerge(JsonLogger.layer(options.log))),
    Authorizer.layer(options.authorization ?? { roles: {} })
  )
  const runtime: ManagedRuntime.ManagedRuntime<ROut | KitServices, unknown> = ManagedRuntime.make(
    options.idempotencyStore.pipe(Layer.provideMerge(base))
  )
  const run: Runner<ROut | KitServices> = (effect) => runtime.runPromiseExit(effect)
  const tracker = makeTracker()
  const readiness: Array<ReadinessCheck<ROut | KitServices>> = [...(options.readiness ?? [])]
  const hooks: Array<{ readonly name: string; readonly hook: Effect.Effect<unknown, unknown, ROut | KitServices> }> = []

  const hono = new Hono<KitEnv>()
  hono.use(
    requestId({
      generate: async () => {
        const exit = await run(Ids.makeUuidV7)
        return Exit.isSuccess(exit) ? exit.value : randomUUID()
      }
    })
  )
  hono.use(accessLog({ run }))
  hono.use(
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        styleSrc: [DocsPage.STYLE_HASH],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'none'"]
      }
    })
  )
  if (settings.cors !== undefined) {
    hono.use(
      cors({
        origin: [...settings.cors.origins],
        credentials: settings.cors.credentials ?? false,
        maxAge: settings.cors.maxAgeSeconds ?? 600,
        allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE"],
        allowHeaders: ["Authorization", "Content-Type", "Idempotency-Key", "X-Request-Id"],
        exposeHeaders: ["X-Request-Id", "Idempotent-Replayed", "Location", "Retry-After"]
      })
    )
  }
  hono.use(draining({ tracker, exempt: [OpenApi.HEALTH_LIVE_PATH, OpenApi.HEALTH_READY_PATH] }))
  hono.use(bodyLimit({ maxBytes: settings.bodyLimitBytes ?? DEFAULT_BODY_LIMIT }))
  hono.use(
    methodNotAllowed({
      app: hono,
      onMethodNotAllowed: (c, methods) =>
        problem(
          c.var.requestId,
          new HttpProblem({
            status: 405,
            type: ProblemType.methodNotAllowed,
            title: "Method Not Allowed",
            detail: `${c.req.method} is not allowed here; allowed: ${methods.join(", ")}`,
            headers: { allow: methods.join(", ") }
          })
        )
    })
  )

  hono.get(OpenApi.HEALTH_LIVE_PATH, setRoute(OpenApi.HEALTH_LIVE_PATH), (c) =>
    c.json({ status: "live" }, 200, { "cache-control": "no-store" })
  )
  hono.get(OpenApi.HEALTH_READY_PATH, setRoute(OpenApi.HEALTH_READY_PATH), async (c) => {
    if (tracker.isDraining()) {
      return problem(c.var.requestId, HttpProblem.unavailable("The service is shutting down", 1), { checks: [] })
    }
    const exit = await run(runChecks(readiness))
    if (Exit.isFailure(exit)) {
      return problem(c.var.requestId, HttpProblem.unavailable("The service's runtime failed to start"), {
        checks: []
      })
    }
    const checks = exit.value
    if (!allUp(checks)) {
      return problem(c.var.requestId, HttpProblem.unavailable("Some dependencies are not ready"), { checks })
    }
    return c.json({ status: "ready", checks }, 200, { "cache-control": "no-store" })
  })
  if (settings.docs !== false) {
    const documentText = JSON.stringify(openapi)
    const page = DocsPage.render(openapi)
    hono.get(OpenApi.DOCUMENT_PATH, setRoute(OpenApi.DOCUMENT_PATH), (c) =>
      c.body(documentText, 200, { "content-type": "application/json" })
    )
    hono.get(OpenApi.DOCS_PATH, setRoute(OpenApi.DOCS_PATH), (c) => c.html(page))
  }

  const runIdempotency = idempotency({
    run,
    ...(settings.idempotency?.ttlMs === undefined ? {} : { ttlMs: settings.idempotency.ttlMs }),
    ...(leaseMs === undefined ? {} : { leaseMs })
  })
  for (const route of options.routes) {
    const middleware: Array<MiddlewareHandler<KitEnv>> = [
      setRoute(route.path),
      authentication({ verifier, mode: route.auth, run })
    ]
    if (route.method === "POST" || route.method === "PATCH") middleware.push(runIdempotency)
    const hasBody = route.schemas.body !== undefined
    const handle: MiddlewareHandler<KitEnv> = async (c) => {
      const requestIdValue = c.var.requestId
      const info: RequestInfo = {
        requestId: requestIdValue,
        method: route.method,
        route: route.path,
        principal: Option.fromNullishOr(c.var.principal),
        idempotencyKey: Option.fromNullishOr(c.var.idempotency?.key),
        commandId: Option.fromNullishOr(c.var.idempotency?.commandId),
        header: (name) => c.req.header(name)
      }
      const program = route
        .run(
          {
            params: c.req.param() as Record<string, string>,
            query: c.req.query(),
            contentType: c.req.header("content-type"),
            body: hasBody ? await c.req.text() : ""
          },
          { timeoutMs }
        )
        .pipe(
          Effect.provideService(RequestContext, info),
          Effect.annotateLogs({ requestId: requestIdValue, route: route.path })
        )
      const exit = await run(program)
      if (Exit.isSuccess(exit)) {
        return new Response(exit.value.body, { status: exit.value.status, headers: exit.value.headers })
      }
      const failure = Cause.findError(exit.cause)
      if (Result.isSuccess(failure) && failure.success instanceof HttpProblem) {
        return problem(requestIdValue, failure.success)
      }
      await run(
        Effect.logError("request failed", exit.cause).pipe(
          Effect.annotateLogs({ requestId: requestIdValue, route: route.path })
        )
      )
      return internalError(requestIdValue)
    }
    hono.on([route.method], [route.path], ...middleware, handle)
  }

  hono.notFound((c) =>
    problem(
      c.var.requestId ?? "unknown",
      HttpProblem.notFound(`Nothing is served at ${c.req.method} ${new URL(c.req.url).pathname}`)
    )
  )
  hono.onError(async (error, c) => {
    const id = c.var.requestId ?? "unknown"
    await run(Effect.logError("unhandled error", Cause.die(error)).pipe(Effect.annotateLogs({ requestId: id })))
    return internalError(id)
  })

  let disposing: Promise<void> | undefined
  const hookTimeoutMs = settings.shutdownHookTimeoutMs ?? DEFAULT_HOOK_TIMEOUT_MS
  const dispose = (): Promise<void> => {
    if (disposing !== undefined) return disposing
    disposing = (async () => {
      for (const { name, hook } of hooks) {
        const exit = await run(Effect.timeoutOption(hook, hookTimeoutMs))
        if (Exit.isFailure(exit)) await run(Effect.logError(`shutdown hook ${name} failed`, exit.cause))
        else if (Option.isNone(exit.value)) await run(Effect.logError(`shutdown hook ${name} timed out`))
      }
      await runtime.dispose()
    })()
    return disposing
  }

  return {
    hono,
    fetch: hono.fetch,
    request: hono.request,
    runtime,
    run,
    openapi,
    tracker,
    addReadinessCheck: (check) => {
      readiness.push(check)
    },
    onShutdown: (name, hook) => {
      hooks.push({ name, hook })
    },
    dispose
  }
}
