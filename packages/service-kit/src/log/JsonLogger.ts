/**
 * JSON-lines logging for Gridwork services: one line per log entry with `time`
 * (ISO 8601 UTC), `level`, `message`, the fiber's log annotations (for requests:
 * `requestId`, `method`, `route`, `status`, `durationMs`) and, for failures, `cause`.
 * Every annotation passes through {@link Redact.redact} first.
 *
 * The kit never annotates logs with bodies, query strings or headers; see
 * `AccessLog` for what a request line contains.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { JsonLogger } from "@gridwork/service-kit"
 *
 * const lines: Array<string> = []
 * Effect.runSync(
 *   Effect.logInfo("hello").pipe(
 *     Effect.annotateLogs({ requestId: "r-1", password: "hunter2" }),
 *     Effect.provide(JsonLogger.layer({ sink: (line) => lines.push(line) }))
 *   )
 * )
 * // lines[0]: {"time":"...","level":"info","message":"hello","requestId":"r-1","password":"[REDACTED]"}
 * ```
 * @module
 */
import { Cause, Layer, Logger, type LogLevel, References } from "effect"
import { makeRedactor, type RedactOptions } from "./Redact"

/** Where log lines go: a function receiving one JSON document (no trailing newline). */
export type Sink = (line: string) => void

/** The default sink: `process.stdout`, one line per entry. */
export const stdoutSink: Sink = (line) => {
  process.stdout.write(`${line}\n`)
}

/** Options of {@link make} and {@link layer}. */
export interface Options {
  /** Where lines go (default {@link stdoutSink}). */
  readonly sink?: Sink | undefined
  /** Extra sensitive keys for redaction. */
  readonly redact?: RedactOptions | undefined
  /** Minimum level to emit (default `Info`). */
  readonly minimumLevel?: LogLevel.LogLevel | undefined
}

const messageText = (message: unknown): unknown => {
  const parts: ReadonlyArray<unknown> = Array.isArray(message) ? message : [message]
  return parts.length === 1 ? parts[0] : parts
}

/** A logger writing JSON lines to `sink`, redacting sensitive keys. */
export const make = (options?: Options): Logger.Logger<unknown, void> => {
  const sink = options?.sink ?? stdoutSink
  const redact = makeRedactor(options?.redact)
  return Logger.make(({ cause, date, fiber, logLevel, message }) => {
    const annotations = fiber.getRef(References.CurrentLogAnnotations)
    const line: Record<string, unknown> = {
      time: date.toISOString(),
      level: logLevel.toLowerCase(),
      message: redact(messageText(message))
    }
    const redacted = redact(annotations)
    if (typeof redacted === "object" && redacted !== null) {
      for (const [key, value] of Object.entries(redacted)) {
        if (!(key in line)) line[key] = value
      }
    }
    if (cause.reasons.length > 0) line.cause = Cause.pretty(cause)
    let text: string
    try {
      text = JSON.stringify(line)
    } catch {
      text = JSON.stringify({ time: line.time, level: line.level, message: "unserializable log entry" })
    }
    sink(text)
  })
}

/**
 * A layer replacing the default loggers with {@link make} and setting the minimum
 * level (default `Info`).
 */
export const layer = (options?: Options): Layer.Layer<never> =>
  Layer.mergeAll(
    Logger.layer([make(options)]),
    Layer.succeed(References.MinimumLogLevel, options?.minimumLevel ?? "Info")
  )
