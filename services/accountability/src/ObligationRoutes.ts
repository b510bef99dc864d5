/**
 * Obligations over HTTP: list and read them, and the commands a person gives on one:
 * pause and resume its clock, extend its deadline.
 *
 * | route | permission |
 * |---|---|
 * | `GET /v1/obligations?subject&unit&state&after&limit` | `responsibility.view-obligations` |
 * | `GET /v1/obligations/{id}` | `responsibility.view-obligations` |
 * | `POST /v1/obligations/{id}/pause` | `responsibility.pause-clock` |
 * | `POST /v1/obligations/{id}/resume` | `responsibility.pause-clock` |
 * | `POST /v1/obligations/{id}/extend` | `responsibility.approve-extension` |
 *
 * Every obligation is in the jurisdiction of the unit that owes it: callers see and act
 * on those within their scope only (a list leaves the others out; one obligation
 * outside the scope is a 403). An extension needs a reason code and a justification in
 * words (kept with the event, hashed into the ledger); the caller is the approver, and
 * the owner of an obligation may not approve its own extension.
 *
 * @example
 * ```sh
 * curl -H "authorization: Bearer $TOKEN" "http://127.0.0.1:4100/v1/obligations?state=overdue&unit=lanxi.dongshan.zzzx"
 * ```
 * @module
 */
import { Ids, Instant, type MatterDecider, Obligation } from "@gridwork/core"
import { Authorization, HttpProblem, RequestContext, Route } from "@gridwork/service-kit"
import { Effect, Option, Result, Schema } from "effect"
import { Locality } from "./Locality"
import { Matters } from "./Matters"
import { ObligationIndex } from "./ObligationIndex"
import * as ObligationView from "./ObligationView"
import * as ProblemMappings from "./ProblemMappings"

const Id = Schema.Struct({ id: Obligation.ObligationId })

/** The query of `GET /v1/obligations`. */
export const ListQuery = Schema.Struct({
  subject: Schema.optionalKey(Obligation.SubjectId),
  unit: Schema.optionalKey(Ids.UnitCode),
  state: Schema.optionalKey(ObligationView.Status),
  after: Schema.optionalKey(Obligation.ObligationId),
  limit: Schema.optionalKey(
    Schema.NumberFromString.check(Schema.isInt(), Schema.isBetween({ minimum: 1, maximum: 1000 }))
  )
})

/** The body of a pause. */
export const PauseRequest = Schema.Struct({
  /** Why the clock stops, as a code (e.g. `hearing`, `expert-opinion`). */
  reason: Ids.Code
}).annotate({ identifier: "PauseRequest" })

/** The body of an extension. */
export const ExtendRequest = Schema.Struct({
  /** How much to extend by, in the rule's extension unit (default and maximum: the rule's amount). */
  amount: Schema.optionalKey(Schema.Int.check(Schema.isGreaterThan(0))),
  /** The kind of reason, as a code (e.g. `complex-case`). */
  reasonCode: Ids.Code,
  /** The justification in words (kept with the event; only its hash enters the ledger). */
  reason: Schema.String.check(Schema.isMinLength(10), Schema.isMaxLength(2000))
}).annotate({ identifier: "ExtendRequest" })

const notFound = (id: string) => HttpProblem.HttpProblem.notFound(`No obligation ${id}`)

/** The obligation `id` if the caller's scope covers the jurisdiction of the unit that owes it. */
const visible = (id: string) =>
  Effect.gen(function* () {
    const index = yield* ObligationIndex
    const locality = yield* Locality
    const found = yield* index.get(id)
    if (Option.isNone(found)) return yield* notFound(id)
    const jurisdiction = locality.jurisdictionOf(found.value.owner.unit)
    if (jurisdiction === undefined) {
      return yield* HttpProblem.HttpProblem.forbidden(`The unit owing obligation ${id} is not in this locality's model`)
    }
    yield* Authorization.requireJurisdiction(jurisdiction)
    return found.value
  })

/** The caller as an actor id, when its token's subject is one. */
const actorOfCaller = Effect.map(RequestContext.principal, (principal) => {
  const decoded = Schema.decodeUnknownResult(Ids.ActorId)(principal.subject)
  return Result.isSuccess(decoded) ? Option.some(decoded.success) : Option.none<Ids.ActorId>()
})

/** `{ actor }` when the caller's subject is an actor id, for commands that record who acted. */
const actorField = Effect.map(
  actorOfCaller,
  Option.match({ onNone: () => ({}), onSome: (actor: Ids.ActorId) => ({ actor }) })
)

const act = (id: string, command: MatterDecider.Act["command"], justification?: string) =>
  Effect.gen(function* () {
    const view = yield* visible(id)
    const matters = yield* Matters
    const principal = yield* RequestContext.principal
    const handled = yield* matters.handle(
      {
        _tag: "Act",
        subject: view.subject,
        obligationId: view.id,
        command,
        ...(justification === undefined ? {} : { justification })
      },
      { commandId: yield* RequestContext.commandId, actor: principal.subject }
    )
    const after = handled.state.obligations.get(id)
    return after !== undefined && after._tag === "Obligation" ? ObligationView.fromState(after) : view
  })

