/**
 * Responsibility throughput: how fast a county's year of matters is simulated (events,
 * obligations, warnings, overdues, escalations up the ladder) and traced back. Run with
 * `npm run bench` in packages/core (all benchmarks) or
 * `node --conditions=@gridwork/source --import tsx bench/responsibility.bench.ts`.
 *
 * Targets, on one core:
 * - simulating 20,000 matters (≈ 37,000 events, ≈ 400,000 timeline entries) of the Hexi
 *   test county over 2026 takes under 10 s (≥ 2,000 matters/s);
 * - `Escalation.evaluate` runs ≥ 200,000 times/s on a four-rule table;
 * - the backward tracing of one unit over the year (every record read) takes under 2 s.
 * The script sets a non-zero exit code when a target is missed.
 */
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { Option, Result, Schema } from "effect"
import {
  AccountabilityReport,
  Escalation,
  Instant,
  ModelParser,
  ResponsibilityModule,
  Simulation,
  SimulationEvent
} from "../src"
import * as BenchReport from "./BenchReport"

const MATTERS = 20_000
const TARGET_MATTERS_PER_SECOND = 2_000
const EVALUATIONS = 200_000
const TARGET_EVALUATIONS_PER_SECOND = 200_000
const TARGET_REPORT_SECONDS = 2

const modelFile = fileURLToPath(new URL("../test/fixtures/simulation/hexi-county.yaml", import.meta.url))
const model = Result.getOrThrow(ModelParser.parseModel(readFileSync(modelFile, "utf8"), modelFile))

const report = BenchReport.make("responsibility")
const { count } = BenchReport
const random = BenchReport.xorshift32(0x9e3779b9)

const iso = (t: number): string => new Date(t).toISOString()
const from = Date.parse("2026-01-05T08:30:00+08:00")
const span = Date.parse("2026-11-30T17:30:00+08:00") - from

/** 60% resolved at the grid in a day, 25% after a few days (at the village), 15% left to climb. */
const makeEvents = (): ReadonlyArray<SimulationEvent.SimulationEvent> => {
  const raw: Array<Record<string, unknown>> = []
  for (let i = 0; i < MATTERS; i++) {
    const subject = `m-${i}`
    const reported = from + Math.floor(random() * span)
    raw.push({ type: "MatterReported", subject, at: iso(reported), unit: "hexi.town.liushu.g1.station" })
    const kind = random()
    if (kind < 0.6) raw.push({ type: "MatterResolved", subject, at: iso(reported + Instant.DAY) })
    else if (kind < 0.85) raw.push({ type: "MatterResolved", subject, at: iso(reported + 6 * Instant.DAY) })
  }
  return Result.getOrThrow(SimulationEvent.decodeEvents(raw, "bench"))
}

const events = makeEvents()

const [run, simulateMs] = BenchReport.time(() =>
  Simulation.simulate(model, events, Instant.unsafeFromIso("2026-12-31T00:00:00+08:00"))
)
report.row(
  `simulate ${count(MATTERS)} matters (${count(events.length)} events, ${count(run.timeline.length)} entries)`,
  `${count(BenchReport.perSecond(MATTERS, simulateMs))} matters/s`,
  BenchReport.millis(simulateMs)
)
report.target(!run.truncated, "the simulation stopped early (maxEntries)")
report.target(
  BenchReport.perSecond(MATTERS, simulateMs) >= TARGET_MATTERS_PER_SECOND,
  `simulation below ${count(TARGET_MATTERS_PER_SECOND)} matters/s`
)

const settings = Option.getOrThrow(ResponsibilityModule.escalationOf(model))
const table = Escalation.table(settings, model.version)
const facts = Schema.decodeUnknownSync(Escalation.Facts)({
  subject: "m-1",
  tier: "village",
  obligations: [
    {
      obligation: "019a6f40-0000-7000-8000-0000000000a1",
      rule: "escalated.resolve",
      status: "overdue",
      shareUsed: 1,
      due: Date.parse("2026-10-10T17:30:00+08:00")
    }
  ],
  riskLevel: "medium",
  repeats: 1,
  parties: 3
})
const [fired, evaluateMs] = BenchReport.time(() => {
  let sum = 0
  for (let i = 0; i < EVALUATIONS; i++) sum += Escalation.evaluate(table, facts).length
  return sum
})
report.row(
  `Escalation.evaluate, ${table.rules.length}-rule table`,
  `${count(BenchReport.perSecond(EVALUATIONS, evaluateMs))} evals/s`,
  `fired ${count(fired)}`
)
report.target(
  BenchReport.perSecond(EVALUATIONS, evaluateMs) >= TARGET_EVALUATIONS_PER_SECOND,
  `Escalation.evaluate below ${count(TARGET_EVALUATIONS_PER_SECOND)} evaluations/s`
)

const context = AccountabilityReport.contextOf(model, run.until)
const [traced, reportMs] = BenchReport.time(() =>
  AccountabilityReport.forUnit(
    run.records,
    "hexi.town.liushu.g1.station",
    {
      from: Instant.unsafeFromIso("2026-01-01T00:00:00+08:00"),
      to: Instant.unsafeFromIso("2027-01-01T00:00:00+08:00")
    },
    context
  )
)
report.row(
  `forUnit over ${count(run.records.length)} records`,
  BenchReport.millis(reportMs),
  `judged ${count(traced.judged)}, on time ${((traced.onTimeShare ?? 0) * 100).toFixed(1)}%`
)
report.target(reportMs <= TARGET_REPORT_SECONDS * 1000, `backward tracing slower than ${TARGET_REPORT_SECONDS} s`)

report.print("Hexi test county, 2026")
