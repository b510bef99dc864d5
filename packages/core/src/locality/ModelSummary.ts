/**
 * A readable plain-text summary of a loaded locality model: the locality, its tiers,
 * the jurisdiction tree (indented), the calendar (time zone, base schedule, working
 * days and hours, holidays and make-up working days per year), units, roles, actors,
 * modules, and the deadlines with their extension and the article that sets them.
 *
 * Columns are aligned by display width, so Chinese names line up in a terminal.
 *
 * @example
 * ```ts
 * import { NodeServices } from "@effect/platform-node"
 * import { Effect } from "effect"
 * import { ModelLoader, ModelSummary } from "@gridwork/core"
 *
 * const text = ModelLoader.loadModel("examples/localities/lanxi-county.yaml").pipe(
 *   Effect.map(ModelSummary.render),
 *   Effect.provide(NodeServices.layer)
 * )
 * Effect.runPromise(text).then((summary) => console.log(summary.split("\n")[0]))
 * // Lanxi County 岚溪县 (lanxi) · policy 2026.1
 * ```
 * @module
 */
import { Option } from "effect"
import type { CalendarYear } from "../calendar/CalendarSpec"
import * as CalendarSpec from "../calendar/CalendarSpec"
import * as CnMainland from "../calendar/CnMainland"
import type { Jurisdiction } from "../jurisdiction/Jurisdiction"
import type { ObligationRule, Period } from "../responsibility/ObligationRule"
import type { LocalityModel } from "./LocalityModel"
import * as ResponsibilityModule from "./ResponsibilityModule"

const isWide = (code: number): boolean =>
  (code >= 0x1100 && code <= 0x115f) ||
  (code >= 0x2e80 && code <= 0xa4cf) ||
  (code >= 0xac00 && code <= 0xd7a3) ||
  (code >= 0xf900 && code <= 0xfaff) ||
  (code >= 0xfe30 && code <= 0xfe4f) ||
  (code >= 0xff00 && code <= 0xff60) ||
  (code >= 0xffe0 && code <= 0xffe6) ||
  (code >= 0x20000 && code <= 0x3fffd)

/** Columns a string takes in a terminal: East Asian wide characters count twice. */
export const displayWidth = (text: string): number => {
  let width = 0
  for (const char of text) width += isWide(char.codePointAt(0) ?? 0) ? 2 : 1
  return width
}

const pad = (text: string, width: number): string => text + " ".repeat(Math.max(0, width - displayWidth(text)))

