/**
 * The `gridwork-grid` commands over parsed arguments ({@link CliArgs}). Each returns its
 * exit code; bad input fails with {@link CliInputError} (exit code 1), whose message names
 * the file, the line or field, and the rule.
 * @module
 */
import { Instant, LocalityModelError, SchemaProblems } from "@gridwork/core"
import { Effect, FileSystem, Option, Result, Schema } from "effect"
import * as AuditCoverage from "../audit/AuditCoverage"
import * as AuditReport from "../audit/AuditReport"
import * as AssignmentsCsv from "../io/AssignmentsCsv"
import * as GridsReader from "../io/GridsReader"
import * as GridsWriter from "../io/GridsWriter"
import * as PreviousGridsReader from "../io/PreviousGridsReader"
import * as UnitsReader from "../io/UnitsReader"
import * as LookupIndex from "../lookup/LookupIndex"
import * as PointInPolygon from "../lookup/PointInPolygon"
import * as Overlay from "../overlay/Overlay"
import * as Partition from "../partition/Partition"
import * as Repartition from "../partition/Repartition"
import * as Roster from "../staffing/Roster"
import * as StaffingPolicy from "../staffing/StaffingPolicy"
import type { AuditArgs, LocateArgs, PartitionArgs } from "./CliArgs"
import { CliIO } from "./CliIO"
import * as CliProgress from "./CliProgress"
import * as PointsCsv from "./PointsCsv"

/** Invalid input: the run stops with exit code 1 and this message on stderr. */
export class CliInputError extends Schema.TaggedError<CliInputError>()("CliInputError", {
  message: Schema.String
}) {}

const MAX_LISTED = 10

const listProblems = (problems: ReadonlyArray<string>): string =>
  problems
    .slice(0, MAX_LISTED)
    .map((p) => `\n  ${p}`)
    .join("") + (problems.length > MAX_LISTED ? `\n  … and ${problems.length - MAX_LISTED} more` : "")

const readText = Effect.fnUntraced(function* (path: string, what: string) {
  const fs = yield* FileSystem.FileSystem
  return yield* fs
    .readFileString(path)
    .pipe(Effect.mapError((error) => new CliInputError({ message: `cannot read ${what} ${path}: ${error.message}` })))
})

const modifiedAt = Effect.fnUntraced(function* (path: string) {
  const fs = yield* FileSystem.FileSystem
  const info = yield* Effect.option(fs.stat(path))
  return Option.flatMap(info, (i) => i.mtime).pipe(
    Option.map((date) => Instant.fromMillis(date.getTime())),
    Option.getOrUndefined
  )
})

const readGrids = (path: string) =>
  GridsReader.readFile(path).pipe(
    Effect.mapError((error) => new CliInputError({ message: `${error.file}: ${error.message}` }))
  )

/** `locate GRIDS --points FILE`: writes `id,grid_id` per point to stdout. */
export const locate = Effect.fn("CliCommands.locate")(function* (args: LocateArgs) {
  const io = yield* CliIO
  const grids = yield* readGrids(args.grids)
  const errors = GridsReader.errorsOf(grids)
  if (errors.length > 0) {
    return yield* new CliInputError({
      message: `${args.grids} has ${errors.length} invalid grid feature(s); fix them first (gridwork-grid audit lists every problem):${listProblems(errors.map(GridsReader.formatProblem))}`
    })
  }
  const pointsText = yield* readText(args.points, "points file")
  const points = yield* Effect.fromResult(PointsCsv.parse(pointsText, args.points)).pipe(
    Effect.mapError(
      (error) => new CliInputError({ message: `${error.file}: invalid points:${listProblems(error.problems)}` })
    )
  )
  const index = LookupIndex.build(PointInPolygon.compile(grids.grids.map((g) => g.geometry)), {
    ids: grids.grids.map((g) => g.gridId),
    communities: grids.grids.map((g) => g.community)
  })
  const progress = yield* CliProgress.make("locate", args.progress)
  const n = points.ids.length
  const step = Math.max(1, Math.floor(n / 100))
  const chunk: Array<string> = ["id,grid_id"]
  for (let i = 0; i < n; i++) {
    if (i % step === 0) progress.update(i, n)
    const k = LookupIndex.locate(index, points.lon[i]!, points.lat[i]!)
    chunk.push(`${PointsCsv.field(points.ids[i]!)},${k < 0 ? "" : PointsCsv.field(index.ids[k]!)}`)
    if (chunk.length >= 65_536) {
      yield* io.out(`${chunk.join("\n")}\n`)
      chunk.length = 0
    }
  }
  if (chunk.length > 0) yield* io.out(`${chunk.join("\n")}\n`)
  progress.finish()
  return 0
})

