/**
 * The locality model: one YAML or JSON file per locality (county, city) that sets its
 * tiers, jurisdictions, calendar, organization and the settings of every module it
 * enables. This module holds the schemas of the file's sections and the
 * {@link LocalityModel} the loader returns; `ModelParser.parseModel` and
 * `ModelLoader.loadModel` read files into it.
 *
 * ```yaml
 * version: "2026.1"                     # policy version, recorded with every obligation
 * locality: { id: lanxi, name: Lanxi County 兰溪县, languages: [zh-CN, en] }
 * tiers: [grid, village, township, county]   # lowest first
 * leavesAllowedAt: [village]            # optional: tiers other than the lowest that may be leaves
 * jurisdictions:                        # inline list (with parent or nested children) …
 *   - { code: lanxi, name: Lanxi County, level: county }
 *   - { code: lanxi.dongshan, name: Dongshan Township, level: township, parent: lanxi }
 * # … or a GeoJSON FeatureCollection, relative to this file:
 * # jurisdictions: { file: lanxi.geojson, codeProperty: code, parentProperty: parent, levelProperty: level, nameProperty: name }
 * calendar: { timeZone: Asia/Shanghai, base: cn-mainland }
 * units: [{ code: lanxi.xfj, name: Letters and Visits Bureau 信访局, kind: bureau, jurisdiction: lanxi }]
 * roles: [{ code: case-handler, name: Case handler, permissions: [responsibility.view-ledger] }]
 * actors: []                            # optional
 * privacyClasses: []                    # optional
 * modules:
 *   responsibility: { deadlines: [] }
 * ```
 * @module
 */
import { Data, Effect, Option, Schema } from "effect"
import type { BusinessCalendar } from "../calendar/BusinessCalendar"
import type * as CalendarSpec from "../calendar/CalendarSpec"
import { DisplayName, TierName } from "../jurisdiction/Jurisdiction"
import type { JurisdictionTree } from "../jurisdiction/JurisdictionTree"
import type { Organization } from "../organization/Organization"
import { Code, JurisdictionCode, LocalityId } from "../primitives/Ids"
import type * as ModuleManifest from "./ModuleManifest"
import type { ModuleRegistry } from "./ModuleRegistry"

/** A BCP 47 language tag such as `zh-CN`, `en` or `zh-Hans-CN`. */
export const LanguageTag = Schema.String.check(
  Schema.isPattern(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, {
    message: "a language is a BCP 47 tag such as zh-CN or en"
  })
)

/** The `locality` section: who this model is for. */
export class LocalityInfo extends Schema.Class<LocalityInfo>("@gridwork/core/LocalityInfo")({
  /** Short lowercase id, used in event subjects (`gw.<locality>.<module>.…`). */
  id: LocalityId,
  /** Display name, e.g. `Lanxi County 兰溪县`. */
  name: DisplayName,
  /** Languages of the locality's texts, the first being the default. */
  languages: Schema.NonEmptyArray(LanguageTag)
}) {}

/** The policy version of the model, e.g. `2026.1`; every obligation records the version it was computed under. */
export const PolicyVersion = Schema.String.check(
  Schema.isPattern(/^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/, {
    message: "a policy version is 1-64 letters, digits, '.', '_', '+' or '-', e.g. 2026.1"
  })
)

/**
 * A reference to a GeoJSON FeatureCollection holding the jurisdictions, one Feature
 * per jurisdiction; the named properties give code, parent, level and name. The path
 * is relative to the model file.
 */
export const GeoJsonReference = Schema.Struct({
  file: Schema.String.check(Schema.isNonEmpty({ message: "a file path is required" })),
  codeProperty: Schema.String.pipe(Schema.withDecodingDefaultKey(Effect.succeed("code"))),
  parentProperty: Schema.String.pipe(Schema.withDecodingDefaultKey(Effect.succeed("parent"))),
  levelProperty: Schema.String.pipe(Schema.withDecodingDefaultKey(Effect.succeed("level"))),
  nameProperty: Schema.String.pipe(Schema.withDecodingDefaultKey(Effect.succeed("name")))
})
/** @see {@link GeoJsonReference} */
export type GeoJsonReference = typeof GeoJsonReference.Type

/**
 * One entry of an inline jurisdiction list. `parent` may be given, or the entry may be
 * nested in its parent's `children` (then `parent` is implied and must not conflict).
 */
export const InlineJurisdiction = Schema.Struct({
  code: JurisdictionCode,
  name: DisplayName,
  level: TierName,
  parent: Schema.optionalKey(JurisdictionCode),
  children: Schema.optionalKey(Schema.Array(Schema.Unknown))
})

/** A class of personal data (e.g. `contact`, `identity`, `accusation-material`); fields and access rules come later. */
export class PrivacyClass extends Schema.Class<PrivacyClass>("@gridwork/core/PrivacyClass")({
  code: Code,
  name: DisplayName,
  description: Schema.optionalKey(Schema.String)
}) {}

/** Where the jurisdictions of a model came from. */
export type JurisdictionSource =
  | { readonly _tag: "Inline" }
  | { readonly _tag: "GeoJson"; readonly file: string; readonly reference: GeoJsonReference }

/** The parts a {@link LocalityModel} is made of. */
export interface LocalityModelParts {
  /** The file it was read from. */
  readonly file: string
  /** Policy version. */
  readonly version: string
  readonly locality: LocalityInfo
  /** Tier names, lowest first. */
  readonly tiers: ReadonlyArray<TierName>
  readonly leavesAllowedAt: ReadonlyArray<TierName>
  readonly jurisdictionSource: JurisdictionSource
  readonly jurisdictions: JurisdictionTree
  /** The calendar section as written (see `CalendarSpec.withDefaults`). */
  readonly calendar: CalendarSpec.CalendarSpec
  /** The business calendar built from the calendar section: deadline arithmetic for this locality. */
  readonly businessCalendar: BusinessCalendar
  readonly organization: Organization
  readonly privacyClasses: ReadonlyArray<PrivacyClass>
  /** Decoded settings of each enabled module, by module name. */
  readonly modules: ReadonlyMap<string, unknown>
  /** The registry the model was checked against. */
  readonly registry: ModuleRegistry
}

/**
 * A loaded, checked locality model with its derived objects: the
 * {@link JurisdictionTree}, the {@link Organization}, the {@link BusinessCalendar}, and the decoded
 * settings of each enabled module (read them with {@link LocalityModel.settings}).
 * Made from its {@link LocalityModelParts}: `new LocalityModel(parts)`.
 */
export class LocalityModel extends Data.Class<LocalityModelParts> {
  /** Whether the model enables a module. */
  enables(moduleName: string): boolean {
    return this.modules.has(moduleName)
  }

  /**
   * The decoded settings of a module, typed by its manifest; none when the model does
   * not enable it, or when the manifest is not the one the model was checked with.
   */
  settings<Settings>(manifest: ModuleManifest.ModuleManifest<Settings>): Option.Option<Settings> {
    const registered = this.registry.get(manifest.name)
    if (Option.isNone(registered) || registered.value !== manifest || !this.modules.has(manifest.name)) {
      return Option.none()
    }
    return Option.some(this.modules.get(manifest.name) as Settings)
  }
}
