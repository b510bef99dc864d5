/**
 * Deadline scheduler at county scale: 1,000,000 open obligations armed in the in-memory
 * scheduler. Run with `npm run bench` in packages/core (all benchmarks) or
 * `node --expose-gc --conditions=@gridwork/source --import tsx bench/scheduler.bench.ts`.
 *
 * Measures: memory of 1M armed timers (live = JS heap + array buffers, and RSS, keys
 * included), time to arm
 * them through the `DeadlineScheduler` service, the cost of one tick that takes 1,000
 * due timers out of 10k, 100k and 1M armed (it must not grow with the timers not yet
 * due), and the time and memory to rebuild after a restart from a snapshot of 1M rows.
 *
 * Targets (non-zero exit code when missed): 1M armed timers ≤ 1 GB; decode + rebuild
 * ≤ 10 s and RSS ≤ 1 GB; a tick over 1M armed timers costs at most 10× a tick over 10k
 * (`due` is O(k log k) and `takeDue` O(k log n); what remains is cache misses, where a
 * scan of everything armed would cost 100×).
 */
import { Effect, Schema } from "effect"
import { DeadlineScheduler, Ids, InMemoryDeadlineScheduler, type Instant } from "../src"
import * as BenchReport from "./BenchReport"

const N = 1_000_000
const SMALLER = [10_000, 100_000]
const DUE_PER_TICK = 1_000
const TICKS = 25
const NOW = Date.parse("2026-11-21T00:00:00Z")
const DAY = 86_400_000

const { MB, count, liveMemory: memory, median, seconds } = BenchReport
const report = BenchReport.make("scheduler")
const random = BenchReport.xorshift32(0x9e3779b9)

/** Obligation ids as they really are: UUIDv7 strings (36 characters). */
const makeKeys = (count: number): Array<DeadlineScheduler.TimerKey> => {
  const keys = new Array<DeadlineScheduler.TimerKey>(count)
  for (let i = 0; i < count; i++) {
    const id = Ids.formatUuidV7(
      NOW - 30 * DAY + i,
      (random() * 0xfff) | 0,
      (random() * 0x3fffffff) | 0,
      (random() * 0xffffffff) >>> 0
    )
    // a flat copy, as ids read from a database or JSON are (the formatter builds ropes)
    keys[i] = Buffer.from(id, "latin1").toString("latin1") as DeadlineScheduler.TimerKey
  }
  return keys
}

/** Due times spread over the next 60 days (none due at NOW). */
const futureDue = (): Instant.Instant => (NOW + 1 + Math.floor(random() * 60 * DAY)) as Instant.Instant

const armAll = (scheduler: DeadlineScheduler.DeadlineSchedulerShape, keys: ReadonlyArray<DeadlineScheduler.TimerKey>) =>
  Effect.runSync(
    Effect.gen(function* () {
      for (let i = 0; i < keys.length; i++) yield* scheduler.arm(keys[i]!, futureDue(), 1)
    })
  )

/**
 * Median time of one tick that takes DUE_PER_TICK timers: before each tick, that many
 * obligations are armed in a newer state due now (untimed), then `due` and `takeDue`
 * are timed.
 */
const tickCost = (
  scheduler: DeadlineScheduler.DeadlineSchedulerShape,
  keys: ReadonlyArray<DeadlineScheduler.TimerKey>
) => {
  const times: Array<number> = []
  const peekTimes: Array<number> = []
  let next = 0
  for (let t = 0; t < TICKS; t++) {
    Effect.runSync(
      Effect.gen(function* () {
        // a newer state of DUE_PER_TICK obligations, due now (fired ones are re-armed too)
        for (let i = 0; i < DUE_PER_TICK; i++) {
          yield* scheduler.arm(keys[next++ % keys.length]!, (NOW - 1) as Instant.Instant, t + 2)
        }
      })
    )
    const peekStart = performance.now()
    const peeked = Effect.runSync(scheduler.due(NOW as Instant.Instant, DUE_PER_TICK))
    peekTimes.push(performance.now() - peekStart)
    const start = performance.now()
    const taken = Effect.runSync(scheduler.takeDue(NOW as Instant.Instant, DUE_PER_TICK))
    times.push(performance.now() - start)
    if (taken.length !== DUE_PER_TICK || peeked.length !== DUE_PER_TICK) {
      throw new Error(`expected ${DUE_PER_TICK} due timers, got ${taken.length} / ${peeked.length}`)
    }
  }
  return { take: median(times), peek: median(peekTimes) }
}

