/**
 * Command-line arguments of `gridwork-grid`, parsed strictly: an unknown option, a missing
 * required one, a bad number or a wrong count of files is a usage error (exit code 2)
 * that names the option and the rule.
 * @module
 */
import { parseArgs } from "node:util"
import { Result, Schema } from "effect"

/** The usage text printed with `--help` and after a usage error. */
export const usage = `Usage: gridwork-grid <command> [options]

Commands:
  partition UNITS.geojson --weight PROP --community PROP --min N --max N [--id PROP]
            [--target N] [--previous GRIDS.geojson] --out GRIDS.geojson [--assignments FILE.csv]
      Split units (census blocks, buildings) into grids of min..max weight that keep each
      community whole; with --previous, keep the ids of grids whose ground did not change.
      Unit ids come from property --id, else each feature's id member, else its position
      in the file (give --id for ids that survive edits of the file).

  locate GRIDS.geojson --points FILE.csv
      For each point of FILE.csv (columns id,lon,lat) write "id,grid_id" to stdout;
      grid_id is empty when the point lies outside every grid.

  audit GRIDS.geojson [--roster FILE] [--assignments FILE.csv] [--overlays FILE.geojson]
        [--policy FILE.json] [--max-age-days N] [--at ISO-8601] [--skip-overlaps] [--json] [--strict]
      Coverage audit: every unit in exactly one grid, no empty or overlapping grid, every
      grid staffed (roster: CSV grid_id,person_id,role or JSON), overlays inside their
      parents and current, nothing stale, grids out of bounds listed with reasons.

Options for every command:
  --progress    print progress lines on stderr even when it is not a terminal
  --no-progress never print progress
  -h, --help    show this help

Exit codes: 0 done, 1 invalid input, 2 usage error, 3 audit found errors (with --strict).
`

/** A usage error: what was wrong; the caller prints it with {@link usage} and exits 2. */
export class CliUsageError extends Schema.TaggedError<CliUsageError>()("CliUsageError", {
  message: Schema.String
}) {}

/** How progress is shown. */
export type ProgressMode = "auto" | "lines" | "off"

/** `partition` arguments. */
export interface PartitionArgs {
  readonly command: "partition"
  readonly units: string
  readonly weight: string
  readonly community: string
  readonly id: string | undefined
  readonly min: number
  readonly max: number
  readonly target: number | undefined
  readonly previous: string | undefined
  readonly out: string
  readonly assignments: string | undefined
  readonly progress: ProgressMode
}

/** `locate` arguments. */
export interface LocateArgs {
  readonly command: "locate"
  readonly grids: string
  readonly points: string
  readonly progress: ProgressMode
}

/** `audit` arguments. */
export interface AuditArgs {
  readonly command: "audit"
  readonly grids: string
  readonly roster: string | undefined
  readonly assignments: string | undefined
  readonly overlays: string | undefined
  readonly policy: string | undefined
  readonly maxAgeDays: number | undefined
  readonly at: string | undefined
  readonly skipOverlaps: boolean
  readonly json: boolean
  readonly strict: boolean
  readonly progress: ProgressMode
}

/** Parsed command line. */
export type CliArgs = PartitionArgs | LocateArgs | AuditArgs | { readonly command: "help" }

type Spec = Record<string, { type: "string" | "boolean"; short?: string }>

const common: Spec = {
  progress: { type: "boolean" },
  "no-progress": { type: "boolean" },
  help: { type: "boolean", short: "h" }
}

const specs: Record<"partition" | "locate" | "audit", Spec> = {
  partition: {
    ...common,
    weight: { type: "string" },
    community: { type: "string" },
    id: { type: "string" },
    min: { type: "string" },
    max: { type: "string" },
    target: { type: "string" },
    previous: { type: "string" },
    out: { type: "string" },
    assignments: { type: "string" }
  },
  locate: { ...common, points: { type: "string" } },
  audit: {
    ...common,
    roster: { type: "string" },
    assignments: { type: "string" },
    overlays: { type: "string" },
    policy: { type: "string" },
    "max-age-days": { type: "string" },
    at: { type: "string" },
    "skip-overlaps": { type: "boolean" },
    json: { type: "boolean" },
    strict: { type: "boolean" }
  }
}

