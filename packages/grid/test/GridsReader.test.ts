import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { NodeFileSystem } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Instant } from "@gridwork/core"
import { Effect, Result } from "effect"
import { GridsReader } from "../src"
import { polygon, squareRing } from "./LookupFixtures"

const square = (x: number, y: number, size = 1) => polygon(squareRing(x, y, size))

const feature = (properties: Record<string, unknown>, geometry: unknown = square(0, 0)) => ({
  type: "Feature",
  properties,
  geometry
})

const decode = (input: unknown): GridsReader.GridsFile => Result.getOrThrow(GridsReader.decode(input))

describe("GridsReader", () => {
  it("reads grids with every property, turning numeric ids and communities into strings", () => {
    const file = decode({
      type: "FeatureCollection",
      generated_at: "2026-10-01T08:00:00+08:00",
      features: [
        feature({
          grid_id: "G-1",
          community: 12,
          name: "Elm Street",
          weight: 950,
          units: ["a", 7],
          status: "ok",
          reason: null
        }),
        feature({ grid_id: "G-2" }, { type: "MultiPolygon", coordinates: [square(2, 0).coordinates] })
      ]
    })
    expect(file.problems).toEqual([])
    expect(file.features).toBe(2)
    expect(file.generatedAt).toBe(Instant.unsafeFromIso("2026-10-01T00:00:00Z"))
    expect(file.grids.map((g) => [g.gridId, g.community, g.name, g.weight, g.units, g.status, g.reason])).toEqual([
      ["G-1", "12", "Elm Street", 950, ["a", "7"], "ok", undefined],
      ["G-2", null, undefined, undefined, [], undefined, undefined]
    ])
  })

  it("reports each bad feature by index, grid id, path and rule, and keeps the good ones", () => {
    const file = decode({
      type: "FeatureCollection",
      features: [
        { type: "Nope" },
        feature({ community: "x" }),
        feature({ grid_id: "  " }),
        feature({ grid_id: "G-w", weight: -3 }),
        feature({ grid_id: "G-null" }, null),
        feature({ grid_id: "G-point" }, { type: "Point", coordinates: [0, 0] }),
        feature(
          { grid_id: "G-open" },
          {
            type: "Polygon",
            coordinates: [
              [
                [0, 0],
                [1, 0],
                [1, 1],
                [0, 1]
              ]
            ]
          }
        ),
        feature({ grid_id: "G-far" }, square(200, 0)),
        feature({ grid_id: "G-ok" }),
        feature({ grid_id: "G-ok" }, square(5, 5))
      ]
    })
    expect(file.grids.map((g) => g.gridId)).toEqual(["G-ok"])
    const rows = file.problems.map((p) => [p.featureIndex, p.gridId, p.severity, p.rule, p.path])
    expect(rows).toEqual([
      [0, undefined, "error", "grid.feature", "features[0].type"],
      [0, undefined, "error", "grid.feature", "features[0].geometry"],
      [0, undefined, "error", "grid.feature", "features[0].properties"],
      [1, undefined, "error", "grid.property", "features[1].properties.grid_id"],
      [2, "  ", "error", "grid.property", "features[2].properties.grid_id"],
      [3, "G-w", "error", "grid.property", "features[3].properties.weight"],
      [4, "G-null", "error", "grid.geometry", "features[4].geometry"],
      [5, "G-point", "error", "grid.geometry-type", "features[5].geometry.type"],
      [6, "G-open", "error", "grid.ring-open", "features[6].geometry.coordinates"],
      [7, "G-far", "error", "grid.coordinates-range", "features[7].geometry.coordinates"],
      [9, "G-ok", "error", "grid.duplicate-id", "features[9].properties.grid_id"]
    ])
    expect(file.problems.find((p) => p.featureIndex === 3)?.message).toMatch(/weight must be a number ≥ 0/)
    expect(file.problems.find((p) => p.featureIndex === 4)?.message).toMatch(/got null/)
    expect(GridsReader.formatProblem(file.problems.at(-1)!)).toBe(
      'error: features[9].properties.grid_id (grid G-ok): grid_id "G-ok" is already used by feature 8 [grid.duplicate-id]'
    )
    expect(GridsReader.errorsOf(file)).toHaveLength(11)
  })

  it("keeps self-intersecting and zero-area grids with a warning", () => {
    const bowtie = {
      type: "Polygon",
      coordinates: [
        [
          [0, 0],
          [1, 1],
          [1, 0],
          [0, 1],
          [0, 0]
        ]
      ]
    }
    const flat = {
      type: "Polygon",
      coordinates: [
        [
          [0, 0],
          [1, 0],
          [2, 0],
          [0, 0]
        ]
      ]
    }
    const file = decode({
      type: "FeatureCollection",
      features: [feature({ grid_id: "bow" }, bowtie), feature({ grid_id: "flat" }, flat)]
    })
    expect(file.grids.map((g) => g.gridId)).toEqual(["bow", "flat"])
    expect(file.problems.map((p) => [p.gridId, p.severity, p.rule])).toEqual([
      ["bow", "warning", "grid.ring-self-intersection"],
      ["flat", "warning", "grid.zero-area"]
    ])
  })

  it("fails on a document that is not a FeatureCollection, or not JSON", () => {
    const notCollection = GridsReader.decode({ type: "Feature" }, "x.geojson")
    expect(Result.isFailure(notCollection) && notCollection.failure.message).toMatch(/not a GeoJSON FeatureCollection/)
    const notJson = GridsReader.parse("{ nope", "y.geojson")
    expect(Result.isFailure(notJson) && notJson.failure).toMatchObject({ file: "y.geojson" })
    expect(Result.isFailure(notJson) && notJson.failure.message).toMatch(/not valid JSON/)
  })

  it("warns about a generated_at without an offset and ignores it", () => {
    const file = decode({ type: "FeatureCollection", generated_at: "2026-10-01T08:00:00", features: [] })
    expect(file.generatedAt).toBeUndefined()
    expect(file.problems.map((p) => p.rule)).toEqual(["grid.generated-at"])
  })

  it.effect("reads a file from disk with its modification time", () =>
    Effect.gen(function* () {
      const dir = mkdtempSync(join(tmpdir(), "gridwork-grids-"))
      const path = join(dir, "grids.geojson")
      writeFileSync(path, JSON.stringify({ type: "FeatureCollection", features: [feature({ grid_id: "G-1" })] }))
      const file = yield* GridsReader.readFile(path)
      expect(file.grids).toHaveLength(1)
      expect(typeof file.modifiedAt).toBe("number")
      const missing = yield* Effect.flip(GridsReader.readFile(join(dir, "missing.geojson")))
      expect(missing._tag).toBe("GridsFileError")
      expect(missing.message).toMatch(/cannot read/)
    }).pipe(Effect.provide(NodeFileSystem.layer))
  )
})
