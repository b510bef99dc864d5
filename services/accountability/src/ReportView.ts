/**
 * The JSON answers of the accountability reports (责任倒查): the Schemas of
 * `AccountabilityReport.matterToJson` and `unitToJson` of `@gridwork/core`, so the
 * answers are checked and documented in the OpenAPI document. Instants are local ISO
 * 8601 times with the locality's offset (`2026-10-23T17:30:00+08:00`), delays are in
 * milliseconds of the rule's measure (`lateBy`) and in hours (`lateByHours`).
 *
 * @example
 * ```ts
 * import { AccountabilityReport } from "@gridwork/core"
 * import { ReportView } from "@gridwork/service-accountability"
 *
 * declare const report: AccountabilityReport.MatterReport
 * declare const context: AccountabilityReport.ReportContext
 * const view = ReportView.matter(report, context)
 * ```
 * @module
 */
import { AccountabilityReport } from "@gridwork/core"
import { Schema } from "effect"

const LocalTime = Schema.String.annotate({ description: "ISO 8601 local time with offset" })
const Nullable = <S extends Schema.Top>(schema: S) => Schema.NullOr(schema)

/** What became of an obligation while one unit owed it. */
export const Outcome = Schema.Literals(["on-time", "late", "missed", "passed-on", "cancelled", "open"])

/** An obligation as owed by one unit, from when it took it on to when it left it. */
export const ObligationShare = Schema.Struct({
  obligation: Schema.String,
  subject: Schema.String,
  rule: Schema.String,
  title: Schema.String,
  policyVersion: Schema.String,
  unit: Schema.String,
  actor: Nullable(Schema.String),
  from: LocalTime,
  to: Nullable(LocalTime),
  due: LocalTime,
  outcome: Outcome,
  outcomeAt: Nullable(LocalTime),
  lateBy: Schema.Finite,
  lateByHours: Schema.Finite,
  measure: Schema.Literals(["working", "elapsed"])
}).annotate({ identifier: "ObligationShare" })

/** One holder of the matter and what it owed while holding it. */
export const HolderInterval = Schema.Struct({
  unit: Schema.String,
  tier: Nullable(Schema.String),
  from: LocalTime,
  to: Nullable(LocalTime),
  change: Schema.Literals(["received", "routed", "handedBack", "escalated", "leaderAssigned"]),
  rule: Nullable(Schema.String),
  policyVersion: Schema.String,
  designated: Schema.Boolean,
  leader: Nullable(
    Schema.Struct({
      actor: Schema.optional(Schema.String),
      role: Schema.optional(Schema.String),
      at: LocalTime
    })
  ),
  obligations: Schema.Array(ObligationShare)
}).annotate({ identifier: "HolderInterval" })

/** The backward tracing of one matter. */
export const MatterReport = Schema.Struct({
  subject: Schema.String,
  asOf: LocalTime,
  holders: Schema.Array(HolderInterval),
  otherObligations: Schema.Array(ObligationShare),
  escalations: Schema.Array(
    Schema.Struct({ at: LocalTime, rule: Schema.String, policyVersion: Schema.String, explanation: Schema.String })
  ),
  handBacks: Schema.Array(
    Schema.Struct({
      _tag: Schema.Literal("HandBackAttempted"),
      subject: Schema.String,
      at: LocalTime,
      by: Schema.Struct({
        unit: Schema.String,
        role: Schema.optionalKey(Schema.String),
        actor: Schema.optionalKey(Schema.String)
      }),
      designated: Schema.Boolean,
      accepted: Schema.Boolean
    })
  )
}).annotate({ identifier: "MatterReport" })
/** @see {@link MatterReport} */
export type MatterReport = typeof MatterReport.Type

/** The record of one unit over a period. */
export const UnitReport = Schema.Struct({
  unit: Schema.String,
  from: LocalTime,
  to: LocalTime,
  judged: Schema.Int,
  onTime: Schema.Int,
  late: Schema.Int,
  missed: Schema.Int,
  onTimeShare: Nullable(Schema.Finite),
  overdueCount: Schema.Int,
  averageDelay: Nullable(Schema.Finite),
  averageDelayHours: Nullable(Schema.Finite),
  returns: Schema.Int,
  refusedHandBacks: Schema.Int,
  escalationsReceived: Schema.Int,
  escalatedAway: Schema.Int,
  shares: Schema.Array(ObligationShare)
}).annotate({ identifier: "UnitReport" })
/** @see {@link UnitReport} */
export type UnitReport = typeof UnitReport.Type

const decodeMatter = Schema.decodeUnknownSync(MatterReport)
const decodeUnit = Schema.decodeUnknownSync(UnitReport)

/** The JSON view of a matter report (checked against {@link MatterReport}). */
export const matter = (
  report: AccountabilityReport.MatterReport,
  context: AccountabilityReport.ReportContext
): MatterReport => decodeMatter(JSON.parse(JSON.stringify(AccountabilityReport.matterToJson(report, context))))

/** The JSON view of a unit report (checked against {@link UnitReport}). */
export const unit = (
  report: AccountabilityReport.UnitReport,
  context: AccountabilityReport.ReportContext
): UnitReport => decodeUnit(JSON.parse(JSON.stringify(AccountabilityReport.unitToJson(report, context))))
