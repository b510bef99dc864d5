import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { NodeFileSystem } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Result, Schema } from "effect"
import { TestClock } from "effect/testing"
import { AssignmentsCsv, GeoJson, GridsWriter, Partition } from "../src"
import { expectValidRings, readLattice } from "./PartitionFixtures"

describe("GridsWriter", () => {
  // A 6 × 4 lattice with a hole in the middle of community A, two communities.
  const units = readLattice({
    columns: 6,
    rows: 4,
    community: (c) => (c < 3 ? "A" : "B"),
    skip: (c, r) => c === 1 && r === 1
  })
  const result = Partition.partition(units, { min: 20, max: 40 })

  it("writes one valid RFC 7946 feature per grid, with ids, properties and metadata", () => {
    const collection = GridsWriter.toGridsGeoJson(result, { generatedAt: "2026-11-21T08:00:00Z" })
    expect(Result.isSuccess(Schema.decodeUnknownResult(GeoJson.FeatureCollection)(collection))).toBe(true)
    expect(collection.generated_at).toBe("2026-11-21T08:00:00Z")
    expect(collection.gridwork).toEqual({
      version: 1,
      idScheme: "community-sequence",
      highWater: result.highWater,
      bounds: { min: 20, max: 40, target: 30 },
      units: 23,
      weight: 230
    })
    expect(collection.features.map((f) => f.id)).toEqual(result.grids.map((g) => g.id))
    const allUnits = collection.features.flatMap((f) => f.properties.units).sort()
    expect(allUnits).toEqual([...units.ids].sort())
    for (const feature of collection.features) {
      expect(feature.properties.grid_id).toBe(feature.id)
      expect(feature.properties.unit_count).toBe(feature.properties.units.length)
      expect(feature.properties.weight).toBe(10 * feature.properties.units.length)
      expect(feature.properties.status).toBe("ok")
      expect("reason" in feature.properties).toBe(false)
      const polygons =
        feature.geometry?.type === "Polygon" ? [feature.geometry.coordinates] : (feature.geometry?.coordinates ?? [])
      expect(polygons.length).toBeGreaterThan(0)
      expectValidRings(polygons)
    }
  })

  it("writes a reason for grids out of bounds", () => {
    const heavy = readLattice({ columns: 3, rows: 1, weight: (c) => (c === 0 ? 100 : 20) })
    const collection = GridsWriter.toGridsGeoJson(Partition.partition(heavy, { min: 30, max: 50 }))
    expect(collection.features.map((f) => [f.properties.status, f.properties.reason])).toEqual([
      ["over", "unit-exceeds-max"],
      ["ok", undefined]
    ])
    expect("generated_at" in collection).toBe(false)
  })

  it.effect("stamps generated_at from the Clock when writing the file", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.parse("2026-11-21T08:30:00Z"))
      const path = join(mkdtempSync(join(tmpdir(), "gridwork-grids-")), "grids.geojson")
      yield* GridsWriter.writeGridsFile(path, result)
      const written = JSON.parse(readFileSync(path, "utf8"))
      expect(written.generated_at).toBe("2026-11-21T08:30:00.000Z")
      expect(written.features).toHaveLength(result.grids.length)
      const error = yield* Effect.flip(GridsWriter.writeGridsFile(join(path, "not-a-dir", "x.geojson"), result))
      expect(error._tag).toBe("GridsWriteError")
    }).pipe(Effect.provide(NodeFileSystem.layer))
  )
})

describe("AssignmentsCsv", () => {
  const units = readLattice({ columns: 4, rows: 1 })
  const result = Partition.partition(units, { min: 15, max: 25 })

  it("writes unit_id,grid_id for every unit and parses it back", () => {
    const csv = AssignmentsCsv.toCsv(result)
    expect(csv.split("\n")[0]).toBe("unit_id,grid_id")
    expect(csv.split("\n")).toHaveLength(units.size + 2) // header, rows, trailing newline
    const rows = AssignmentsCsv.parse(csv)
    expect(rows.map((r) => [r.unit_id, r.grid_id])).toEqual(Partition.assignmentPairs(result).map(([u, g]) => [u, g]))
  })

  it("quotes fields with commas and quotes (RFC 4180)", () => {
    const rows = AssignmentsCsv.parse('grid_id,unit_id,extra\r\n"A-1","lot ""7"", east",x\r\nA-2,plain,\r\n')
    expect(rows).toEqual([
      { unit_id: 'lot "7", east', grid_id: "A-1" },
      { unit_id: "plain", grid_id: "A-2" }
    ])
  })

  it("names the line and the rule for bad input", () => {
    expect(() => AssignmentsCsv.parse("")).toThrow(/empty/)
    expect(() => AssignmentsCsv.parse("unit,grid\na,b\n")).toThrow(
      /line 1: the header must have columns unit_id and grid_id/
    )
    expect(() => AssignmentsCsv.parse("unit_id,grid_id\na,G-1\na,G-2\n")).toThrow(/line 3: unit "a" is assigned twice/)
    expect(() => AssignmentsCsv.parse("unit_id,grid_id\na,\n")).toThrow(/line 2/)
    expect(() => AssignmentsCsv.parse('unit_id,grid_id\n"a,G-1\n')).toThrow(/not closed/)
  })

  it.effect("writes and reads files", () =>
    Effect.gen(function* () {
      const path = join(mkdtempSync(join(tmpdir(), "gridwork-csv-")), "assignments.csv")
      yield* AssignmentsCsv.writeFile(path, result)
      const rows = yield* AssignmentsCsv.readFile(path)
      expect(rows).toHaveLength(units.size)
      const missing = yield* Effect.flip(AssignmentsCsv.readFile(`${path}.missing`))
      expect(missing.message).toContain("cannot read")
    }).pipe(Effect.provide(NodeFileSystem.layer))
  )
})
