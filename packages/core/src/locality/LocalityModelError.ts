/**
 * Errors of locality model files. A {@link LocalityModelError} carries every
 * {@link ModelProblem} found in one pass: the file, the path inside it
 * (`jurisdictions[3].parent`, `modules.responsibility.deadlines[0].within.unit`), the
 * rule broken (`jurisdiction.unknown-parent`, `schema.type` …), a readable message, and
 * the line and column when the file is YAML or JSON text.
 *
 * @example
 * ```ts
 * import { Result } from "effect"
 * import { ModelParser } from "@gridwork/core"
 *
 * const text = `version: "2026.1"
 * locality: { id: lanxi, name: Lanxi County, languages: [zh-CN] }
 * tiers: [village, county]
 * jurisdictions:
 *   - { code: lanxi, name: Lanxi County, level: county }
 *   - { code: lanxi.qiaotou, name: Qiaotou Village, level: village, parent: lanxi.dongshan }
 * calendar: { timeZone: Asia/Shanghai, base: cn-mainland }
 * units: []
 * roles: []
 * modules: {}
 * `
 * const parsed = ModelParser.parseModel(text, "lanxi.yaml")
 * if (Result.isFailure(parsed)) console.error(parsed.failure.render())
 * // lanxi.yaml: 2 problems in the locality model
 * //   lanxi.yaml:5:5  jurisdictions[0]  lanxi (county) has no children; … [jurisdiction.leaf-tier]
 * //   lanxi.yaml:6:67  jurisdictions[1].parent  parent "lanxi.dongshan" is not the code of any jurisdiction in this model  [jurisdiction.unknown-parent]
 * ```
 * @module
 */
import { Schema } from "effect"

/** One problem of a locality model. */
export class ModelProblem extends Schema.Class<ModelProblem>("@gridwork/core/ModelProblem")({
  /** The file the problem is in (the model or a file it refers to), as given to the loader. */
  file: Schema.String,
  /** Where in the file, e.g. `jurisdictions[3].parent`; empty for the whole file. */
  path: Schema.String,
  /** The rule broken, e.g. `jurisdiction.unknown-parent`, `schema.required`, `syntax.yaml`. */
  rule: Schema.String,
  /** What is wrong, in words. */
  message: Schema.String,
  /** 1-based line of the path in the file, when known. */
  line: Schema.optionalKey(Schema.Int),
  /** 1-based column of the path in the file, when known. */
  column: Schema.optionalKey(Schema.Int)
}) {
  /** `file:line:column`, or just the file when the position is unknown. */
  get location(): string {
    return this.line === undefined ? this.file : `${this.file}:${this.line}:${this.column ?? 1}`
  }

  /** One readable line: `file:line:column  path  message  [rule]`. */
  render(): string {
    return `${this.location}  ${this.path === "" ? "(whole file)" : this.path}  ${this.message}  [${this.rule}]`
  }
}

/**
 * Renders a path as written in docs and messages: `jurisdictions[3].parent`,
 * `modules.responsibility.deadlines[0].within.unit`, `units["odd key"]`.
 */
export const formatPath = (path: ReadonlyArray<PropertyKey>): string => {
  let out = ""
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`
    else {
      const key = String(segment)
      out += /^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key) ? (out === "" ? key : `.${key}`) : `[${JSON.stringify(key)}]`
    }
  }
  return out
}

/** A locality model (or a file it refers to) is malformed or inconsistent; every problem found is listed. */
export class LocalityModelError extends Schema.TaggedError<LocalityModelError>()("LocalityModelError", {
  /** The model file that was being loaded. */
  file: Schema.String,
  problems: Schema.Array(ModelProblem)
}) {
  override get message(): string {
    return this.render()
  }

  /** A readable multi-line report: a heading, then one line per problem in file order. */
  render(): string {
    const count = this.problems.length
    const heading = `${this.file}: ${count} problem${count === 1 ? "" : "s"} in the locality model`
    return [heading, ...this.problems.map((p) => `  ${p.render()}`)].join("\n")
  }
}
