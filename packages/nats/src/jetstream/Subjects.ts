/**
 * Subject names on NATS.
 *
 * - Events: `gw.<locality>.<module>.<event-kebab>`, e.g.
 *   `gw.lanxi.petition.petition-registered` (built by core's `Bus.subjectFor`, which
 *   turns `PetitionRegistered` into `petition-registered`).
 * - Dead letters: `gw.<locality>.dlq.<module>`, e.g. `gw.lanxi.dlq.petition`: where a
 *   consumer of `gw.lanxi.petition.*` puts the messages it gives up on.
 * - CloudEvents `source`: `/gridwork/<locality>/<module>`.
 *
 * Tokens are letters, digits, `_` and `-` (core's `Bus.Subject`).
 *
 * @example
 * ```ts
 * import { Subjects } from "@gridwork/nats"
 *
 * Subjects.event({ locality: "lanxi", module: "petition", eventType: "PetitionRegistered" })
 * // "gw.lanxi.petition.petition-registered"
 * Subjects.parse("gw.lanxi.petition.petition-registered")
 * // { locality: "lanxi", module: "petition", rest: "petition-registered" }
 * Subjects.deadLetter({ locality: "lanxi", module: "petition" }) // "gw.lanxi.dlq.petition"
 * ```
 * @module
 */
import { Bus } from "@gridwork/core"

/** The first token of every Gridwork subject. */
export const PREFIX = "gw"

/** The module token of dead-letter subjects: `gw.<locality>.dlq.<module>`. */
export const DEAD_LETTER_TOKEN = "dlq"

const tokenPattern = /^[A-Za-z0-9_-]+$/

/** Whether `value` is one subject token: letters, digits, `_` or `-`. */
export const isToken = (value: string): boolean => tokenPattern.test(value)

/** The locality and module a subject belongs to. */
export interface ModuleAddress {
  /** The locality token, e.g. `lanxi`. */
  readonly locality: string
  /** The module token, e.g. `petition`. */
  readonly module: string
}

/** A parsed event subject: its locality, module and the remaining tokens. */
export interface ParsedSubject extends ModuleAddress {
  /** What follows the module, e.g. `petition-registered` (one or more tokens). */
  readonly rest: string
}

/**
 * Splits `gw.<locality>.<module>.<rest>` into its parts, or `undefined` when the
 * subject has another shape (fewer than four tokens, another prefix, a wildcard or a
 * character outside letters, digits, `_` and `-`).
 */
export const parse = (subject: string): ParsedSubject | undefined => {
  const tokens = subject.split(".")
  if (tokens.length < 4 || tokens[0] !== PREFIX) return undefined
  if (!tokens.every(isToken)) return undefined
  return { locality: tokens[1]!, module: tokens[2]!, rest: tokens.slice(3).join(".") }
}

/** The subject of an event type: `gw.<locality>.<module>.<event-kebab>` (core's `Bus.subjectFor`). */
export const event = (options: {
  readonly locality: string
  readonly module: string
  readonly eventType: string
}): string => Bus.subjectFor(options)

/** Every event subject of a module: `gw.<locality>.<module>.>`. */
export const moduleWildcard = (address: ModuleAddress): string => `${PREFIX}.${address.locality}.${address.module}.>`

/** The dead-letter subject of a module's consumers: `gw.<locality>.dlq.<module>`. */
export const deadLetter = (address: ModuleAddress): string =>
  `${PREFIX}.${address.locality}.${DEAD_LETTER_TOKEN}.${address.module}`

/** The CloudEvents `source` of a module's events: `/gridwork/<locality>/<module>`. */
export const source = (address: ModuleAddress): string => `/gridwork/${address.locality}/${address.module}`
