/**
 * Request body size limit: a body larger than `maxBytes` (by `Content-Length`, or
 * counted while streaming when there is none) is answered with a 413 problem before
 * any handler reads it.
 *
 * @example
 * ```ts
 * import { Hono } from "hono"
 * import { BodyLimit, type KitEnv } from "@gridwork/service-kit"
 *
 * const app = new Hono<KitEnv.KitEnv>()
 * app.use(BodyLimit.bodyLimit({ maxBytes: 64 * 1024 }))
 * ```
 * @module
 */
import { Schema } from "effect"
import type { MiddlewareHandler } from "hono"
import { bodyLimit as honoBodyLimit } from "hono/body-limit"
import { HttpProblem } from "../problem/HttpProblem"
import { decodeOptions } from "../problem/OptionsError"
import { ProblemType } from "../problem/Problem"
import type { KitEnv } from "./KitEnv"
import { problem } from "./Respond"

/** Options of {@link bodyLimit}. */
export const OptionsSchema = Schema.Struct({
  /** Largest accepted body in bytes (1 B to 1 GiB). */
  maxBytes: Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 1024 ** 3 }))
})
/** @see {@link OptionsSchema} */
export type Options = typeof OptionsSchema.Type

/** The body-limit middleware. */
export const bodyLimit = (options: Options): MiddlewareHandler<KitEnv> => {
  const { maxBytes } = decodeOptions(OptionsSchema, "BodyLimit options", options)
  const limit = honoBodyLimit({
    maxSize: maxBytes,
    onError: (c) =>
      problem(
        c.get("requestId") ?? "unknown",
        new HttpProblem({
          status: 413,
          type: ProblemType.payloadTooLarge,
          title: "Content Too Large",
          detail: `The request body exceeds ${maxBytes} bytes`
        })
      )
  })
  return async function bodyLimit(c, next) {
    return limit(c, next)
  }
}
