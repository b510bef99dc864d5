import { assert, describe, expect, it } from "@effect/vitest"
import { Option, Result } from "effect"
import { LocalityModelError, ModelParser, ModuleRegistry, ResponsibilityModule, SourceDocument } from "../src"
import { fixturePath, readFixture, readFixtureReference } from "./fixtures/models/files"

const parseFixture = (name: string) =>
  ModelParser.parseModel(readFixture(name), fixturePath(name), ModuleRegistry.core, { readFile: readFixtureReference })

const problemsOf = (name: string): ReadonlyArray<LocalityModelError.ModelProblem> => {
  const result = parseFixture(name)
  assert(Result.isFailure(result), `${name} should not load`)
  return result.failure.problems
}

/**
 * Each malformed fixture, the problem it must produce (file, path, rule) and the line
 * where the path is written.
 */
const malformed: ReadonlyArray<{
  readonly fixture: string
  readonly file?: string
  readonly path: string
  readonly rule: string
  readonly line: number
}> = [
  { fixture: "unknown-parent.yaml", path: "jurisdictions[3].parent", rule: "jurisdiction.unknown-parent", line: 9 },
  { fixture: "duplicate-code.yaml", path: "jurisdictions[3].code", rule: "jurisdiction.duplicate-code", line: 9 },
  { fixture: "cycle.yaml", path: "jurisdictions[4].parent", rule: "jurisdiction.cycle", line: 10 },
  { fixture: "tier-mismatch.yaml", path: "jurisdictions[3].parent", rule: "jurisdiction.tier-mismatch", line: 9 },
  { fixture: "leaf-tier.yaml", path: "jurisdictions[4]", rule: "jurisdiction.leaf-tier", line: 10 },
  { fixture: "code-pattern.yaml", path: "jurisdictions[2].code", rule: "schema.pattern", line: 8 },
  { fixture: "unknown-role.yaml", path: "actors[0].assignments[0].role", rule: "organization.unknown-role", line: 19 },
  {
    fixture: "unit-unknown-jurisdiction.yaml",
    path: "units[1].jurisdiction",
    rule: "organization.unknown-jurisdiction",
    line: 13
  },
  {
    fixture: "unknown-permission.yaml",
    path: "roles[0].permissions[0]",
    rule: "organization.unknown-permission",
    line: 15
  },
  { fixture: "holiday-date.yaml", path: "calendar.holidays[0].date", rule: "calendar.invalid-date", line: 13 },
  { fixture: "bad-time-zone.yaml", path: "calendar.timeZone", rule: "schema.check", line: 10 },
  { fixture: "unknown-module.yaml", path: "modules.petitions", rule: "module.unknown", line: 21 },
  {
    fixture: "deadline-unit.yaml",
    path: "modules.responsibility.deadlines[0].within.unit",
    rule: "schema.type",
    line: 29
  },
  {
    fixture: "unknown-owner.yaml",
    path: "modules.responsibility.deadlines[0].owner",
    rule: "responsibility.unknown-owner",
    line: 28
  },
  {
    fixture: "warn-at-order.yaml",
    path: "modules.responsibility.deadlines[0].warnAt[1]",
    rule: "schema.check",
    line: 29
  },
  {
    fixture: "json-deadline.json",
    path: "modules.responsibility.deadlines[0].within.unit",
    rule: "responsibility.no-working-hours",
    line: 20
  },
  { fixture: "missing-calendar.yaml", path: "calendar", rule: "schema.required", line: 2 },
  { fixture: "unknown-key.yaml", path: "teirs", rule: "schema.unknown-key", line: 5 },
  { fixture: "version-number.yaml", path: "version", rule: "schema.type", line: 2 },
  { fixture: "geojson-missing-file.yaml", path: "jurisdictions.file", rule: "file.unreadable", line: 5 },
  {
    fixture: "geojson-bad.yaml",
    file: "bad-jurisdictions.geojson",
    path: "features[2].properties.parent_id",
    rule: "jurisdiction.unknown-parent",
    line: 6
  },
  {
    fixture: "geojson-bad.yaml",
    file: "bad-jurisdictions.geojson",
    path: "features[3].properties.id",
    rule: "schema.required",
    line: 7
  }
]

