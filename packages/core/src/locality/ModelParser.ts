/**
 * The pure locality model parser: text in, a checked {@link LocalityModel} or a
 * {@link LocalityModelError} listing every problem out. No I/O: files the model refers
 * to (a GeoJSON of jurisdictions) are supplied by `readFile`. `ModelLoader` wraps it
 * with the file system.
 *
 * It decodes each section on its own (so one bad section does not hide another), every
 * list item on its own (so one bad unit does not hide the checks of the others), then
 * runs the cross-field checks on whatever decoded: jurisdiction tree (unknown parent,
 * duplicate code, cycle, tier mismatch, leaves), organization (unknown jurisdiction,
 * unit, role or permission), unknown modules, and each module's own checks.
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs"
 * import { Result } from "effect"
 * import { ModelParser, ModuleRegistry } from "@gridwork/core"
 *
 * const file = "examples/localities/lanxi-county.yaml"
 * const result = ModelParser.parseModel(readFileSync(file, "utf8"), file, ModuleRegistry.core)
 * if (Result.isFailure(result)) console.error(result.failure.render())
 * else console.log(result.success.version, result.success.tiers) // 2026.1 [ 'grid', 'village', 'township', 'county' ]
 * ```
 * @module
 */
import { Result, Schema } from "effect"
import * as BusinessCalendar from "../calendar/BusinessCalendar"
import * as CalendarSpec from "../calendar/CalendarSpec"
import { Jurisdiction, TierName } from "../jurisdiction/Jurisdiction"
import * as JurisdictionTree from "../jurisdiction/JurisdictionTree"
import { Actor } from "../organization/Actor"
import * as Organization from "../organization/Organization"
import { Role } from "../organization/Role"
import { Unit } from "../organization/Unit"
import { JurisdictionCode } from "../primitives/Ids"
import * as LocalityModel from "./LocalityModel"
import { formatPath, LocalityModelError, ModelProblem } from "./LocalityModelError"
import * as ModuleManifest from "./ModuleManifest"
import * as ModuleRegistry from "./ModuleRegistry"
import * as SchemaProblems from "./SchemaProblems"
import * as SourceDocument from "./SourceDocument"

/** Options of {@link parseModel}. */
export interface ParseOptions {
  /**
   * Supplies a file the model refers to, by the reference as written in the model
   * (relative to the model file); fails with a reason when it cannot.
   */
  readonly readFile?: ((reference: string) => Result.Result<string, string>) | undefined
}

type Path = ReadonlyArray<PropertyKey>

/** Collects problems with their file positions. */
class Problems {
  readonly list: Array<ModelProblem> = []

  add(doc: SourceDocument.SourceDocument, path: Path, rule: string, message: string): void {
    const position = doc.locate(path)
    this.list.push(
      new ModelProblem({
        file: doc.file,
        path: formatPath(path),
        rule,
        message,
        ...(position === undefined ? {} : { line: position.line, column: position.column })
      })
    )
  }

  addAll(doc: SourceDocument.SourceDocument, problems: ReadonlyArray<SchemaProblems.SchemaProblem>): void {
    for (const p of problems) this.add(doc, p.path, p.rule, p.message)
  }

  addSyntax(file: string, problems: ReadonlyArray<SourceDocument.SyntaxProblem>, path = ""): void {
    for (const p of problems) {
      this.list.push(
        new ModelProblem({
          file,
          path,
          rule: p.rule,
          message: p.message,
          ...(p.line === undefined ? {} : { line: p.line, column: p.column ?? 1 })
        })
      )
    }
  }

  /** Decodes, recording problems; returns the value or undefined. */
  decode<A>(doc: SourceDocument.SourceDocument, schema: Schema.Decoder<A>, input: unknown, path: Path): A | undefined {
    const result = SchemaProblems.decode(schema, input, path)
    if (Result.isFailure(result)) {
      this.addAll(doc, result.failure)
      return undefined
    }
    return result.success
  }
}

