/**
 * Locality staffing rules, as data. A policy lists the roles a roster may use, the rules
 * every grid, person and community must meet, and the public contact lines each grid must
 * post. Localities write it in their model file (YAML or JSON); it decodes with
 * {@link StaffingPolicy}.
 *
 * Rules (`rule` field):
 * - `per-grid` — each grid has between `min` and `max` distinct persons in `role`
 *   (e.g. exactly one leader: `{ rule: per-grid, role: leader, min: 1, max: 1 }`);
 * - `grids-per-person` — a person serves at most `max` grids in `role`
 *   (one police liaison per at most three grids: `{ rule: grids-per-person, role: police-liaison, max: 3 }`);
 * - `per-community` — each community (village / neighbourhood) has at least `min` distinct
 *   persons in `role` across its grids (`{ rule: per-community, role: mediator, min: 1 }`).
 *
 * {@link defaultPolicy} encodes the common practice reported by Lüyuan district (one leader
 * per grid, one police liaison per grid serving at most three grids, at least one mediator
 * per community, worker and supervision phones posted). Every number is a default.
 * @module
 */
import { Ids } from "@gridwork/core"
import { Schema } from "effect"
import { ContactKind, Roles } from "./Roster"

const Count = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0, { message: "a count is an integer ≥ 0" }))
const PositiveCount = Schema.Int.check(Schema.isGreaterThan(0, { message: "a capacity is an integer > 0" }))

/** `per-grid`: each grid has between `min` and `max` distinct persons in `role`. */
export const PerGridRule = Schema.Struct({
  rule: Schema.Literal("per-grid"),
  role: Ids.RoleCode,
  min: Schema.optionalKey(Count),
  max: Schema.optionalKey(Count)
})
/** @see {@link PerGridRule} */
export type PerGridRule = typeof PerGridRule.Type

/** `grids-per-person`: a person serves at most `max` grids in `role`. */
export const GridsPerPersonRule = Schema.Struct({
  rule: Schema.Literal("grids-per-person"),
  role: Ids.RoleCode,
  max: PositiveCount
})
/** @see {@link GridsPerPersonRule} */
export type GridsPerPersonRule = typeof GridsPerPersonRule.Type

/** `per-community`: each community has at least `min` distinct persons in `role`. */
export const PerCommunityRule = Schema.Struct({
  rule: Schema.Literal("per-community"),
  role: Ids.RoleCode,
  min: PositiveCount
})
/** @see {@link PerCommunityRule} */
export type PerCommunityRule = typeof PerCommunityRule.Type

/** One staffing rule. */
export const StaffingRule = Schema.Union([PerGridRule, GridsPerPersonRule, PerCommunityRule])
/** @see {@link StaffingRule} */
export type StaffingRule = typeof StaffingRule.Type

/** A locality's staffing policy. */
export const StaffingPolicy = Schema.Struct({
  /** Role codes a roster may use; rows with other roles are reported. */
  roles: Schema.Array(Ids.RoleCode).check(Schema.isMinLength(1, { message: "a policy lists at least one role" })),
  rules: Schema.Array(StaffingRule),
  /** Public contact lines every grid must post. */
  contacts: Schema.Array(ContactKind)
})
/** @see {@link StaffingPolicy} */
export type StaffingPolicy = typeof StaffingPolicy.Type

const role = (code: string): Ids.RoleCode => Ids.RoleCode.make(code)

/** Common practice (see module doc); a locality overrides any part of it. */
export const defaultPolicy: StaffingPolicy = {
  roles: [role(Roles.leader), role(Roles.member), role(Roles.policeLiaison), role(Roles.mediator)],
  rules: [
    { rule: "per-grid", role: role(Roles.leader), min: 1, max: 1 },
    { rule: "per-grid", role: role(Roles.policeLiaison), min: 1 },
    { rule: "grids-per-person", role: role(Roles.policeLiaison), max: 3 },
    { rule: "per-community", role: role(Roles.mediator), min: 1 }
  ],
  contacts: ["worker", "supervision"]
}
