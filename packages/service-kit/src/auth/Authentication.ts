/**
 * The bearer-token middleware. `mode` says what a route needs:
 *
 * - `required`: no token → 401; a token that fails verification → 401 (or 503 when
 *   the keys cannot be fetched);
 * - `optional`: no token → anonymous; a token that fails → 401 (a client that sends a
 *   bad token should learn about it rather than be served as anonymous);
 * - `none`: the header is not looked at.
 *
 * The verified {@link Principal} is stored as `c.var.principal`. The 401 problem
 * carries `WWW-Authenticate: Bearer error="invalid_token"` and a detail naming the
 * rule that failed (expired, wrong audience, algorithm not accepted, ...); the token
 * itself is never logged or echoed.
 *
 * @example
 * ```ts
 * import { Hono } from "hono"
 * import { Authentication, JwtVerifier, type KitEnv } from "@gridwork/service-kit"
 *
 * declare const run: KitEnv.Runner<never>
 * declare const verifier: JwtVerifier.JwtVerifier
 * const app = new Hono<KitEnv.KitEnv>()
 * app.get("/me", Authentication.authentication({ verifier, mode: "required", run }), (c) =>
 *   c.json({ subject: c.var.principal?.subject })
 * )
 * ```
 * @module
 */
import { Cause, Effect, Exit, Result } from "effect"
import type { MiddlewareHandler } from "hono"
import type { KitEnv, Runner } from "../http/KitEnv"
import { internalError, problem } from "../http/Respond"
import { HttpProblem } from "../problem/HttpProblem"
import { AuthenticationFailed, AuthenticationUnavailable, type JwtVerifier } from "./JwtVerifier"

/** What a route needs from the caller. */
export type Mode = "required" | "optional" | "none"

/** Options of {@link authentication}. */
export interface Options {
  /** The verifier (absent: only `none` routes can be served; others answer 401). */
  readonly verifier: JwtVerifier | undefined
  /** What this route needs. */
  readonly mode: Mode
  /** Runs the verification on the service's runtime (for its `Clock`). */
  readonly run: Runner<never>
}

const bearer = /^Bearer[ ]+([A-Za-z0-9\-_.~+/]+=*)$/i

/** The authentication middleware. */
export const authentication = (options: Options): MiddlewareHandler<KitEnv> => {
  if (!["required", "optional", "none"].includes(options.mode)) {
    throw new Error(`invalid Authentication options:\n  /mode: Expected "required" | "optional" | "none"`)
  }
  const { verifier, mode, run } = options
  return async function authentication(c, next) {
    c.set("principal", undefined)
    if (mode === "none") return next()
    const header = c.req.header("authorization")
    if (header === undefined) {
      if (mode === "optional") return next()
      return problem(c.var.requestId, HttpProblem.unauthenticated("This operation needs a bearer token"))
    }
    const match = bearer.exec(header.trim())
    if (match === null || match[1] === undefined) {
      return problem(c.var.requestId, HttpProblem.unauthenticated("The Authorization header is not a Bearer token"))
    }
    if (verifier === undefined) {
      return problem(c.var.requestId, HttpProblem.unauthenticated("This service accepts no bearer tokens"))
    }
    const exit = await run(verifier.verify(match[1]))
    if (Exit.isSuccess(exit)) {
      c.set("principal", exit.value)
      return next()
    }
    const error = Cause.findError(exit.cause)
    if (Result.isSuccess(error)) {
      if (error.success instanceof AuthenticationFailed) {
        return problem(c.var.requestId, HttpProblem.unauthenticated(error.success.message))
      }
      if (error.success instanceof AuthenticationUnavailable) {
        await run(Effect.logWarning("signing keys unavailable", error.success.message))
        return problem(c.var.requestId, HttpProblem.unavailable("Credentials cannot be checked right now"))
      }
    }
    await run(Effect.logError("token verification failed unexpectedly", exit.cause))
    return internalError(c.var.requestId)
  }
}
