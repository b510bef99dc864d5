/**
 * `POST /v1/simulate`: "given this model and these events, what fires when?", pure:
 * nothing is read from or written to the service's records.
 *
 * The body holds the events (the `gridwork simulate` events format), optionally
 * `until` (default: now), and optionally a whole locality model (`model`, YAML or
 * JSON text; default: the service's model) and a policy overlay to try (`policy`, the
 * text of a draft such as `examples/localities/policies/lanxi-escalation-draft.yaml`).
 * The answer is the timeline (JSON, or the rendered text with `Accept: text/plain`).
 * Needs `responsibility.simulate`.
 *
 * @example
 * ```sh
 * jq -n --slurpfile events examples/localities/events/lanxi-petition-climbs.json \
 *   --rawfile policy examples/localities/policies/lanxi-escalation-draft.yaml \
 *   '{events: $events[0], policy: $policy, until: "2026-12-31T00:00:00+08:00"}' |
 * curl -X POST http://127.0.0.1:4100/v1/simulate -H "authorization: Bearer $TOKEN" \
 *   -H "content-type: application/json" -H "idempotency-key: $(uuidgen)" -H "accept: text/plain" -d @-
 * ```
 * @module
 */
import {
  Instant,
  type LocalityModel,
  ModelParser,
  PolicyOverlay,
  Simulation,
  SimulationEvent,
  Timeline
} from "@gridwork/core"
import { HttpProblem, RequestContext, Route } from "@gridwork/service-kit"
import { Effect, Option, Result, Schema } from "effect"
import { Locality } from "./Locality"
import * as Negotiation from "./Negotiation"

/** The body of a simulation. */
export const SimulateRequest = Schema.Struct({
  events: Schema.Array(SimulationEvent.SimulationEvent).check(Schema.isMaxLength(10_000)),
  until: Schema.optionalKey(Instant.InstantFromString),
  /** A whole locality model (YAML or JSON text) instead of the service's. */
  model: Schema.optionalKey(Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(2_000_000))),
  /** A policy overlay (YAML or JSON text) applied on top of the model. */
  policy: Schema.optionalKey(Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(500_000)))
}).annotate({ identifier: "SimulateRequest" })

/** One entry of a timeline (instants as local ISO 8601 with offset). */
export const TimelineEntry = Schema.Struct({
  at: Schema.String,
  kind: Timeline.EntryKind,
  subject: Schema.String,
  holder: Schema.optionalKey(Schema.String),
  tier: Schema.optionalKey(Schema.String),
  rule: Schema.optionalKey(Schema.String),
  obligation: Schema.optionalKey(Schema.String),
  explanation: Schema.String
}).annotate({ identifier: "TimelineEntry" })

/** The answer of a simulation. */
export const SimulateResult = Schema.Struct({
  locality: Schema.String,
  policyVersion: Schema.String,
  timeZone: Schema.String,
  until: Schema.String,
  timeline: Schema.Array(TimelineEntry),
  /** Records of responsibility the run produced (what the service would record). */
  records: Schema.Int,
  eventsAfterUntil: Schema.Int,
  truncated: Schema.Boolean
}).annotate({ identifier: "SimulateResult" })

const modelProblem = (
  field: "model" | "policy",
  error: {
    readonly problems: ReadonlyArray<{
      readonly path: string
      readonly rule: string
      readonly message: string
      readonly line?: number | undefined
    }>
  }
) =>
  HttpProblem.HttpProblem.validation(
    `The ${field} is invalid`,
    error.problems.map((problem) => ({
      in: "body" as const,
      path: `/${field}${problem.path === "" ? "" : `/${problem.path.replace(/\[(\d+)\]/g, "/$1").replace(/\./g, "/")}`}`,
      rule: problem.rule,
      message: problem.line === undefined ? problem.message : `line ${problem.line}: ${problem.message}`
    }))
  )

/** `POST /v1/simulate`. */
export const simulate = Route.post("/v1/simulate", {
  operationId: "simulate",
  summary: "Simulate a model (or a policy draft) against events: what fires when",
  tags: ["simulation"],
  permission: "responsibility.simulate",
  timeoutMs: 60_000,
  body: SimulateRequest,
  produces: Negotiation.jsonOrText(SimulateResult),
  handler: ({ body }) =>
    Effect.gen(function* () {
      const locality = yield* Locality
      let model: LocalityModel.LocalityModel = locality.model
      if (body.model !== undefined) {
        const parsed = ModelParser.parseModel(body.model, "model.yaml")
        if (Result.isFailure(parsed)) return yield* modelProblem("model", parsed.failure)
        model = parsed.success
      }
      if (body.policy !== undefined) {
        const applied = PolicyOverlay.apply(model, body.policy, "policy.yaml")
        if (Result.isFailure(applied)) return yield* modelProblem("policy", applied.failure)
        model = applied.success
      }
      const until = body.until ?? (yield* Instant.now)
      const run = Simulation.simulate(model, body.events, until)
      const result = {
        locality: run.locality,
        policyVersion: run.policyVersion,
        timeZone: run.timeZone,
        until: Timeline.isoLocal(run.until, run.timeZone),
        timeline: Timeline.toJson(run.timeline, run.timeZone),
        records: run.records.length,
        eventsAfterUntil: run.eventsAfterUntil,
        truncated: run.truncated
      }
      const accept = Option.getOrUndefined(yield* RequestContext.header("accept"))
      return Negotiation.respond(accept, SimulateResult, result, () => Timeline.render(run.timeline, run.timeZone))
    })
})
