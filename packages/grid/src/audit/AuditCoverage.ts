/**
 * The coverage audit: given a grids file and, optionally, unit assignments, a roster and
 * overlays, reports every gap at once (see {@link AuditReport} for the checks).
 *
 * {@link audit} is pure — the instant of the audit arrives in the input — so the same
 * files always give the same report. {@link run} takes the instant from the `Clock`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { AuditReport, AuditCoverage, GridsReader } from "@gridwork/grid"
 *
 * const program = Effect.gen(function* () {
 *   const grids = yield* GridsReader.readFile("grids.geojson")
 *   const report = yield* AuditCoverage.run({ grids })
 *   return AuditReport.renderText(report)
 * })
 * ```
 * @module
 */
import { Instant } from "@gridwork/core"
import { Effect } from "effect"
import type { GridsFile } from "../io/GridsReader"
import { isActive, isExpired, type Overlay, type OverlayProblem } from "../overlay/Overlay"
import * as OverlayContainment from "../overlay/OverlayContainment"
import type { Roster } from "../staffing/Roster"
import * as StaffingCheck from "../staffing/StaffingCheck"
import { defaultPolicy, type StaffingPolicy } from "../staffing/StaffingPolicy"
import { findOverlaps } from "./AuditOverlaps"
import type { AuditReport, Check, CheckOutcome, CheckSummary, Finding } from "./AuditReport"

/** A unit → grid assignment row; `gridId` is `null` for a unit left without a grid. */
export interface Assignment {
  readonly unitId: string
  readonly gridId: string | null
}

/** What the audit looks at. Only `grids` is required; checks without their input are skipped. */
export interface AuditInput {
  /** The grids file, with its modification time when read from disk. */
  readonly grids: GridsFile & { readonly modifiedAt?: Instant.Instant | undefined }
  /** Unit → grid assignments (e.g. the partitioner's assignments CSV). */
  readonly assignments?: ReadonlyArray<Assignment> | undefined
  /** The roster, with its file's modification time when read from disk. */
  readonly roster?: { readonly roster: Roster; readonly modifiedAt?: Instant.Instant | undefined } | undefined
  /** Staffing policy; {@link StaffingPolicy.defaultPolicy} when absent. */
  readonly policy?: StaffingPolicy | undefined
  /** Overlay grids and the problems met reading them. */
  readonly overlays?:
    | { readonly overlays: ReadonlyArray<Overlay>; readonly problems: ReadonlyArray<OverlayProblem> }
    | undefined
}

/** Tuning of the audit. Every number is a default a locality may change. */
export interface AuditOptions {
  /** Grids file older than this many days is stale. Default 365. */
  readonly gridsMaxAgeDays?: number | undefined
  /** Roster older than this many days is stale. Default 90. */
  readonly rosterMaxAgeDays?: number | undefined
  /** Share of an overlay's area allowed outside its parents. Default 0.01. */
  readonly containmentTolerance?: number | undefined
  /** Smallest overlap between grids reported, m². Default 1. */
  readonly minOverlapArea?: number | undefined
  /** Skip the overlap check (it is the slowest). Default false. */
  readonly skipOverlaps?: boolean | undefined
  /** Progress of the overlap check: (done, total). */
  readonly onProgress?: ((done: number, total: number) => void) | undefined
}

const days = (ms: number): number => Math.floor(ms / Instant.DAY)

