/**
 * `GET /v1/audit`: the coverage audit of the version in force ("five no-misses"): every
 * unit in exactly one grid, no empty or overlapping grids, every grid in a community
 * and staffed, nothing stale. JSON by default (`AuditReport`); with `Accept: text/plain`
 * the readable report. Runs in a worker thread.
 *
 * @example
 * ```sh
 * curl "$GRID/v1/audit" -H "Accept: text/plain" -H "Authorization: Bearer $TOKEN"
 * ```
 * @module
 */
import { Instant } from "@gridwork/core"
import { AuditReport } from "@gridwork/grid"
import { RequestContext, Route } from "@gridwork/service-kit"
import { Effect, Option, Schema } from "effect"
import { ComputePool } from "../compute/ComputePool"
import { permissions } from "../config/GridModule"
import { Locality } from "../config/Locality"
import { Rosters } from "../services/Rosters"
import { ArtifactStore } from "../storage/ArtifactStore"
import { guard } from "../storage/StorageUnavailable"
import * as Problems from "./Problems"
import * as VersionInForce from "./VersionInForce"

/** Whether the client prefers plain text (it names `text/plain` and not JSON first). */
export const prefersText = (accept: string | undefined): boolean => {
  if (accept === undefined) return false
  const types = accept
    .split(",")
    .map((part) => {
      const [type = "", ...parameters] = part.trim().split(";")
      const q = parameters.map((p) => p.trim()).find((p) => p.startsWith("q="))
      return { type: type.trim().toLowerCase(), q: q === undefined ? 1 : Number(q.slice(2)) || 0 }
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q)
  const text = types.findIndex((entry) => entry.type === "text/plain")
  const json = types.findIndex((entry) => entry.type === "application/json" || entry.type === "*/*")
  return text >= 0 && (json < 0 || text < json)
}

/** `GET /v1/audit`. */
export const audit = Route.get("/v1/audit", {
  operationId: "auditCoverage",
  summary: "Coverage audit of the grid version in force (JSON, or text with Accept: text/plain)",
  tags: ["Audit"],
  permission: permissions.view,
  produces: { "application/json": AuditReport.AuditReport, "text/plain": undefined },
  timeoutMs: 5 * 60 * 1000,
  handler: () =>
    Effect.gen(function* () {
      const loaded = yield* VersionInForce.load
      const artifacts = yield* ArtifactStore
      const assignments = yield* artifacts
        .get(loaded.record.assignmentsHash)
        .pipe(guard("read assignments"), Problems.orUnavailable)
      const rosters = yield* Rosters
      const { state } = yield* rosters.view.pipe(Problems.orUnavailable)
      const locality = yield* Locality
      const pool = yield* ComputePool
      // Rosters of retired grids are history: the audit looks at the grids in force.
      const current = [...state.grids.values()].filter((record) => loaded.communities.has(record.gridId))
      const report = yield* pool
        .run({
          _tag: "Audit",
          grids: loaded.grids,
          gridsPublishedAt: loaded.record.publishedAt,
          assignments,
          roster: {
            entries: current.flatMap((record) =>
              record.members.map((m) => ({ gridId: record.gridId, personId: m.personId, role: m.role }))
            ),
            contacts: current.flatMap((record) =>
              record.contacts.map((c) => ({ gridId: record.gridId, kind: c.kind, phone: c.phone }))
            ),
            ...(state.lastChangedAt === undefined ? {} : { asOf: state.lastChangedAt })
          },
          policy: locality.settings.staffing,
          now: yield* Instant.now,
          gridsMaxAgeDays: locality.settings.audit.gridsMaxAgeDays,
          rosterMaxAgeDays: locality.settings.audit.rosterMaxAgeDays
        })
        .pipe(Effect.orDie)
      const accept = yield* RequestContext.header("accept")
      if (prefersText(Option.getOrUndefined(accept))) {
        return new Route.RawResponse({
          headers: { "content-type": "text/plain; charset=utf-8", vary: "accept" },
          body: `Grid version ${loaded.record.version}\n${AuditReport.renderText(report, 500)}`
        })
      }
      return new Route.RawResponse({
        headers: { "content-type": "application/json", vary: "accept" },
        body: JSON.stringify(Schema.encodeSync(AuditReport.AuditReport)(report))
      })
    })
})

/** The audit routes. */
export const routes = [audit] as const
