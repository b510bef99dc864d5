/**
 * The heavy work of the service, as plain synchronous functions over bytes: the same
 * input always gives the same output (the grids file's `generated_at` arrives in the
 * task). They run inside a worker thread (`ComputeWorker`), so the HTTP server keeps
 * answering — and streaming progress — while a partition of 100,000 units takes its
 * half minute.
 *
 * - {@link validate}: `UnitsReader.readUnits` on the upload; every finding with the
 *   JSON Pointer of its feature.
 * - {@link partition}: from scratch (`Partition.partition`) or against the grids file of
 *   the version in force (`Repartition.repartition`, ids kept where the ground did not
 *   change, the locality's high-water marks honoured so a retired id never comes back).
 *   A from-scratch partition of a locality that already published grids is numbered
 *   above every id used before (its grids are new grids). It writes the grids GeoJSON,
 *   the assignments CSV and the serialized lookup index, and names, for every grid of
 *   the base version that is retired, the new grids holding its former units.
 * - {@link audit}: `AuditCoverage.audit` of a published version.
 *
 * Failures that are the input's fault throw {@link InvalidInput}; anything else is a bug.
 * @module
 */
import { Ids, Instant } from "@gridwork/core"
import {
  AssignmentsCsv,
  AuditCoverage,
  type AuditReport,
  GridIds,
  GridsReader,
  GridsWriter,
  LookupIndex,
  Partition,
  PointInPolygon,
  PreviousGridsReader,
  Repartition,
  Roster,
  UnitsReader
} from "@gridwork/grid"
import type { Churn, PartitionSummary, Successors } from "../domain/GridEvents"
import type {
  AuditTask,
  PartitionOutput,
  PartitionTask,
  Progress,
  UnitFinding,
  ValidateTask,
  ValidationReport
} from "./ComputeTask"

/** The task's input cannot be used; the message says why. */
export class InvalidInput extends Error {
  override readonly name = "InvalidInput"
}

/** Receives progress; called a few hundred times at most. */
export type OnProgress = (progress: Progress) => void

const decoder = new TextDecoder("utf-8", { fatal: true })
const encoder = new TextEncoder()

const parseJson = (bytes: Uint8Array, what: string): unknown => {
  let text: string
  try {
    text = decoder.decode(bytes)
  } catch {
    throw new InvalidInput(`${what} is not UTF-8 text`)
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new InvalidInput(`${what} is not JSON: ${error instanceof Error ? error.message : String(error)}`)
  }
}

/** Where each reading phase lies within the reading's share of the progress. */
const readPhases = { read: [0, 0.4], voronoi: [0.4, 0.6], topology: [0.6, 1] } as const

const readUnits = (document: unknown, options: ValidateTask["options"], onProgress: OnProgress, span: number) => {
  try {
    return UnitsReader.readUnits(document, options, (phase, fraction) => {
      const [from, to] = readPhases[phase]
      const at = from + (to - from) * Math.min(1, Math.max(0, fraction))
      onProgress({ phase: `read-${phase}`, percent: Math.floor(at * span) })
    })
  } catch (error) {
    if (error instanceof UnitsReader.UnitsInputError) throw new InvalidInput(error.message)
    throw error
  }
}

/** A progress sink that never goes back (phases estimate their own totals). */
const monotonic = (onProgress: OnProgress): OnProgress => {
  let last = 0
  return (progress) => {
    last = Math.max(last, Math.min(100, progress.percent))
    onProgress({ phase: progress.phase, percent: last })
  }
}

const findingsOf = (
  issues: ReadonlyArray<{
    readonly featureIndex: number
    readonly unitId?: string
    readonly severity: "error" | "warning"
    readonly code: string
    readonly source: "units" | "communities"
    readonly message: string
  }>
): Array<UnitFinding> =>
  issues.map((issue) => ({
    featureIndex: issue.featureIndex,
    ...(issue.unitId === undefined ? {} : { unitId: issue.unitId }),
    severity: issue.severity,
    code: issue.code,
    path: issue.featureIndex < 0 ? "" : `/features/${issue.featureIndex}`,
    message: issue.message
  }))

