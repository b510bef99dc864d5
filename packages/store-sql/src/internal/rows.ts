/**
 * Reading rows the store wrote: 64-bit integers arrive as `bigint` and become safe
 * JavaScript numbers, event rows become envelopes.
 *
 * Rows are not decoded with Schema: every column was validated with the port's
 * Schemas before it was written and is constrained by the table definition
 * (`Migrations`), so only the conversions that can fail are checked.
 * @internal
 */
import type { EventStore } from "@gridwork/core"

/** A 64-bit column as a safe integer; throws (a defect) when the database holds something else. */
export const toSafeInt = (value: unknown, column: string): number => {
  const number = typeof value === "bigint" ? Number(value) : typeof value === "string" ? Number(value) : value
  if (typeof number !== "number" || !Number.isSafeInteger(number)) {
    throw new Error(`column ${column}: expected a safe integer, got ${String(value)}`)
  }
  return number
}

/** A nullable 64-bit column. */
export const toSafeIntOrUndefined = (value: unknown, column: string): number | undefined =>
  value === null || value === undefined ? undefined : toSafeInt(value, column)

/** The columns of `gw_events`, as selected by {@link eventColumns}. */
export interface EventRow {
  readonly global_position: unknown
  readonly event_id: string
  readonly stream_id: string
  readonly stream_version: unknown
  readonly type: string
  readonly schema_version: unknown
  readonly data: unknown
  readonly metadata: unknown
  readonly occurred_at: unknown
}

/** The select list of an event row (unqualified). */
export const eventColumns =
  "global_position, event_id, stream_id, stream_version, type, schema_version, data, metadata, occurred_at"

/** An event row as an envelope. */
export const toEnvelope = (row: EventRow): EventStore.EventEnvelope =>
  ({
    eventId: row.event_id,
    streamId: row.stream_id,
    streamVersion: toSafeInt(row.stream_version, "stream_version"),
    globalPosition: toSafeInt(row.global_position, "global_position"),
    type: row.type,
    schemaVersion: toSafeInt(row.schema_version, "schema_version"),
    data: row.data,
    metadata: row.metadata,
    occurredAt: toSafeInt(row.occurred_at, "occurred_at")
  }) as EventStore.EventEnvelope

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

const textProblem = (text: string): string | undefined =>
  text.includes("\u0000")
    ? "PostgreSQL jsonb cannot store the character U+0000"
    : loneSurrogate.test(text)
      ? "the text holds an unpaired UTF-16 surrogate, which is not Unicode"
      : undefined

/**
 * The first string (value or key) of a JSON value that PostgreSQL's `jsonb` rejects:
 * U+0000, or an unpaired surrogate. `undefined` when it can be stored.
 */
export const jsonbProblem = (
  value: unknown,
  path: string
): { readonly path: string; readonly reason: string } | undefined => {
  if (typeof value === "string") {
    const reason = textProblem(value)
    return reason === undefined ? undefined : { path, reason }
  }
  if (typeof value !== "object" || value === null) return undefined
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const problem = jsonbProblem(value[index], `${path}[${index}]`)
      if (problem !== undefined) return problem
    }
    return undefined
  }
  for (const [key, inner] of Object.entries(value)) {
    const keyReason = textProblem(key)
    if (keyReason !== undefined) return { path: `${path}.${JSON.stringify(key)}`, reason: `key: ${keyReason}` }
    const problem = jsonbProblem(inner, `${path}.${key}`)
    if (problem !== undefined) return problem
  }
  return undefined
}
