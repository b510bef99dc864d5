/**
 * The authenticated caller of a request, decoded from a verified JWT.
 *
 * @example
 * ```ts
 * import { Principal } from "@gridwork/service-kit"
 *
 * const who = Principal.Principal.make({
 *   subject: "0193a0c4-7a10-7cc3-9d35-5d8f1f0a1b2c",
 *   issuer: "https://id.lanxi.example",
 *   roles: ["petition-handler"],
 *   jurisdictions: ["lanxi.dongshan"]
 * })
 * ```
 * @module
 */
import { Ids } from "@gridwork/core"
import { Schema } from "effect"

/**
 * A verified caller: the token's `sub`, its issuer, its roles (role codes, mapped to
 * permissions by `Authorization`) and the jurisdiction codes it may act in (its scope;
 * a jurisdiction is in scope when it lies within one of them).
 */
export class Principal extends Schema.Class<Principal>("Principal")({
  subject: Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(255)),
  issuer: Schema.String,
  roles: Schema.Array(Ids.RoleCode),
  jurisdictions: Schema.Array(Ids.JurisdictionCode)
}) {}