/** Reads uploaded units and reports every finding; the counts say what a partition will use. */
export const validate = (task: ValidateTask, report: OnProgress = () => {}): ValidationReport => {
  const onProgress = monotonic(report)
  const document = parseJson(task.document, "the unit set")
  const features =
    typeof document === "object" && document !== null && Array.isArray((document as { features?: unknown }).features)
      ? (document as { features: ReadonlyArray<unknown> }).features.length
      : 0
  const { units, issues } = readUnits(document, task.options, onProgress, 100)
  let totalWeight = 0
  for (let u = 0; u < units.size; u++) totalWeight += units.weights[u]!
  const rejected = new Set(
    issues.filter((i) => i.severity === "error" && i.source === "units").map((i) => i.featureIndex)
  )
  return {
    counts: {
      features,
      units: units.size,
      rejected: rejected.size,
      warnings: issues.filter((i) => i.severity === "warning").length,
      communities: units.communities.length,
      totalWeight: round(totalWeight)
    },
    findings: findingsOf(issues)
  }
}

const round = (value: number): number => Number(value.toFixed(6))

/**
 * Renumbers a from-scratch result above the locality's high-water marks: the grids are
 * new, so they get ids never used before.
 */
const renumber = (
  result: Partition.PartitionResult,
  highWater: Readonly<Record<string, number>>
): Partition.PartitionResult => {
  const minter = new GridIds.Minter(highWater)
  const ids = new Map<string, string>()
  const grids = result.grids.map((grid) => {
    const id = minter.mint(grid.community)
    ids.set(grid.id, id)
    return { ...grid, id }
  })
  const issues = result.issues.map(
    (issue) => new Partition.PartitionIssue({ ...issue, gridId: ids.get(issue.gridId) ?? issue.gridId })
  )
  return { ...result, grids, issues, highWater: minter.highWater() }
}

const maxHighWater = (
  a: Readonly<Record<string, number>>,
  b: Readonly<Record<string, number>>
): Record<string, number> => {
  const out: Record<string, number> = { ...a }
  for (const [community, n] of Object.entries(b)) out[community] = Math.max(out[community] ?? 0, n)
  return out
}

const churnOf = (churn: Repartition.Churn): Churn => ({
  weightShare: Math.min(1, Math.max(0, churn.weightShare)),
  movedWeight: round(churn.movedWeight),
  comparableWeight: round(churn.comparableWeight),
  newUnitWeight: round(churn.newUnitWeight),
  removedUnits: churn.removedUnits,
  keptGrids: churn.keptGrids,
  changedGrids: churn.changedGrids,
  createdGrids: churn.createdGrids,
  retiredGrids: churn.retiredGrids
})

