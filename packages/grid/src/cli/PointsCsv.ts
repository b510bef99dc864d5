/**
 * Points to locate: a CSV with a header naming the columns `id`, `lon`, `lat` (any order,
 * other columns ignored), longitude and latitude in WGS84 degrees. Blank lines are
 * skipped; fields may be double-quoted.
 *
 * ```csv
 * id,lon,lat
 * req-1,-71.4128,41.8240
 * ```
 * @module
 */
import { Result, Schema } from "effect"
import { splitCsvLine } from "../staffing/Roster"

/** Parsed points in columns. */
export interface Points {
  readonly ids: ReadonlyArray<string>
  readonly lon: Float64Array
  readonly lat: Float64Array
}

/** The points file is malformed; every problem names its line. */
export class PointsCsvError extends Schema.TaggedError<PointsCsvError>()("PointsCsvError", {
  file: Schema.String,
  problems: Schema.Array(Schema.String)
}) {
  override get message(): string {
    return `${this.file}: ${this.problems.join("; ")}`
  }
}

const MAX_PROBLEMS = 20

/** Parses the CSV text. */
export const parse = (text: string, file = "<input>"): Result.Result<Points, PointsCsvError> => {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/)
  const header = splitCsvLine(lines[0] ?? "").map((h) => h.trim().toLowerCase())
  const idAt = header.indexOf("id")
  const lonAt = header.indexOf("lon")
  const latAt = header.indexOf("lat")
  const missing = [idAt < 0 ? "id" : "", lonAt < 0 ? "lon" : "", latAt < 0 ? "lat" : ""].filter((s) => s !== "")
  if (missing.length > 0) {
    return Result.fail(
      new PointsCsvError({
        file,
        problems: [`line 1: the header must name the columns id,lon,lat (missing ${missing.join(", ")})`]
      })
    )
  }
  const ids: Array<string> = []
  const lon = new Float64Array(lines.length)
  const lat = new Float64Array(lines.length)
  const problems: Array<string> = []
  let errors = 0
  const report = (message: string): void => {
    errors++
    if (problems.length < MAX_PROBLEMS) problems.push(message)
  }
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!
    if (line.trim() === "") continue
    const fields = line.includes('"') ? splitCsvLine(line) : line.split(",")
    const id = (fields[idAt] ?? "").trim()
    const x = (fields[lonAt] ?? "").trim()
    const y = (fields[latAt] ?? "").trim()
    const lonValue = x === "" ? Number.NaN : Number(x)
    const latValue = y === "" ? Number.NaN : Number(y)
    if (id === "") report(`line ${i + 1}: id is empty`)
    if (!(lonValue >= -180 && lonValue <= 180)) {
      report(`line ${i + 1}: lon "${x}" is not a longitude in degrees between -180 and 180`)
    }
    if (!(latValue >= -90 && latValue <= 90)) {
      report(`line ${i + 1}: lat "${y}" is not a latitude in degrees between -90 and 90`)
    }
    lon[ids.length] = lonValue
    lat[ids.length] = latValue
    ids.push(id)
  }
  if (errors > 0) {
    if (errors > problems.length) problems.push(`… and ${errors - problems.length} more`)
    return Result.fail(new PointsCsvError({ file, problems }))
  }
  return Result.succeed({ ids, lon: lon.slice(0, ids.length), lat: lat.slice(0, ids.length) })
}

/** Quotes a CSV field when it holds a comma, a quote or a line break. */
export const field = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value)
