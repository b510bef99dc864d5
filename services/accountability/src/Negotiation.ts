/**
 * Content negotiation for the routes that answer people as well as programs: JSON by
 * default, plain text when the `Accept` header prefers `text/plain` to
 * `application/json` (quality values respected, JSON wins ties).
 *
 * @example
 * ```ts
 * import { Negotiation } from "@gridwork/service-accountability"
 *
 * Negotiation.prefersText("text/plain") // true
 * Negotiation.prefersText("application/json, text/plain;q=0.5") // false
 * Negotiation.prefersText(undefined) // false
 * ```
 * @module
 */
import { Route } from "@gridwork/service-kit"
import { Schema } from "effect"

/** The q-value `accept` gives `type`, taken from its most specific matching range (0 when none). */
export const weight = (accept: string, type: string): number => {
  const [major] = type.split("/")
  let best = 0
  let specificity = -1
  for (const part of accept.split(",")) {
    const [range = "", ...parameters] = part.split(";").map((piece) => piece.trim().toLowerCase())
    const rank = range === type ? 2 : range === `${major}/*` ? 1 : range === "*/*" ? 0 : -1
    if (rank < 0 || rank < specificity) continue
    const q = parameters.find((parameter) => parameter.startsWith("q="))
    const value = q === undefined ? 1 : Number(q.slice(2))
    specificity = rank
    best = Number.isFinite(value) ? value : 0
  }
  return best
}

/** Whether an `Accept` header prefers `text/plain` to `application/json`. */
export const prefersText = (accept: string | undefined): boolean =>
  accept !== undefined && weight(accept, "text/plain") > weight(accept, "application/json")

/** The media types of a route answering JSON (with its Schema) or text. */
export const jsonOrText = (schema: Schema.Top) => ({ "application/json": schema, "text/plain": undefined })

/** Answers `value` as JSON encoded with `schema`, or as `text`, as the `Accept` header prefers. */
export const respond = <A, I>(
  accept: string | undefined,
  schema: Schema.Codec<A, I>,
  value: A,
  text: () => string
): Route.RawResponse =>
  prefersText(accept)
    ? new Route.RawResponse({ headers: { "content-type": "text/plain; charset=utf-8", vary: "accept" }, body: text() })
    : new Route.RawResponse({
        headers: { "content-type": "application/json", vary: "accept" },
        body: JSON.stringify(Schema.encodeSync(Schema.toCodecJson(schema))(value))
      })