/** Partitions (or re-partitions) and writes the artefacts. */
export const partition = (task: PartitionTask, report: OnProgress = () => {}): PartitionOutput => {
  const onProgress = monotonic(report)
  const { units, issues } = readUnits(parseJson(task.units, "the unit set"), task.options, onProgress, 25)
  if (units.size === 0) {
    const errors = issues.filter((i) => i.severity === "error").length
    throw new InvalidInput(`the unit set has no usable unit (${errors} features were rejected; see its report)`)
  }
  const bounds = {
    min: task.bounds.min,
    max: task.bounds.max,
    ...(task.bounds.target === undefined ? {} : { target: task.bounds.target })
  }
  const hooks: Partition.PartitionHooks = {
    onProgress: ({ phase, done, total }) => {
      const fraction = total > 0 ? Math.min(1, done / total) : 1
      const percent = phase === "split" ? 25 + fraction * 20 : phase === "refine" ? 45 + fraction * 40 : 85
      onProgress({ phase: phase === "done" ? "write" : phase, percent: Math.floor(percent) })
    }
  }
  let result: Partition.PartitionResult
  let churn: Churn | undefined
  let previousGrids: Repartition.PreviousGrids | undefined
  let renumbered = false
  try {
    if (task.previous !== undefined) {
      let previous: Repartition.PreviousGrids
      try {
        previous = PreviousGridsReader.fromGridsGeoJson(parseJson(task.previous, "the previous grids file"))
      } catch (error) {
        if (error instanceof PreviousGridsReader.PreviousGridsError) throw new InvalidInput(error.message)
        throw error
      }
      previousGrids = {
        ...previous,
        highWater: maxHighWater(previous.highWater, task.reserved.highWater),
        highWaterKnown: true
      }
      const repartitioned = Repartition.repartition(previousGrids, units, bounds, hooks)
      result = repartitioned
      churn = churnOf(repartitioned.churn)
    } else {
      result = Partition.partition(units, bounds, hooks)
      if (task.reserved.hasHistory) {
        result = renumber(result, task.reserved.highWater)
        renumbered = true
      }
    }
  } catch (error) {
    if (error instanceof Partition.PartitionOptionsError) throw new InvalidInput(error.message)
    throw error
  }

  onProgress({ phase: "write", percent: 85 })
  const collection = GridsWriter.toGridsGeoJson(result, {
    generatedAt: task.generatedAt,
    onProgress: (done, total) => onProgress({ phase: "write", percent: 85 + Math.floor((done / total) * 8) })
  })
  const gridsBytes = encoder.encode(JSON.stringify(collection))
  const assignments = encoder.encode(AssignmentsCsv.toCsv(result))

  onProgress({ phase: "index", percent: 93 })
  const located = collection.features.filter((f) => f.geometry !== null)
  const index = LookupIndex.build(
    PointInPolygon.compile(located.map((f) => f.geometry as PointInPolygon.PolygonCoordinates)),
    { ids: located.map((f) => f.properties.grid_id), communities: located.map((f) => f.properties.community) }
  )
  const indexBytes = LookupIndex.encode(index)

  const gridIds = result.grids.map((g) => g.id)
  const successors: Array<Successors> = []
  if (previousGrids !== undefined) {
    const current = new Set(gridIds)
    const gridOfUnit = new Map(Partition.assignmentPairs(result))
    for (const grid of previousGrids.grids) {
      if (current.has(grid.id)) continue
      const next = new Set<string>()
      for (const unit of grid.units) {
        const id = gridOfUnit.get(unit)
        if (id !== undefined) next.add(id)
      }
      successors.push({ gridId: grid.id, successors: [...next].sort() })
    }
  }
  const summary: PartitionSummary = {
    grids: result.stats.grids,
    units: result.stats.units,
    totalWeight: round(result.stats.totalWeight),
    ok: result.stats.ok,
    over: result.stats.over,
    under: result.stats.under,
    reasons: Object.fromEntries(Object.entries(result.stats.reasons).filter(([, n]) => n !== undefined)) as Record<
      string,
      number
    >,
    gridIds,
    highWater: { ...result.highWater },
    ...(churn === undefined ? {} : { churn }),
    successors,
    renumbered
  }
  onProgress({ phase: "done", percent: 100 })
  return { grids: gridsBytes, index: indexBytes, assignments, summary }
}

/** The coverage audit of a published version. */
export const audit = (task: AuditTask): AuditReport.AuditReport => {
  const decoded = GridsReader.decode(parseJson(task.grids, "the grids file"), "grids")
  if (decoded._tag === "Failure") throw new InvalidInput(decoded.failure.message)
  let rows: Array<AssignmentsCsv.AssignmentRow>
  try {
    rows = AssignmentsCsv.parse(decoder.decode(task.assignments))
  } catch (error) {
    throw new InvalidInput(error instanceof Error ? error.message : String(error))
  }
  const roster = new Roster.Roster({
    entries: task.roster.entries.map(
      (e) =>
        new Roster.RosterEntry({
          gridId: e.gridId,
          personId: Roster.PersonId.make(e.personId),
          role: Ids.RoleCode.make(e.role)
        })
    ),
    contacts: task.roster.contacts.map(
      (c) => new Roster.GridContact({ gridId: c.gridId, kind: c.kind, phone: c.phone })
    ),
    ...(task.roster.asOf === undefined ? {} : { asOf: Instant.fromMillis(task.roster.asOf) })
  })
  return AuditCoverage.audit(
    {
      grids: { ...decoded.success, modifiedAt: Instant.fromMillis(task.gridsPublishedAt) },
      assignments: rows.map((row) => ({ unitId: row.unit_id, gridId: row.grid_id })),
      roster: {
        roster,
        ...(task.roster.asOf === undefined ? {} : { modifiedAt: Instant.fromMillis(task.roster.asOf) })
      },
      policy: task.policy
    },
    Instant.fromMillis(task.now),
    { gridsMaxAgeDays: task.gridsMaxAgeDays, rosterMaxAgeDays: task.rosterMaxAgeDays }
  )
}
