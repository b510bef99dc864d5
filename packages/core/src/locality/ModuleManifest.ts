/**
 * Module manifests, in the spirit of Decidim components: each Gridwork module
 * (`responsibility`, `petition`, `mediation` …) declares its name and version, the
 * Schema of its section in a locality model (with defaults), the permissions it checks
 * per action with the roles that hold them by default, and optionally cross-field
 * checks of its settings against the rest of the model.
 *
 * A locality model enables a module by giving it a section under `modules:`; the loader
 * decodes the section with the module's schema and rejects names no manifest registers.
 *
 * @example
 * ```ts
 * import { Effect, Schema } from "effect"
 * import { ModuleManifest } from "@gridwork/core"
 *
 * export const petition = ModuleManifest.make({
 *   name: "petition",
 *   version: "0.1.0",
 *   description: "Multi-channel intake, routing and replies",
 *   settings: Schema.Struct({
 *     channels: Schema.Array(Schema.String).pipe(Schema.withDecodingDefaultKey(Effect.succeed(["hotline", "web"])))
 *   }),
 *   permissions: {
 *     accept: { description: "Accept or refuse a matter", defaultRoles: ["case-handler"] },
 *     reply: { description: "Send the written reply", defaultRoles: ["case-handler"] }
 *   }
 * })
 * ```
 * @module
 */
import { Result, Schema } from "effect"
import type { CalendarSpec } from "../calendar/CalendarSpec"
import * as Permission from "../organization/Permission"
import * as SchemaProblems from "./SchemaProblems"

/** What a module's cross-field check can see of the rest of the model. */
export interface ModelContext {
  /** Tier names, lowest first. */
  readonly tiers: ReadonlyArray<string>
  /** Codes of every jurisdiction. */
  readonly jurisdictions: ReadonlySet<string>
  /** Codes of every unit. */
  readonly units: ReadonlySet<string>
  /** Codes of every role. */
  readonly roles: ReadonlySet<string>
  /** Names of the modules the model enables. */
  readonly modules: ReadonlySet<string>
  /** The decoded calendar section, when it decoded. */
  readonly calendar: CalendarSpec | undefined
}

/** A module's declaration. Build it with {@link make}. */
export interface ModuleManifest<Settings = unknown> {
  /** Module name, the key of its section under `modules:` and the prefix of its permissions. */
  readonly name: string
  /** Semantic version of the module's settings schema. */
  readonly version: string
  /** One line on what the module does. */
  readonly description: string
  /** Schema of the module's section; defaults apply to missing keys (an empty section takes every default). */
  readonly settings: Schema.Decoder<Settings>
  /** Actions the module checks, by action name (`accept` becomes `petition.accept`). */
  readonly permissions: Readonly<Record<string, Permission.Declaration>>
  /** Cross-field checks of decoded settings; paths are relative to the section. */
  readonly validate?:
    | ((settings: Settings, context: ModelContext) => ReadonlyArray<SchemaProblems.SchemaProblem>)
    | undefined
}

/**
 * Any manifest, whatever its settings type: what registries store. Every
 * `ModuleManifest<S>` is assignable to it.
 */
export interface Any extends Omit<ModuleManifest, "validate"> {
  /** The manifest's cross-field checks; `never` settings, so that any `validate` fits. */
  readonly validate?:
    | ((settings: never, context: ModelContext) => ReadonlyArray<SchemaProblems.SchemaProblem>)
    | undefined
}

const SemVer = Schema.String.check(
  Schema.isPattern(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, { message: "a version is semantic, e.g. 1.2.0" })
)

const ManifestShape = Schema.Struct({
  name: Permission.Name,
  version: SemVer,
  description: Schema.String,
  permissions: Schema.Record(
    Permission.Name,
    Schema.Struct({ description: Schema.String, defaultRoles: Schema.Array(Schema.String) })
  )
})

/**
 * Checks a manifest (name and action names in lowercase-dash form, semantic version)
 * and returns it. Throws an `Error` naming every problem: manifests are code, so a bad
 * one is a programming error found at start-up.
 */
export const make = <Settings>(manifest: ModuleManifest<Settings>): ModuleManifest<Settings> => {
  const checked = SchemaProblems.decode(ManifestShape, {
    name: manifest.name,
    version: manifest.version,
    description: manifest.description,
    permissions: manifest.permissions
  })
  if (Result.isFailure(checked)) {
    const lines = checked.failure.map((p) => `  ${p.path.map(String).join(".") || "(manifest)"}: ${p.message}`)
    throw new Error(`Invalid module manifest "${manifest.name}":\n${lines.join("\n")}`)
  }
  return manifest
}

/** The permissions a manifest declares, qualified by module name (`petition.accept`). */
export const permissionsOf = (manifest: Any): Permission.Catalog =>
  new Map(
    Object.entries(manifest.permissions).map(([action, declaration]) => [
      Permission.make(manifest.name, action),
      declaration
    ])
  )

/**
 * Decodes a module section; `null` or a missing section (a YAML key with no value)
 * counts as `{}`, so every default applies. Fails with the problems, paths relative to
 * the section.
 */
export const decodeSettings = <Settings>(
  manifest: { readonly settings: Schema.Decoder<Settings> },
  section: unknown,
  prefix: ReadonlyArray<PropertyKey> = []
): Result.Result<Settings, Array<SchemaProblems.SchemaProblem>> =>
  SchemaProblems.decode(manifest.settings, section === null || section === undefined ? {} : section, prefix)

/**
 * Runs a manifest's cross-field checks on settings decoded with its own schema (as
 * {@link decodeSettings} returns them); no problems when it declares none.
 */
export const validateSettings = (
  manifest: Any,
  settings: unknown,
  context: ModelContext
): ReadonlyArray<SchemaProblems.SchemaProblem> =>
  manifest.validate === undefined
    ? []
    : (manifest.validate as (settings: unknown, context: ModelContext) => ReadonlyArray<SchemaProblems.SchemaProblem>)(
        settings,
        context
      )

/** The settings a module takes when its section is empty; fails when the schema has required keys. */
export const defaults = <Settings>(manifest: {
  readonly settings: Schema.Decoder<Settings>
}): Result.Result<Settings, Array<SchemaProblems.SchemaProblem>> => decodeSettings(manifest, {})