describe("ModelParser.parseModel: malformed models", () => {
  it("has at least ten distinct malformed fixtures", () => {
    expect(new Set(malformed.map((m) => m.fixture)).size).toBeGreaterThanOrEqual(10)
  })

  for (const m of malformed) {
    it(`${m.fixture}: ${m.rule} at ${m.path || "(whole file)"}`, () => {
      const problems = problemsOf(m.fixture)
      const file = fixturePath(m.file ?? m.fixture)
      const found = problems.find((p) => p.path === m.path && p.rule === m.rule)
      assert(
        found !== undefined,
        `expected ${m.rule} at ${m.path}; got:\n${problems.map((p) => p.render()).join("\n")}`
      )
      expect(found.file).toBe(file)
      expect(found.line).toBe(m.line)
      expect(found.column).toBeGreaterThanOrEqual(1)
      expect(found.message.length).toBeGreaterThan(10)
    })
  }

  it("reports a single problem for a single mistake (no cascades)", () => {
    for (const name of [
      "unknown-parent.yaml",
      "unknown-role.yaml",
      "unknown-module.yaml",
      "holiday-date.yaml",
      "geojson-missing-file.yaml"
    ]) {
      expect(problemsOf(name).map((p) => p.rule)).toHaveLength(1)
    }
  })

  it("reports every problem of a model with several at once, in file order", () => {
    const problems = problemsOf("several-errors.yaml")
    expect(problems.map((p) => [p.path, p.rule])).toEqual([
      ["locality.id", "schema.pattern"],
      ["jurisdictions[3].parent", "jurisdiction.unknown-parent"],
      ["jurisdictions[4].code", "jurisdiction.duplicate-code"],
      ["calendar.holidays[0].date", "calendar.invalid-date"],
      ["units[1].jurisdiction", "organization.unknown-jurisdiction"],
      ["actors[0].assignments[0].role", "organization.unknown-role"],
      ["actors[0].assignments[1].unit", "organization.unknown-unit"],
      ["modules.petitions", "module.unknown"],
      ["modules.responsibility.deadlines[0].within.amount", "schema.greater-than"],
      ["modules.responsibility.deadlines[0].within.unit", "schema.type"]
    ])
    const lines = problems.map((p) => p.line ?? 0)
    expect([...lines].sort((a, b) => a - b)).toEqual(lines)
  })

  it("renders the error with file:line:column, path, message and rule on each line", () => {
    const result = parseFixture("unknown-parent.yaml")
    assert(Result.isFailure(result))
    const text = result.failure.render()
    expect(text).toContain(`${fixturePath("unknown-parent.yaml")}: 1 problem in the locality model`)
    expect(text).toContain(`${fixturePath("unknown-parent.yaml")}:9:55  jurisdictions[3].parent  parent "c.t9"`)
    expect(text).toContain("[jurisdiction.unknown-parent]")
    expect(result.failure.message).toBe(text)
    expect(result.failure._tag).toBe("LocalityModelError")
  })

  it("names the other entry of a duplicate by its place in the source", () => {
    const [problem] = problemsOf("duplicate-code.yaml")
    expect(problem?.message).toContain("already used by jurisdictions[2] (Village 1)")
  })

  it("lists the expected keys for an unknown key and the registered modules for an unknown module", () => {
    expect(problemsOf("unknown-key.yaml")[0]?.message).toContain("expected one of: version, locality, tiers")
    expect(problemsOf("unknown-module.yaml")[0]?.message).toBe(
      'unknown module "petitions"; registered modules: responsibility'
    )
  })

  it("fails with a clear problem when a referenced file cannot be supplied", () => {
    const result = ModelParser.parseModel(readFixture("valid-geojson.yaml"), "valid-geojson.yaml")
    assert(Result.isFailure(result))
    expect(result.failure.problems.map((p) => [p.path, p.rule])).toEqual([["jurisdictions.file", "file.unreadable"]])
  })

  // Syntax errors live here rather than in fixture files, which the repository's linter parses.
  it("reports YAML syntax errors with their line, and nothing else", () => {
    const text = `version: "1"
locality: { id: t1, name: T, languages: [en] }
jurisdictions:
  - { code: c, name: C, level: county
  - { code: c.a, name: A, level: township, parent: c }
`
    const result = ModelParser.parseModel(text, "broken.yaml")
    assert(Result.isFailure(result))
    const [first] = result.failure.problems
    expect([first?.file, first?.path, first?.rule, first?.line]).toEqual(["broken.yaml", "", "syntax.yaml", 5])
    expect(result.failure.problems.every((p) => p.rule === "syntax.yaml")).toBe(true)
  })

  it("reports a JSON syntax error with its line and column", () => {
    const text = '{\n  "version": "1",\n  "tiers": ["county"],\n}\n'
    const result = ModelParser.parseModel(text, "broken.json")
    assert(Result.isFailure(result))
    expect(result.failure.problems.map((p) => [p.path, p.rule, p.line, p.column])).toEqual([["", "syntax.json", 4, 1]])
  })

  it("rejects a file whose format it cannot tell", () => {
    const result = ModelParser.parseModel("version: 1", "model.txt")
    assert(Result.isFailure(result))
    expect(result.failure.problems[0]?.rule).toBe("file.unsupported-extension")
  })

  it("reports a root that is not a mapping", () => {
    const result = ModelParser.parseModel("- 1\n- 2\n", "list.yaml")
    assert(Result.isFailure(result))
    expect(result.failure.problems.map((p) => [p.path, p.rule])).toEqual([["", "schema.type"]])
  })
})

