/**
 * Organizational units: departments, committees, centers, mediation committees,
 * stations … each attached to one jurisdiction, which is the scope of the roles held in it.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Unit } from "@gridwork/core"
 *
 * const bureau = Schema.decodeUnknownSync(Unit.Unit)({
 *   code: "lanxi.letters-and-visits",
 *   name: "County Letters and Visits Bureau 县信访局",
 *   kind: "bureau",
 *   jurisdiction: "lanxi"
 * })
 * ```
 * @module
 */
import { Schema } from "effect"
import { DisplayName } from "../jurisdiction/Jurisdiction"
import { Code, JurisdictionCode, UnitCode } from "../primitives/Ids"

/**
 * One unit. `kind` is the locality's own word for it (`bureau`, `department`,
 * `committee`, `center`, `mediation-committee`, `grid-station` …); `jurisdiction` is
 * where it works, and roles held in the unit reach that jurisdiction and everything below it.
 */
export class Unit extends Schema.Class<Unit>("@gridwork/core/Unit")({
  code: UnitCode,
  name: DisplayName,
  kind: Code,
  jurisdiction: JurisdictionCode
}) {}
