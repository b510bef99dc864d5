/**
 * Deadline scheduler at county scale: 1,000,000 open obligations armed in the in-memory
 * scheduler. Run with `npm run bench` in packages/core (all benchmarks) or
 * `node --expose-gc --conditions=@gridwork/source --import tsx bench/scheduler.bench.ts`.
 *
 * Measures: memory of 1M armed timers (live = JS heap + array buffers, and RSS, keys
 * included), time to arm them through the `DeadlineScheduler` service, the cost of one
 * tick that takes 1,000 due timers out of 10k, 100k and 1M armed (it must not grow with
 * the timers not yet due), and the time and memory to rebuild after a restart from a
 * snapshot of 1M rows.
 *
 * Targets (non-zero exit code when missed): 1M armed timers ≤ 1 GB; decode + rebuild
 * ≤ 10 s and RSS ≤ 1 GB; a tick over 1M armed timers costs at most 2× a tick over 10k
 * (the calendar queue reads only the due buckets; what remains is cache misses on the
 * 1,000 timers taken, where a heap pays O(k log n) and a scan of everything armed 100×).
 * Tick costs are medians over interleaved rounds (the three sizes take turns, the first
 * round warms up and is dropped), so a busy machine slows all sizes alike. In every size
 * the due timers come from the same pool: the first POOL keys armed (made one after the
 * other, so alike in memory), so the sizes differ only in the timers not yet due.
 */
import { Effect, Schema } from "effect"
import { DeadlineScheduler, Ids, InMemoryDeadlineScheduler, type Instant } from "../src"
import * as BenchReport from "./BenchReport"

const N = 1_000_000
const SMALLER = [10_000, 100_000]
const DUE_PER_TICK = 1_000
const ROUNDS = 7
const TICKS_PER_ROUND = 20
const STRIDE = 7_919
const POOL = 10_000
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

/** One scheduler whose ticks are timed, and the times measured so far. */
interface TickSubject {
  readonly size: number
  readonly scheduler: DeadlineScheduler.DeadlineSchedulerShape
  /** The keys armed first; ticks re-arm the first POOL of them. */
  readonly keys: ReadonlyArray<DeadlineScheduler.TimerKey>
  next: number
  version: number
  readonly take: Array<number>
  readonly peek: Array<number>
}

/**
 * Times TICKS_PER_ROUND ticks that each take DUE_PER_TICK timers: before each tick, that
 * many obligations are armed in a newer state due now (untimed), then `due` (even
 * ticks) or `takeDue` (odd ticks) is timed. `record` false runs the ticks without
 * keeping their times.
 */
const tickRound = (subject: TickSubject, record: boolean) => {
  for (let t = 0; t < TICKS_PER_ROUND; t++) {
    const version = ++subject.version
    Effect.runSync(
      Effect.gen(function* () {
        // a newer state of DUE_PER_TICK obligations, due now (fired ones are re-armed too)
        for (let i = 0; i < DUE_PER_TICK; i++) {
          // pool keys in a scrambled order, as due timers arrive (STRIDE is prime to POOL)
          yield* subject.scheduler.arm(
            subject.keys[(subject.next++ * STRIDE) % POOL]!,
            (NOW - 1) as Instant.Instant,
            version
          )
        }
      })
    )
    // even ticks time `due` (then take untimed), odd ones `takeDue` alone: each pays for
    // reading the due bucket in order, neither profits from the other having done it
    const peekTick = t % 2 === 0
    const peekStart = performance.now()
    const peeked = peekTick ? Effect.runSync(subject.scheduler.due(NOW as Instant.Instant, DUE_PER_TICK)) : []
    const peekMs = performance.now() - peekStart
    const start = performance.now()
    const taken = Effect.runSync(subject.scheduler.takeDue(NOW as Instant.Instant, DUE_PER_TICK))
    const takeMs = performance.now() - start
    if (taken.length !== DUE_PER_TICK || (peekTick && peeked.length !== DUE_PER_TICK)) {
      throw new Error(`expected ${DUE_PER_TICK} due timers, got ${taken.length} / ${peeked.length}`)
    }
    if (record && peekTick) subject.peek.push(peekMs)
    else if (record) subject.take.push(takeMs)
  }
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

  // memory of the scheduler with its keys: drop our own key array first, keep the pool
  const poolKeys = keys.slice(0, POOL)
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

  const subjects: Array<TickSubject> = []
  for (const size of SMALLER) {
    const smallKeys = makeKeys(size)
    const small = Effect.runSync(InMemoryDeadlineScheduler.make())
    armAll(small.scheduler, smallKeys)
    subjects.push({ size, scheduler: small.scheduler, keys: smallKeys, next: 0, version: 1, take: [], peek: [] })
  }
  subjects.push({ size: N, scheduler: made.scheduler, keys: poolKeys, next: 0, version: 1, take: [], peek: [] })
  for (let round = 0; round < ROUNDS; round++) {
    for (const subject of subjects) tickRound(subject, round > 0)
  }
  for (const subject of subjects) {
    const take = median(subject.take)
    report.row(
      `tick: take ${DUE_PER_TICK} due of ${count(subject.size)}`,
      `${take.toFixed(2)} ms`,
      `${((take * 1e6) / DUE_PER_TICK).toFixed(0)} ns/timer; peek (due) ${median(subject.peek).toFixed(2)} ms; ` +
        `median of ${subject.take.length}`
    )
  }
  const smallest = median(subjects[0]!.take)
  for (const subject of subjects.slice(1)) {
    report.row(
      `tick cost ${count(subject.size)} vs ${count(subjects[0]!.size)} armed`,
      `${(median(subject.take) / smallest).toFixed(2)}×`,
      `${subject.size / subjects[0]!.size}× more timers not yet due (a scan would be ${subject.size / subjects[0]!.size}×)`
    )
  }
  const ratio = median(subjects.at(-1)!.take) / smallest
  report.target(ratio <= 2, `tick cost grew ${ratio.toFixed(2)}× for 100× more timers not yet due (target ≤ 2×)`)

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
    "rebuild 1M timers after restart (bucketing)",
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
