/**
 * Turns Schema decoding issues into flat problems `{ path, rule, message }`, one per
 * failed leaf, so that a model file reports every mistake with the rule it broke:
 *
 * | issue                         | rule                    |
 * | ----------------------------- | ----------------------- |
 * | a required key is missing     | `schema.required`       |
 * | a key the schema does not know| `schema.unknown-key`    |
 * | wrong type (string for number)| `schema.type`           |
 * | a literal / value not allowed | `schema.value`          |
 * | a failed check                | `schema.<check>` (`schema.pattern`, `schema.greater-than` …) or the check's `gridworkRule` annotation |
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { SchemaProblems } from "@gridwork/core"
 *
 * SchemaProblems.decode(Schema.Struct({ a: Schema.Int }), { a: "x", b: 1 })
 * // Result.fail([{ path: ["b"], rule: "schema.unknown-key", message: 'unknown field "b"; expected one of: a' },
 * //              { path: ["a"], rule: "schema.type", message: 'Expected number, got "x"' }])export {}
 * ```
 * @module
 */
import { Result, type Schema, SchemaAST, SchemaIssue, SchemaParser } from "effect"

/** One failed leaf of a decoding, with its path relative to the decoded value. */
export interface SchemaProblem {
  readonly path: ReadonlyArray<PropertyKey>
  readonly rule: string
  readonly message: string
}

/** The annotation key a filter may carry to name its rule, e.g. `{ gridworkRule: "calendar.real-date" }`. */
export const ruleAnnotation = "gridworkRule"

const MAX_MESSAGE = 200

const clip = (message: string): string =>
  message.length <= MAX_MESSAGE ? message : `${message.slice(0, MAX_MESSAGE - 1)}…`

const kebab = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase()

const filterRule = (filter: SchemaAST.Filter<unknown>): string => {
  const annotations = filter.annotations
  const custom = annotations?.[ruleAnnotation]
  if (typeof custom === "string") return custom
  const representation = annotations?.representation as { readonly id?: unknown } | undefined
  const id = typeof representation?.id === "string" ? representation.id : undefined
  const match = id === undefined ? null : /\/is([A-Z][A-Za-z0-9]*)$/.exec(id)
  return match?.[1] === undefined ? "schema.check" : `schema.${kebab(match[1])}`
}

const filterMessage = (issue: SchemaIssue.Filter): string | undefined => {
  const message = SchemaIssue.defaultCheckHook(issue)
  if (message !== undefined || issue.issue._tag !== "InvalidValue") return message
  const expected = issue.issue.annotations?.expected ?? issue.filter.annotations?.expected
  if (typeof expected !== "string") return undefined
  return SchemaIssue.hasInput(issue) ? `Expected ${expected}, got ${format(issue.input)}` : `Expected ${expected}`
}

const format = (value: unknown): string => {
  if (typeof value === "string") return JSON.stringify(value)
  if (value === null || typeof value !== "object") return String(value)
  return Array.isArray(value) ? "a list" : "a mapping"
}

const expectedKeys = (ast: SchemaAST.AST): ReadonlyArray<string> =>
  SchemaAST.isObjects(ast) ? ast.propertySignatures.map((ps) => String(ps.name)) : []

