/**
 * Progress on stderr, never on stdout. On a terminal a bar redraws in place
 * (`\r  locate  45% [#########...........]`); elsewhere nothing is printed unless
 * `--progress` asks for plain lines at every 10%.
 * @module
 */
import { Effect } from "effect"
import type { ProgressMode } from "./CliArgs"
import { CliIO } from "./CliIO"

/** A progress reporter for one phase. */
export interface CliProgress {
  /** Reports `done` of `total`; prints only when the shown value changes. */
  readonly update: (done: number, total: number) => void
  /** Ends the phase (completes the bar and moves to the next line). */
  readonly finish: () => void
}

const WIDTH = 24

/**
 * A reporter labelled `label`. `mode`: `auto` (a bar when stderr is a terminal, else
 * silent), `lines` (plain lines every 10%), `off`.
 */
export const make = (label: string, mode: ProgressMode) =>
  Effect.map(Effect.service(CliIO), (io): CliProgress => {
    const style = mode === "off" ? "off" : mode === "lines" ? "lines" : io.errIsTTY ? "bar" : "off"
    let last = -1
    let started = false
    const write = io.errSync
    const update = (done: number, total: number): void => {
      if (style === "off") return
      const percent = total <= 0 ? 100 : Math.max(0, Math.min(100, Math.floor((100 * done) / total)))
      if (style === "bar") {
        if (percent === last) return
        last = percent
        started = true
        const filled = Math.round((WIDTH * percent) / 100)
        write(
          `\r  ${label.padEnd(10)} ${String(percent).padStart(3)}% [${"#".repeat(filled)}${".".repeat(WIDTH - filled)}]`
        )
      } else {
        const step = Math.floor(percent / 10) * 10
        if (step === last) return
        last = step
        write(`${label}: ${step}%\n`)
      }
    }
    const finish = (): void => {
      if (style === "bar" && started) {
        write(`\r  ${label.padEnd(10)} 100% [${"#".repeat(WIDTH)}]\n`)
      } else if (style === "lines" && last !== 100) {
        write(`${label}: 100%\n`)
      }
      last = 100
    }
    return { update, finish }
  })