/** Where a decoded item came from, for mapping cross-field problems back to the file. */
interface Origin {
  readonly doc: SourceDocument.SourceDocument
  readonly path: Path
  /** Field name in the source for each field of the item (GeoJSON properties may be renamed). */
  readonly fields?: Readonly<Record<string, string>> | undefined
}

const TopLevel = Schema.Struct({
  version: Schema.Unknown,
  locality: Schema.Unknown,
  tiers: Schema.Unknown,
  leavesAllowedAt: Schema.optionalKey(Schema.Unknown),
  jurisdictions: Schema.Unknown,
  calendar: Schema.Unknown,
  units: Schema.optionalKey(Schema.Unknown),
  roles: Schema.optionalKey(Schema.Unknown),
  actors: Schema.optionalKey(Schema.Unknown),
  privacyClasses: Schema.optionalKey(Schema.Unknown),
  modules: Schema.optionalKey(Schema.Unknown)
})

const UnknownList = Schema.Array(Schema.Unknown)
const UnknownRecord = Schema.Record(Schema.String, Schema.Unknown)

const stringField = (value: unknown, key: string): string | undefined => {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined
  const field = (value as Record<string, unknown>)[key]
  return typeof field === "string" ? field : undefined
}

/** `dir/of/model.yaml` + `x.geojson` → `dir/of/x.geojson` (absolute references stay as they are). */
export const siblingPath = (modelFile: string, reference: string): string => {
  if (reference.startsWith("/") || /^[A-Za-z]:[\\/]/.test(reference)) return reference
  const slash = Math.max(modelFile.lastIndexOf("/"), modelFile.lastIndexOf("\\"))
  const parts = (slash < 0 ? "" : modelFile.slice(0, slash + 1)) + reference
  const out: Array<string> = []
  for (const part of parts.split("/")) {
    if (part === "." || (part === "" && out.length > 0)) continue
    if (part === ".." && out.length > 0 && out[out.length - 1] !== "..") out.pop()
    else out.push(part)
  }
  return out.join("/")
}

/** The files a model refers to (today: a GeoJSON of jurisdictions), as written; empty when the text does not parse. */
export const referencesOf = (text: string, fileName: string): ReadonlyArray<string> => {
  const doc = SourceDocument.parse(text, fileName)
  if (Result.isFailure(doc)) return []
  const value = doc.success.value
  const jurisdictions =
    typeof value === "object" && value !== null ? (value as Record<string, unknown>).jurisdictions : undefined
  const file = Array.isArray(jurisdictions) ? undefined : stringField(jurisdictions, "file")
  return file === undefined ? [] : [file]
}

/** Jurisdictions collected from the source, with where each came from. */
interface Collected {
  readonly items: Array<Jurisdiction>
  readonly origins: Array<Origin>
  readonly undecoded: Set<string>
  readonly undecodedParents: Set<string>
}

interface DecodedList<A> {
  readonly items: ReadonlyArray<A>
  readonly origins: ReadonlyArray<Origin>
  /** Codes (or ids) of items that did not decode. */
  readonly undecoded: ReadonlySet<string>
}

const decodeList = <A>(
  problems: Problems,
  doc: SourceDocument.SourceDocument,
  schema: Schema.Decoder<A>,
  input: unknown,
  key: string,
  codeField: string
): DecodedList<A> => {
  const items: Array<A> = []
  const origins: Array<Origin> = []
  const undecoded = new Set<string>()
  if (input === undefined) return { items, origins, undecoded }
  const list = problems.decode(doc, UnknownList, input, [key])
  list?.forEach((raw, index) => {
    const value = problems.decode(doc, schema, raw, [key, index])
    if (value === undefined) {
      const code = stringField(raw, codeField)
      if (code !== undefined) undecoded.add(code)
    } else {
      items.push(value)
      origins.push({ doc, path: [key, index] })
    }
  })
  return { items, origins, undecoded }
}

