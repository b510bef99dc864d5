/**
 * Backward tracing of responsibility (责任倒查) over HTTP, as JSON or, with
 * `Accept: text/plain`, as a text report for people.
 *
 * | route | permission |
 * |---|---|
 * | `GET /v1/subjects/{id}/accountability?asOf` | `responsibility.view-ledger` |
 * | `GET /v1/units/{code}/accountability?from&to` | `responsibility.view-ledger` |
 *
 * A matter's report is shown to callers whose scope covers one of the units that held
 * it; a unit's record to callers whose scope covers the unit. The unit's period defaults
 * to the last 365 days up to now.
 *
 * @example
 * ```sh
 * curl -H "authorization: Bearer $TOKEN" -H "accept: text/plain" \
 *   http://127.0.0.1:4100/v1/subjects/lanxi-2026-0917/accountability
 * ```
 * @module
 */
import { Ids, Instant, Obligation } from "@gridwork/core"
import { Authorization, HttpProblem, RequestContext, Route } from "@gridwork/service-kit"
import { Effect, Option, Schema } from "effect"
import { Locality } from "./Locality"
import * as Negotiation from "./Negotiation"
import * as ProblemMappings from "./ProblemMappings"
import { Reports } from "./Reports"
import * as ReportView from "./ReportView"

const accept = Effect.map(RequestContext.header("accept"), Option.getOrUndefined)

/** `GET /v1/subjects/{id}/accountability`. */
export const matter = Route.get("/v1/subjects/:id/accountability", {
  operationId: "matterAccountability",
  summary: "Backward tracing of one matter (责任倒查): who held it when, which deadlines were met or missed",
  tags: ["accountability"],
  permission: "responsibility.view-ledger",
  params: Schema.Struct({ id: Obligation.SubjectId }),
  query: Schema.Struct({ asOf: Schema.optionalKey(Instant.InstantFromString) }),
  produces: Negotiation.jsonOrText(ReportView.MatterReport),
  errors: {
    MatterNotFound: {
      status: 404,
      title: "Matter not found",
      detail: (error: { readonly message: string }) => error.message
    },
    MatterStoreFailure: ProblemMappings.matterErrors.MatterStoreFailure
  },
  handler: ({ params, query }) =>
    Effect.gen(function* () {
      const reports = yield* Reports
      const locality = yield* Locality
      const principal = yield* RequestContext.principal
      const authorizer = yield* Authorization.Authorizer
      const built = yield* reports.matter(params.id, query.asOf)
      const allowed = built.units.some((unit) => {
        const jurisdiction = locality.jurisdictionOf(unit)
        return jurisdiction !== undefined && authorizer.inScope(principal, jurisdiction)
      })
      if (!allowed) {
        return yield* HttpProblem.HttpProblem.forbidden(`Matter ${params.id} was never held within the caller's scope`)
      }
      return Negotiation.respond(yield* accept, ReportView.MatterReport, built.json, () => built.text)
    })
})

/** The query of a unit report. */
export const PeriodQuery = Schema.Struct({
  from: Schema.optionalKey(Instant.InstantFromString),
  to: Schema.optionalKey(Instant.InstantFromString)
})

const YEAR = 365 * Instant.DAY

/** `GET /v1/units/{code}/accountability`. */
export const unit = Route.get("/v1/units/:code/accountability", {
  operationId: "unitAccountability",
  summary: "A unit's record over a period: on-time share, overdue, average delay, returns, escalations",
  tags: ["accountability"],
  permission: "responsibility.view-ledger",
  params: Schema.Struct({ code: Ids.UnitCode }),
  query: PeriodQuery,
  produces: Negotiation.jsonOrText(ReportView.UnitReport),
  errors: {
    MatterStoreFailure: ProblemMappings.matterErrors.MatterStoreFailure,
    ...ProblemMappings.indexErrors
  },
  handler: ({ params, query }) =>
    Effect.gen(function* () {
      const locality = yield* Locality
      const jurisdiction = locality.jurisdictionOf(params.code)
      if (jurisdiction === undefined)
        return yield* HttpProblem.HttpProblem.notFound(`No unit ${params.code} in this locality`)
      yield* Authorization.requireJurisdiction(jurisdiction)
      const to = query.to ?? (yield* Instant.now)
      const from = query.from ?? ((to - YEAR) as Instant.Instant)
      if (from >= to) {
        return yield* HttpProblem.HttpProblem.invalidParameter("The period is empty", [
          { in: "query", path: "/from", rule: "period.order", message: "from must be before to" }
        ])
      }
      const built = yield* Reports.use((reports) => reports.unit(params.code, { from, to }))
      return Negotiation.respond(yield* accept, ReportView.UnitReport, built.json, () => built.text)
    })
})

/** Every report route. */
export const routes = [matter, unit] as const
