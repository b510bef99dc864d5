import { describe, it } from "@effect/vitest"
import { ModelParser } from "@gridwork/core"
import { StaffingPolicy } from "@gridwork/grid"
import { Result } from "effect"
import { assert } from "vitest"
import * as Locality from "../src/config/Locality"
import * as Fixture from "./support/GridFixture"

const minimal = (grid: string) => `
version: "1"
locality: { id: town, name: Town, languages: [en] }
tiers: [ward, town]
jurisdictions:
  - { code: town, name: Town, level: town }
  - { code: town.north, name: North, level: ward, parent: town }
calendar: { timeZone: UTC, base: weekdays, whenYearMissing: provisional, years: [] }
units: []
roles: [{ code: planner, name: Planner, permissions: [grid.partition, grid.view] }]
modules:
${grid}
`

describe("Locality", () => {
  it("maps communities to jurisdiction chains and roles to grants", () => {
    const locality = Fixture.locality()
    assert.strictEqual(locality.id, "providence")
    assert.strictEqual(locality.root, "providence")
    assert.deepStrictEqual<ReadonlyArray<string>>(locality.jurisdictionsOf("3"), ["providence.ward-3", "providence"])
    assert.deepStrictEqual<ReadonlyArray<string>>(locality.jurisdictionsOf("99"), [])
    assert.strictEqual(locality.jurisdictionOf("99"), "providence")
    assert.strictEqual(locality.jurisdictionOf(null), "providence")
    assert.isTrue(locality.isWithin("providence.ward-3", "providence"))
    assert.isFalse(locality.isWithin("providence", "providence.ward-3"))
    assert.deepStrictEqual(locality.roleGrants["ward-coordinator"], ["grid.view", "grid.edit-roster"])
  })

  it("takes the grid module's defaults when the section is empty, and a table over the template", () => {
    const parsed = ModelParser.parseModel(minimal("  grid: {}"), "town.yaml", Locality.registry)
    const locality = Locality.make(Result.getOrThrow(parsed))
    assert.deepStrictEqual(locality.settings.staffing, StaffingPolicy.defaultPolicy)
    assert.deepStrictEqual(locality.settings.audit, { gridsMaxAgeDays: 365, rosterMaxAgeDays: 90 })
    assert.deepStrictEqual<ReadonlyArray<string>>(locality.jurisdictionsOf("north"), [])
    const mapped = Locality.make(
      Result.getOrThrow(
        ModelParser.parseModel(
          minimal("  grid: { communities: { map: { N: town.north } } }"),
          "town.yaml",
          Locality.registry
        )
      )
    )
    assert.deepStrictEqual<ReadonlyArray<string>>(mapped.jurisdictionsOf("N"), ["town.north", "town"])
  })

  it("refuses a community mapped to an unknown jurisdiction, and a template without {community}", () => {
    const unknown = ModelParser.parseModel(
      minimal("  grid: { communities: { map: { N: town.south } } }"),
      "town.yaml",
      Locality.registry
    )
    assert.isTrue(Result.isFailure(unknown))
    if (Result.isFailure(unknown)) assert.include(unknown.failure.message, "town.south")
    const template = ModelParser.parseModel(
      minimal("  grid: { communities: { jurisdiction: town.ward } }"),
      "town.yaml",
      Locality.registry
    )
    assert.isTrue(Result.isFailure(template))
    if (Result.isFailure(template)) assert.include(template.failure.message, "{community}")
  })
})
