/**
 * Checks a roster against a staffing policy and the list of grids, and reports every gap
 * at once (a pure function: same input, same gaps, in a stable order).
 *
 * Gaps, by `rule`:
 * - `staffing.missing-role` — a grid has fewer persons in a role than `per-grid.min`;
 * - `staffing.too-many` — more than `per-grid.max`;
 * - `staffing.over-capacity` — a person serves more grids in a role than `grids-per-person.max`;
 * - `staffing.community-missing-role` — a community has fewer persons in a role than `per-community.min`;
 * - `staffing.unknown-person` — a row names a person not in the roster's `people` list;
 * - `staffing.unknown-grid` — a row or contact names a grid that is not in the grids file;
 * - `staffing.unknown-role` — a row uses a role the policy does not list;
 * - `staffing.duplicate-entry` — the same (grid, person, role) appears twice;
 * - `staffing.missing-contact` — a grid does not post a contact line the policy requires.
 *
 * Grids without a community are skipped by `per-community` rules (the audit reports them).
 *
 * @example
 * ```ts
 * import { StaffingCheck, StaffingPolicy, Roster } from "@gridwork/grid"
 *
 * const gaps = StaffingCheck.check(StaffingPolicy.defaultPolicy, roster, [{ gridId: "G-1", community: "12" }])
 * gaps.map((gap) => gap.message)
 * ```
 * @module
 */
import type { Roster } from "./Roster"
import type { StaffingPolicy } from "./StaffingPolicy"

/** A grid as the check needs it. */
export interface GridRef {
  readonly gridId: string
  readonly community: string | null
}