const flattenInline = (
  problems: Problems,
  doc: SourceDocument.SourceDocument,
  input: ReadonlyArray<unknown>,
  path: Path,
  impliedParent: string | undefined,
  out: Collected
): void => {
  input.forEach((raw, index) => {
    const here = [...path, index]
    const entry = problems.decode(doc, LocalityModel.InlineJurisdiction, raw, here)
    const code = entry?.code ?? stringField(raw, "code")
    if (entry === undefined) {
      if (code !== undefined) out.undecoded.add(code)
      const parent = impliedParent ?? stringField(raw, "parent")
      if (parent !== undefined) out.undecodedParents.add(parent)
    } else {
      if (impliedParent !== undefined && entry.parent !== undefined && entry.parent !== impliedParent) {
        problems.add(
          doc,
          [...here, "parent"],
          "jurisdiction.parent-conflict",
          `${entry.code} is listed among the children of ${impliedParent} but names "${entry.parent}" as its parent`
        )
      }
      const parent = impliedParent ?? entry.parent
      out.items.push(
        Jurisdiction.make({
          code: entry.code,
          name: entry.name,
          level: entry.level,
          ...(parent === undefined ? {} : { parent: JurisdictionCode.make(parent) })
        })
      )
      out.origins.push({ doc, path: here })
    }
    const children =
      typeof raw === "object" && raw !== null && !Array.isArray(raw)
        ? (raw as Record<string, unknown>).children
        : undefined
    if (Array.isArray(children)) {
      flattenInline(problems, doc, children, [...here, "children"], code, out)
    }
  })
}

const FeatureCollection = Schema.Struct({
  type: Schema.Literal("FeatureCollection"),
  features: Schema.Array(Schema.Unknown)
})

const Feature = Schema.Struct({
  type: Schema.Literal("Feature"),
  properties: UnknownRecord
})

const lenient = { onExcessProperty: "ignore" } as const

const decodeLenient = <A>(
  problems: Problems,
  doc: SourceDocument.SourceDocument,
  schema: Schema.Decoder<A>,
  input: unknown,
  path: Path
): A | undefined => {
  const result = SchemaProblems.decode(schema, input, path, lenient)
  if (Result.isFailure(result)) {
    problems.addAll(doc, result.failure)
    return undefined
  }
  return result.success
}

const readGeoJson = (
  problems: Problems,
  main: SourceDocument.SourceDocument,
  reference: LocalityModel.GeoJsonReference,
  options: ParseOptions | undefined,
  out: Collected
): string | undefined => {
  const display = siblingPath(main.file, reference.file)
  const text: Result.Result<string, string> =
    options?.readFile === undefined
      ? Result.fail("parseModel was not given options.readFile; use ModelLoader to read referenced files")
      : options.readFile(reference.file)
  if (Result.isFailure(text)) {
    problems.add(main, ["jurisdictions", "file"], "file.unreadable", `cannot read ${display}: ${text.failure}`)
    return undefined
  }
  const parsed = SourceDocument.parse(text.success, display)
  if (Result.isFailure(parsed)) {
    problems.addSyntax(display, parsed.failure)
    return undefined
  }
  const doc = parsed.success
  const collection = decodeLenient(problems, doc, FeatureCollection, doc.value, [])
  if (collection === undefined) return undefined
  const { codeProperty, nameProperty, levelProperty, parentProperty } = reference
  const Properties = Schema.Struct({
    [codeProperty]: JurisdictionCode,
    [nameProperty]: Jurisdiction.fields.name,
    [levelProperty]: TierName,
    [parentProperty]: Schema.optionalKey(Schema.NullOr(JurisdictionCode))
  })
  const fields = { code: codeProperty, name: nameProperty, level: levelProperty, parent: parentProperty }
  collection.features.forEach((raw, index) => {
    const feature = decodeLenient(problems, doc, Feature, raw, ["features", index])
    if (feature === undefined) return
    const path = ["features", index, "properties"]
    const props = decodeLenient(problems, doc, Properties, feature.properties, path) as
      | Readonly<Record<string, string | null | undefined>>
      | undefined
    if (props === undefined) {
      const code = feature.properties[codeProperty]
      const parent = feature.properties[parentProperty]
      if (typeof code === "string") out.undecoded.add(code)
      if (typeof parent === "string") out.undecodedParents.add(parent)
      return
    }
    const parent = props[parentProperty]
    out.items.push(
      Jurisdiction.make({
        code: JurisdictionCode.make(props[codeProperty] as string),
        name: props[nameProperty] as string,
        level: TierName.make(props[levelProperty] as string),
        ...(parent === null || parent === undefined ? {} : { parent: JurisdictionCode.make(parent) })
      })
    )
    out.origins.push({ doc, path, fields })
  })
  return display
}