const readJson = Effect.fnUntraced(function* (path: string, what: string) {
  const text = yield* readText(path, what)
  return yield* Effect.fromResult(
    Result.try({
      try: (): unknown => JSON.parse(text),
      catch: (error) =>
        new CliInputError({
          message: `${path}: not valid JSON: ${error instanceof Error ? error.message : String(error)}`
        })
    })
  )
})

const readPolicy = Effect.fn("CliCommands.readPolicy")(function* (path: string) {
  const json = yield* readJson(path, "policy file")
  return yield* Effect.fromResult(
    Schema.decodeUnknownResult(StaffingPolicy.StaffingPolicy)(json, { errors: "all", onExcessProperty: "error" })
  ).pipe(
    Effect.mapError(
      (error) =>
        new CliInputError({
          message: `${path}: invalid staffing policy:${listProblems(
            SchemaProblems.fromIssue(error.issue).map(
              (p) => `${LocalityModelError.formatPath(p.path) || "policy"}: ${p.message}`
            )
          )}`
        })
    )
  )
})

/** `audit GRIDS [...]`: prints the coverage audit; 3 with `--strict` when it found errors. */
export const audit = Effect.fn("CliCommands.audit")(function* (args: AuditArgs) {
  const io = yield* CliIO
  const grids = yield* readGrids(args.grids)

  let roster: AuditCoverage.AuditInput["roster"]
  if (args.roster !== undefined) {
    const path = args.roster
    const text = yield* readText(path, "roster")
    const parsed = yield* Effect.fromResult(Roster.parse(text, path)).pipe(
      Effect.mapError(
        (error) => new CliInputError({ message: `${path}: invalid roster:${listProblems(error.problems)}` })
      )
    )
    roster = { roster: parsed, modifiedAt: yield* modifiedAt(path) }
  }

  let overlays: AuditCoverage.AuditInput["overlays"]
  if (args.overlays !== undefined) {
    const path = args.overlays
    const json = yield* readJson(path, "overlays file")
    overlays = yield* Effect.fromResult(Overlay.decodeFile(json, path)).pipe(
      Effect.mapError((error) => new CliInputError({ message: `${error.file}: ${error.message}` }))
    )
  }

  const policy = args.policy === undefined ? undefined : yield* readPolicy(args.policy)

  const assignments =
    args.assignments === undefined
      ? undefined
      : (yield* AssignmentsCsv.readFile(args.assignments).pipe(
          Effect.mapError((error) => new CliInputError({ message: error.message }))
        )).map((row) => ({ unitId: row.unit_id, gridId: row.grid_id }))

  let at: Instant.Instant
  if (args.at === undefined) at = yield* Instant.now
  else {
    at = yield* Effect.fromResult(Schema.decodeUnknownResult(Instant.InstantFromString)(args.at)).pipe(
      Effect.mapError(
        () =>
          new CliInputError({
            message: `--at "${args.at}" is not an ISO 8601 date-time with an offset (e.g. 2026-11-01T00:00:00Z)`
          })
      )
    )
  }

  const progress = yield* CliProgress.make("overlaps", args.progress)
  const report = AuditCoverage.audit({ grids, roster, overlays, policy, assignments }, at, {
    gridsMaxAgeDays: args.maxAgeDays,
    rosterMaxAgeDays: args.maxAgeDays,
    skipOverlaps: args.skipOverlaps,
    onProgress: progress.update
  })
  progress.finish()
  if (args.json) {
    yield* io.out(`${JSON.stringify(Schema.encodeSync(AuditReport.AuditReport)(report), null, 2)}\n`)
  } else {
    yield* io.out(AuditReport.renderText(report))
  }
  return args.strict && AuditReport.hasErrors(report) ? 3 : 0
})

