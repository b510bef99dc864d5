import { assert, describe, expect, it } from "@effect/vitest"
import { Effect, Option, Result, Schema } from "effect"
import { ModelParser, ModuleManifest, ModuleRegistry, ObligationRule, ResponsibilityModule } from "../src"

// A module as another package would declare it: settings with defaults, permissions
// with default roles, and a cross-field check against the model.
const PetitionSettings = Schema.Struct({
  channels: Schema.Array(Schema.Literals(["hotline", "web", "letter", "visit", "fax"])).pipe(
    Schema.withDecodingDefaultKey(Effect.succeed(["hotline", "web"]))
  ),
  objectionWindowDays: Schema.Int.check(Schema.isGreaterThan(0)).pipe(Schema.withDecodingDefaultKey(Effect.succeed(5))),
  intakeRole: Schema.String.pipe(Schema.withDecodingDefaultKey(Effect.succeed("registrar")))
})

const petition = ModuleManifest.make({
  name: "petition",
  version: "0.3.0",
  description: "Multi-channel intake",
  settings: PetitionSettings,
  permissions: {
    register: { description: "Register a matter", defaultRoles: ["registrar"] },
    accept: { description: "Accept a matter", defaultRoles: ["case-handler"] }
  },
  validate: (settings, context) =>
    context.roles.has(settings.intakeRole)
      ? []
      : [{ path: ["intakeRole"], rule: "petition.unknown-role", message: `no role ${settings.intakeRole}` }]
})

const registry = ModuleRegistry.core.add(petition)

const model = (modules: string, roles = "[{ code: registrar, name: Registrar }]") => `version: "1"
locality: { id: t1, name: T, languages: [en] }
tiers: [township, county]
jurisdictions:
  - { code: c, name: C, level: county }
  - { code: c.a, name: A, level: township, parent: c }
calendar: { timeZone: UTC }
roles: ${roles}
modules:
${modules}
`

describe("ModuleManifest", () => {
  it("applies the defaults of an empty or missing section", () => {
    const defaults = { channels: ["hotline", "web"], objectionWindowDays: 5, intakeRole: "registrar" }
    expect(ModuleManifest.defaults(petition)).toEqual(Result.succeed(defaults))
    expect(ModuleManifest.decodeSettings(petition, null)).toEqual(Result.succeed(defaults))
    expect(ModuleManifest.decodeSettings(petition, { channels: ["fax"] })).toEqual(
      Result.succeed({ ...defaults, channels: ["fax"] })
    )
  })

  it("applies the defaults when a model enables a module with an empty section", () => {
    const loaded = Result.getOrThrow(ModelParser.parseModel(model("  petition:\n"), "m.yaml", registry))
    expect(loaded.settings(petition)).toEqual(
      Option.some({ channels: ["hotline", "web"], objectionWindowDays: 5, intakeRole: "registrar" })
    )
    expect(loaded.enables("responsibility")).toBe(false)
    expect(loaded.settings(ResponsibilityModule.manifest)).toEqual(Option.none())
  })

  it("validates a module's section with the module's own schema, every error at once", () => {
    const result = ModelParser.parseModel(
      model("  petition:\n    channels: [hotline, pigeon]\n    objectionWindowDays: 0\n    tone: friendly\n"),
      "m.yaml",
      registry
    )
    assert(Result.isFailure(result))
    expect(result.failure.problems.map((p) => [p.path, p.rule, p.line])).toEqual([
      ["modules.petition.channels[1]", "schema.type", 11],
      ["modules.petition.objectionWindowDays", "schema.greater-than", 12],
      ["modules.petition.tone", "schema.unknown-key", 13]
    ])
  })

  it("runs the module's cross-field checks against the rest of the model", () => {
    const result = ModelParser.parseModel(model("  petition: { intakeRole: clerk }\n"), "m.yaml", registry)
    assert(Result.isFailure(result))
    expect(result.failure.problems.map((p) => [p.path, p.rule, p.message])).toEqual([
      ["modules.petition.intakeRole", "petition.unknown-role", "no role clerk"]
    ])
  })

  it("rejects unknown module names and lists the registered ones", () => {
    const result = ModelParser.parseModel(model("  mediation: {}\n  petition: {}\n"), "m.yaml", registry)
    assert(Result.isFailure(result))
    expect(result.failure.problems.map((p) => [p.path, p.rule, p.message])).toEqual([
      [
        "modules.mediation",
        "module.unknown",
        'unknown module "mediation"; registered modules: petition, responsibility'
      ]
    ])
  })

  it("declares permissions as <module>.<action> with their default roles, granted through the model's roles", () => {
    expect([...ModuleManifest.permissionsOf(petition).keys()]).toEqual(["petition.register", "petition.accept"])
    const loaded = Result.getOrThrow(ModelParser.parseModel(model("  petition: {}\n"), "m.yaml", registry))
    expect(loaded.organization.grantsOf("registrar")).toEqual(["petition.register"])
  })

  it("refuses a malformed manifest with every problem named", () => {
    expect(() =>
      ModuleManifest.make({
        name: "Petition Module",
        version: "one",
        description: "",
        settings: Schema.Struct({}),
        permissions: { "Accept!": { description: "x", defaultRoles: [] } }
      })
    ).toThrow(/Invalid module manifest "Petition Module":\n {2}name: .*\n {2}version: .*\n {2}permissions\.Accept!/)
  })

  it("refuses two manifests with one name, and types settings by manifest identity", () => {
    expect(() => registry.add(petition)).toThrow('Module "petition" is registered twice')
    expect(registry.names).toEqual(["petition", "responsibility"])
    const impostor = ModuleManifest.make({ ...petition })
    const loaded = Result.getOrThrow(ModelParser.parseModel(model("  petition: {}\n"), "m.yaml", registry))
    expect(loaded.settings(impostor)).toEqual(Option.none())
  })
})