/** Maps a problem of a list validated on decoded items (`[key, k, ...rest]`) back to its source. */
const mapItemProblem = (
  problems: Problems,
  main: SourceDocument.SourceDocument,
  problem: { readonly path: ReadonlyArray<string | number>; readonly rule: string; readonly message: string },
  origins: Readonly<Record<string, ReadonlyArray<Origin>>>
): void => {
  const [key, index, field, ...rest] = problem.path
  const list = typeof key === "string" ? origins[key] : undefined
  const origin = typeof index === "number" ? list?.[index] : undefined
  if (origin === undefined) {
    problems.add(main, problem.path, problem.rule, problem.message)
    return
  }
  const tail =
    field === undefined ? [] : [typeof field === "string" ? (origin.fields?.[field] ?? field) : field, ...rest]
  problems.add(origin.doc, [...origin.path, ...tail], problem.rule, problem.message)
}

const dateField = /^(holidays|makeUpWorkdays|years\[\d+\]\.(holidays|makeUpWorkdays))\[\d+\]\.date$/

/** Decodes the calendar section; a holiday or make-up day that is not a real date (or not in its year) is `calendar.invalid-date`. */
const decodeCalendar = (
  problems: Problems,
  doc: SourceDocument.SourceDocument,
  input: unknown
): CalendarSpec.CalendarSpec | undefined => {
  const result = SchemaProblems.decode(CalendarSpec.CalendarSpec, input, [])
  if (Result.isSuccess(result)) return result.success
  for (const p of result.failure) {
    const rule = p.rule === "schema.check" && dateField.test(formatPath(p.path)) ? "calendar.invalid-date" : p.rule
    problems.add(doc, ["calendar", ...p.path], rule, p.message)
  }
  return undefined
}

/** `jurisdictions[0].children[2]`, or `features[3] of x.geojson` when the item comes from another file. */
const describeOrigin = (main: SourceDocument.SourceDocument, origin: Origin | undefined): string => {
  if (origin === undefined) return "another entry"
  const path = formatPath(origin.path.at(-1) === "properties" ? origin.path.slice(0, -1) : origin.path)
  return origin.doc.file === main.file ? path : `${path} of ${origin.doc.file}`
}

const tierRules = new Set([
  "jurisdiction.unknown-tier",
  "jurisdiction.tiers-empty",
  "jurisdiction.missing-parent",
  "jurisdiction.tier-mismatch",
  "jurisdiction.leaf-tier"
])

const fail = (file: string, problems: ReadonlyArray<ModelProblem>): Result.Result<never, LocalityModelError> => {
  const order = (p: ModelProblem) => (p.file === file ? 0 : 1)
  const sorted = [...problems].sort(
    (a, b) =>
      order(a) - order(b) ||
      a.file.localeCompare(b.file) ||
      (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER) ||
      (a.column ?? 0) - (b.column ?? 0)
  )
  return Result.fail(new LocalityModelError({ file, problems: sorted }))
}

/**
 * Parses and checks a locality model from its text. `fileName` names the file in
 * problems and chooses the format by extension (`.yaml`, `.yml`, `.json`); files the
 * model refers to are read with `options.readFile`.
 */
