/**
 * Assignments as CSV (RFC 4180): a header `unit_id,grid_id`, then one row per input
 * feature (points grouped into one unit are listed one by one), in unit order. Fields
 * with a comma, quote or line break are quoted, quotes doubled.
 * @module
 */
import { Effect, FileSystem, Result, Schema } from "effect"
import type { PartitionResult } from "../partition/Partition"
import { assignmentPairs } from "../partition/Partition"

/** One row. */
export const AssignmentRow = Schema.Struct({
  unit_id: Schema.NonEmptyString,
  grid_id: Schema.NonEmptyString
})
/** @see {@link AssignmentRow} */
export type AssignmentRow = typeof AssignmentRow.Type

/** The CSV text could not be read; `line` is 1-based. */
export class AssignmentsCsvError extends Schema.TaggedError<AssignmentsCsvError>()("AssignmentsCsvError", {
  file: Schema.optionalKey(Schema.String),
  line: Schema.Int,
  message: Schema.String
}) {}

const quote = (field: string): string => (/[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field)

/** The CSV text of a partition's assignments. */
export const toCsv = (result: PartitionResult): string => {
  const lines = ["unit_id,grid_id"]
  for (const [unitId, gridId] of assignmentPairs(result)) lines.push(`${quote(unitId)},${quote(gridId)}`)
  return `${lines.join("\n")}\n`
}

/** Splits CSV text into records of fields (RFC 4180, `\n` or `\r\n` line ends). */
const records = (text: string): Array<{ readonly line: number; readonly fields: Array<string> }> => {
  const out: Array<{ line: number; fields: Array<string> }> = []
  let fields: Array<string> = []
  let field = ""
  let quoted = false
  let line = 1
  let recordLine = 1
  let i = 0
  const endRecord = () => {
    fields.push(field)
    if (!(fields.length === 1 && fields[0] === "")) out.push({ line: recordLine, fields })
    fields = []
    field = ""
  }
  while (i < text.length) {
    const c = text[i]!
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"'
          i += 2
          continue
        }
        quoted = false
        i++
        continue
      }
      if (c === "\n") line++
      field += c
      i++
      continue
    }
    if (c === '"' && field === "") {
      quoted = true
      i++
      continue
    }
    if (c === ",") {
      fields.push(field)
      field = ""
      i++
      continue
    }
    if (c === "\r" && text[i + 1] === "\n") {
      i++
      continue
    }
    if (c === "\n") {
      endRecord()
      line++
      recordLine = line
      i++
      continue
    }
    field += c
    i++
  }
  if (quoted)
    throw new AssignmentsCsvError({ line: recordLine, message: `line ${recordLine}: a quoted field is not closed` })
  if (field !== "" || fields.length > 0) endRecord()
  return out
}

const decodeRow = Schema.decodeUnknownResult(AssignmentRow)

/**
 * Parses assignments CSV. The header must name `unit_id` and `grid_id` (any order, other
 * columns ignored); every unit id must appear once.
 * @throws {@link AssignmentsCsvError} naming the line and the rule broken.
 */
export const parse = (text: string): Array<AssignmentRow> => {
  const all = records(text)
  const header = all[0]
  if (header === undefined)
    throw new AssignmentsCsvError({ line: 1, message: "the CSV is empty; expected a header unit_id,grid_id" })
  const unitColumn = header.fields.indexOf("unit_id")
  const gridColumn = header.fields.indexOf("grid_id")
  if (unitColumn < 0 || gridColumn < 0) {
    throw new AssignmentsCsvError({
      line: header.line,
      message: `line ${header.line}: the header must have columns unit_id and grid_id, found ${header.fields.join(",")}`
    })
  }
  const seen = new Set<string>()
  const rows: Array<AssignmentRow> = []
  for (const record of all.slice(1)) {
    const decoded = decodeRow({ unit_id: record.fields[unitColumn], grid_id: record.fields[gridColumn] })
    if (Result.isFailure(decoded)) {
      throw new AssignmentsCsvError({
        line: record.line,
        message: `line ${record.line}: unit_id and grid_id must be non-empty: ${decoded.failure.message}`
      })
    }
    if (seen.has(decoded.success.unit_id)) {
      throw new AssignmentsCsvError({
        line: record.line,
        message: `line ${record.line}: unit "${decoded.success.unit_id}" is assigned twice`
      })
    }
    seen.add(decoded.success.unit_id)
    rows.push(decoded.success)
  }
  return rows
}

/** Writes the assignments CSV of `result` to `path`. */
export const writeFile = Effect.fn("AssignmentsCsv.writeFile")(function* (path: string, result: PartitionResult) {
  const fs = yield* FileSystem.FileSystem
  yield* fs
    .writeFileString(path, toCsv(result))
    .pipe(
      Effect.mapError(
        (error) => new AssignmentsCsvError({ file: path, line: 0, message: `cannot write ${path}: ${error.message}` })
      )
    )
})

/** Reads and parses an assignments CSV file. */
export const readFile = Effect.fn("AssignmentsCsv.readFile")(function* (path: string) {
  const fs = yield* FileSystem.FileSystem
  const text = yield* fs
    .readFileString(path)
    .pipe(
      Effect.mapError(
        (error) => new AssignmentsCsvError({ file: path, line: 0, message: `cannot read ${path}: ${error.message}` })
      )
    )
  return yield* Effect.try({
    try: () => parse(text),
    catch: (error) =>
      error instanceof AssignmentsCsvError
        ? new AssignmentsCsvError({ file: path, line: error.line, message: `${path}: ${error.message}` })
        : new AssignmentsCsvError({ file: path, line: 0, message: `${path}: ${String(error)}` })
  })
})
