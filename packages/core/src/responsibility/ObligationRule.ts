/**
 * Obligation rules: the deadlines a locality's policy sets, each with the law and
 * article that sets it. "When `opensOn` happens, the `owner` owes one of the
 * `fulfilledBy` events `within` this period" — e.g. the 2022 Regulations on Letters and
 * Visits (信访工作条例) art. 32: handle a matter within 60 days of accepting it, with one
 * extension of at most 30 days when approved.
 *
 * These rules live in the `deadlines` list of the `responsibility` module section of a
 * locality model (see `ResponsibilityModule`).
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { ObligationRule } from "@gridwork/core"
 *
 * const rule = Schema.decodeUnknownSync(ObligationRule.ObligationRule)({
 *   id: "petition.handle",
 *   title: "Handle an accepted matter",
 *   module: "petition",
 *   opensOn: "PetitionAccepted",
 *   fulfilledBy: ["PetitionReplied"],
 *   owner: "holder",
 *   within: { amount: 60, unit: "calendar-days" },
 *   extension: { max: 1, amount: 30, unit: "calendar-days", requiresApproval: true },
 *   warnAt: [0.5, 0.8],
 *   source: { law: "信访工作条例 (2022)", article: "32" }
 * })
 * rule.opensOn // ["PetitionAccepted"]
 * ```
 * @module
 */
import { Schema, SchemaGetter } from "effect"
import { TimeUnit } from "../calendar/Deadline"
import { DisplayName } from "../jurisdiction/Jurisdiction"
import { CategoryCode, Code, RoleCode } from "../primitives/Ids"

/** The id of an obligation rule, e.g. `petition.accept-notice`. */
export const ObligationRuleId = Code.pipe(Schema.brand("ObligationRuleId"))
/** @see {@link ObligationRuleId} */
export type ObligationRuleId = typeof ObligationRuleId.Type

/**
 * An event type: a PascalCase event name, optionally qualified by the module that
 * emits it (`PetitionAccepted`, `mediation.DisputeSettled`).
 */
export const EventType = Schema.String.check(
  Schema.isPattern(/^([a-z][a-z0-9-]*\.)?[A-Z][A-Za-z0-9]*$/, {
    message:
      "an event type is a PascalCase event name, optionally prefixed by its module (e.g. PetitionAccepted or mediation.DisputeSettled)"
  })
)
/** @see {@link EventType} */
export type EventType = typeof EventType.Type

const EventTypeList = Schema.NonEmptyArray(EventType)

/** One event type or a non-empty list of them; always decoded to a list. */
export const EventTypes = Schema.Union([EventType, EventTypeList]).pipe(
  Schema.decodeTo(Schema.toType(EventTypeList), {
    decode: SchemaGetter.transform((input: string | readonly [string, ...Array<string>]) =>
      typeof input === "string" ? ([input] as const) : input
    ),
    encode: SchemaGetter.transform((list: readonly [string, ...Array<string>]) => (list.length === 1 ? list[0] : list))
  })
)

/**
 * Units in which deadline periods are counted with the locality's business calendar:
 * `calendar-days`, `working-days`, `working-hours`, `minutes` (see `Deadline.TimeUnit`).
 */
export const DeadlineUnit = TimeUnit
/** @see {@link DeadlineUnit} */
export type DeadlineUnit = TimeUnit

const PositiveInt = Schema.Int.check(Schema.isGreaterThan(0, { message: "expected a whole number greater than 0" }))

/** A period: a positive whole number of a {@link DeadlineUnit}, e.g. 15 working days. */
export class Period extends Schema.Class<Period>("@gridwork/core/ObligationRule/Period")({
  amount: PositiveInt,
  unit: DeadlineUnit
}) {}

/** How a deadline may be extended: at most `max` times, each by `amount` `unit`, with or without approval. */
export class Extension extends Schema.Class<Extension>("@gridwork/core/ObligationRule/Extension")({
  max: PositiveInt,
  amount: PositiveInt,
  unit: DeadlineUnit,
  requiresApproval: Schema.Boolean
}) {}

