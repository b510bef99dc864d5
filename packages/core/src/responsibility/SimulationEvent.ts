/**
 * The events a simulation replays: domain events as a locality's modules emit them,
 * plus the facts that matter to escalation (risk, parties, repeats, a party's request,
 * routing and hand-backs). This is the format of the events file of
 * `gridwork simulate`: a JSON array, or NDJSON (one event per line).
 *
 * ```json
 * [
 *   { "type": "PetitionReceived", "subject": "petition-1", "at": "2026-09-28T10:00:00+08:00",
 *     "unit": "lanxi.dongshan.qiaotou.g1.station", "category": "land.boundary" },
 *   { "type": "RiskAssessed", "subject": "petition-1", "at": "2026-10-09T09:00:00+08:00", "riskLevel": "high" },
 *   { "type": "PetitionRouted", "subject": "petition-1", "at": "2026-10-09T10:00:00+08:00",
 *     "assignTo": "lanxi.dongshan.zzzx", "designated": true }
 * ]
 * ```
 *
 * Fields besides `type`, `subject` and `at` (ISO 8601 with offset) are optional:
 * - `id` (UUIDv7), `unit`, `actor`, `category`, `reason`, `approval` as in
 *   `ObligationPolicy.DomainEvent` (`approval.decidedAt` is ISO 8601 too);
 * - `jurisdiction`: where the matter arose (default: the first holder's jurisdiction);
 * - `assignTo`: route the matter to this unit; `designated: true` when the unit was
 *   specifically designated (it may then not hand the matter back);
 * - `handBack: true`: the event's unit (default: the holder) hands the matter back;
 * - `riskLevel` (`low`/`medium`/`high`), `parties` (how many), `repeat: true` (the
 *   same matter filed again), `partyRequest: true` (a party asks for escalation).
 *
 * @module
 */
import { Result, Schema } from "effect"
import { formatPath } from "../locality/LocalityModelError"
import * as SchemaProblems from "../locality/SchemaProblems"
import { ActorId, CategoryCode, Code, EventId, JurisdictionCode, UnitCode } from "../primitives/Ids"
import { InstantFromString } from "../primitives/Instant"
import { RiskLevel } from "./EscalationRule"
import { SubjectId } from "./Obligation"
import type { DomainEvent } from "./ObligationPolicy"
import { EventType } from "./ObligationRule"

/** One event of a simulation's history (see the module documentation). */
export const SimulationEvent = Schema.Struct({
  id: Schema.optionalKey(EventId),
  type: EventType,
  subject: SubjectId,
  at: InstantFromString,
  unit: Schema.optionalKey(UnitCode),
  actor: Schema.optionalKey(ActorId),
  category: Schema.optionalKey(CategoryCode),
  reason: Schema.optionalKey(Code),
  approval: Schema.optionalKey(Schema.Struct({ approver: ActorId, reasonCode: Code, decidedAt: InstantFromString })),
  jurisdiction: Schema.optionalKey(JurisdictionCode),
  assignTo: Schema.optionalKey(UnitCode),
  designated: Schema.optionalKey(Schema.Boolean),
  handBack: Schema.optionalKey(Schema.Literal(true)),
  riskLevel: Schema.optionalKey(RiskLevel),
  parties: Schema.optionalKey(
    Schema.Int.check(Schema.makeFilter((n: number) => n >= 1, { expected: "a number of parties, 1 or more" }))
  ),
  repeat: Schema.optionalKey(Schema.Literal(true)),
  partyRequest: Schema.optionalKey(Schema.Literal(true))
})
/** @see {@link SimulationEvent} */
export type SimulationEvent = typeof SimulationEvent.Type
/** The JSON form of a {@link SimulationEvent}. */
export type SimulationEventJson = typeof SimulationEvent.Encoded

/** The domain event the obligation policy sees. */
export const toDomainEvent = (event: SimulationEvent): DomainEvent => ({
  type: event.type,
  subject: event.subject,
  at: event.at,
  ...(event.id === undefined ? {} : { id: event.id }),
  ...(event.unit === undefined ? {} : { unit: event.unit }),
  ...(event.actor === undefined ? {} : { actor: event.actor }),
  ...(event.category === undefined ? {} : { category: event.category }),
  ...(event.reason === undefined ? {} : { reason: event.reason }),
  ...(event.approval === undefined ? {} : { approval: event.approval })
})