const run = () => {
  if (!BenchReport.canCollectGarbage) {
    console.warn("scheduler: run node with --expose-gc for exact memory figures")
  }
  const m0 = memory()
  let keys: Array<DeadlineScheduler.TimerKey> | undefined = makeKeys(N)
  let made: InMemoryDeadlineScheduler.InMemoryDeadlineScheduler | undefined = Effect.runSync(
    InMemoryDeadlineScheduler.make()
  )
  const [, armMs] = BenchReport.time(() => armAll(made!.scheduler, keys!))
  const stats = Effect.runSync(made.scheduler.stats)
  if (stats.armed !== N) throw new Error(`expected ${N} armed, got ${stats.armed}`)
  report.row(
    "arm 1,000,000 timers (service, validated)",
    seconds(armMs),
    `${count(BenchReport.perSecond(N, armMs))} arms/s`
  )

  // memory of the scheduler with its keys: drop our own key array first, keep a few
  const sampleKeys = keys.filter((_, i) => i % 40 === 0)
  keys = undefined
  const m1 = memory()
  const heapMb = (m1.heap - m0.heap) / MB
  const rssMb = (m1.rss - m0.rss) / MB
  report.row(
    "memory, 1M armed timers (keys included)",
    `${heapMb.toFixed(0)} MB live`,
    `${rssMb.toFixed(0)} MB RSS delta, ${((m1.heap - m0.heap) / N).toFixed(0)} B/timer`
  )
  report.target(
    heapMb <= 1024 && rssMb <= 1024,
    `1M armed timers use ${heapMb.toFixed(0)} MB heap / ${rssMb.toFixed(0)} MB RSS (target ≤ 1024 MB)`
  )

  const large = tickCost(made.scheduler, sampleKeys)
  const costs: Array<[number, { take: number; peek: number }]> = []
  for (const size of SMALLER) {
    const smallKeys = makeKeys(size)
    const small = Effect.runSync(InMemoryDeadlineScheduler.make())
    armAll(small.scheduler, smallKeys)
    costs.push([size, tickCost(small.scheduler, smallKeys)])
  }
  costs.push([N, large])
  for (const [size, cost] of costs) {
    report.row(
      `tick: take ${DUE_PER_TICK} due of ${count(size)}`,
      `${cost.take.toFixed(2)} ms`,
      `${((cost.take * 1e6) / DUE_PER_TICK).toFixed(0)} ns/timer; peek (due) ${cost.peek.toFixed(2)} ms; median of ${TICKS}`
    )
  }
  const ratio = large.take / costs[0]![1].take
  report.row(
    "tick cost 1,000,000 vs 10,000 armed",
    `${ratio.toFixed(1)}×`,
    "100× more timers not yet due (a scan would be 100×)"
  )
  report.target(ratio <= 10, `tick cost grew ${ratio.toFixed(1)}× for 100× more timers (target ≤ 10×)`)

  // restart: export the durable rows, let the old process "die", rebuild from the rows
  const [snapshot, exportMs] = BenchReport.time(() => Effect.runSync(made!.snapshot))
  report.row("export 1M rows (snapshot)", seconds(exportMs))
  const [decoded, decodeMs] = BenchReport.time(() =>
    Schema.decodeUnknownSync(DeadlineScheduler.SchedulerSnapshot)(snapshot)
  )
  report.row("decode 1M rows with the Schema", seconds(decodeMs), "what a store does with rows it reads")
  made = undefined
  const beforeRebuild = memory()
  const [rebuilt, rebuildMs] = BenchReport.time(() => Effect.runSync(InMemoryDeadlineScheduler.make(decoded)))
  const afterRebuild = memory()
  const rebuiltStats = Effect.runSync(rebuilt.scheduler.stats)
  if (rebuiltStats.armed + rebuiltStats.fired !== N) throw new Error("rebuild lost timers")
  const overdue = Effect.runSync(rebuilt.scheduler.due((NOW + 2 * DAY) as Instant.Instant, 10))
  if (overdue.length === 0) throw new Error("nothing due after restart")
  const peakMb = process.resourceUsage().maxRSS / 1024
  report.row(
    "rebuild 1M timers after restart (heapify)",
    seconds(rebuildMs),
    `+${((afterRebuild.heap - beforeRebuild.heap) / MB).toFixed(0)} MB heap; process peak RSS ${peakMb.toFixed(0)} MB`
  )
  report.target(
    rebuildMs + decodeMs <= 10_000,
    `decode + rebuild took ${((rebuildMs + decodeMs) / 1000).toFixed(1)} s (target ≤ 10 s)`
  )
  report.target(
    afterRebuild.rss <= 1024 * MB,
    `RSS after rebuild ${(afterRebuild.rss / MB).toFixed(0)} MB (target ≤ 1024 MB)`
  )

  report.print(`${count(N)} open obligations`)
}

run()