/** Where a rule comes from: the law or policy, the article, and a link to the text. */
export class LegalSource extends Schema.Class<LegalSource>("@gridwork/core/ObligationRule/LegalSource")({
  law: DisplayName,
  article: Schema.optionalKey(DisplayName),
  url: Schema.optionalKey(
    Schema.String.check(
      Schema.isPattern(/^https?:\/\/\S+$/, { message: "expected an http(s) URL, e.g. https://www.gov.cn/..." })
    )
  )
}) {}

const Share = Schema.Finite.check(
  Schema.makeFilter((n: number) => n > 0 && n < 1, {
    expected: "a share of the period strictly between 0 and 1, e.g. 0.8"
  })
)

/** Warning points as shares of the period, strictly increasing, each in (0, 1): `[0.5, 0.8]`. */
export const WarnAt = Schema.Array(Share).check(
  Schema.makeFilter((shares: ReadonlyArray<number>) =>
    shares.flatMap((share, index) => {
      const previous = shares[index - 1]
      return previous !== undefined && share <= previous
        ? [{ path: [index], issue: `warning shares must increase (${previous} then ${share})` }]
        : []
    })
  )
)

/** Who owes the obligation: the unit holding the matter (`holder`), or a role code. */
export const Owner = Schema.Union([Schema.Literal("holder"), RoleCode])
/** @see {@link Owner} */
export type Owner = typeof Owner.Type

/**
 * Which matters a rule applies to: matter categories, each covering its
 * sub-categories (`streets` covers `streets.pothole`). A rule without `appliesTo`
 * applies to every matter of its module. Municipal SLAs and hotline limits differ by
 * category (an inquiry: 2 working days; a complaint: 15), hence this filter.
 */
export class Applicability extends Schema.Class<Applicability>("@gridwork/core/ObligationRule/Applicability")({
  categories: Schema.NonEmptyArray(CategoryCode)
}) {}

/**
 * A pause of the clock the rule allows: one of the `on` events stops it (e.g. a hearing
 * is scheduled), one of the `resumeOn` events restarts it, and the time in between does
 * not count. `reason` is recorded with the pause (e.g. `hearing`).
 */
export class PauseRule extends Schema.Class<PauseRule>("@gridwork/core/ObligationRule/PauseRule")({
  on: EventTypes,
  resumeOn: EventTypes,
  reason: Code
}) {}

/**
 * One deadline of a policy: when `opensOn` occurs in `module`, the `owner` must bring
 * about one of `fulfilledBy` within `within` (counted with the business calendar),
 * unless one of `cancelledBy` happens first. `appliesTo` narrows it to matter
 * categories, `extension` says how it may be extended (and `extendedBy` which events
 * extend it), `pauses` which events stop and restart the clock, `warnAt` when to warn,
 * `source` which law and article set it.
 */
export class ObligationRule extends Schema.Class<ObligationRule>("@gridwork/core/ObligationRule")({
  id: ObligationRuleId,
  title: DisplayName,
  module: Schema.String.check(
    Schema.isPattern(/^[a-z][a-z0-9-]*$/, {
      message: "a module name is lowercase letters, digits or dashes (e.g. petition)"
    })
  ),
  opensOn: EventTypes,
  fulfilledBy: EventTypes,
  cancelledBy: Schema.optionalKey(EventTypes),
  owner: Owner,
  appliesTo: Schema.optionalKey(Applicability),
  within: Period,
  extension: Schema.optionalKey(Extension),
  warnAt: Schema.optionalKey(WarnAt),
  /** Events that stop and restart the clock (time spent on a hearing does not count). */
  pauses: Schema.optionalKey(Schema.Array(PauseRule)),
  /** Events that extend the deadline under `extension`; they carry the approver's decision. */
  extendedBy: Schema.optionalKey(EventTypes),
  source: LegalSource
}) {}

/** Whether a category equals a prefix category or is below it (`streets.pothole` is within `streets`). */
const categoryWithin = (category: string, prefix: string): boolean =>
  category === prefix || category.startsWith(`${prefix}.`)

/** Whether a rule applies to a matter of this category (always, when the rule has no `appliesTo`). */
export const appliesToCategory = (rule: ObligationRule, category: string): boolean =>
  rule.appliesTo === undefined || rule.appliesTo.categories.some((prefix) => categoryWithin(category, prefix))
