/**
 * The start-up sequence every Gridwork service's `main` shares, after its settings
 * have been read with `ServiceConfig`:
 *
 * 1. {@link authentication}: JWT verification from the settings: the identity
 *    provider's JWKS, or a development issuer (with a warning in the log) whose
 *    token the caller mints for the banner;
 * 2. {@link serve}: build the app's layers and listen (`Serve.serve`), log
 *    `"<name> listening"` with the caller's annotations, print the banner lines the
 *    caller gives, then run until interrupted. Run it with `NodeRuntime.runMain`:
 *    SIGINT/SIGTERM interrupt the program, and the scope's finalizer prints the
 *    caller's stopping line and shuts the server down gracefully (`Serve`).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { ServiceMain } from "@gridwork/service-kit"
 *
 * declare const app: import("@gridwork/service-kit").ServiceApp.ServiceApp<never>
 * const program = ServiceMain.serve({
 *   app,
 *   port: 0,
 *   host: "127.0.0.1",
 *   name: "demo service",
 *   stopping: "stopping: finishing requests in flight ...",
 *   banner: (url) => Effect.succeed(["", `Demo service at ${url}`, ""])
 * })
 * // program.pipe(Effect.scoped, NodeRuntime.runMain)
 * ```
 * @module
 */
import { Console, Effect, Option, Schema, type Scope } from "effect"
import * as DevIssuer from "../auth/DevIssuer"
import type * as JwtVerifier from "../auth/JwtVerifier"
import * as Serve from "./Serve"
import type { ServiceApp } from "./ServiceApp"
import type * as ServiceConfig from "./ServiceConfig"

/** The service could not start listening (its layers failed, or the port is taken). */
export class ServiceStartFailed extends Schema.TaggedError<ServiceStartFailed>()("ServiceStartFailed", {
  reason: Schema.String
}) {
  override get message(): string {
    return `the service did not start: ${this.reason}`
  }
}

/** JWT verification chosen by {@link authentication}. */
export interface Authentication {
  /** What the app verifies tokens with. */
  readonly verifier: JwtVerifier.Options
  /** The development issuer, when `GRIDWORK_DEV_AUTH=true` (mint the banner's token with it). */
  readonly devIssuer: Option.Option<DevIssuer.DevIssuer>
}

/**
 * JWT verification from the settings: the identity provider's JWKS, or a development
 * issuer (logging a warning that it is never for production).
 */
export const authentication = (
  auth: ServiceConfig.AuthSettings
): Effect.Effect<Authentication, DevIssuer.DevIssuerRefused> =>
  Effect.gen(function* () {
    if (auth._tag === "Jwks") {
      return {
        verifier: { issuer: auth.issuer, audience: auth.audience, jwks: { url: auth.jwksUrl } },
        devIssuer: Option.none()
      }
    }
    const issuer = yield* DevIssuer.make({ issuer: auth.issuer, audience: auth.audience })
    yield* Effect.logWarning("DEVELOPMENT token issuer in use (GRIDWORK_DEV_AUTH=true): never in production")
    return { verifier: issuer.verifierOptions, devIssuer: Option.some(issuer) }
  })

/** How the bus is described in the banner and the log. */
export const describeBus = (natsUrl: string | undefined): string =>
  natsUrl === undefined ? "in-process (set NATS_URL for NATS JetStream)" : `NATS JetStream at ${natsUrl}`

/** What {@link serve} needs. */
export interface Options<R, E, BR> {
  /** The service. */
  readonly app: ServiceApp<R>
  /** TCP port (0 picks a free one). */
  readonly port: number
  /** Interface to listen on. */
  readonly host: string
  /** The service's name in the log (`"<name> listening"`). */
  readonly name: string
  /** The line printed on stderr when shutting down. */
  readonly stopping: string
  /** Annotations of the `listening` log line (the URL is added). */
  readonly annotations?: Readonly<Record<string, unknown>> | undefined
  /** The banner lines to print once listening (nothing is printed when absent or empty). */
  readonly banner?: ((url: string) => Effect.Effect<ReadonlyArray<string>, E, BR>) | undefined
}

/**
 * Builds the app's layers and serves it; logs `"<name> listening"`, prints the banner,
 * then never returns. Closing the scope (interruption: SIGINT/SIGTERM under
 * `NodeRuntime.runMain`) prints `stopping` and shuts down gracefully.
 */
export const serve = <R, E = never, BR = never>(
  options: Options<R, E, BR>
): Effect.Effect<never, ServiceStartFailed | E, Scope.Scope | BR> =>
  Effect.gen(function* () {
    const server = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () => Serve.serve(options.app, { port: options.port, hostname: options.host }),
        catch: (cause) => new ServiceStartFailed({ reason: cause instanceof Error ? cause.message : String(cause) })
      }),
      (handle) =>
        Effect.andThen(
          Console.error(options.stopping),
          Effect.promise(() => handle.shutdown())
        )
    )
    yield* Effect.logInfo(`${options.name} listening`).pipe(
      Effect.annotateLogs({ url: server.url, ...options.annotations })
    )
    if (options.banner !== undefined) {
      const lines = yield* options.banner(server.url)
      if (lines.length > 0) yield* Console.log(lines.join("\n"))
    }
    return yield* Effect.never
  })
