/**
 * Rosters over HTTP: `GET /v1/grids/{gridId}/roster`, `PUT /v1/grids/{gridId}/roster`
 * (the whole roster of one grid: person ids and roles, plus the grid's public contact
 * lines; only within the caller's jurisdictions) and `GET /v1/staffing/check` (every
 * gap of the rosters against the locality's staffing policy, for the version in force).
 *
 * @example
 * ```sh
 * curl -X PUT "$GRID/v1/grids/3-1/roster" -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \
 *   -d '{"members":[{"personId":"p-1042","role":"leader"}],"contacts":[{"kind":"worker","phone":"+1 401 555 0100"}]}'
 * ```
 * @module
 */
import { StaffingCheck } from "@gridwork/grid"
import { Authorization, Route } from "@gridwork/service-kit"
import { Effect, Schema } from "effect"
import { permissions } from "../config/GridModule"
import { Locality } from "../config/Locality"
import { GridId, PublicContact, RosterMember } from "../domain/GridEvents"
import * as GridRoster from "../domain/GridRoster"
import { Rosters } from "../services/Rosters"
import * as Problems from "./Problems"
import * as VersionInForce from "./VersionInForce"
import { RosterView, StaffingView } from "./Views"

const GridParams = Schema.Struct({ gridId: GridId })

/** The body of `PUT /v1/grids/{gridId}/roster`. */
export const RosterBody = Schema.Struct({
  /** Person ids (from the staff register, never names) with their roles; one person may hold several. */
  members: Schema.Array(RosterMember).check(Schema.isMaxLength(500)),
  /** The grid's public, role-level contact lines (one per kind). */
  contacts: Schema.Array(PublicContact).check(Schema.isMaxLength(2))
}).annotate({ identifier: "GridRosterRequest" })

/** The version in force and the grid's community jurisdiction; 404 when the grid is not in it. */
const gridInForce = (gridId: string) =>
  Effect.gen(function* () {
    const loaded = yield* VersionInForce.load
    if (!loaded.communities.has(gridId)) {
      return yield* Problems.notFound(`No grid ${gridId} in the version in force (${loaded.record.version})`)
    }
    return loaded
  })

/** `GET /v1/grids/{gridId}/roster`. */
export const get = Route.get("/v1/grids/:gridId/roster", {
  operationId: "getGridRoster",
  summary: "A grid's roster (person ids and roles) and public contact lines",
  tags: ["Rosters"],
  permission: permissions.view,
  params: GridParams,
  success: RosterView,
  handler: ({ params }) =>
    Effect.gen(function* () {
      const loaded = yield* gridInForce(params.gridId)
      const rosters = yield* Rosters
      const { state } = yield* rosters.view.pipe(Problems.orUnavailable)
      const record = state.grids.get(params.gridId)
      return {
        gridId: params.gridId,
        version: loaded.record.version,
        members: record?.members ?? [],
        contacts: record?.contacts ?? [],
        ...(record === undefined ? {} : { changedAt: record.changedAt, changedBy: record.changedBy })
      }
    })
})

/** `PUT /v1/grids/{gridId}/roster`. */
export const put = Route.put("/v1/grids/:gridId/roster", {
  operationId: "setGridRoster",
  summary: "Replace a grid's roster",
  description:
    "The caller's jurisdictions must cover the grid's community. The same person may serve several grids and hold several roles; the same person twice in the same role, or two contact lines of one kind, are refused.",
  tags: ["Rosters"],
  permission: permissions.editRoster,
  params: GridParams,
  body: RosterBody,
  success: RosterView,
  handler: ({ params, body }) =>
    Effect.gen(function* () {
      const loaded = yield* gridInForce(params.gridId)
      const locality = yield* Locality
      yield* Authorization.requireJurisdiction(locality.jurisdictionOf(loaded.communities.get(params.gridId) ?? null))
      const rosters = yield* Rosters
      const record = yield* rosters
        .replace({ gridId: params.gridId, members: body.members, contacts: body.contacts, by: yield* Problems.caller })
        .pipe(
          Problems.orUnavailable,
          Effect.catchTags({
            UnknownGrid: (error: GridRoster.UnknownGrid) => Problems.notFound(error.message),
            DuplicateMember: (error: GridRoster.DuplicateMember) =>
              Effect.fail(Problems.fieldProblem("body", `/members/${error.index}`, "unique", error.message)),
            DuplicateContact: (error: GridRoster.DuplicateContact) =>
              Effect.fail(Problems.fieldProblem("body", `/contacts/${error.index}`, "unique", error.message))
          })
        )
      return {
        gridId: params.gridId,
        version: loaded.record.version,
        members: record.members,
        contacts: record.contacts,
        changedAt: record.changedAt,
        changedBy: record.changedBy
      }
    })
})

/** `GET /v1/staffing/check`. */
export const staffing = Route.get("/v1/staffing/check", {
  operationId: "checkStaffing",
  summary: "Every staffing gap of the version in force against the locality's policy",
  description:
    "Rules are the `grid` module's `staffing` policy: people per role per grid, grids per person, roles per community, required contact lines.",
  tags: ["Rosters"],
  permission: permissions.view,
  success: StaffingView,
  handler: () =>
    Effect.gen(function* () {
      const loaded = yield* VersionInForce.load
      const locality = yield* Locality
      const rosters = yield* Rosters
      const { state } = yield* rosters.view.pipe(Problems.orUnavailable)
      const gridIds = new Set(loaded.communities.keys())
      const roster = GridRoster.toRoster(state, gridIds)
      const grids = [...loaded.communities].map(([gridId, community]) => ({ gridId, community }))
      const gaps = StaffingCheck.check(locality.settings.staffing, roster, grids)
      const staffed = new Set(roster.entries.map((entry) => entry.gridId))
      return {
        version: loaded.record.version,
        grids: grids.length,
        staffedGrids: staffed.size,
        errors: gaps.filter((gap) => gap.severity === "error").length,
        warnings: gaps.filter((gap) => gap.severity === "warning").length,
        gaps: gaps.map((gap) => ({ ...gap }))
      }
    })
})

/** The roster routes. */
export const routes = [get, put, staffing] as const
