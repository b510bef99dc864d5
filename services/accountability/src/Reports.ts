/**
 * Backward tracing of responsibility (责任倒查) from the recorded matters: for one
 * matter, who held it when and what became of each deadline; for one unit and a
 * period, its record (on-time share, overdue count, average delay, returns,
 * escalations). Built with core's `AccountabilityReport` from the matters' records,
 * judged as of now (or `asOf`).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Reports } from "@gridwork/service-accountability"
 *
 * const text = Effect.map(
 *   Reports.Reports.use((reports) => reports.matter("lanxi-2026-0917")),
 *   (built) => built.text
 * )
 * ```
 * @module
 */
import { AccountabilityReport, Instant, type ResponsibilityRecord } from "@gridwork/core"
import { Context, Effect, Layer, Schema } from "effect"
import { Locality } from "./Locality"
import { type MatterStoreFailure, Matters } from "./Matters"
import { type IndexFailure, ObligationIndex } from "./ObligationIndex"
import * as ReportView from "./ReportView"

/** No records about this matter. */
export class MatterNotFound extends Schema.TaggedError<MatterNotFound>()("MatterNotFound", { subject: Schema.String }) {
  override get message(): string {
    return `no records about matter ${this.subject}`
  }
}

/** A report, as JSON data and as text. */
export interface Built<Json> {
  readonly json: Json
  readonly text: string
  /** The units that held the matter or whose record it is (for scope checks). */
  readonly units: ReadonlyArray<string>
}

/** The operations of the reports. */
export interface ReportsShape {
  readonly matter: (
    subject: string,
    asOf?: Instant.Instant
  ) => Effect.Effect<Built<ReportView.MatterReport>, MatterNotFound | MatterStoreFailure>
  readonly unit: (
    unit: string,
    period: { readonly from: Instant.Instant; readonly to: Instant.Instant }
  ) => Effect.Effect<Built<ReportView.UnitReport>, MatterStoreFailure | IndexFailure>
}

/** Builds the reports over the matters and the index in context. */
export const make = Effect.gen(function* () {
  const locality = yield* Locality
  const matters = yield* Matters
  const index = yield* ObligationIndex

  const contextAt = (asOf: Instant.Instant) => AccountabilityReport.contextOf(locality.model, asOf)

  const matter: ReportsShape["matter"] = (subject, asOf) =>
    Effect.gen(function* () {
      const recorded = yield* matters.load(subject)
      if (recorded.records.length === 0) return yield* new MatterNotFound({ subject })
      const context = contextAt(asOf ?? (yield* Instant.now))
      const report = AccountabilityReport.forMatter(recorded.records, subject, context)
      return {
        json: ReportView.matter(report, context),
        text: AccountabilityReport.renderMatter(report, context),
        units: [...new Set(report.holders.map((holder) => holder.unit))]
      }
    })

  const unit: ReportsShape["unit"] = (code, period) =>
    Effect.gen(function* () {
      const subjects = yield* index.subjectsOf(code)
      const records: Array<ResponsibilityRecord.ResponsibilityRecord> = []
      for (const subject of subjects) records.push(...(yield* matters.load(subject)).records)
      const now = yield* Instant.now
      const asOf = Math.min(now, period.to) as Instant.Instant
      const context = contextAt(asOf)
      const report = AccountabilityReport.forUnit(records, code, period, context)
      return {
        json: ReportView.unit(report, context),
        text: AccountabilityReport.renderUnit(report, context),
        units: [code]
      }
    })

  return { matter, unit } satisfies ReportsShape
})

/** The reports service. */
export class Reports extends Context.Service<Reports, ReportsShape>()("@gridwork/service-accountability/Reports") {
  /** Reports over the matters and the index in context. */
  static readonly layer = Layer.effect(Reports, make)
}
