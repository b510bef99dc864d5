/**
 * Roles: named bundles of permissions (`petition.accept`, `mediation.*`) held by actors
 * in units.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Role } from "@gridwork/core"
 *
 * const handler = Schema.decodeUnknownSync(Role.Role)({
 *   code: "case-handler",
 *   name: "Case handler 承办人",
 *   permissions: ["petition.accept", "petition.reply"]
 * })
 * handler.inheritDefaults // true
 * ```
 * @module
 */
import { Effect, Schema } from "effect"
import { DisplayName } from "../jurisdiction/Jurisdiction"
import { RoleCode } from "../primitives/Ids"
import { PermissionPattern } from "./Permission"

/**
 * One role. It grants the listed `permissions` and, unless `inheritDefaults` is
 * `false`, the permissions whose module manifests name this role code among their
 * default roles.
 */
export class Role extends Schema.Class<Role>("@gridwork/core/Role")({
  code: RoleCode,
  name: DisplayName,
  permissions: Schema.Array(PermissionPattern).pipe(Schema.withDecodingDefaultKey(Effect.succeed([]))),
  inheritDefaults: Schema.Boolean.pipe(Schema.withDecodingDefaultKey(Effect.succeed(true)))
}) {}
