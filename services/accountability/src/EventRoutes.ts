/**
 * `POST /v1/events`: domain events over HTTP, for producers without NATS.
 *
 * The body is a CloudEvents 1.0 structured event (`IncomingEvent.IngestRequest`),
 * decoded with Schema (a misspelt fact is a 422 naming it). The caller needs
 * `responsibility.record-events` (the `gridwork-service` role of integration
 * accounts). The event is handled exactly as one from the bus, through the same inbox:
 * posting the same event id twice records it once (`duplicate: true` the second time),
 * whatever the `Idempotency-Key`.
 *
 * @example
 * ```sh
 * curl -X POST http://127.0.0.1:4100/v1/events \
 *   -H "authorization: Bearer $TOKEN" -H "content-type: application/json" \
 *   -H "idempotency-key: $(uuidgen)" \
 *   -d '{"specversion":"1.0","id":"019a6f40-0000-7000-8000-000000000101","type":"gridwork.petition.PetitionReceived.v1",
 *        "subject":"lanxi-2026-0917","time":"2026-09-28T09:30:00+08:00","data":{"unit":"lanxi.dongshan.qiaotou.cwh"}}'
 * ```
 * @module
 */
import { type Inbox, Obligation } from "@gridwork/core"
import { RequestContext, Route } from "@gridwork/service-kit"
import { Effect, Option, Schema } from "effect"
import * as DomainEvents from "./DomainEvents"
import * as IncomingEvent from "./IncomingEvent"
import { Matters } from "./Matters"
import * as ObligationView from "./ObligationView"
import * as ProblemMappings from "./ProblemMappings"

/** What an ingested event did. */
export const IngestResult = Schema.Struct({
  eventId: Schema.String,
  subject: Obligation.SubjectId,
  /** The event had been recorded before; nothing changed. */
  duplicate: Schema.Boolean,
  /** How many events of the matter's stream it produced. */
  recorded: Schema.Int,
  /** The matter's obligations after it. */
  obligations: Schema.Array(ObligationView.ObligationView)
}).annotate({ identifier: "IngestResult" })

/** `POST /v1/events`. */
export const ingest: Route.Route<Inbox.Inbox | Matters> = Route.post("/v1/events", {
  operationId: "ingestEvent",
  summary: "Record a domain event (CloudEvents JSON) for producers without NATS",
  description:
    "Opens, fulfils, pauses, extends or cancels obligations as the locality's deadlines say, moves the matter, and evaluates the escalation rules. Idempotent by event id.",
  tags: ["events"],
  permission: "responsibility.record-events",
  body: IncomingEvent.IngestRequest,
  success: IngestResult,
  errors: { ...ProblemMappings.matterErrors, ...ProblemMappings.inboxErrors },
  handler: ({ body }) =>
    Effect.gen(function* () {
      const principal = yield* RequestContext.principal
      const event = IncomingEvent.fromIngestRequest(body)
      const outcome = yield* DomainEvents.ingest({ ...event, id: body.id }, principal.subject)
      const recorded = yield* Matters.use((matters) => matters.load(body.subject))
      const obligations = [...recorded.state.obligations.values()]
        .filter((state): state is Obligation.Obligation => state._tag === "Obligation")
        .map(ObligationView.fromState)
      return {
        eventId: body.id,
        subject: body.subject,
        duplicate: Option.isNone(outcome),
        recorded: Option.match(outcome, { onNone: () => 0, onSome: (handled) => handled.events.length }),
        obligations
      }
    })
})
