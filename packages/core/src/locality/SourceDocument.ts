/**
 * Parsed source files (YAML or JSON, chosen by extension) that remember where each
 * value came from, so that problems can name `file:line:column` for a path such as
 * `jurisdictions[3].parent`.
 *
 * YAML is parsed with `yaml`'s `parseDocument` (YAML 1.2 core schema: `2026-10-01` and
 * `08:30` stay strings) and a `LineCounter`; JSON with `JSON.parse`, positions being
 * recovered from a YAML parse of the same text only when a problem needs one.
 *
 * @example
 * ```ts
 * import { Result } from "effect"
 * import { SourceDocument } from "@gridwork/core"
 *
 * const doc = Result.getOrThrow(SourceDocument.parse("a:\n  b: [1, 2]\n", "x.yaml"))
 * doc.locate(["a", "b", 1]) // { line: 2, column: 10 }
 * ```
 * @module
 */
import { Result } from "effect"
import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml"

/** A 1-based line and column. */
export interface Position {
  readonly line: number
  readonly column: number
}

/** A syntax error of a source file. */
export interface SyntaxProblem {
  readonly rule: "syntax.yaml" | "syntax.json" | "file.unsupported-extension"
  readonly message: string
  readonly line?: number | undefined
  readonly column?: number | undefined
}

/** A parsed file: its plain value and a way to find where a path is written. */
export interface SourceDocument {
  readonly file: string
  readonly format: "yaml" | "json"
  readonly value: unknown
  /** The position of the deepest node along `path` that exists in the file (undefined if none). */
  readonly locate: (path: ReadonlyArray<PropertyKey>) => Position | undefined
}

/** The format a file name implies: `.yaml`/`.yml` → yaml, `.json`/`.geojson` → json. */
export const formatOf = (file: string): "yaml" | "json" | undefined => {
  const lower = file.toLowerCase()
  if (lower.endsWith(".yaml") || lower.endsWith(".yml")) return "yaml"
  if (lower.endsWith(".json") || lower.endsWith(".geojson")) return "json"
  return undefined
}

type Ranged = { readonly range?: readonly [number, number, number] | null | undefined }

const startOf = (node: unknown): number | undefined => {
  const range = (node as Ranged | null | undefined)?.range
  return range === null || range === undefined ? undefined : range[0]
}

/** Offset of the deepest node reached along the path (keys point at the key, items at the item). */
const offsetOf = (root: Node | null, path: ReadonlyArray<PropertyKey>): number | undefined => {
  let node: unknown = root
  let offset = startOf(root)
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment)
      )
      if (pair === undefined) return offset
      offset = startOf(pair.key) ?? offset
      node = pair.value
    } else if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment]
      if (item === undefined) return offset
      offset = startOf(item) ?? offset
      node = item
    } else {
      return offset
    }
  }
  return offset
}

const makeLocator = (text: string) => {
  let cached: { readonly contents: Node | null; readonly lines: LineCounter } | undefined
  return (path: ReadonlyArray<PropertyKey>): Position | undefined => {
    if (cached === undefined) {
      const lines = new LineCounter()
      const doc = parseDocument(text, { lineCounter: lines, keepSourceTokens: false })
      cached = { contents: doc.contents as Node | null, lines }
    }
    const offset = offsetOf(cached.contents, path)
    if (offset === undefined) return undefined
    const { line, col } = cached.lines.linePos(offset)
    return line === 0 ? undefined : { line, column: col }
  }
}

const parseYaml = (text: string, file: string): Result.Result<SourceDocument, ReadonlyArray<SyntaxProblem>> => {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true })
  if (doc.errors.length > 0) {
    return Result.fail(
      doc.errors.map((error) => {
        const position = lines.linePos(error.pos[0])
        return {
          rule: "syntax.yaml" as const,
          message: error.message.split("\n")[0] ?? error.message,
          line: position.line === 0 ? 1 : position.line,
          column: position.col
        }
      })
    )
  }
  const contents = doc.contents as Node | null
  const value: unknown = doc.toJS({ maxAliasCount: 100 })
  return Result.succeed({
    file,
    format: "yaml",
    value: value === undefined ? null : value,
    locate: (path) => {
      const offset = offsetOf(contents, path)
      if (offset === undefined) return undefined
      const { line, col } = lines.linePos(offset)
      return line === 0 ? undefined : { line, column: col }
    }
  })
}

const lineColumnOfOffset = (text: string, offset: number): Position => {
  let line = 1
  let start = 0
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++
      start = i + 1
    }
  }
  return { line, column: offset - start + 1 }
}

const parseJson = (text: string, file: string): Result.Result<SourceDocument, ReadonlyArray<SyntaxProblem>> => {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    const lineColumn = /line (\d+) column (\d+)/.exec(message)
    const offset = /position (\d+)/.exec(message)
    const position =
      lineColumn !== null
        ? { line: Number(lineColumn[1]), column: Number(lineColumn[2]) }
        : offset !== null
          ? lineColumnOfOffset(text, Number(offset[1]))
          : undefined
    return Result.fail([{ rule: "syntax.json", message, line: position?.line, column: position?.column }])
  }
  return Result.succeed({ file, format: "json", value, locate: makeLocator(text) })
}

/**
 * Parses a file's text by its extension (`.yaml`, `.yml`, `.json`, `.geojson`). Fails
 * with every syntax error found (YAML reports several at once; JSON stops at the first).
 */
export const parse = (text: string, file: string): Result.Result<SourceDocument, ReadonlyArray<SyntaxProblem>> => {
  const format = formatOf(file)
  if (format === "yaml") return parseYaml(text, file)
  if (format === "json") return parseJson(text, file)
  return Result.fail([
    {
      rule: "file.unsupported-extension",
      message: `cannot tell the format of "${file}": use .yaml, .yml, .json or .geojson`
    }
  ])
}
