/**
 * The coverage audit's report: one list of findings, each tied to a check and a subject,
 * plus a summary per check. Encoded to JSON with {@link AuditReport} (a Schema) and
 * rendered for people with {@link renderText}.
 *
 * Checks (in the spirit of "five no-misses, five clears"):
 * | check      | what it verifies                                                           |
 * | ---------- | -------------------------------------------------------------------------- |
 * | `input`    | every feature of the grids / overlays file is a valid grid                 |
 * | `coverage` | every unit is in exactly one grid (unit lists of the grids, assignments)   |
 * | `empty`    | no grid is empty (no units, or no households/persons)                      |
 * | `overlap`  | no two grids overlap                                                       |
 * | `community`| every grid names its community (the jurisdiction chain starts there)       |
 * | `staffing` | every grid is staffed as the policy requires, contacts posted              |
 * | `overlay`  | overlays lie inside their parents, parents exist, expired ones are listed  |
 * | `stale`    | the grids file and the roster were confirmed within the allowed age       |
 * | `status`   | grids the partitioner marked over / under size, with its reasons           |
 * @module
 */
import { Schema } from "effect"

/** The checks, in report order. */
export const Check = Schema.Literals([
  "input",
  "coverage",
  "empty",
  "overlap",
  "community",
  "staffing",
  "overlay",
  "stale",
  "status"
])
/** @see {@link Check} */
export type Check = typeof Check.Type

/** All checks in report order. */
export const checks: ReadonlyArray<Check> = Check.literals

/** `error`: breaks a rule; `warning`: needs a look; `info`: for the record. */
export const Severity = Schema.Literals(["error", "warning", "info"])
/** @see {@link Severity} */
export type Severity = typeof Severity.Type

/** One finding. */
export const Finding = Schema.Struct({
  check: Check,
  /** Stable rule code, e.g. `coverage.unit-in-several-grids`. */
  rule: Schema.String,
  severity: Severity,
  /** What it is about: a grid id, unit id, person id, overlay id, community or file. */
  subject: Schema.String,
  message: Schema.String
})
/** @see {@link Finding} */
export type Finding = typeof Finding.Type

/** Outcome of one check. */
export const CheckOutcome = Schema.Literals(["passed", "failed", "warnings", "skipped"])
/** @see {@link CheckOutcome} */
export type CheckOutcome = typeof CheckOutcome.Type

/** Per-check summary. */
export const CheckSummary = Schema.Struct({
  check: Check,
  outcome: CheckOutcome,
  errors: Schema.Int,
  warnings: Schema.Int,
  /** Why it was skipped, or a short note on what was covered. */
  note: Schema.String
})
/** @see {@link CheckSummary} */
export type CheckSummary = typeof CheckSummary.Type

/** The report. */
export const AuditReport = Schema.Struct({
  /** When the audit ran (ISO 8601, UTC). */
  generatedAt: Schema.String,
  /** Counts of what was audited. */
  totals: Schema.Struct({
    grids: Schema.Int,
    features: Schema.Int,
    units: Schema.Int,
    rosterEntries: Schema.Int,
    overlays: Schema.Int
  }),
  checks: Schema.Array(CheckSummary),
  findings: Schema.Array(Finding)
})
/** @see {@link AuditReport} */
export type AuditReport = typeof AuditReport.Type

/** Whether any finding is an error. */
export const hasErrors = (report: AuditReport): boolean => report.findings.some((f) => f.severity === "error")

const LABEL: Record<Check, string> = {
  input: "Input files",
  coverage: "Every unit in exactly one grid",
  empty: "No empty grid",
  overlap: "No overlapping grids",
  community: "Every grid in a community",
  staffing: "Every grid staffed",
  overlay: "Overlays inside their parents, current",
  stale: "Data up to date",
  status: "Grid sizes within bounds"
}

const count = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`

const MARK: Record<CheckOutcome, string> = { passed: "ok  ", failed: "FAIL", warnings: "warn", skipped: "skip" }

/**
 * A plain-text report: a summary line per check, then the findings grouped by check
 * (at most `limit` per check, default 50, with a count of the rest).
 */
export const renderText = (report: AuditReport, limit = 50): string => {
  const lines: Array<string> = []
  const t = report.totals
  lines.push(`Coverage audit — ${report.generatedAt}`)
  lines.push(
    `${t.grids} grids (${t.features} features), ${t.units} units, ${t.rosterEntries} roster entries, ${t.overlays} overlays`
  )
  lines.push("")
  for (const summary of report.checks) {
    const counts =
      summary.outcome === "skipped" ? "" : ` — ${count(summary.errors, "error")}, ${count(summary.warnings, "warning")}`
    lines.push(`[${MARK[summary.outcome]}] ${LABEL[summary.check]}${counts}${summary.note ? ` (${summary.note})` : ""}`)
  }
  for (const check of checks) {
    const findings = report.findings.filter((f) => f.check === check)
    if (findings.length === 0) continue
    lines.push("")
    lines.push(`${LABEL[check]}:`)
    for (const finding of findings.slice(0, limit)) {
      lines.push(`  ${finding.severity.padEnd(7)} ${finding.subject}: ${finding.message} [${finding.rule}]`)
    }
    if (findings.length > limit) lines.push(`  … and ${findings.length - limit} more (use --json for all)`)
  }
  const errors = report.findings.filter((f) => f.severity === "error").length
  const warnings = report.findings.filter((f) => f.severity === "warning").length
  lines.push("")
  lines.push(
    errors === 0 && warnings === 0 ? "No findings." : `${count(errors, "error")}, ${count(warnings, "warning")}.`
  )
  return `${lines.join("\n")}\n`
}
