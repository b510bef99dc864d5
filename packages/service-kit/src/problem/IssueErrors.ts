/**
 * Turns a Schema decoding issue into problem `errors`: one entry per failed rule, with
 * the request part it is in, the JSON Pointer (RFC 6901) of the offending field, the
 * rule and a message. Rules and messages come from core's `SchemaProblems`, so HTTP
 * errors name rules the same way locality model files do: `schema.required`,
 * `schema.unknown-key`, `schema.type`, `schema.value`, `schema.<check>`
 * (`schema.min-length`, `schema.pattern`, ...) or a check's `gridworkRule` annotation.
 * The kit decodes without `reportInput`, so messages never echo the input.
 *
 * @example
 * ```ts
 * import { Result, Schema } from "effect"
 * import { IssueErrors } from "@gridwork/service-kit"
 *
 * const result = Schema.decodeUnknownResult(Schema.Struct({ name: Schema.String }))({})
 * if (Result.isFailure(result)) {
 *   IssueErrors.fromIssue(result.failure.issue, "body")
 *   // [{ in: "body", path: "/name", rule: "schema.required", message: "Missing key" }]
 * }
 * ```
 * @module
 */
import { SchemaProblems } from "@gridwork/core"
import type { SchemaIssue } from "effect"
import type { FieldError, FieldLocation } from "./Problem"

/** Encodes a path as a JSON Pointer (RFC 6901): `["items", 0, "a/b"]` → `/items/0/a~1b`. */
export const toJsonPointer = (path: ReadonlyArray<PropertyKey>): string =>
  path.map((segment) => `/${String(segment).replaceAll("~", "~0").replaceAll("/", "~1")}`).join("")

/**
 * The field errors of a Schema issue, each located in `location`, at most `limit`
 * entries (default 100: a hostile body cannot make the answer arbitrarily large).
 */
export const fromIssue = (issue: SchemaIssue.Issue, location: FieldLocation, limit = 100): Array<FieldError> =>
  SchemaProblems.fromIssue(issue)
    .slice(0, limit)
    .map((problem) => ({
      in: location,
      path: toJsonPointer(problem.path),
      rule: problem.rule,
      message: problem.message
    }))
