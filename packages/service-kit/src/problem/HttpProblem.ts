/**
 * `HttpProblem`: the typed error a handler (or the kit itself) fails with to answer
 * with a given problem document. Domain errors are mapped to problems per route (see
 * `Route`); `HttpProblem` is for the cases that are HTTP concerns already, such as
 * "not authenticated" or "forbidden in this jurisdiction".
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { HttpProblem } from "@gridwork/service-kit"
 *
 * const load = Effect.fail(HttpProblem.HttpProblem.notFound("No petition with this receipt code"))
 * ```
 * @module
 */
import { Schema } from "effect"
import { FieldError, instanceOf, type Problem, ProblemType, reasonPhrase } from "./Problem"

/** A problem to answer the request with. `headers` are added to the response. */
export class HttpProblem extends Schema.TaggedError<HttpProblem>()("HttpProblem", {
  status: Schema.Int.check(Schema.isBetween({ minimum: 400, maximum: 599 })),
  type: Schema.String,
  title: Schema.String,
  detail: Schema.optional(Schema.String),
  errors: Schema.optional(Schema.Array(FieldError)),
  headers: Schema.optional(Schema.Record(Schema.String, Schema.String))
}) {
  /** 400 with field errors: a header, path or query parameter broke a rule. */
  static invalidParameter(detail: string, errors: ReadonlyArray<FieldError>): HttpProblem {
    return new HttpProblem({
      status: 400,
      type: ProblemType.invalidParameter,
      title: "Invalid request parameter",
      detail,
      errors: [...errors]
    })
  }

  /** 400: the body is not JSON or not sent as JSON. */
  static malformed(detail: string, errors?: ReadonlyArray<FieldError>): HttpProblem {
    return new HttpProblem({
      status: 400,
      type: ProblemType.malformedRequest,
      title: "Malformed request",
      detail,
      ...(errors === undefined ? {} : { errors: [...errors] })
    })
  }

  /** 422: the request is well-formed but breaks the rules listed in `errors`. */
  static validation(detail: string, errors: ReadonlyArray<FieldError>): HttpProblem {
    return new HttpProblem({
      status: 422,
      type: ProblemType.validationFailed,
      title: "Validation failed",
      detail,
      errors: [...errors]
    })
  }

  /** 401 with `WWW-Authenticate: Bearer`; `detail` says why the credentials were refused. */
  static unauthenticated(detail: string): HttpProblem {
    return new HttpProblem({
      status: 401,
      type: ProblemType.unauthenticated,
      title: "Authentication required",
      detail,
      headers: { "www-authenticate": 'Bearer error="invalid_token"' }
    })
  }

  /** 403: authenticated but not allowed. */
  static forbidden(detail: string): HttpProblem {
    return new HttpProblem({ status: 403, type: ProblemType.forbidden, title: "Forbidden", detail })
  }

  /** 404. */
  static notFound(detail: string): HttpProblem {
    return new HttpProblem({ status: 404, type: ProblemType.notFound, title: "Not Found", detail })
  }

  /** 503 with `Retry-After`. */
  static unavailable(detail: string, retryAfterSeconds = 5): HttpProblem {
    return new HttpProblem({
      status: 503,
      type: ProblemType.serviceUnavailable,
      title: "Service unavailable",
      detail,
      headers: { "retry-after": String(retryAfterSeconds) }
    })
  }

  /** 504: the handler ran past its time limit and was stopped. */
  static timeout(detail: string): HttpProblem {
    return new HttpProblem({ status: 504, type: ProblemType.timeout, title: "Request timed out", detail })
  }

  /** A problem of any status with the standard reason phrase as title. */
  static ofStatus(status: number, type: string, detail?: string): HttpProblem {
    return new HttpProblem({
      status,
      type,
      title: reasonPhrase(status),
      ...(detail === undefined ? {} : { detail })
    })
  }

  /** The problem document for a request id (`instance` and `requestId` filled in). */
  toProblem(requestId: string): Problem {
    return {
      type: this.type,
      title: this.title,
      status: this.status,
      ...(this.detail === undefined ? {} : { detail: this.detail }),
      instance: instanceOf(requestId),
      requestId,
      ...(this.errors === undefined ? {} : { errors: this.errors })
    }
  }
}