const fail = (message: string): Result.Result<never, CliUsageError> => Result.fail(new CliUsageError({ message }))

/** Parses the arguments after `gridwork-grid`. */
export const parse = (argv: ReadonlyArray<string>): Result.Result<CliArgs, CliUsageError> => {
  const [command, ...rest] = argv
  if (command === undefined) return fail("a command is required: partition, locate or audit")
  if (command === "-h" || command === "--help" || command === "help") return Result.succeed({ command: "help" })
  if (command !== "partition" && command !== "locate" && command !== "audit") {
    return fail(`unknown command "${command}"; expected partition, locate or audit`)
  }
  const parsedResult = Result.try({
    try: () => parseArgs({ args: [...rest], options: specs[command], allowPositionals: true, strict: true }),
    catch: (error) =>
      new CliUsageError({ message: `${command}: ${error instanceof Error ? error.message : String(error)}` })
  })
  if (Result.isFailure(parsedResult)) return Result.fail(parsedResult.failure)
  const parsed: { values: Record<string, string | boolean | undefined>; positionals: Array<string> } =
    parsedResult.success
  const { values, positionals } = parsed
  if (values.help === true) return Result.succeed({ command: "help" })
  const text = (name: string): string | undefined => {
    const value = values[name]
    return typeof value === "string" ? value : undefined
  }
  const problems: Array<string> = []
  const required = (name: string): string => {
    const value = text(name)
    if (value === undefined || value === "") problems.push(`--${name} is required`)
    return value ?? ""
  }
  const number = (name: string, rule: "positive" | "non-negative"): number | undefined => {
    const raw = text(name)
    if (raw === undefined) return undefined
    const value = Number(raw)
    if (raw.trim() === "" || !Number.isFinite(value) || (rule === "positive" ? value <= 0 : value < 0)) {
      problems.push(`--${name} must be a ${rule === "positive" ? "positive" : "non-negative"} number, got "${raw}"`)
      return undefined
    }
    return value
  }
  if (values.progress === true && values["no-progress"] === true)
    problems.push("--progress and --no-progress exclude each other")
  const progress: ProgressMode = values.progress === true ? "lines" : values["no-progress"] === true ? "off" : "auto"
  const file = (what: string): string => {
    if (positionals.length !== 1) {
      problems.push(
        positionals.length === 0
          ? `${what} is required`
          : `exactly one ${what} is expected, got ${positionals.join(" ")}`
      )
    }
    return positionals[0] ?? ""
  }
  const done = <A extends CliArgs>(args: A): Result.Result<CliArgs, CliUsageError> =>
    problems.length > 0 ? fail(`${command}: ${problems.join("; ")}`) : Result.succeed(args)

  switch (command) {
    case "partition": {
      const units = file("a UNITS.geojson file")
      const weight = required("weight")
      const community = required("community")
      const min = number("min", "non-negative")
      const max = number("max", "positive")
      if (text("min") === undefined) problems.push("--min is required")
      if (text("max") === undefined) problems.push("--max is required")
      const target = number("target", "positive")
      const out = required("out")
      if (min !== undefined && max !== undefined && min > max)
        problems.push(`--min (${min}) must not exceed --max (${max})`)
      if (target !== undefined && min !== undefined && max !== undefined && (target < min || target > max)) {
        problems.push(`--target (${target}) must lie between --min (${min}) and --max (${max})`)
      }
      return done({
        command,
        units,
        weight,
        community,
        id: text("id"),
        min: min ?? 0,
        max: max ?? 0,
        target,
        previous: text("previous"),
        out,
        assignments: text("assignments"),
        progress
      })
    }
    case "locate": {
      const grids = file("a GRIDS.geojson file")
      const points = required("points")
      return done({ command, grids, points, progress })
    }
    case "audit": {
      const grids = file("a GRIDS.geojson file")
      const maxAgeDays = number("max-age-days", "positive")
      return done({
        command,
        grids,
        roster: text("roster"),
        assignments: text("assignments"),
        overlays: text("overlays"),
        policy: text("policy"),
        maxAgeDays,
        at: text("at"),
        skipOverlaps: values["skip-overlaps"] === true,
        json: values.json === true,
        strict: values.strict === true,
        progress
      })
    }
  }
}