describe("ModelParser.parseModel: valid models", () => {
  it("loads a YAML model with its tree, organization, calendar and deadlines", () => {
    const model = Result.getOrThrow(parseFixture("valid-minimal.yaml"))
    expect(model.locality.id).toBe("testville")
    expect(model.tiers).toEqual(["village", "township", "county"])
    expect(model.jurisdictions.children("c.t1").map((j) => j.code)).toEqual(["c.t1.v1", "c.t1.v2"])
    expect(
      model.organization.can("019a6f40-0000-7000-8000-0000000000a1", "responsibility.view-ledger", "c.t1.v2")
    ).toBe(true)
    expect(model.businessCalendar.timeZone).toBe("UTC")
    const deadlines = ResponsibilityModule.deadlinesOf(model)
    expect(deadlines.map((d) => [d.id, d.opensOn, d.within.amount, d.within.unit])).toEqual([
      ["r1", ["A"], 15, "calendar-days"]
    ])
    expect(model.jurisdictionSource).toEqual({ _tag: "Inline" })
  })

  it("loads a JSON model with nested children; an empty module section takes the defaults", () => {
    const model = Result.getOrThrow(parseFixture("valid-minimal.json"))
    expect(model.jurisdictions.parent("c.t1").pipe(Option.map((j) => j.code))).toEqual(Option.some("c"))
    expect(model.settings(ResponsibilityModule.manifest)).toEqual(Option.some({ deadlines: [] }))
    expect(model.organization.grantsOf("leader")).toEqual([
      "responsibility.approve-extension",
      "responsibility.view-ledger",
      "responsibility.view-obligations",
      "responsibility.pause-clock",
      "responsibility.simulate"
    ])
  })

  it("loads jurisdictions from a GeoJSON FeatureCollection with renamed properties", () => {
    const model = Result.getOrThrow(parseFixture("valid-geojson.yaml"))
    expect(model.jurisdictions.size).toBe(4)
    expect(model.jurisdictions.ancestors("c.t1.v2").map((j) => j.code)).toEqual(["c.t1", "c"])
    assert(model.jurisdictionSource._tag === "GeoJson")
    expect(model.jurisdictionSource.file).toBe(fixturePath("jurisdictions.geojson"))
    expect(model.jurisdictionSource.reference.codeProperty).toBe("id")
  })

  it("rejects a nested entry that names a different parent than the one it is nested in", () => {
    const text = `version: "1"
locality: { id: t1, name: T, languages: [en] }
tiers: [township, county]
jurisdictions:
  - code: c
    name: C
    level: county
    children:
      - { code: c.a, name: A, level: township, parent: c.b }
calendar: { timeZone: UTC }
`
    const result = ModelParser.parseModel(text, "nested.yaml")
    assert(Result.isFailure(result))
    expect(result.failure.problems.map((p) => [p.path, p.rule, p.line])).toEqual([
      ["jurisdictions[0].children[0].parent", "jurisdiction.parent-conflict", 9]
    ])
  })
})

