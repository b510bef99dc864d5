/**
 * Field-level privacy: removes fields from a response by privacy class and role, and
 * records every read of a personal field in the {@link PersonalDataAccessLog}.
 *
 * A policy names fields by dotted path (`complainant.phone`; through arrays, a path
 * applies to every element), gives each a privacy class (codes chosen by the locality,
 * e.g. `public`, `personal`, `sensitive`), says which roles may see each class (or
 * `"everyone"`, anonymous callers included) and which classes are personal data.
 * Fields not named in the policy are not filtered. A class used by a field but absent
 * from `access` is a configuration error (refused at construction), so nothing is
 * visible by accident.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { FieldFilter } from "@gridwork/service-kit"
 *
 * interface PetitionView {
 *   readonly id: string
 *   readonly category: string
 *   readonly complainant: { readonly id: string; readonly name: string; readonly phone: string }
 * }
 * const petitionFields = FieldFilter.make({
 *   resource: "petition",
 *   fields: { "complainant.name": "personal", "complainant.phone": "sensitive", "complainant.id": "internal" },
 *   access: { personal: ["petition-handler", "supervisor"], sensitive: ["petition-handler"], internal: ["petition-handler", "supervisor"] },
 *   personal: ["personal", "sensitive"],
 *   subjectOf: (view: PetitionView) => view.complainant.id
 * })
 * // in a handler: const visible = yield* petitionFields.apply(view, "case-handling")
 * ```
 * @module
 */
import { Instant } from "@gridwork/core"
import { Clock, Effect, Option, Schema } from "effect"
import type { Principal } from "../auth/Principal"
import { RequestContext } from "../context/RequestContext"
import { decodeOptions } from "../problem/OptionsError"
import { AccessEntry, PersonalDataAccessLog, type PersonalDataAccessLogError } from "./PersonalDataAccessLog"

type Head<P extends string> = P extends `${infer H}.${string}` ? H : P
type Tail<P extends string, H extends string> = P extends `${H}.${infer T}` ? T : never

/**
 * `A` after filtering the dotted paths `P`: every filtered field becomes optional
 * (the caller may not see it), everything else keeps its type. Arrays are filtered
 * element by element.
 */
export type Filtered<A, P extends string> = [P] extends [never]
  ? A
  : A extends ReadonlyArray<infer I>
    ? ReadonlyArray<Filtered<I, P>>
    : A extends object
      ? { readonly [K in keyof A as K extends P ? K : never]?: A[K] } & {
          readonly [K in keyof A as K extends P ? never : K]: K extends Head<P>
            ? Filtered<A[K], Tail<P, K & string>>
            : A[K]
        }
      : A

const code = Schema.String.check(
  Schema.isPattern(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, { expected: "a code (letters, digits, '.', '-', '_')" })
)
const fieldPath = /^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)*$/

/** The data part of {@link Options}, validated at construction. */
export const PolicySchema = Schema.Struct({
  resource: code,
  fields: Schema.Record(Schema.String, code).check(
    Schema.makeFilter((fields) => {
      const bad = Object.keys(fields).filter((path) => !fieldPath.test(path))
      return bad.length === 0 || `expected dotted field paths such as complainant.phone, got: ${bad.join(", ")}`
    })
  ),
  access: Schema.Record(code, Schema.Union([Schema.Literal("everyone"), Schema.Array(code)])),
  personal: Schema.Array(code)
}).check(
  Schema.makeFilter((policy) => {
    const missing = [...new Set(Object.values(policy.fields))].filter((cls) => !(cls in policy.access))
    return missing.length === 0 || `privacy classes without an access rule: ${missing.join(", ")}`
  })
)

/** Options of {@link make}. */
export interface Options<A, P extends string> {
  /** Kind of record, written to the access log (e.g. `petition`). */
  readonly resource: string
  /** Field path → privacy class. */
  readonly fields: { readonly [K in P]: string }
  /** Privacy class → roles that may see it, or `"everyone"`. */
  readonly access: Readonly<Record<string, ReadonlyArray<string> | "everyone">>
  /** The classes that are personal data (reads are logged). */
  readonly personal: ReadonlyArray<string>
  /** The id of the person a value is about (the data subject). */
  readonly subjectOf: (value: A) => string
}