export const parseModel = (
  text: string,
  fileName: string,
  registry: ModuleRegistry.ModuleRegistry = ModuleRegistry.core,
  options?: ParseOptions
): Result.Result<LocalityModel.LocalityModel, LocalityModelError> => {
  const problems = new Problems()
  const parsed = SourceDocument.parse(text, fileName)
  if (Result.isFailure(parsed)) {
    problems.addSyntax(fileName, parsed.failure)
    return fail(fileName, problems.list)
  }
  const doc = parsed.success
  const top = problems.decode(doc, TopLevel, doc.value, [])
  const raw: Partial<Record<keyof typeof TopLevel.fields, unknown>> =
    top ??
    (typeof doc.value === "object" && doc.value !== null && !Array.isArray(doc.value)
      ? (doc.value as Record<string, unknown>)
      : {})
  if (top === undefined && Object.keys(raw).length === 0) return fail(fileName, problems.list)

  // --- plain sections
  const version =
    raw.version === undefined ? undefined : problems.decode(doc, LocalityModel.PolicyVersion, raw.version, ["version"])
  const locality =
    raw.locality === undefined
      ? undefined
      : problems.decode(doc, LocalityModel.LocalityInfo, raw.locality, ["locality"])
  const tiers =
    raw.tiers === undefined ? undefined : problems.decode(doc, Schema.NonEmptyArray(TierName), raw.tiers, ["tiers"])
  const leavesAllowedAt =
    raw.leavesAllowedAt === undefined
      ? []
      : (problems.decode(doc, Schema.Array(TierName), raw.leavesAllowedAt, ["leavesAllowedAt"]) ?? [])
  const calendar = raw.calendar === undefined ? undefined : decodeCalendar(problems, doc, raw.calendar)

  // --- jurisdictions
  const jurisdictions: Collected = { items: [], origins: [], undecoded: new Set(), undecodedParents: new Set() }
  let source: LocalityModel.JurisdictionSource | undefined
  if (Array.isArray(raw.jurisdictions)) {
    flattenInline(problems, doc, raw.jurisdictions, ["jurisdictions"], undefined, jurisdictions)
    source = { _tag: "Inline" }
  } else if (typeof raw.jurisdictions === "object" && raw.jurisdictions !== null) {
    const reference = problems.decode(doc, LocalityModel.GeoJsonReference, raw.jurisdictions, ["jurisdictions"])
    if (reference !== undefined) {
      const file = readGeoJson(problems, doc, reference, options, jurisdictions)
      if (file !== undefined) source = { _tag: "GeoJson", file, reference }
    }
  } else if (raw.jurisdictions !== undefined) {
    problems.add(
      doc,
      ["jurisdictions"],
      "schema.type",
      "expected a list of jurisdictions, or { file: <GeoJSON file> } referring to a FeatureCollection"
    )
  }
  const treeInput: JurisdictionTree.TreeInput = {
    tiers: tiers ?? [],
    leavesAllowedAt,
    jurisdictions: jurisdictions.items,
    undecodedCodes: jurisdictions.undecoded,
    undecodedParents: jurisdictions.undecodedParents,
    describe: (index) => describeOrigin(doc, jurisdictions.origins[index])
  }
  const jurisdictionsGiven =
    source !== undefined && (jurisdictions.items.length > 0 || jurisdictions.undecoded.size === 0)
  if (jurisdictionsGiven) {
    for (const problem of JurisdictionTree.validate(treeInput)) {
      if (tiers === undefined && tierRules.has(problem.rule)) continue
      mapItemProblem(problems, doc, problem, { jurisdictions: jurisdictions.origins })
    }
  }

  // --- organization
  const units = decodeList(problems, doc, Unit, raw.units, "units", "code")
  const roles = decodeList(problems, doc, Role, raw.roles, "roles", "code")
  const actors = decodeList(problems, doc, Actor, raw.actors, "actors", "id")
  const privacyClasses = decodeList(
    problems,
    doc,
    LocalityModel.PrivacyClass,
    raw.privacyClasses,
    "privacyClasses",
    "code"
  )
  const jurisdictionCodes = new Set<string>(jurisdictions.items.map((j) => j.code))
  const catalog = registry.catalog
  const organizationProblems = Organization.validate({
    units: units.items,
    roles: roles.items,
    actors: actors.items,
    catalog,
    hasJurisdiction: (code) => jurisdictionCodes.has(code) || source === undefined,
    undecoded: { units: units.undecoded, roles: roles.undecoded, jurisdictions: jurisdictions.undecoded },
    describe: (collection, index) =>
      describeOrigin(doc, { units: units.origins, roles: roles.origins, actors: actors.origins }[collection]?.[index])
  })
  for (const problem of organizationProblems) {
    mapItemProblem(problems, doc, problem, { units: units.origins, roles: roles.origins, actors: actors.origins })
  }
  const seenPrivacy = new Map<string, number>()
  privacyClasses.items.forEach((item, k) => {
    const previous = seenPrivacy.get(item.code)
    if (previous === undefined) seenPrivacy.set(item.code, k)
    else
      mapItemProblem(
        problems,
        doc,
        {
          path: ["privacyClasses", k, "code"],
          rule: "privacy.duplicate-code",
          message: `privacy class "${item.code}" is listed twice`
        },
        { privacyClasses: privacyClasses.origins }
      )
  })

  // --- modules
  const modules = new Map<string, unknown>()
  const sections =
    raw.modules === undefined || raw.modules === null
      ? {}
      : problems.decode(doc, UnknownRecord, raw.modules, ["modules"])
  const registered = registry.names
  for (const [name, section] of Object.entries(sections ?? {})) {
    const manifest = registry.get(name)
    if (manifest._tag === "None") {
      problems.add(
        doc,
        ["modules", name],
        "module.unknown",
        `unknown module "${name}"; registered modules: ${registered.length === 0 ? "none" : registered.join(", ")}`
      )
      continue
    }
    const settings = ModuleManifest.decodeSettings(manifest.value, section, ["modules", name])
    if (Result.isFailure(settings)) problems.addAll(doc, settings.failure)
    else modules.set(name, settings.success)
  }
  const context: ModuleManifest.ModelContext = {
    tiers: tiers ?? [],
    jurisdictions: new Set([...jurisdictionCodes, ...jurisdictions.undecoded]),
    units: new Set([...units.items.map((u) => u.code), ...units.undecoded]),
    roles: new Set([...roles.items.map((r) => r.code), ...roles.undecoded]),
    modules: new Set(modules.keys()),
    calendar
  }
  for (const [name, settings] of modules) {
    const manifest = registry.get(name)
    if (manifest._tag === "None") continue
    const found = ModuleManifest.validateSettings(manifest.value, settings, context)
    for (const p of found) problems.add(doc, ["modules", name, ...p.path], p.rule, p.message)
  }

  // --- result
  if (
    problems.list.length > 0 ||
    version === undefined ||
    locality === undefined ||
    tiers === undefined ||
    calendar === undefined ||
    source === undefined
  ) {
    return fail(fileName, problems.list)
  }
  const tree = JurisdictionTree.make(treeInput)
  if (Result.isFailure(tree)) {
    for (const problem of tree.failure) mapItemProblem(problems, doc, problem, { jurisdictions: jurisdictions.origins })
    return fail(fileName, problems.list)
  }
  const organization = Organization.make({
    tree: tree.success,
    units: units.items,
    roles: roles.items,
    actors: actors.items,
    catalog
  })
  if (Result.isFailure(organization)) {
    for (const problem of organization.failure) {
      mapItemProblem(problems, doc, problem, { units: units.origins, roles: roles.origins, actors: actors.origins })
    }
    return fail(fileName, problems.list)
  }
  return Result.succeed(
    new LocalityModel.LocalityModel({
      file: fileName,
      version,
      locality,
      tiers,
      leavesAllowedAt,
      jurisdictionSource: source,
      jurisdictions: tree.success,
      calendar,
      businessCalendar: BusinessCalendar.make(calendar),
      organization: organization.success,
      privacyClasses: privacyClasses.items,
      modules,
      registry
    })
  )
}
