/**
 * Turning kit outcomes into Hono responses: problems (with the request's id as
 * `instance`) and the generic 500 that never says more than "see the logs under this
 * request id".
 *
 * @example
 * ```ts
 * import { HttpProblem, Respond } from "@gridwork/service-kit"
 *
 * const response = Respond.problem("0193a0c4-7a10-7cc3-9d35-5d8f1f0a1b2c", HttpProblem.HttpProblem.notFound("No such case"))
 * ```
 * @module
 */
import { HttpProblem } from "../problem/HttpProblem"
import { ProblemType, toResponse } from "../problem/Problem"

/** The problem response of `problem` for request `requestId`. */
export const problem = (requestId: string, error: HttpProblem, extensions?: Readonly<Record<string, unknown>>) =>
  toResponse(error.toProblem(requestId), { headers: error.headers, extensions })

/** The generic 500: no detail, only where to look. */
export const internalError = (requestId: string): Response =>
  problem(
    requestId,
    new HttpProblem({
      status: 500,
      type: ProblemType.internal,
      title: "Internal Server Error",
      detail: `An unexpected error occurred. Quote request id ${requestId} when reporting it.`
    })
  )