// Share of the units reading taken by each of its phases, for one progress bar.
const PHASE_START = { read: 0, voronoi: 0.4, topology: 0.5 } as const
const PHASE_SHARE = { read: 0.4, voronoi: 0.1, topology: 0.5 } as const

/**
 * `partition UNITS --weight P --community P --min N --max N [...] --out GRIDS`: reads the
 * units, partitions them, writes the grids GeoJSON (and the assignments CSV). Unit
 * problems are listed on stderr; units with errors are left out, as the reader documents.
 */
export const partition = Effect.fn("CliCommands.partition")(function* (args: PartitionArgs) {
  const io = yield* CliIO
  const previous =
    args.previous === undefined
      ? undefined
      : yield* PreviousGridsReader.readGridsFile(args.previous).pipe(
          Effect.mapError((error) => new CliInputError({ message: error.message }))
        )
  const reading = yield* CliProgress.make("read", args.progress)
  const { units, issues } = yield* UnitsReader.readUnitsFile(
    args.units,
    {
      weightProperty: args.weight,
      communityProperty: args.community,
      // Without --id: the feature's id member, else its position in the file.
      ...(args.id === undefined ? { positionIds: true } : { idProperty: args.id })
    },
    (phase, fraction) => reading.update(PHASE_START[phase] + PHASE_SHARE[phase] * fraction, 1)
  ).pipe(Effect.mapError((error) => new CliInputError({ message: error.message })))
  reading.finish()
  const errors = issues.filter((i) => i.severity === "error")
  if (issues.length > 0) {
    yield* io.err(
      `gridwork-grid: ${args.units}: ${errors.length} unit(s) left out, ${issues.length - errors.length} warning(s):${listProblems(
        issues.map(
          (i) =>
            `${i.severity}: feature ${i.featureIndex}${i.unitId === undefined ? "" : ` (${i.unitId})`}: ${i.message}`
        )
      )}\n`
    )
  }
  if (units.size === 0) {
    return yield* new CliInputError({ message: `${args.units}: no usable unit to partition` })
  }
  const splitting = yield* CliProgress.make("partition", args.progress)
  const options = { min: args.min, max: args.max, ...(args.target === undefined ? {} : { target: args.target }) }
  const hooks: Partition.PartitionHooks = {
    onProgress: (p) =>
      splitting.update(
        p.phase === "done"
          ? 1
          : p.phase === "refine"
            ? 0.5 + (0.5 * p.done) / Math.max(1, p.total)
            : (0.5 * p.done) / Math.max(1, p.total),
        1
      )
  }
  const result = yield* Effect.try({
    try: (): Partition.PartitionResult & { readonly churn?: Repartition.Churn } =>
      previous === undefined
        ? Partition.partition(units, options, hooks)
        : Repartition.repartition(previous, units, options, hooks),
    catch: (error) => new CliInputError({ message: error instanceof Error ? error.message : String(error) })
  })
  splitting.finish()
  const writing = yield* CliProgress.make("write", args.progress)
  yield* GridsWriter.writeGridsFile(args.out, result, writing.update).pipe(
    Effect.mapError((error) => new CliInputError({ message: error.message }))
  )
  writing.finish()
  if (args.assignments !== undefined) {
    yield* AssignmentsCsv.writeFile(args.assignments, result).pipe(
      Effect.mapError((error) => new CliInputError({ message: error.message }))
    )
  }
  const s = result.stats
  yield* io.err(
    `gridwork-grid: ${s.grids} grids (${s.ok} ok, ${s.over} over, ${s.under} under) from ${s.units} units in ${s.communities} communities → ${args.out}\n`
  )
  const churn = result.churn
  if (churn !== undefined) {
    yield* io.err(
      `gridwork-grid: re-partition kept ${churn.keptGrids} grids, changed ${churn.changedGrids}, created ${churn.createdGrids.length}, retired ${churn.retiredGrids.length}; ${(100 * churn.weightShare).toFixed(1)}% of the weight changed grid\n`
    )
  }
  return 0
})