/** One gap. Fields that do not apply are absent. */
export interface StaffingGap {
  readonly rule:
    | "staffing.missing-role"
    | "staffing.too-many"
    | "staffing.over-capacity"
    | "staffing.community-missing-role"
    | "staffing.unknown-person"
    | "staffing.unknown-grid"
    | "staffing.unknown-role"
    | "staffing.duplicate-entry"
    | "staffing.missing-contact"
  /** `error` for unmet rules and unknown references, `warning` for duplicates. */
  readonly severity: "error" | "warning"
  readonly gridId?: string
  readonly personId?: string
  readonly community?: string
  readonly role?: string
  readonly message: string
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`

/** Every gap of `roster` against `policy` for `grids`. */
export const check = (
  policy: StaffingPolicy,
  roster: Roster,
  grids: ReadonlyArray<GridRef>
): ReadonlyArray<StaffingGap> => {
  const gaps: Array<StaffingGap> = []
  const gridIds = new Set(grids.map((g) => g.gridId))
  const roles = new Set<string>(policy.roles)
  const people = roster.people === undefined ? undefined : new Set<string>(roster.people)

  // Row-level checks; collect distinct persons per (grid, role).
  const byGridRole = new Map<string, Set<string>>()
  const seen = new Set<string>()
  for (const entry of roster.entries) {
    const key = `${entry.gridId}\u0000${entry.personId}\u0000${entry.role}`
    if (seen.has(key)) {
      gaps.push({
        rule: "staffing.duplicate-entry",
        severity: "warning",
        gridId: entry.gridId,
        personId: entry.personId,
        role: entry.role,
        message: `${entry.personId} is listed twice as ${entry.role} of grid ${entry.gridId}`
      })
      continue
    }
    seen.add(key)
    if (!gridIds.has(entry.gridId)) {
      gaps.push({
        rule: "staffing.unknown-grid",
        severity: "error",
        gridId: entry.gridId,
        personId: entry.personId,
        role: entry.role,
        message: `roster names grid ${entry.gridId}, which is not in the grids file (${entry.personId} as ${entry.role})`
      })
    }
    if (!roles.has(entry.role)) {
      gaps.push({
        rule: "staffing.unknown-role",
        severity: "error",
        gridId: entry.gridId,
        personId: entry.personId,
        role: entry.role,
        message: `role "${entry.role}" (${entry.personId}, grid ${entry.gridId}) is not one of the policy's roles: ${policy.roles.join(", ")}`
      })
    }
    if (people !== undefined && !people.has(entry.personId)) {
      gaps.push({
        rule: "staffing.unknown-person",
        severity: "error",
        gridId: entry.gridId,
        personId: entry.personId,
        role: entry.role,
        message: `person ${entry.personId} (${entry.role} of grid ${entry.gridId}) is not in the roster's list of people`
      })
    }
    const gr = `${entry.gridId}\u0000${entry.role}`
    const set = byGridRole.get(gr) ?? new Set<string>()
    set.add(entry.personId)
    byGridRole.set(gr, set)
  }

  for (const rule of policy.rules) {
    switch (rule.rule) {
      case "per-grid": {
        for (const grid of grids) {
          const count = byGridRole.get(`${grid.gridId}\u0000${rule.role}`)?.size ?? 0
          if (rule.min !== undefined && count < rule.min) {
            gaps.push({
              rule: "staffing.missing-role",
              severity: "error",
              gridId: grid.gridId,
              role: rule.role,
              message:
                count === 0
                  ? `grid ${grid.gridId} has no ${rule.role} (needs at least ${rule.min})`
                  : `grid ${grid.gridId} has ${plural(count, rule.role)} (needs at least ${rule.min})`
            })
          }
          if (rule.max !== undefined && count > rule.max) {
            gaps.push({
              rule: "staffing.too-many",
              severity: "error",
              gridId: grid.gridId,
              role: rule.role,
              message: `grid ${grid.gridId} has ${plural(count, rule.role)} (at most ${rule.max})`
            })
          }
        }
        break
      }
      case "grids-per-person": {
        const gridsOf = new Map<string, Set<string>>()
        for (const entry of roster.entries) {
          if (entry.role !== rule.role) continue
          const set = gridsOf.get(entry.personId) ?? new Set<string>()
          set.add(entry.gridId)
          gridsOf.set(entry.personId, set)
        }
        for (const [personId, set] of [...gridsOf].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
          if (set.size > rule.max) {
            gaps.push({
              rule: "staffing.over-capacity",
              severity: "error",
              personId,
              role: rule.role,
              message: `${personId} is ${rule.role} of ${plural(set.size, "grid")} (${[...set].sort().join(", ")}); at most ${rule.max}`
            })
          }
        }
        break
      }
      case "per-community": {
        const communities = new Map<string, Set<string>>()
        for (const grid of grids) {
          if (grid.community === null) continue
          const persons = communities.get(grid.community) ?? new Set<string>()
          for (const person of byGridRole.get(`${grid.gridId}\u0000${rule.role}`) ?? []) persons.add(person)
          communities.set(grid.community, persons)
        }
        for (const [community, persons] of communities) {
          if (persons.size < rule.min) {
            gaps.push({
              rule: "staffing.community-missing-role",
              severity: "error",
              community,
              role: rule.role,
              message: `community ${community} has ${persons.size === 0 ? `no ${rule.role}` : plural(persons.size, rule.role)} (needs at least ${rule.min})`
            })
          }
        }
        break
      }
    }
  }

  const posted = new Set<string>()
  for (const contact of roster.contacts) {
    posted.add(`${contact.gridId}\u0000${contact.kind}`)
    if (!gridIds.has(contact.gridId)) {
      gaps.push({
        rule: "staffing.unknown-grid",
        severity: "error",
        gridId: contact.gridId,
        message: `a ${contact.kind} contact names grid ${contact.gridId}, which is not in the grids file`
      })
    }
  }
  for (const grid of grids) {
    for (const kind of policy.contacts) {
      if (!posted.has(`${grid.gridId}\u0000${kind}`)) {
        gaps.push({
          rule: "staffing.missing-contact",
          severity: "error",
          gridId: grid.gridId,
          message: `grid ${grid.gridId} posts no ${kind} phone`
        })
      }
    }
  }
  return gaps
}