/** Runs every check; pure. */
export const audit = (input: AuditInput, now: Instant.Instant, options: AuditOptions = {}): AuditReport => {
  const findings: Array<Finding> = []
  const notes = new Map<Check, string>()
  const skipped = new Set<Check>()
  const add = (check: Check, rule: string, severity: Finding["severity"], subject: string, message: string): void => {
    findings.push({ check, rule, severity, subject, message })
  }
  const { grids } = input.grids
  const gridIds = new Set(grids.map((g) => g.gridId))

  // input
  for (const problem of input.grids.problems) {
    add("input", problem.rule, problem.severity, problem.gridId ?? problem.path, `${problem.path}: ${problem.message}`)
  }
  for (const problem of input.overlays?.problems ?? []) {
    add("input", "overlay.feature", "error", problem.path, problem.message)
  }
  notes.set("input", `${input.grids.features} features read`)

  // coverage
  const gridsOfUnit = new Map<string, Array<string>>()
  for (const grid of grids) {
    for (const unit of grid.units) {
      const list = gridsOfUnit.get(unit) ?? []
      list.push(grid.gridId)
      gridsOfUnit.set(unit, list)
    }
  }
  const listsUnits = grids.some((g) => g.units.length > 0)
  let unitCount = gridsOfUnit.size
  if (!listsUnits && input.assignments === undefined) {
    skipped.add("coverage")
    notes.set("coverage", "no unit lists in the grids file and no assignments given")
  } else {
    for (const [unit, list] of gridsOfUnit) {
      if (list.length > 1) {
        add(
          "coverage",
          "coverage.unit-in-several-grids",
          "error",
          unit,
          `unit is listed by ${list.length} grids: ${list.join(", ")}`
        )
      }
    }
    if (input.assignments !== undefined) {
      const assigned = new Map<string, Set<string>>()
      for (const row of input.assignments) {
        const set = assigned.get(row.unitId) ?? new Set<string>()
        if (row.gridId !== null && row.gridId !== "") set.add(row.gridId)
        assigned.set(row.unitId, set)
      }
      unitCount = new Set([...assigned.keys(), ...gridsOfUnit.keys()]).size
      for (const [unit, set] of assigned) {
        if (set.size === 0) {
          add("coverage", "coverage.unit-in-no-grid", "error", unit, "unit is assigned to no grid")
          continue
        }
        if (set.size > 1) {
          add(
            "coverage",
            "coverage.unit-in-several-grids",
            "error",
            unit,
            `unit is assigned to ${set.size} grids: ${[...set].join(", ")}`
          )
        }
        for (const gridId of set) {
          if (!gridIds.has(gridId)) {
            add(
              "coverage",
              "coverage.unknown-grid",
              "error",
              unit,
              `unit is assigned to grid ${gridId}, which is not in the grids file`
            )
          } else if (listsUnits && !(gridsOfUnit.get(unit) ?? []).includes(gridId)) {
            add(
              "coverage",
              "coverage.mismatch",
              "error",
              unit,
              `assignments put the unit in grid ${gridId} but that grid does not list it`
            )
          }
        }
      }
      for (const [unit, list] of gridsOfUnit) {
        if (!assigned.has(unit)) {
          add(
            "coverage",
            "coverage.unit-not-in-assignments",
            "warning",
            unit,
            `unit is listed by grid ${list.join(", ")} but missing from the assignments`
          )
        }
      }
    }
    notes.set("coverage", `${unitCount} units`)
  }

  // empty
  const assignedGrids = new Set((input.assignments ?? []).map((a) => a.gridId))
  for (const grid of grids) {
    if (listsUnits && grid.units.length === 0) {
      add("empty", "empty.no-units", "error", grid.gridId, "grid lists no units")
    } else if (input.assignments !== undefined && !assignedGrids.has(grid.gridId)) {
      add("empty", "empty.no-assigned-units", "error", grid.gridId, "no unit is assigned to this grid")
    }
    if (grid.weight === 0) {
      add("empty", "empty.no-weight", "warning", grid.gridId, "grid has a weight of 0 (no households or persons)")
    }
  }

  // overlap
  if (options.skipOverlaps === true) {
    skipped.add("overlap")
    notes.set("overlap", "skipped on request")
  } else {
    const overlaps = findOverlaps(grids, { minArea: options.minOverlapArea, onProgress: options.onProgress })
    for (const o of overlaps) {
      add(
        "overlap",
        "overlap.grids-overlap",
        "error",
        `${o.a} / ${o.b}`,
        `grids ${o.a} and ${o.b} overlap by ${o.area.toFixed(1)} m²`
      )
    }
    notes.set("overlap", `${grids.length} grids compared with their neighbours`)
  }

  // community
  for (const grid of grids) {
    if (grid.community === null || grid.community.trim() === "") {
      add(
        "community",
        "community.missing",
        "warning",
        grid.gridId,
        "grid names no community; its jurisdiction chain is unknown"
      )
    }
  }

  // staffing
  const rosterEntries = input.roster?.roster.entries.length ?? 0
  if (input.roster === undefined) {
    skipped.add("staffing")
    notes.set("staffing", "no roster given")
  } else {
    const gaps = StaffingCheck.check(input.policy ?? defaultPolicy, input.roster.roster, grids)
    for (const gap of gaps) {
      add("staffing", gap.rule, gap.severity, gap.gridId ?? gap.personId ?? gap.community ?? "roster", gap.message)
    }
    notes.set("staffing", `${rosterEntries} roster entries`)
  }

  // overlay
  const overlays = input.overlays?.overlays ?? []
  if (input.overlays === undefined) {
    skipped.add("overlay")
    notes.set("overlay", "no overlays given")
  } else {
    const tolerance = options.containmentTolerance ?? 0.01
    const byId = new Map(overlays.map((o) => [o.id, o]))
    const gridById = new Map(grids.map((g) => [g.gridId, g]))
    for (const overlay of overlays) {
      const parents = overlay.parentGridIds.map((id) => gridById.get(id)?.geometry ?? byId.get(id)?.geometry)
      const missing = overlay.parentGridIds.filter((_, i) => parents[i] === undefined)
      if (missing.length > 0) {
        add(
          "overlay",
          "overlay.unknown-parent",
          "error",
          overlay.id,
          `parent ${missing.join(", ")} is neither a grid nor an overlay`
        )
      }
      if (overlay.parentGridIds.includes(overlay.id)) {
        add("overlay", "overlay.self-parent", "error", overlay.id, "an overlay cannot be its own parent")
      }
      const found = parents.filter((p) => p !== undefined)
      if (found.length > 0 && missing.length === 0) {
        const result = OverlayContainment.measure(overlay.geometry, found)
        if (!OverlayContainment.isContained(result, tolerance)) {
          add(
            "overlay",
            "overlay.outside-parents",
            "error",
            overlay.id,
            `${(100 * (1 - result.insideFraction)).toFixed(1)}% of the overlay (${result.outsideArea.toFixed(0)} m²) lies outside its parents ${overlay.parentGridIds.join(", ")} (tolerance ${(100 * tolerance).toFixed(1)}%)`
          )
        }
      }
      if (isExpired(overlay, now)) {
        add(
          "overlay",
          "overlay.expired",
          "warning",
          overlay.id,
          `${overlay.kind} overlay "${overlay.name}" expired on ${Instant.toIso(overlay.validUntil!)}; retire it or extend valid_until`
        )
      } else if (!isActive(overlay, now)) {
        add(
          "overlay",
          "overlay.not-yet-valid",
          "info",
          overlay.id,
          `${overlay.kind} overlay "${overlay.name}" starts on ${Instant.toIso(overlay.validFrom)}`
        )
      }
    }
    notes.set("overlay", `${overlays.length} overlays`)
  }

  // stale
  const gridsAsOf = input.grids.generatedAt ?? input.grids.modifiedAt
  const gridsMax = options.gridsMaxAgeDays ?? 365
  if (gridsAsOf === undefined) {
    add("stale", "stale.grids-undated", "warning", "grids", "the grids file has no generated_at and no file date")
  } else if (now - gridsAsOf > gridsMax * Instant.DAY) {
    add(
      "stale",
      "stale.grids",
      "warning",
      "grids",
      `the grids file is ${days(now - gridsAsOf)} days old (${Instant.toIso(gridsAsOf)}); review it at least every ${gridsMax} days`
    )
  }
  if (input.roster !== undefined) {
    const rosterAsOf = input.roster.roster.asOf ?? input.roster.modifiedAt
    const rosterMax = options.rosterMaxAgeDays ?? 90
    if (rosterAsOf === undefined) {
      add("stale", "stale.roster-undated", "warning", "roster", "the roster has no as_of and no file date")
    } else if (now - rosterAsOf > rosterMax * Instant.DAY) {
      add(
        "stale",
        "stale.roster",
        "warning",
        "roster",
        `the roster is ${days(now - rosterAsOf)} days old (${Instant.toIso(rosterAsOf)}); confirm it at least every ${rosterMax} days`
      )
    }
  }

  // status
  for (const grid of grids) {
    if (grid.status !== undefined && grid.status !== "ok") {
      add(
        "status",
        `status.${grid.status}`,
        "warning",
        grid.gridId,
        `status ${grid.status}${grid.weight === undefined ? "" : ` (weight ${grid.weight})`}: ${grid.reason ?? "no reason given"}`
      )
    }
  }

  const order = new Map<Check, number>([
    ["input", 0],
    ["coverage", 1],
    ["empty", 2],
    ["overlap", 3],
    ["community", 4],
    ["staffing", 5],
    ["overlay", 6],
    ["stale", 7],
    ["status", 8]
  ])
  const summaries: Array<CheckSummary> = [...order.keys()].map((check) => {
    const mine = findings.filter((f) => f.check === check)
    const errors = mine.filter((f) => f.severity === "error").length
    const warnings = mine.filter((f) => f.severity === "warning").length
    const outcome: CheckOutcome = skipped.has(check)
      ? "skipped"
      : errors > 0
        ? "failed"
        : warnings > 0
          ? "warnings"
          : "passed"
    return { check, outcome, errors, warnings, note: notes.get(check) ?? "" }
  })
  return {
    generatedAt: Instant.toIso(now),
    totals: {
      grids: grids.length,
      features: input.grids.features,
      units: unitCount,
      rosterEntries,
      overlays: overlays.length
    },
    checks: summaries,
    findings: findings
      .map((f, i) => ({ f, i }))
      .sort((p, q) => order.get(p.f.check)! - order.get(q.f.check)! || p.i - q.i)
      .map(({ f }) => f)
  }
}

/** {@link audit} at the current `Clock` instant. */
export const run = Effect.fn("AuditCoverage.run")(function* (input: AuditInput, options: AuditOptions = {}) {
  const now = yield* Instant.now
  return audit(input, now, options)
})