const leafProblem = (
  issue: SchemaIssue.Leaf,
  path: ReadonlyArray<PropertyKey>,
  ruleOverride: string | undefined,
  messageOverride: string | undefined
): SchemaProblem => {
  switch (issue._tag) {
    case "MissingKey":
      return {
        path,
        rule: ruleOverride ?? "schema.required",
        message: messageOverride ?? issue.annotations?.messageMissingKey ?? "required field is missing"
      }
    case "UnexpectedKey": {
      const key = path[path.length - 1]
      const keys = expectedKeys(issue.ast)
      return {
        path,
        rule: ruleOverride ?? "schema.unknown-key",
        message:
          messageOverride ??
          `unknown field "${String(key)}"${keys.length > 0 ? `; expected one of: ${keys.join(", ")}` : ""}`
      }
    }
    case "InvalidType":
      return {
        path,
        rule: ruleOverride ?? "schema.type",
        message: messageOverride ?? typeMessage(issue)
      }
    case "InvalidValue":
      return {
        path,
        rule: ruleOverride ?? "schema.value",
        message: messageOverride ?? SchemaIssue.defaultLeafHook(issue)
      }
    case "OneOf":
      return {
        path,
        rule: ruleOverride ?? "schema.one-of",
        message: messageOverride ?? SchemaIssue.defaultLeafHook(issue)
      }
    case "Forbidden":
      return {
        path,
        rule: ruleOverride ?? "schema.forbidden",
        message: messageOverride ?? SchemaIssue.defaultLeafHook(issue)
      }
  }
}

const typeMessage = (issue: SchemaIssue.InvalidType): string => {
  const message = SchemaIssue.defaultLeafHook(issue)
  // The default message formats the whole input; keep it short for mappings and lists.
  if (!SchemaIssue.hasInput(issue) || typeof issue.input !== "object" || issue.input === null) return message
  const cut = message.indexOf(", got ")
  return `${cut < 0 ? message : message.slice(0, cut)}, got ${format(issue.input)}`
}

const walk = (
  issue: SchemaIssue.Issue,
  path: ReadonlyArray<PropertyKey>,
  out: Array<SchemaProblem>,
  ruleOverride: string | undefined,
  messageOverride: string | undefined
): void => {
  switch (issue._tag) {
    case "Filter":
      walk(issue.issue, path, out, ruleOverride ?? filterRule(issue.filter), messageOverride ?? filterMessage(issue))
      return
    case "Encoding":
      walk(issue.issue, path, out, ruleOverride, messageOverride)
      return
    case "Pointer":
      walk(issue.issue, [...path, ...issue.path], out, ruleOverride, messageOverride)
      return
    case "Composite":
      for (const inner of issue.issues) walk(inner, path, out, ruleOverride, messageOverride)
      return
    case "AnyOf":
      if (issue.issues.length > 0) {
        for (const inner of issue.issues) walk(inner, path, out, ruleOverride, messageOverride)
        return
      }
      out.push({
        path,
        rule: ruleOverride ?? "schema.type",
        message: clip(
          messageOverride ??
            SchemaIssue.makeFormatterStandardSchemaV1()(issue).issues[0]?.message ??
            "no alternative matches"
        )
      })
      return
    default: {
      const problem = leafProblem(issue, path, ruleOverride, messageOverride)
      out.push({ ...problem, message: clip(problem.message) })
    }
  }
}

/** Every failed leaf of an issue, in the order the schema met them. */
export const fromIssue = (issue: SchemaIssue.Issue, prefix: ReadonlyArray<PropertyKey> = []): Array<SchemaProblem> => {
  const out: Array<SchemaProblem> = []
  walk(issue, prefix, out, undefined, undefined)
  return out
}

/** The parse options used for model files: report every error, reject unknown keys, show the rejected input. */
export const parseOptions: SchemaAST.ParseOptions = { errors: "all", onExcessProperty: "error", reportInput: true }

/**
 * Decodes unknown input with every error reported and unknown keys rejected (unless
 * `options` say otherwise); fails with the problems, their paths prefixed by `prefix`.
 */
export const decode = <A>(
  schema: Schema.Decoder<A>,
  input: unknown,
  prefix: ReadonlyArray<PropertyKey> = [],
  options?: SchemaAST.ParseOptions
): Result.Result<A, Array<SchemaProblem>> =>
  Result.mapError(
    SchemaParser.decodeUnknownResult(schema)(
      input,
      options === undefined ? parseOptions : { ...parseOptions, ...options }
    ),
    (issue) => fromIssue(issue, prefix)
  )