/** Events that could not be decoded: one line per problem, `events[i].path: rule`. */
export class SimulationEventsInvalid extends Schema.TaggedError<SimulationEventsInvalid>()("SimulationEventsInvalid", {
  file: Schema.String,
  problems: Schema.Array(Schema.String)
}) {
  override get message(): string {
    return `${this.file}: ${this.problems.length} problem(s) in the events\n${this.problems.map((p) => `  ${p}`).join("\n")}`
  }
}

/**
 * Decodes a list of events (parsed JSON). Every problem names the event (by index, or
 * by line for NDJSON), the path inside it, what was expected and the rule, e.g.
 * `events[1].at: Expected an ISO 8601 date-time with an offset … [schema.check]`.
 * Unknown fields are errors: a typo such as `assingTo` must not be silently ignored.
 */
export const decodeEvents = (
  items: ReadonlyArray<unknown>,
  file: string,
  lines?: ReadonlyArray<number>
): Result.Result<ReadonlyArray<SimulationEvent>, SimulationEventsInvalid> => {
  const events: Array<SimulationEvent> = []
  const problems: Array<string> = []
  items.forEach((item, index) => {
    const decoded = SchemaProblems.decode(SimulationEvent, item)
    if (Result.isSuccess(decoded)) events.push(decoded.success)
    else {
      const where = lines?.[index] === undefined ? `events[${index}]` : `line ${lines[index]}`
      for (const p of decoded.failure) {
        const path = formatPath(p.path)
        problems.push(
          `${where}${path === "" ? "" : path.startsWith("[") ? path : `.${path}`}: ${p.message}  [${p.rule}]`
        )
      }
    }
  })
  return problems.length > 0 ? Result.fail(new SimulationEventsInvalid({ file, problems })) : Result.succeed(events)
}

/**
 * Parses the text of an events file: a JSON array (or an object with an `events`
 * array), or NDJSON (one JSON object per non-empty line), then decodes the events.
 */
export const parseEvents = (
  text: string,
  file: string
): Result.Result<ReadonlyArray<SimulationEvent>, SimulationEventsInvalid> => {
  const trimmed = text.trim()
  if (trimmed.startsWith("[") || (trimmed.startsWith("{") && !file.endsWith(".ndjson"))) {
    let parsed: unknown
    try {
      parsed = JSON.parse(trimmed)
    } catch (error) {
      const looksLikeNdjson = trimmed.startsWith("{") && trimmed.includes("\n")
      if (!looksLikeNdjson) {
        return Result.fail(
          new SimulationEventsInvalid({ file, problems: [`not valid JSON: ${(error as Error).message}`] })
        )
      }
      parsed = undefined
    }
    if (Array.isArray(parsed)) return decodeEvents(parsed, file)
    if (parsed !== undefined && typeof parsed === "object" && parsed !== null && "events" in parsed) {
      const list = (parsed as { readonly events: unknown }).events
      if (Array.isArray(list)) return decodeEvents(list, file)
      return Result.fail(new SimulationEventsInvalid({ file, problems: ["events: expected an array of events"] }))
    }
    if (parsed !== undefined) {
      return Result.fail(
        new SimulationEventsInvalid({
          file,
          problems: ["expected a JSON array of events, an object { events: [...] }, or NDJSON (one event per line)"]
        })
      )
    }
  }
  const items: Array<unknown> = []
  const lines: Array<number> = []
  const problems: Array<string> = []
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === "") return
    try {
      items.push(JSON.parse(line))
      lines.push(index + 1)
    } catch (error) {
      problems.push(`line ${index + 1}: not valid JSON: ${(error as Error).message}`)
    }
  })
  if (problems.length > 0) return Result.fail(new SimulationEventsInvalid({ file, problems }))
  return decodeEvents(items, file, lines)
}
