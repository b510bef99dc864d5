/**
 * What every benchmark of `@gridwork/core` shares: a table of measured rows printed
 * under one heading, targets that set a non-zero exit code when missed, timing,
 * throughput and median arithmetic, live memory, and a deterministic random source.
 *
 * A bench file makes one report, adds rows and targets as it measures, and prints the
 * report at the end:
 *
 * ```ts
 * const report = BenchReport.make("ledger")
 * const [, ms] = BenchReport.time(() => work())
 * report.row("work 1,000 items", BenchReport.rate(1_000, ms), BenchReport.millis(ms))
 * report.target(BenchReport.perSecond(1_000, ms) >= 500, "work below 500 items/s")
 * report.print("in-memory store")
 * ```
 */
import { Effect } from "effect"

/** Rows and targets of one bench file; see {@link make}. */
export interface BenchReport {
  /** Adds a row to the table: what was measured, its figure, and an optional note. */
  readonly row: (what: string, value: string, note?: string) => void
  /**
   * Checks a target: when `ok` is false, prints `<name>: TARGET MISSED: <missed>` to
   * stderr at once and makes {@link BenchReport.print} set a non-zero exit code.
   */
  readonly target: (ok: boolean, missed: string) => void
  /**
   * Prints the heading and the rows as an aligned table (every line starts with the
   * bench's name), then sets `process.exitCode = 1` when a target was missed.
   */
  readonly print: (heading: string) => void
}

/** Width of the name column, so that the tables of all core benches line up. */
const NAME_WIDTH = "responsibility".length

/** A report for the bench called `name` (the first column of every printed line). */
export const make = (name: string): BenchReport => {
  const rows: Array<readonly [string, string, string]> = []
  let missed = false
  const prefix = name.padEnd(NAME_WIDTH)
  return {
    row: (what, value, note = "") => {
      rows.push([what, value, note])
    },
    target: (ok, what) => {
      if (!ok) {
        missed = true
        console.error(`${name}: TARGET MISSED: ${what}`)
      }
    },
    print: (heading) => {
      const width = Math.max(0, ...rows.map(([what]) => what.length))
      console.log(`\n${prefix}  (${heading}, node ${process.version})`)
      for (const [what, value, note] of rows) {
        console.log(`${prefix}  ${what.padEnd(width)}  ${value.padStart(14)}  ${note}`.trimEnd())
      }
      if (missed) process.exitCode = 1
    }
  }
}

/** `value` with thousands separators (`1,000,000`). */
export const count = (value: number): string => Math.round(value).toLocaleString("en-US")

/** How many per second `count` operations in `ms` milliseconds are. */
export const perSecond = (n: number, ms: number): number => n / (ms / 1000)

/** `n` operations in `ms` milliseconds as a printed rate: `12,345/s`. */
export const rate = (n: number, ms: number): string => `${count(perSecond(n, ms))}/s`

/** A duration in whole milliseconds: `123 ms`. */
export const millis = (ms: number): string => `${ms.toFixed(0)} ms`

/** A duration in seconds with two decimals: `1.23 s`. */
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`

/** The median of `values` (the upper one of the middle two for an even count); NaN when empty. */
export const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[sorted.length >> 1] ?? Number.NaN
}

/** Runs `run` once and returns its value with the milliseconds it took. */
export const time = <A>(run: () => A): readonly [A, number] => {
  const start = performance.now()
  const value = run()
  return [value, performance.now() - start]
}

/** Runs `effect` and returns its value with the milliseconds it took. */
export const timed = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<readonly [A, number], E, R> =>
  Effect.suspend(() => {
    const start = performance.now()
    return Effect.map(effect, (value) => [value, performance.now() - start] as const)
  })

const gc = (globalThis as { gc?: () => void }).gc

/** Whether node runs with `--expose-gc`, so that {@link liveMemory} collects garbage first. */
export const canCollectGarbage: boolean = gc !== undefined

/**
 * Live memory in bytes: the JS heap plus array buffers (typed arrays live outside the
 * heap), after two garbage collections when node runs with `--expose-gc`; and the RSS.
 */
export const liveMemory = (): { readonly heap: number; readonly rss: number } => {
  if (gc !== undefined) {
    gc()
    gc()
  }
  const usage = process.memoryUsage()
  return { heap: usage.heapUsed + usage.arrayBuffers, rss: usage.rss }
}

/** One mebibyte in bytes. */
export const MB = 1024 * 1024

/** A deterministic xorshift32 source of numbers in [0, 1), the same sequence for the same seed. */
export const xorshift32 = (seed: number): (() => number) => {
  let state = seed
  return () => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return (state >>> 0) / 4_294_967_296
  }
}