/** `GET /v1/obligations`. */
export const list = Route.get("/v1/obligations", {
  operationId: "listObligations",
  summary: "List obligations by matter, owning unit and state",
  tags: ["obligations"],
  permission: "responsibility.view-obligations",
  query: ListQuery,
  success: ObligationView.ObligationPage,
  errors: ProblemMappings.indexErrors,
  handler: ({ query }) =>
    Effect.gen(function* () {
      const index = yield* ObligationIndex
      const locality = yield* Locality
      const principal = yield* RequestContext.principal
      const authorizer = yield* Authorization.Authorizer
      if (query.unit !== undefined) {
        const jurisdiction = locality.jurisdictionOf(query.unit)
        if (jurisdiction === undefined) {
          return yield* HttpProblem.HttpProblem.invalidParameter(`No unit ${query.unit} in this locality`, [
            { in: "query", path: "/unit", rule: "unit.unknown", message: `unknown unit ${query.unit}` }
          ])
        }
        yield* Authorization.requireJurisdiction(jurisdiction)
      }
      const limit = query.limit ?? 100
      const page = yield* index.find({ ...query, status: query.state, limit })
      const inScope = page.filter((view) => {
        const jurisdiction = locality.jurisdictionOf(view.owner.unit)
        return jurisdiction !== undefined && authorizer.inScope(principal, jurisdiction)
      })
      const last = page.at(-1)
      return {
        obligations: inScope,
        ...(page.length === limit && last !== undefined ? { next: last.id } : {})
      }
    })
})

/** `GET /v1/obligations/{id}`. */
export const get = Route.get("/v1/obligations/:id", {
  operationId: "getObligation",
  summary: "Read one obligation",
  tags: ["obligations"],
  permission: "responsibility.view-obligations",
  params: Id,
  success: ObligationView.ObligationView,
  errors: ProblemMappings.indexErrors,
  handler: ({ params }) => visible(params.id)
})

/** `POST /v1/obligations/{id}/pause`. */
export const pause = Route.post("/v1/obligations/:id/pause", {
  operationId: "pauseObligation",
  summary: "Stop the obligation's clock (time that does not count, e.g. a hearing)",
  tags: ["obligations"],
  permission: "responsibility.pause-clock",
  params: Id,
  body: PauseRequest,
  success: ObligationView.ObligationView,
  errors: { ...ProblemMappings.matterErrors, ...ProblemMappings.indexErrors },
  handler: ({ params, body }) =>
    Effect.gen(function* () {
      const at = yield* Instant.now
      return yield* act(params.id, { _tag: "Pause", at, reason: body.reason, ...(yield* actorField) })
    })
})

/** `POST /v1/obligations/{id}/resume`. */
export const resume = Route.post("/v1/obligations/:id/resume", {
  operationId: "resumeObligation",
  summary: "Restart the obligation's clock; its due time moves by the paused time",
  tags: ["obligations"],
  permission: "responsibility.pause-clock",
  params: Id,
  success: ObligationView.ObligationView,
  errors: { ...ProblemMappings.matterErrors, ...ProblemMappings.indexErrors },
  handler: ({ params }) =>
    Effect.gen(function* () {
      const at = yield* Instant.now
      return yield* act(params.id, { _tag: "Resume", at, ...(yield* actorField) })
    })
})

/** `POST /v1/obligations/{id}/extend`. */
export const extend = Route.post("/v1/obligations/:id/extend", {
  operationId: "extendObligation",
  summary: "Extend the deadline, as an approver, with a reason",
  description:
    "Allowed as often and by as much as the rule's extension says, never after the deadline has passed. The caller is recorded as the approver and may not be the obligation's owner.",
  tags: ["obligations"],
  permission: "responsibility.approve-extension",
  params: Id,
  body: ExtendRequest,
  success: ObligationView.ObligationView,
  errors: { ...ProblemMappings.matterErrors, ...ProblemMappings.indexErrors },
  handler: ({ params, body }) =>
    Effect.gen(function* () {
      const at = yield* Instant.now
      const actor = yield* actorOfCaller
      if (Option.isNone(actor)) {
        return yield* HttpProblem.HttpProblem.forbidden(
          "An approver is identified by an actor id: the token's subject must be the approver's actor id (a UUIDv7)"
        )
      }
      return yield* act(
        params.id,
        {
          _tag: "Extend",
          at,
          ...(body.amount === undefined ? {} : { amount: body.amount }),
          approval: { approver: actor.value, reasonCode: body.reasonCode, decidedAt: at }
        },
        body.reason
      )
    })
})

/** Every obligation route. */
export const routes = [list, get, pause, resume, extend] as const
