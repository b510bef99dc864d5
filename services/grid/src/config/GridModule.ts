/**
 * The `grid` module of a locality model: how communities map to jurisdictions, the
 * staffing policy rosters are checked against, and the audit's staleness limits; and the
 * permissions the grid service checks, per action.
 *
 * ```yaml
 * modules:
 *   grid:
 *     communities:
 *       jurisdiction: providence.ward-{community}   # or a table:
 *       # map: { "1": providence.ward-1, "2": providence.ward-2 }
 *     staffing:                                     # default: StaffingPolicy.defaultPolicy
 *       roles: [leader, member, police-liaison, mediator]
 *       rules:
 *         - { rule: per-grid, role: leader, min: 1, max: 1 }
 *       contacts: [worker, supervision]
 *     audit: { gridsMaxAgeDays: 365, rosterMaxAgeDays: 90 }
 * ```
 *
 * | permission | action |
 * | --- | --- |
 * | `grid.view` | read grids, versions, jobs, rosters, staffing and audit reports; locate points |
 * | `grid.partition` | upload units and run partition jobs |
 * | `grid.publish` | publish a job's result as the grid version in force |
 * | `grid.edit-roster` | set a grid's roster (within the caller's jurisdictions) |
 *
 * @example
 * ```ts
 * import { ModuleRegistry } from "@gridwork/core"
 * import { GridModule } from "@gridwork/service-grid"
 *
 * const registry = ModuleRegistry.core.add(GridModule.manifest)
 * ```
 * @module
 */
import { Ids, ModuleManifest, type SchemaProblems } from "@gridwork/core"
import { StaffingPolicy } from "@gridwork/grid"
import { Effect, Schema } from "effect"

const Days = Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 3650 }))

/** How a community (as written in the units' community property) maps to a jurisdiction. */
export const Communities = Schema.Struct({
  /**
   * A template of the jurisdiction code, `{community}` standing for the community id,
   * e.g. `providence.ward-{community}`.
   */
  jurisdiction: Schema.optionalKey(
    Schema.String.check(Schema.isPattern(/\{community\}/, { message: "the template must contain {community}" }))
  ),
  /** Community id → jurisdiction code; wins over the template. */
  map: Schema.optionalKey(Schema.Record(Schema.String, Ids.JurisdictionCode))
})
/** @see {@link Communities} */
export type Communities = typeof Communities.Type

/** The settings of the `grid` module. */
export const Settings = Schema.Struct({
  communities: Communities.pipe(Schema.withDecodingDefaultKey(Effect.succeed({}))),
  staffing: StaffingPolicy.StaffingPolicy.pipe(
    Schema.withDecodingDefaultKey(Effect.succeed(StaffingPolicy.defaultPolicy as StaffingPolicy.StaffingPolicy))
  ),
  audit: Schema.Struct({
    gridsMaxAgeDays: Days.pipe(Schema.withDecodingDefaultKey(Effect.succeed(365))),
    rosterMaxAgeDays: Days.pipe(Schema.withDecodingDefaultKey(Effect.succeed(90)))
  }).pipe(Schema.withDecodingDefaultKey(Effect.succeed({ gridsMaxAgeDays: 365, rosterMaxAgeDays: 90 })))
})
/** @see {@link Settings} */
export type Settings = typeof Settings.Type

/** Permissions of the grid service. */
export const permissions = {
  view: "grid.view",
  partition: "grid.partition",
  publish: "grid.publish",
  editRoster: "grid.edit-roster"
} as const

/** The manifest. */
export const manifest = ModuleManifest.make<Settings>({
  name: "grid",
  version: "0.1.0",
  description: "Service grids: partition with stable ids, published versions, point lookup, rosters, coverage audit",
  settings: Settings,
  permissions: {
    view: {
      description: "Read grids, versions, jobs, rosters, staffing and audit reports; locate points",
      defaultRoles: []
    },
    partition: { description: "Upload units and run partition jobs", defaultRoles: [] },
    publish: { description: "Publish a partition as the grid version in force", defaultRoles: [] },
    "edit-roster": { description: "Set the roster of a grid in one's jurisdictions", defaultRoles: [] }
  },
  validate: (settings, context) => {
    const problems: Array<SchemaProblems.SchemaProblem> = []
    for (const [community, code] of Object.entries(settings.communities.map ?? {})) {
      if (!context.jurisdictions.has(code)) {
        problems.push({
          path: ["communities", "map", community],
          rule: "grid.unknown-jurisdiction",
          message: `jurisdiction ${code} is not in the model's jurisdictions`
        })
      }
    }
    return problems
  }
})
