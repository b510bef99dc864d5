import { describe, expect, it } from "@effect/vitest"
import { Instant } from "@gridwork/core"
import { Effect, Result, Schema } from "effect"
import { TestClock } from "effect/testing"
import { AuditCoverage, AuditReport, GridsReader, Overlay, Roster } from "../src"
import { gridFeature, overlayFeature, rect } from "./LookupFixtures"

const d = 0.001 // ~110 m
const grid = (id: string, i: number, properties: Record<string, unknown> = {}) =>
  gridFeature(id, rect(i * d, 0, (i + 1) * d, d), properties)

const gridsFile = (features: Array<unknown>, generatedAt = "2026-10-01T00:00:00Z") =>
  Result.getOrThrow(GridsReader.decode({ type: "FeatureCollection", generated_at: generatedAt, features }))

const now = Instant.unsafeFromIso("2026-11-21T00:00:00Z")

const cleanRoster = (ids: Array<string>, asOf = "2026-11-01T00:00:00Z") =>
  Result.getOrThrow(
    Roster.fromJson({
      as_of: asOf,
      entries: ids.flatMap((id, i) => [
        { grid_id: id, person_id: `lead-${i}`, role: "leader" },
        { grid_id: id, person_id: "cop-1", role: "police-liaison" },
        { grid_id: id, person_id: "med-1", role: "mediator" }
      ]),
      contacts: ids.flatMap((id) => [
        { grid_id: id, kind: "worker", phone: "+1 401 555 0100" },
        { grid_id: id, kind: "supervision", phone: "+1 401 555 0199" }
      ])
    })
  )

const outcomes = (report: AuditReport.AuditReport) => Object.fromEntries(report.checks.map((c) => [c.check, c.outcome]))
const rules = (report: AuditReport.AuditReport) => report.findings.map((f) => [f.rule, f.subject])