describe("ResponsibilityModule and ObligationRule", () => {
  const rule = {
    id: "petition.handle",
    title: "Handle an accepted matter",
    module: "petition",
    opensOn: "PetitionAccepted",
    fulfilledBy: ["PetitionReplied", "mediation.DisputeSettled"],
    owner: "holder",
    within: { amount: 60, unit: "calendar-days" },
    extension: { max: 1, amount: 30, unit: "calendar-days", requiresApproval: true },
    warnAt: [0.5, 0.8],
    source: { law: "信访工作条例 (2022)", article: "32" }
  }

  it("decodes a rule, turning a single event type into a list", () => {
    const decoded = Schema.decodeUnknownSync(ObligationRule.ObligationRule)(rule)
    expect(decoded.opensOn).toEqual(["PetitionAccepted"])
    expect(decoded.fulfilledBy).toEqual(["PetitionReplied", "mediation.DisputeSettled"])
    expect(decoded.extension?.requiresApproval).toBe(true)
    expect(Schema.encodeSync(ObligationRule.ObligationRule)(decoded).opensOn).toBe("PetitionAccepted")
  })

  it("rejects bad periods, shares, owners and event types with their paths", () => {
    const result = ModuleManifest.decodeSettings(ResponsibilityModule.manifest, {
      deadlines: [
        {
          ...rule,
          opensOn: "petition accepted",
          owner: "Has Space",
          within: { amount: 1.5, unit: "fortnights" },
          warnAt: [0, 1.2]
        }
      ]
    })
    assert(Result.isFailure(result))
    expect(result.failure.map((p) => [p.path.join("."), p.rule])).toEqual([
      ["deadlines.0.opensOn", "schema.pattern"],
      ["deadlines.0.owner", "schema.pattern"],
      ["deadlines.0.within.amount", "schema.int"],
      ["deadlines.0.within.unit", "schema.type"],
      ["deadlines.0.warnAt.0", "schema.check"],
      ["deadlines.0.warnAt.1", "schema.check"]
    ])
  })

  it("has no deadlines by default and checks rule ids are unique", () => {
    expect(ModuleManifest.defaults(ResponsibilityModule.manifest)).toEqual(Result.succeed({ deadlines: [] }))
    const settings = Result.getOrThrow(
      ModuleManifest.decodeSettings(ResponsibilityModule.manifest, { deadlines: [rule, rule] })
    )
    const problems = ModuleManifest.validateSettings(ResponsibilityModule.manifest, settings, {
      tiers: [],
      jurisdictions: new Set(),
      units: new Set(),
      roles: new Set(),
      modules: new Set(["responsibility"]),
      calendar: undefined
    })
    expect(problems.map((p) => [p.path.join("."), p.rule])).toEqual([["deadlines.1.id", "responsibility.duplicate-id"]])
  })

  it("narrows a rule to categories and their sub-categories", () => {
    const scoped = Schema.decodeUnknownSync(ObligationRule.ObligationRule)({
      ...rule,
      appliesTo: { categories: ["streets"] }
    })
    expect(ObligationRule.appliesToCategory(scoped, "streets.pothole")).toBe(true)
    expect(ObligationRule.appliesToCategory(scoped, "streets")).toBe(true)
    expect(ObligationRule.appliesToCategory(scoped, "streetsweeping")).toBe(false)
    const everything = Schema.decodeUnknownSync(ObligationRule.ObligationRule)(rule)
    expect(ObligationRule.appliesToCategory(everything, "noise")).toBe(true)
  })
})
