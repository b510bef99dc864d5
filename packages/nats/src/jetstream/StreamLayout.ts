/**
 * Which JetStream stream holds which subjects.
 *
 * - {@link perModule} (the default, for production): one stream per module per
 *   locality, `GW_<LOCALITY>_<MODULE>` holding `gw.<locality>.<module>.>`, e.g.
 *   `GW_LANXI_PETITION`. Each module's retention, limits and replicas can be tuned on
 *   its own, and dead letters get their own stream per locality
 *   (`GW_LANXI_DLQ` holds `gw.lanxi.dlq.>`). A durable consumer lives in one stream,
 *   so a subscription must name its locality and module (`gw.lanxi.petition.>`,
 *   `gw.lanxi.petition.petition-registered`); patterns with a wildcard in the locality
 *   or module token (`gw.*.petition.>`, `gw.lanxi.>`) are refused with the reason.
 * - {@link single}: one stream (default `GW`) holding `gw.>`, for small installations
 *   that want any subscription pattern (the core `Bus` contract's cross-module
 *   patterns need it). The two layouts cannot share a server: JetStream refuses
 *   overlapping stream subjects.
 *
 * Stream names upper-case the tokens, so `lanxi`/`Lanxi`, or locality `a_b` + module
 * `c` and locality `a` + module `b_c`, would share a name: ensuring such a stream fails
 * with a `StreamConflict` naming both subject sets instead of mixing them.
 *
 * @example
 * ```ts
 * import { StreamLayout } from "@gridwork/nats"
 *
 * StreamLayout.forSubject(StreamLayout.perModule, "gw.lanxi.petition.petition-registered")
 * // Result.succeed({ name: "GW_LANXI_PETITION", subjects: "gw.lanxi.petition.>" })
 * StreamLayout.forPattern(StreamLayout.single(), "gw.*.petition.>")
 * // Result.succeed({ name: "GW", subjects: "gw.>" })
 * ```
 * @module
 */
import { Result } from "effect"
import * as Subjects from "./Subjects"

/** One stream per module per locality: `GW_<LOCALITY>_<MODULE>` holds `gw.<locality>.<module>.>`. */
export interface PerModule {
  readonly _tag: "PerModule"
}

/** One stream holding every Gridwork subject (`gw.>`). */
export interface Single {
  readonly _tag: "Single"
  /** The stream's name. */
  readonly name: string
}

/** A stream layout: {@link perModule} or {@link single}. */
export type StreamLayout = PerModule | Single

/** One stream per module per locality (the default). */
export const perModule: StreamLayout = { _tag: "PerModule" }

const streamNamePattern = /^[A-Za-z0-9_-]{1,32}$/

/** One stream named `name` (default `GW`) holding `gw.>`; throws a `TypeError` for a bad name. */
export const single = (name = "GW"): StreamLayout => {
  if (!streamNamePattern.test(name)) {
    throw new TypeError(`StreamLayout.single: a stream name is 1-32 letters, digits, '_' or '-', got ${name}`)
  }
  return { _tag: "Single", name }
}

/** A stream: its name and the subject pattern it holds. */
export interface StreamPlacement {
  /** The stream's name, e.g. `GW_LANXI_PETITION`. */
  readonly name: string
  /** The one subject pattern it holds, e.g. `gw.lanxi.petition.>`. */
  readonly subjects: string
}

/** The stream of a module: `GW_<LOCALITY>_<MODULE>` with `gw.<locality>.<module>.>` in {@link perModule}. */
export const forModule = (layout: StreamLayout, address: Subjects.ModuleAddress): StreamPlacement =>
  layout._tag === "Single"
    ? { name: layout.name, subjects: `${Subjects.PREFIX}.>` }
    : {
        name: `GW_${address.locality.toUpperCase()}_${address.module.toUpperCase()}`,
        subjects: Subjects.moduleWildcard(address)
      }

/**
 * The stream that stores a concrete subject, or the reason there is none: every
 * Gridwork subject is `gw.<locality>.<module>.<...>`.
 */
export const forSubject = (layout: StreamLayout, subject: string): Result.Result<StreamPlacement, string> => {
  const parsed = Subjects.parse(subject)
  return parsed === undefined
    ? Result.fail("a published subject is gw.<locality>.<module>.<event>, at least four tokens")
    : Result.succeed(forModule(layout, parsed))
}

/**
 * The stream a durable consumer with this subject pattern lives in, or the reason
 * there is none (see the module documentation for what each layout accepts).
 */
export const forPattern = (layout: StreamLayout, pattern: string): Result.Result<StreamPlacement, string> => {
  const tokens = pattern.split(".")
  if (tokens[0] !== Subjects.PREFIX || tokens.length < 2) {
    return Result.fail("a subscription pattern starts with gw. (e.g. gw.lanxi.petition.>)")
  }
  if (layout._tag === "Single") return Result.succeed({ name: layout.name, subjects: `${Subjects.PREFIX}.>` })
  const [, locality, module, ...rest] = tokens
  const literal = (token: string | undefined): token is string =>
    token !== undefined && token !== "*" && token !== ">" && Subjects.isToken(token)
  if (!literal(locality) || !literal(module) || rest.length === 0) {
    return Result.fail(
      "with one stream per module per locality, a subscription names its locality and module: gw.<locality>.<module>.<event, * or >>"
    )
  }
  return Result.succeed(forModule(layout, { locality, module }))
}