/** A configured filter. */
export interface FieldFilter<A, P extends string> {
  /** The field paths hidden from a caller (undefined: anonymous). Pure. */
  readonly hiddenFor: (principal: Principal | undefined) => ReadonlyArray<string>
  /** The value without the hidden fields, and the personal field paths it still contains. Pure. */
  readonly filter: (
    value: A,
    principal: Principal | undefined
  ) => { readonly value: Filtered<A, P>; readonly personalFields: ReadonlyArray<string> }
  /**
   * Filters a value for the current request's caller and records the read of any
   * personal field left in it, with `purpose`.
   */
  readonly apply: (
    value: A,
    purpose: string
  ) => Effect.Effect<Filtered<A, P>, PersonalDataAccessLogError, RequestContext | PersonalDataAccessLog>
  /** {@link FieldFilter.apply} for each value (one log entry per value with personal fields). */
  readonly applyAll: (
    values: ReadonlyArray<A>,
    purpose: string
  ) => Effect.Effect<Array<Filtered<A, P>>, PersonalDataAccessLogError, RequestContext | PersonalDataAccessLog>
}

type Json = unknown

const hasPath = (value: Json, segments: ReadonlyArray<string>): boolean => {
  if (segments.length === 0) return value !== undefined
  if (Array.isArray(value)) return value.some((item) => hasPath(item, segments))
  if (value === null || typeof value !== "object") return false
  const [head, ...rest] = segments as [string, ...Array<string>]
  return Object.hasOwn(value, head) && hasPath((value as Record<string, unknown>)[head], rest)
}

const removePath = (value: Json, segments: ReadonlyArray<string>): Json => {
  if (Array.isArray(value)) return value.map((item) => removePath(item, segments))
  if (value === null || typeof value !== "object" || segments.length === 0) return value
  const [head, ...rest] = segments as [string, ...Array<string>]
  if (!Object.hasOwn(value, head)) return value
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) }
  if (rest.length === 0) delete copy[head]
  else copy[head] = removePath(copy[head], rest)
  return copy
}

/** Builds a filter; throws an `Error` naming the path and rule when the policy is invalid. */
export const make = <A, const P extends string>(options: Options<A, P>): FieldFilter<A, P> => {
  const policy = decodeOptions(PolicySchema, `FieldFilter policy (${options.resource})`, {
    resource: options.resource,
    fields: options.fields,
    access: options.access,
    personal: options.personal
  })
  const personalClasses = new Set(policy.personal)
  const fields = Object.entries(policy.fields).map(([path, cls]) => ({
    path,
    segments: path.split("."),
    cls,
    personal: personalClasses.has(cls)
  }))
  const visible = (cls: string, principal: Principal | undefined): boolean => {
    const rule = policy.access[cls]
    if (rule === undefined) return false
    if (rule === "everyone") return true
    return principal?.roles.some((role) => rule.includes(role)) ?? false
  }
  const hiddenFor = (principal: Principal | undefined) =>
    fields.filter((field) => !visible(field.cls, principal)).map((field) => field.path)
  const filter = (value: A, principal: Principal | undefined) => {
    let out: Json = value
    const personalFields: Array<string> = []
    for (const field of fields) {
      if (!visible(field.cls, principal)) out = removePath(out, field.segments)
      else if (field.personal && hasPath(value, field.segments)) personalFields.push(field.path)
    }
    return { value: out as Filtered<A, P>, personalFields }
  }
  const apply = (value: A, purpose: string) =>
    Effect.gen(function* () {
      const request = yield* RequestContext
      const principal = Option.getOrUndefined(request.principal)
      const result = filter(value, principal)
      if (result.personalFields.length > 0) {
        const log = yield* PersonalDataAccessLog
        const at = yield* Clock.currentTimeMillis
        yield* log.record(
          new AccessEntry({
            actor: principal?.subject ?? "anonymous",
            subject: options.subjectOf(value),
            resource: policy.resource,
            fields: result.personalFields,
            purpose,
            at: Instant.fromMillis(at),
            requestId: request.requestId
          })
        )
      }
      return result.value
    })
  const applyAll = (values: ReadonlyArray<A>, purpose: string) =>
    Effect.forEach(values, (value) => apply(value, purpose))
  return { hiddenFor, filter, apply, applyAll }
}