const table = (rows: ReadonlyArray<ReadonlyArray<string>>, indent = "  "): Array<string> => {
  const widths: Array<number> = []
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, displayWidth(cell))
    })
  }
  return rows.map((row) =>
    (indent + row.map((cell, i) => (i === row.length - 1 ? cell : pad(cell, widths[i] ?? 0))).join("  ")).trimEnd()
  )
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`

const heading = (title: string): Array<string> => ["", title, "─".repeat(Math.max(displayWidth(title), 3))]

const weekdayNames = ["", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

const weekdays = (days: ReadonlyArray<number>): string => {
  const sorted = [...days].sort((a, b) => a - b)
  const first = sorted[0]
  const last = sorted[sorted.length - 1]
  const contiguous = first !== undefined && last !== undefined && last - first + 1 === sorted.length
  return contiguous && sorted.length > 2
    ? `${weekdayNames[first]}–${weekdayNames[last]}`
    : sorted.map((d) => weekdayNames[d]).join(", ")
}

/** `15 working days`, `60 calendar days`, `4 working hours`, `30 minutes`. */
export const formatPeriod = (period: Pick<Period, "amount" | "unit">): string => {
  const [count, kind] =
    period.unit === "calendar-days"
      ? [period.amount, "calendar day"]
      : period.unit === "working-days"
        ? [period.amount, "working day"]
        : period.unit === "working-hours"
          ? [period.amount, "working hour"]
          : [period.amount, "minute"]
  return plural(count, kind)
}

const treeLines = (model: LocalityModel): Array<string> => {
  const tree = model.jurisdictions
  const rows: Array<Array<string>> = []
  const visit = (node: Jurisdiction, prefix: string, childPrefix: string): void => {
    rows.push([`${prefix}${node.name}`, node.level, node.code])
    const children = tree.children(node.code)
    children.forEach((child, i) => {
      const last = i === children.length - 1
      visit(child, `${childPrefix}${last ? "└─ " : "├─ "}`, `${childPrefix}${last ? "   " : "│  "}`)
    })
  }
  for (const root of tree.roots) visit(root, "", "")
  return table(rows)
}

const shortDate = (date: string): string => date.slice(5)

const yearLine = (y: CalendarYear, origin: string): Array<string> => {
  const makeUp = y.makeUpWorkdays.map((d) => shortDate(d.date))
  return [
    `${y.year}`,
    `${plural(y.holidays.length, "day")} off`,
    makeUp.length === 0
      ? "no make-up working days"
      : `${plural(makeUp.length, "make-up working day")}: ${makeUp.join(", ")}`,
    origin
  ]
}

const calendarLines = (model: LocalityModel): Array<string> => {
  const spec = CalendarSpec.withDefaults(model.calendar)
  const years = new Map<number, [CalendarYear, string]>()
  if (spec.base === "cn-mainland") for (const y of CnMainland.years) years.set(y.year, [y, "shipped"])
  for (const y of spec.years)
    years.set(y.year, [y, years.has(y.year) ? "from the model, replaces shipped" : "from the model"])
  const hours =
    spec.workingHours.length === 0
      ? "whole working days"
      : spec.workingHours.map((h) => `${h.start}–${h.end}`).join(", ")
  const loaded =
    spec.base === "weekdays" && spec.years.length === 0
      ? "every year (weekdays base, holidays as listed)"
      : [...years.keys()].sort().join(", ") || "none"
  const rows: Array<Array<string>> = [
    ["Time zone", spec.timeZone],
    [
      "Base",
      spec.base === "cn-mainland" ? "cn-mainland (official holidays and make-up days of mainland China)" : "weekdays"
    ],
    ["Working days", weekdays(spec.workingWeekdays)],
    ["Working hours", hours],
    ["Years loaded", loaded],
    [
      "Missing year",
      spec.whenYearMissing === "fail" ? "deadlines fail (load the year first)" : "deadlines are provisional"
    ],
    ["Last day rule", spec.lastDayRule]
  ]
  const out = table(rows)
  const yearRows = [...years.values()].sort((a, b) => a[0].year - b[0].year).map(([y, origin]) => yearLine(y, origin))
  if (yearRows.length > 0) out.push("  Holidays by year", ...table(yearRows, "    "))
  const extra = [
    ...spec.holidays.map((h) => ({ ...h, kind: "holiday" })),
    ...spec.makeUpWorkdays.map((h) => ({ ...h, kind: "make-up working day" }))
  ].sort((a, b) => a.date.localeCompare(b.date))
  if (extra.length > 0) {
    out.push(
      "  Local additions",
      ...table(
        extra.map((d) => [d.date, d.kind, d.name]),
        "    "
      )
    )
  }
  return out
}

const organizationLines = (model: LocalityModel): Array<string> => {
  const org = model.organization
  const out: Array<string> = []
  out.push(...heading(`Units (${org.units.length})`))
  out.push(...table(org.units.map((u) => [u.name, u.kind, `at ${u.jurisdiction}`])))
  out.push(...heading(`Roles (${org.roles.length})`))
  out.push(
    ...table(
      org.roles.map((r) => {
        const grants = org.grantsOf(r.code)
        return [r.code, r.name, grants.length === 0 ? "(no permissions)" : grants.join(", ")]
      })
    )
  )
  if (org.actors.length > 0) {
    out.push(...heading(`Actors (${org.actors.length})`))
    out.push(
      ...table(
        org.actors.map((a) => {
          const byUnit = new Map<string, Array<string>>()
          for (const s of a.assignments) byUnit.set(s.unit, [...(byUnit.get(s.unit) ?? []), s.role])
          const held = [...byUnit].map(
            ([unit, roles]) =>
              `${roles.join(", ")} in ${Option.match(org.unit(unit), { onNone: () => unit, onSome: (u) => u.name })}`
          )
          return [a.name, held.join("; ")]
        })
      )
    )
  }
  return out
}

const sourceText = (rule: ObligationRule): string =>
  `${rule.source.law}${rule.source.article === undefined ? "" : `, art. ${rule.source.article}`}`

const deadlineLines = (deadlines: ReadonlyArray<ObligationRule>): Array<string> => {
  const rows = deadlines.map((rule) => {
    const extension =
      rule.extension === undefined
        ? "no extension"
        : `+${rule.extension.max === 1 ? "" : `${rule.extension.max} × `}${formatPeriod(rule.extension)}${rule.extension.requiresApproval ? " with approval" : ""}`
    return [rule.id, formatPeriod(rule.within), extension, sourceText(rule)]
  })
  const out: Array<string> = []
  table(rows).forEach((line, i) => {
    const rule = deadlines[i]
    if (rule === undefined) return
    out.push(line)
    const warn =
      rule.warnAt === undefined ? "" : `; warn at ${rule.warnAt.map((s) => `${Math.round(s * 100)}%`).join(", ")}`
    const scope = rule.appliesTo === undefined ? "" : ` [${rule.appliesTo.categories.join(", ")}]`
    out.push(`      ${rule.title}${scope}`)
    out.push(
      `      ${rule.module}: ${rule.opensOn.join("/")} → ${rule.fulfilledBy.join("/")}, owed by ${rule.owner}${warn}`
    )
  })
  return out
}

/** Renders the summary of a model as plain text (no colors), lines joined by `\n`. */
export const render = (model: LocalityModel): string => {
  const tree = model.jurisdictions
  const out: Array<string> = []
  const title = `${model.locality.name} (${model.locality.id}) · policy ${model.version}`
  out.push(title, "═".repeat(displayWidth(title)))
  out.push(
    ...table([
      ["Model file", model.file],
      ["Languages", model.locality.languages.join(", ")],
      [
        "Modules",
        model.modules.size === 0
          ? "none"
          : [...model.modules.keys()]
              .sort()
              .map((name) => {
                const manifest = model.registry.get(name)
                return manifest._tag === "Some" ? `${name} ${manifest.value.version}` : name
              })
              .join(", ")
      ]
    ])
  )

  const counts = [...model.tiers]
    .reverse()
    .map((tier) => plural(tree.atTier(tier).length, tier))
    .join(", ")
  out.push(...heading(`Tiers (lowest first): ${model.tiers.join(" → ")}`))
  if (model.leavesAllowedAt.length > 0) out.push(`  Leaves also allowed at: ${model.leavesAllowedAt.join(", ")}`)
  const source = model.jurisdictionSource._tag === "Inline" ? "inline" : `from ${model.jurisdictionSource.file}`
  out.push(...heading(`Jurisdictions (${tree.size}: ${counts}; ${source})`))
  out.push(...treeLines(model))

  out.push(...heading("Calendar"))
  out.push(...calendarLines(model))

  out.push(...organizationLines(model))

  if (model.privacyClasses.length > 0) {
    out.push(...heading(`Privacy classes (${model.privacyClasses.length})`))
    out.push(...table(model.privacyClasses.map((p) => [p.code, p.name, p.description ?? ""])))
  }

  if (model.enables(ResponsibilityModule.manifest.name)) {
    const deadlines = ResponsibilityModule.deadlinesOf(model)
    out.push(...heading(`Deadlines (${deadlines.length})`))
    out.push(...(deadlines.length === 0 ? ["  (none)"] : deadlineLines(deadlines)))
  }
  return `${out.join("\n")}\n`
}
