/**
 * Deep copies of JSON values, frozen, in one pass: what the in-memory store and bus
 * keep, so neither the writer nor any reader can change stored content.
 * @internal
 */

/** A frozen deep copy of a JSON value (plain objects, arrays and primitives only). */
export const frozenCopy = <A>(value: A): A => {
  if (typeof value !== "object" || value === null) return value
  if (Array.isArray(value)) return Object.freeze(value.map(frozenCopy)) as A
  const copy: Record<string, unknown> = {}
  for (const key of Object.keys(value)) copy[key] = frozenCopy((value as Record<string, unknown>)[key])
  return Object.freeze(copy) as A
}
