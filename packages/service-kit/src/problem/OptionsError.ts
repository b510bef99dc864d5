/**
 * Formatting of invalid construction options (middleware, verifiers, app): one line
 * per failed rule with its path, so a misconfigured service fails at start-up with a
 * message that names the field and the rule.
 *
 * @example
 * ```ts
 * import { Result, Schema } from "effect"
 * import { OptionsError } from "@gridwork/service-kit"
 *
 * const result = Schema.decodeUnknownResult(Schema.Struct({ port: Schema.Int }))({ port: 1.5 })
 * if (Result.isFailure(result)) OptionsError.formatOptionsError("serve options", result.failure.issue)
 * // "invalid serve options:\n  /port: Expected an integer (isInt)"
 * ```
 * @module
 */
import { Result, Schema, type SchemaIssue } from "effect"
import { fromIssue } from "./IssueErrors"

/** `invalid <what>:` followed by `  <path>: <message> (<rule>)` lines. */
export const formatOptionsError = (what: string, issue: SchemaIssue.Issue): string =>
  [
    `invalid ${what}:`,
    ...fromIssue(issue, "body").map(
      (error) => `  ${error.path === "" ? "/" : error.path}: ${error.message} (${error.rule})`
    )
  ].join("\n")

/**
 * Decodes construction options (all errors, excess keys refused) or throws an `Error`
 * whose message comes from {@link formatOptionsError}.
 */
export const decodeOptions = <T, E>(schema: Schema.Codec<T, E>, what: string, input: unknown): T => {
  const result = Schema.decodeUnknownResult(schema)(input, { errors: "all", onExcessProperty: "error" })
  if (Result.isFailure(result)) throw new Error(formatOptionsError(what, result.failure.issue))
  return result.success
}
