/**
 * Request ids: the `X-Request-Id` header of the request when it is a valid id (8-128
 * characters among letters, digits, `.`, `_`, `:`, `-`, so that a client or proxy id
 * can be followed across services without letting anything odd into the logs),
 * otherwise a fresh one (a UUIDv7 from the service's runtime in kit apps). The id is
 * stored as `c.var.requestId` and echoed in the response's `X-Request-Id`.
 *
 * @example
 * ```ts
 * import { Hono } from "hono"
 * import { RequestId, type KitEnv } from "@gridwork/service-kit"
 *
 * const app = new Hono<KitEnv.KitEnv>()
 * app.use(RequestId.requestId({ generate: () => crypto.randomUUID() }))
 * ```
 * @module
 */
import type { MiddlewareHandler } from "hono"
import type { KitEnv } from "./KitEnv"

/** The header carrying the id. */
export const HEADER = "X-Request-Id"

const validId = /^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$/

/** Whether an incoming id is accepted as is. */
export const isValid = (id: string): boolean => validId.test(id)

/** Options of {@link requestId}. */
export interface Options {
  /** Makes a fresh id. */
  readonly generate: () => string | Promise<string>
}

/** The request-id middleware. */
export const requestId = (options: Options): MiddlewareHandler<KitEnv> => {
  if (typeof options.generate !== "function")
    throw new Error("invalid RequestId options:\n  /generate: Expected a function")
  return async function requestId(c, next) {
    const incoming = c.req.header(HEADER)
    const id = incoming !== undefined && isValid(incoming) ? incoming : await options.generate()
    c.set("requestId", id)
    await next()
    c.res.headers.set(HEADER, id)
  }
}