describe("AuditCoverage", () => {
  it("passes a clean partition with a full roster and a contained, current overlay", () => {
    const grids = gridsFile([grid("G-1", 0), grid("G-2", 1), grid("G-3", 2)])
    const overlays = Result.getOrThrow(
      Overlay.decodeFile({
        type: "FeatureCollection",
        features: [
          overlayFeature(
            {
              overlay_id: "kp",
              kind: "key-project",
              name: "Works",
              parent_grid_ids: ["G-1", "G-2"],
              valid_from: "2026-01-01T00:00:00Z"
            },
            rect(0.5 * d, 0.2 * d, 1.5 * d, 0.8 * d)
          )
        ]
      })
    )
    const report = AuditCoverage.audit(
      {
        grids,
        roster: { roster: cleanRoster(["G-1", "G-2", "G-3"]) },
        overlays,
        assignments: ["G-1", "G-2", "G-3"].flatMap((g) => [
          { unitId: `${g}-u1`, gridId: g },
          { unitId: `${g}-u2`, gridId: g }
        ])
      },
      now
    )
    expect(report.findings).toEqual([])
    expect(report.totals).toEqual({ grids: 3, features: 3, units: 6, rosterEntries: 9, overlays: 1 })
    expect(Object.values(outcomes(report))).toEqual(Array(9).fill("passed"))
    expect(AuditReport.hasErrors(report)).toBe(false)
    expect(AuditReport.renderText(report)).toMatch(/No findings\.\n$/)
  })

  it("reports every kind of gap at once", () => {
    const grids = gridsFile(
      [
        grid("G-1", 0, { units: ["u1", "shared"] }),
        grid("G-2", 1, {
          units: ["u2", "shared"],
          status: "over",
          weight: 1400,
          reason: "block 440070001 alone holds 1,400 persons"
        }),
        grid("G-3", 2, { units: [], weight: 0, status: "under", reason: null, community: null }),
        // Overlaps G-1 by half its area.
        {
          type: "Feature",
          geometry: rect(0.5 * d, 0, 1.5 * d, d),
          properties: { grid_id: "G-X", community: "north", units: ["u9"] }
        },
        { type: "Feature", geometry: null, properties: { grid_id: "G-bad" } }
      ],
      "2025-01-01T00:00:00Z"
    )
    const overlays = Result.getOrThrow(
      Overlay.decodeFile({
        type: "FeatureCollection",
        features: [
          overlayFeature(
            {
              overlay_id: "out",
              name: "Demolition",
              parent_grid_ids: ["G-3"],
              valid_from: "2026-01-01T00:00:00Z",
              valid_until: "2026-06-01T00:00:00Z"
            },
            rect(2.5 * d, 0.2 * d, 3.5 * d, 0.8 * d)
          ),
          overlayFeature(
            {
              overlay_id: "orphan",
              kind: "industry",
              name: "Industry",
              parent_grid_ids: ["G-404"],
              valid_from: "2027-01-01T00:00:00Z"
            },
            rect(0.1 * d, 0.1 * d, 0.2 * d, 0.2 * d)
          ),
          { type: "Feature", geometry: rect(0, 0, 1, 1), properties: { overlay_id: "broken" } }
        ]
      })
    )
    const report = AuditCoverage.audit(
      {
        grids,
        roster: { roster: cleanRoster(["G-1", "G-2"], "2026-01-01T00:00:00Z") },
        overlays,
        assignments: [
          { unitId: "u1", gridId: "G-1" },
          { unitId: "u2", gridId: "G-1" },
          { unitId: "u3", gridId: null },
          { unitId: "u4", gridId: "G-9" },
          { unitId: "shared", gridId: "G-1" },
          { unitId: "shared", gridId: "G-2" }
        ]
      },
      now
    )
    expect(rules(report)).toEqual([
      ["grid.geometry", "G-bad"],
      ["overlay.feature", "features[2].properties.kind"],
      ["overlay.feature", "features[2].properties.name"],
      ["overlay.feature", "features[2].properties.parent_grid_ids"],
      ["overlay.feature", "features[2].properties.valid_from"],
      ["coverage.unit-in-several-grids", "shared"],
      ["coverage.mismatch", "u2"],
      ["coverage.unit-in-no-grid", "u3"],
      ["coverage.unknown-grid", "u4"],
      ["coverage.unit-in-several-grids", "shared"],
      ["coverage.unit-not-in-assignments", "u9"],
      ["empty.no-units", "G-3"],
      ["empty.no-weight", "G-3"],
      ["empty.no-assigned-units", "G-X"],
      ["overlap.grids-overlap", "G-1 / G-X"],
      ["overlap.grids-overlap", "G-2 / G-X"],
      ["community.missing", "G-3"],
      ["staffing.missing-role", "G-3"],
      ["staffing.missing-role", "G-X"],
      ["staffing.missing-role", "G-3"],
      ["staffing.missing-role", "G-X"],
      ["staffing.missing-contact", "G-3"],
      ["staffing.missing-contact", "G-3"],
      ["staffing.missing-contact", "G-X"],
      ["staffing.missing-contact", "G-X"],
      ["overlay.outside-parents", "out"],
      ["overlay.expired", "out"],
      ["overlay.unknown-parent", "orphan"],
      ["overlay.not-yet-valid", "orphan"],
      ["stale.grids", "grids"],
      ["stale.roster", "roster"],
      ["status.over", "G-2"],
      ["status.under", "G-3"]
    ])
    const message = (rule: string) => report.findings.find((f) => f.rule === rule)?.message
    expect(message("overlap.grids-overlap")).toMatch(/^grids G-1 and G-X overlap by 6\d{3}\.\d m²$/)
    expect(message("overlay.outside-parents")).toMatch(/^50\.0% of the overlay \(\d+ m²\) lies outside its parents G-3/)
    expect(message("stale.grids")).toBe(
      "the grids file is 689 days old (2025-01-01T00:00:00.000Z); review it at least every 365 days"
    )
    expect(message("status.over")).toBe("status over (weight 1400): block 440070001 alone holds 1,400 persons")
    expect(message("status.under")).toBe("status under (weight 0): no reason given")
    expect(outcomes(report)).toEqual({
      input: "failed",
      coverage: "failed",
      empty: "failed",
      overlap: "failed",
      community: "warnings",
      staffing: "failed",
      overlay: "failed",
      stale: "warnings",
      status: "warnings"
    })
    const text = AuditReport.renderText(report, 2)
    expect(text).toContain("[FAIL] Every unit in exactly one grid — 5 errors, 1 warning (6 units)")
    expect(text).toContain("[warn] Data up to date — 0 errors, 2 warnings")
    expect(text).toContain("… and 4 more (use --json for all)")
    expect(text).toMatch(/24 errors, 8 warnings\.\n$/)
    // The JSON form is the Schema's encoding.
    const json = Schema.encodeSync(AuditReport.AuditReport)(report)
    expect(Schema.decodeUnknownSync(AuditReport.AuditReport)(JSON.parse(JSON.stringify(json)))).toEqual(report)
  })

  it("skips what it was not given and uses the file date when generated_at is absent", () => {
    const grids = Result.getOrThrow(
      GridsReader.decode({ type: "FeatureCollection", features: [grid("G-1", 0, { units: [] })] })
    )
    const report = AuditCoverage.audit(
      { grids: { ...grids, modifiedAt: Instant.unsafeFromIso("2020-01-01T00:00:00Z") } },
      now,
      {
        skipOverlaps: true,
        gridsMaxAgeDays: 30
      }
    )
    expect(outcomes(report)).toMatchObject({
      coverage: "skipped",
      overlap: "skipped",
      staffing: "skipped",
      overlay: "skipped"
    })
    expect(rules(report)).toEqual([["stale.grids", "grids"]])
    const undated = AuditCoverage.audit({ grids }, now)
    expect(rules(undated)).toEqual([["stale.grids-undated", "grids"]])
  })

  it.effect("runs at the Clock's instant", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Instant.unsafeFromIso("2027-06-01T00:00:00Z"))
      const report = yield* AuditCoverage.run({ grids: gridsFile([grid("G-1", 0)]) }, { gridsMaxAgeDays: 200 })
      expect(report.generatedAt).toBe("2027-06-01T00:00:00.000Z")
      expect(rules(report)).toEqual([["stale.grids", "grids"]])
    })
  )
})
