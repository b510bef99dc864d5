/**
 * Actors: people acting in the system (staff, mediators, grid workers). An actor holds
 * one or more roles, each in a unit ("one staff, several roles"); the unit's
 * jurisdiction is the scope of that role.
 *
 * Only what authorization needs is kept here: an id, a display name and assignments.
 * Contact details and other personal data belong to privacy-classified stores.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Actor } from "@gridwork/core"
 *
 * const actor = Schema.decodeUnknownSync(Actor.Actor)({
 *   id: "01936f4e-8c00-7000-8000-000000000001",
 *   name: "Wang Li 王丽",
 *   assignments: [{ unit: "lanxi.letters-and-visits", role: "case-handler" }]
 * })
 * ```
 * @module
 */
import { Schema } from "effect"
import { DisplayName } from "../jurisdiction/Jurisdiction"
import { ActorId, RoleCode, UnitCode } from "../primitives/Ids"

/** A role held in a unit. */
export class Assignment extends Schema.Class<Assignment>("@gridwork/core/Assignment")({
  unit: UnitCode,
  role: RoleCode
}) {}

/** One actor and the roles they hold. */
export class Actor extends Schema.Class<Actor>("@gridwork/core/Actor")({
  id: ActorId,
  name: DisplayName,
  assignments: Schema.NonEmptyArray(Assignment)
}) {}