describe("ModelParser.siblingPath", () => {
  it("resolves a reference next to the model file", () => {
    expect(ModelParser.siblingPath("examples/x/model.yaml", "j.geojson")).toBe("examples/x/j.geojson")
    expect(ModelParser.siblingPath("model.yaml", "./data/j.geojson")).toBe("data/j.geojson")
    expect(ModelParser.siblingPath("a/b/model.yaml", "../j.geojson")).toBe("a/j.geojson")
    expect(ModelParser.siblingPath("a/model.yaml", "/srv/j.geojson")).toBe("/srv/j.geojson")
  })
})

describe("LocalityModelError.formatPath", () => {
  it("writes indexes in brackets and odd keys quoted", () => {
    expect(LocalityModelError.formatPath(["modules", "responsibility", "deadlines", 0, "within", "unit"])).toBe(
      "modules.responsibility.deadlines[0].within.unit"
    )
    expect(LocalityModelError.formatPath(["units", "odd key"])).toBe('units["odd key"]')
    expect(LocalityModelError.formatPath([])).toBe("")
  })
})

describe("SourceDocument", () => {
  it("locates keys and items of a YAML document, falling back to the deepest existing node", () => {
    const doc = Result.getOrThrow(SourceDocument.parse("a:\n  b: [1, 2]\n  c:\n    - x: 1\n", "x.yaml"))
    expect(doc.locate(["a", "b", 1])).toEqual({ line: 2, column: 10 })
    expect(doc.locate(["a", "c", 0, "x"])).toEqual({ line: 4, column: 7 })
    expect(doc.locate(["a", "missing", 3])).toEqual({ line: 1, column: 1 })
  })

  it("keeps dates and times as strings (YAML 1.2 core schema)", () => {
    const doc = Result.getOrThrow(SourceDocument.parse("d: 2026-10-01\nt: 08:30\n", "x.yaml"))
    expect(doc.value).toEqual({ d: "2026-10-01", t: "08:30" })
  })

  it("reports every YAML syntax error with its line", () => {
    const result = SourceDocument.parse("a: [1, 2\nb: {c: 1\n", "x.yaml")
    assert(Result.isFailure(result))
    expect(result.failure.length).toBeGreaterThanOrEqual(1)
    expect(result.failure.every((p) => p.rule === "syntax.yaml" && (p.line ?? 0) >= 1)).toBe(true)
  })

  it("rejects duplicate keys", () => {
    const result = SourceDocument.parse("a: 1\na: 2\n", "x.yaml")
    assert(Result.isFailure(result))
    expect(result.failure[0]?.line).toBe(2)
  })

  it("locates paths in JSON too", () => {
    const doc = Result.getOrThrow(SourceDocument.parse('{\n  "a": [\n    {"b": 1}\n  ]\n}\n', "x.json"))
    expect(doc.locate(["a", 0, "b"])).toEqual({ line: 3, column: 6 })
  })
})
