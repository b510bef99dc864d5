/**
 * Timelines: what happened to which matter when, in order, each entry with the rule
 * behind it and an explanation in words. A simulation returns one; `render` prints it
 * for people, `toJson` for programs. Instants are shown in the locality's time zone.
 *
 * @module
 */
import { Schema } from "effect"
import { TierName } from "../jurisdiction/Jurisdiction"
import { UnitCode } from "../primitives/Ids"
import { Instant } from "../primitives/Instant"
import { ObligationId, SubjectId } from "./Obligation"

/**
 * Kinds of timeline entry: a domain event of the history (`event`); an obligation
 * change (`opened`, `paused`, `resumed`, `extended`, `warned`, `overdue`, `fulfilled`,
 * `cancelled`, `reassigned`); a change of holder (`holder`); an escalation rule firing
 * (`escalated`) and its actions (`leader`, `supervision`, `notified`); an attempt to
 * hand the matter back (`hand-back`); a command or action that could not be carried
 * out, with the reason (`refused`).
 */
export const EntryKind = Schema.Literals([
  "event",
  "opened",
  "paused",
  "resumed",
  "extended",
  "warned",
  "overdue",
  "fulfilled",
  "cancelled",
  "reassigned",
  "holder",
  "escalated",
  "leader",
  "supervision",
  "notified",
  "hand-back",
  "refused"
])
/** @see {@link EntryKind} */
export type EntryKind = typeof EntryKind.Type

/** One entry: instant, kind, subject, holder after it, the rule behind it, and why. */
export const TimelineEntry = Schema.Struct({
  at: Instant,
  kind: EntryKind,
  subject: SubjectId,
  /** The unit holding the matter after this entry. */
  holder: Schema.optionalKey(UnitCode),
  /** The tier of the holder. */
  tier: Schema.optionalKey(TierName),
  /** The obligation rule or escalation rule behind the entry. */
  rule: Schema.optionalKey(Schema.String),
  obligation: Schema.optionalKey(ObligationId),
  explanation: Schema.String
})
/** @see {@link TimelineEntry} */
export type TimelineEntry = typeof TimelineEntry.Type

const pad2 = (n: number): string => String(n).padStart(2, "0")

const formatters = new Map<string, Intl.DateTimeFormat>()

const formatterOf = (timeZone: string): Intl.DateTimeFormat => {
  let formatter = formatters.get(timeZone)
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit"
    })
    formatters.set(timeZone, formatter)
  }
  return formatter
}

/** The offset from UTC (ms) of `timeZone` at `t`, asked of `Intl` (slow: allocates). */
const offsetFromIntl = (t: number, timeZone: string): number => {
  const whole = t - (((t % 1000) + 1000) % 1000)
  const parts: Record<string, string> = {}
  for (const part of formatterOf(timeZone).formatToParts(new Date(whole))) parts[part.type] = part.value
  const wall = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second)
  )
  return wall - whole
}

const BUCKET = 15 * 60_000
const MAX_CACHED = 200_000
const offsets = new Map<string, Map<number, number>>()

/**
 * The offset of `timeZone` at `t`, cached per 15-minute bucket: when the offsets at the
 * bucket's two ends agree (no change of offset inside it) the bucket's offset is kept;
 * otherwise the instant itself is asked for.
 */
const offsetAt = (t: number, timeZone: string): number => {
  let cache = offsets.get(timeZone)
  if (cache === undefined) {
    cache = new Map()
    offsets.set(timeZone, cache)
  }
  const bucket = Math.floor(t / BUCKET)
  const cached = cache.get(bucket)
  if (cached !== undefined) return cached
  const start = offsetFromIntl(bucket * BUCKET, timeZone)
  const end = offsetFromIntl(bucket * BUCKET + BUCKET - 1000, timeZone)
  if (start !== end) return offsetFromIntl(t, timeZone)
  if (cache.size >= MAX_CACHED) cache.clear()
  cache.set(bucket, start)
  return start
}

interface LocalParts {
  readonly date: string
  readonly time: string
  readonly seconds: string
  readonly offset: string
}

const localParts = (t: number, timeZone: string): LocalParts => {
  const offset = offsetAt(t, timeZone)
  const wall = new Date(t + offset)
  const offsetMinutes = Math.round(offset / 60_000)
  const sign = offsetMinutes < 0 ? "-" : "+"
  const abs = Math.abs(offsetMinutes)
  return {
    date: `${String(wall.getUTCFullYear()).padStart(4, "0")}-${pad2(wall.getUTCMonth() + 1)}-${pad2(wall.getUTCDate())}`,
    time: `${pad2(wall.getUTCHours())}:${pad2(wall.getUTCMinutes())}`,
    seconds: pad2(wall.getUTCSeconds()),
    offset: `${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`
  }
}

/** An instant as ISO 8601 local time with its offset in `timeZone`, e.g. `2026-10-23T17:30:00+08:00`. */
export const isoLocal = (t: number, timeZone: string): string => {
  const p = localParts(t, timeZone)
  return `${p.date}T${p.time}:${p.seconds}${p.offset}`
}

/** An instant as short local time, e.g. `2026-10-23 17:30` (seconds only when not zero). */
export const shortLocal = (t: number, timeZone: string): string => {
  const p = localParts(t, timeZone)
  return `${p.date} ${p.time}${p.seconds === "00" ? "" : `:${p.seconds}`}`
}

const trim = (n: number): string => String(Math.round(n * 100) / 100)

/**
 * A duration in words: working time as working hours (`10.5 working hours`), elapsed
 * time in days and hours (`2 d 12 h`, `45 min`).
 */
export const formatDuration = (ms: number, measure: "working" | "elapsed"): string => {
  if (measure === "working") return `${trim(ms / 3_600_000)} working hours`
  const minutes = Math.round(ms / 60_000)
  const days = Math.floor(minutes / 1440)
  const hours = Math.floor((minutes % 1440) / 60)
  const rest = minutes % 60
  const parts: Array<string> = []
  if (days > 0) parts.push(`${days} d`)
  if (hours > 0) parts.push(`${hours} h`)
  if (rest > 0 || parts.length === 0) parts.push(`${rest} min`)
  return parts.join(" ")
}

/** A timeline as readable text, one line per entry: local time, subject, kind, holder, explanation. */
export const render = (entries: ReadonlyArray<TimelineEntry>, timeZone: string): string => {
  const subjectWidth = Math.max(7, ...entries.map((e) => e.subject.length))
  const holderWidth = Math.max(6, ...entries.map((e) => (e.holder ?? "-").length))
  return entries
    .map((e) =>
      [
        shortLocal(e.at, timeZone).padEnd(16),
        e.subject.padEnd(subjectWidth),
        e.kind.padEnd(11),
        (e.holder ?? "-").padEnd(holderWidth),
        e.explanation
      ].join("  ")
    )
    .join("\n")
}

/** The JSON form of an entry: `at` as local ISO 8601 with offset (decodable with `Instant.InstantFromString`). */
export interface TimelineEntryJson extends Omit<TimelineEntry, "at"> {
  readonly at: string
}

/** Entries in their JSON form. */
export const toJson = (entries: ReadonlyArray<TimelineEntry>, timeZone: string): ReadonlyArray<TimelineEntryJson> =>
  entries.map((e) => ({ ...e, at: isoLocal(e.at, timeZone) }))
