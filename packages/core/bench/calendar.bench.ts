/**
 * Business-calendar throughput: how fast deadlines are armed. Run with `npm run bench`
 * in packages/core (all benchmarks) or
 * `node --conditions=@gridwork/source --import tsx bench/calendar.bench.ts`.
 *
 * Target: arming 1,000,000 obligations (`addWorkingDays` on the cn-mainland calendar
 * with office hours) takes under one second on one core, i.e. ≥ 1,000,000 ops/s.
 * The script sets a non-zero exit code when a target is missed.
 */
import { Result } from "effect"
import { BusinessCalendar, type CalendarSpec, CnMainland, type Deadline, type Instant } from "../src"
import * as BenchReport from "./BenchReport"

const N = 1_000_000
const TARGET_ARM_OPS = 1_000_000
const report = BenchReport.make("calendar")

const office: CalendarSpec.CalendarSpec = {
  ...CnMainland.spec,
  workingHours: [
    { start: "08:30", end: "12:00" },
    { start: "14:00", end: "17:30" }
  ]
}

/** Deterministic pseudo-random starts across 2025-01-01 … 2026-09-01 (Beijing). */
const makeStarts = (count: number): Float64Array => {
  const from = Date.parse("2025-01-01T00:00:00+08:00")
  const span = Date.parse("2026-09-01T00:00:00+08:00") - from
  const starts = new Float64Array(count)
  const random = BenchReport.xorshift32(0x2545f491)
  for (let i = 0; i < count; i++) starts[i] = from + Math.floor(random() * span)
  return starts
}

const starts = makeStarts(N)

/** Times `run` over the N starts and adds a row; returns operations per second. */
const measure = (label: string, run: () => number): number => {
  const [checksum, ms] = BenchReport.time(run)
  report.row(
    label,
    BenchReport.rate(N, ms),
    `${BenchReport.millis(ms)} for ${BenchReport.count(N)}; checksum ${checksum % 1000}`
  )
  return BenchReport.perSecond(N, ms)
}

const [calendar, coldMs] = BenchReport.time(() => {
  const made = BusinessCalendar.make(office)
  Result.getOrThrow(made.addWorkingDays(Date.parse("2025-06-01T00:00:00+08:00") as Instant.Instant, 1))
  Result.getOrThrow(made.addWorkingDays(Date.parse("2026-06-01T00:00:00+08:00") as Instant.Instant, 1))
  return made
})
report.row("cold start (make + 2 year tables)", `${coldMs.toFixed(1)} ms`)

const wholeDays = BusinessCalendar.make(CnMainland.spec)
const city = BusinessCalendar.make({ timeZone: "America/New_York", workingHours: [{ start: "09:00", end: "17:00" }] })

let failures = 0
/** Runs `step` for i = 0 … N-1 and folds the results into a checksum (so nothing is optimized away). */
const loop = (step: (i: number) => number) => () => {
  let sum = 0
  for (let i = 0; i < N; i++) {
    const value = step(i)
    if (Number.isNaN(value)) failures++
    else sum += value % 997
  }
  return sum
}
const at = (i: number, shift = 0) => (starts[i]! + shift) as Instant.Instant
/** The due instant, or NaN on failure. */
const dueOf = (result: Result.Result<Deadline.Deadline, unknown>): number =>
  Result.isSuccess(result) ? result.success.due : Number.NaN
const arm = (cal: BusinessCalendar.BusinessCalendar, shift = 0) =>
  loop((i) => dueOf(cal.addWorkingDays(at(i, shift), 1 + (i % 30))))

// Warm up the JIT on a slice before measuring.
for (let i = 0; i < 50_000; i++) calendar.addWorkingDays(at(i), 1 + (i % 30))

const armOps = measure("addWorkingDays, cn-mainland + office hours", arm(calendar))
measure("addWorkingDays, cn-mainland whole days", arm(wholeDays))
measure(
  "addWorkingDays, America/New_York (DST)",
  arm(city, Date.parse("2025-01-01T00:00:00-05:00") - Date.parse("2025-01-01T00:00:00+08:00"))
)
measure(
  "addWorkingHours (1–120 h), office hours",
  loop((i) => dueOf(calendar.addWorkingHours(at(i), 1 + (i % 120))))
)
measure(
  "workingTimeBetween (≤ 60 days apart)",
  loop((i) => {
    const result = calendar.workingTimeBetween(at(i), at(i, (i % 60) * 86_400_000))
    return Result.isSuccess(result) ? result.success.ms : Number.NaN
  })
)

report.target(failures === 0, `${failures} computations failed`)
report.target(
  armOps >= TARGET_ARM_OPS,
  `addWorkingDays ${BenchReport.count(armOps)} ops/s < ${BenchReport.count(TARGET_ARM_OPS)} ops/s`
)
report.print("business calendar")
