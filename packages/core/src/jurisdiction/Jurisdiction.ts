/**
 * A node of a locality's jurisdiction tree: a county, township, village, grid, or a
 * city, district, ward, beat. Each node names its tier (`level`) and its parent; the
 * tree itself is checked and indexed by {@link JurisdictionTree}.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Jurisdiction } from "@gridwork/core"
 *
 * const village = Schema.decodeUnknownSync(Jurisdiction.Jurisdiction)({
 *   code: "lanxi.dongshan.qiaotou",
 *   name: "Qiaotou Village 桥头村",
 *   level: "village",
 *   parent: "lanxi.dongshan"
 * })
 * ```
 * @module
 */
import { Schema } from "effect"
import { JurisdictionCode } from "../primitives/Ids"

/**
 * The name of a tier of the jurisdiction tree, such as `grid`, `village`, `township`,
 * `county` or `city`, `district`, `ward`, `beat`: lowercase letters, digits and dashes.
 */
export const TierName = Schema.String.check(
  Schema.isPattern(/^[a-z][a-z0-9-]{0,62}$/, {
    message: "a tier name is 1-63 lowercase letters, digits or dashes, starting with a letter (e.g. village)"
  })
).pipe(Schema.brand("TierName"))
/** @see {@link TierName} */
export type TierName = typeof TierName.Type

/** A non-empty display name, e.g. `Dongshan Township 东山镇`. */
export const DisplayName = Schema.String.check(
  Schema.isPattern(/\S/, { message: "a name must contain at least one non-space character" })
)

/**
 * One jurisdiction: its stable `code`, display `name`, tier `level`, and the `parent`
 * it belongs to (absent only for a root, which sits at the highest tier).
 */
export class Jurisdiction extends Schema.Class<Jurisdiction>("@gridwork/core/Jurisdiction")({
  code: JurisdictionCode,
  name: DisplayName,
  level: TierName,
  parent: Schema.optionalKey(JurisdictionCode)
}) {}
