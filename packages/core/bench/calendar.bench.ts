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

const N = 1_000_000
const TARGET_ARM_OPS = 1_000_000

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
  let seed = 0x2545f491
  for (let i = 0; i < count; i++) {
    seed ^= seed << 13
    seed ^= seed >>> 17
    seed ^= seed << 5
    starts[i] = from + Math.floor(((seed >>> 0) / 4_294_967_296) * span)
  }
  return starts
}

const starts = makeStarts(N)

const measure = (label: string, run: () => number): number => {
  const begin = performance.now()
  const checksum = run()
  const seconds = (performance.now() - begin) / 1000
  const ops = N / seconds
  console.log(
    `calendar  ${label.padEnd(44)} ${Math.round(ops).toLocaleString("en-US").padStart(12)} ops/s  (${(seconds * 1000).toFixed(0)} ms for ${N.toLocaleString("en-US")}; checksum ${checksum % 1000})`
  )
  return ops
}

const coldBegin = performance.now()
const calendar = BusinessCalendar.make(office)
Result.getOrThrow(calendar.addWorkingDays(Date.parse("2025-06-01T00:00:00+08:00") as Instant.Instant, 1))
Result.getOrThrow(calendar.addWorkingDays(Date.parse("2026-06-01T00:00:00+08:00") as Instant.Instant, 1))
console.log(
  `calendar  cold start (make + 2 year tables)                ${(performance.now() - coldBegin).toFixed(1)} ms`
)

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

if (failures > 0) {
  console.log(`calendar  UNEXPECTED: ${failures} computations failed`)
  process.exitCode = 1
}
if (armOps < TARGET_ARM_OPS) {
  console.log(`calendar  TARGET MISSED: addWorkingDays ${Math.round(armOps)} ops/s < ${TARGET_ARM_OPS} ops/s`)
  process.exitCode = 1
} else {
  console.log(`calendar  target met: 1,000,000 obligations armed in ${((N / armOps) * 1000).toFixed(0)} ms (< 1 s)`)
}
