import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { NodeFileSystem } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { SyntheticUnits, UnitsReader } from "../src"
import { squareRing } from "./LookupFixtures"
import { latticeOptions as options } from "./PartitionFixtures"

const square = (x: number, y: number, size = 0.001) => squareRing(x, y, size)
const polygonFeature = (properties: Record<string, unknown> | null, ring: unknown = square(0, 0)) => ({
  type: "Feature",
  properties,
  geometry: { type: "Polygon", coordinates: [ring] }
})
const collection = (features: ReadonlyArray<unknown>) => ({ type: "FeatureCollection", features })

describe("UnitsReader", () => {
  it("reads ids, weights and communities from properties (numbers become strings)", () => {
    const { units, issues } = UnitsReader.readUnits(
      collection([
        polygonFeature({ id: 7, households: 12, community: 3 }, square(0, 0)),
        polygonFeature({ id: "b", households: 0, community: "3" }, square(0.001, 0))
      ]),
      options
    )
    expect(issues).toEqual([])
    expect(units.ids).toEqual(["7", "b"])
    expect(Array.from(units.weights)).toEqual([12, 0])
    expect(units.communities).toEqual(["3"])
    expect(units.kind).toBe("polygon")
  })

  it("uses feature ids, weight 1 and one community by default", () => {
    const { units } = UnitsReader.readUnits(
      collection([
        { ...polygonFeature({}), id: "x" },
        { ...polygonFeature({}, square(0.001, 0)), id: 2 }
      ]),
      {}
    )
    expect(units.ids).toEqual(["x", "2"])
    expect(Array.from(units.weights)).toEqual([1, 1])
    expect(units.communities).toEqual(["all"])
  })

  it("gives features without an id their position when asked to, and only then", () => {
    const features = collection([
      polygonFeature({}),
      { ...polygonFeature({}, square(0.001, 0)), id: "named" },
      polygonFeature({}, square(0.002, 0)),
      { ...polygonFeature({}, square(0.003, 0)), id: 2 }
    ])
    const byPosition = UnitsReader.readUnits(features, { positionIds: true })
    // The id member wins where there is one; "2" is taken by then, so the last one is a duplicate.
    expect(byPosition.units.ids).toEqual(["0", "named", "2"])
    expect(byPosition.issues.map((i) => [i.featureIndex, i.code])).toEqual([[3, "duplicate-id"]])
    const strict = UnitsReader.readUnits(features, {})
    expect(strict.units.ids).toEqual(["named", "2"])
    expect(strict.issues.map((i) => [i.featureIndex, i.code])).toEqual([
      [0, "missing-id"],
      [2, "missing-id"]
    ])
    const property = UnitsReader.readUnits(features, { idProperty: "id", positionIds: true })
    expect(property.units.ids).toEqual([])
  })

  it("reports every bad unit by index and id, with the rule, and keeps the good ones", () => {
    const { units, issues } = UnitsReader.readUnits(
      collection([
        polygonFeature({ id: "ok", households: 5, community: "A" }, square(0, 0)),
        { type: "Feature", properties: {}, geometry: { type: "LineString", coordinates: [] } },
        polygonFeature({ households: 5, community: "A" }),
        polygonFeature({ id: "ok", households: 5, community: "A" }, square(0.002, 0)),
        polygonFeature({ id: "no-weight", community: "A" }),
        polygonFeature({ id: "negative", households: -1, community: "A" }),
        polygonFeature({ id: "text", households: "12", community: "A" }),
        polygonFeature({ id: "no-community", households: 1 }),
        { type: "Feature", properties: { id: "null", households: 1, community: "A" }, geometry: null },
        polygonFeature({ id: "flat", households: 1, community: "A" }, [
          [0, 0],
          [0.001, 0.001],
          [0.002, 0.002],
          [0, 0]
        ]),
        polygonFeature({ id: "short", households: 1, community: "A" }, [
          [0, 0],
          [0, 0],
          [1, 1],
          [0, 0]
        ])
      ]),
      options
    )
    expect(units.ids).toEqual(["ok"])
    expect(issues.map((i) => [i.featureIndex, i.code, i.severity, i.unitId])).toEqual([
      [1, "invalid-feature", "error", undefined],
      [2, "missing-id", "error", undefined],
      [3, "duplicate-id", "error", "ok"],
      [4, "missing-weight", "error", "no-weight"],
      [5, "invalid-weight", "error", "negative"],
      [6, "invalid-weight", "error", "text"],
      [7, "missing-community", "error", "no-community"],
      [8, "null-geometry", "error", "null"],
      [9, "zero-area", "error", "flat"],
      [10, "ring-too-short", "error", "short"]
    ])
    expect(issues[5]!.message).toBe(
      'unit "text": property "households" (weight) must be a finite number ≥ 0, got the string "12"'
    )
    expect(issues[1]!.message).toContain('property "id"')
  })

  it("closes open rings and keeps self-intersecting units, with warnings", () => {
    const open = square(0, 0).slice(0, 4)
    const bowtie: Array<[number, number]> = [
      [0.01, 0],
      [0.011, 0.001],
      [0.011, 0],
      [0.01, 0.001],
      [0.01, 0]
    ]
    const { units, issues } = UnitsReader.readUnits(
      collection([
        polygonFeature({ id: "open", households: 1, community: "A" }, open),
        polygonFeature({ id: "bowtie", households: 1, community: "A" }, bowtie)
      ]),
      options
    )
    expect(units.ids).toEqual(["open", "bowtie"])
    expect(issues.map((i) => [i.unitId, i.code, i.severity])).toEqual([
      ["open", "ring-not-closed", "warning"],
      ["bowtie", "self-intersection", "warning"]
    ])
  })

  it("assigns polygons to community polygons by position and rejects those outside every one", () => {
    const communities = collection([
      {
        type: "Feature",
        properties: { name: "West" },
        geometry: { type: "Polygon", coordinates: [square(0, 0, 0.01)] }
      },
      {
        type: "Feature",
        properties: { name: "East" },
        geometry: { type: "Polygon", coordinates: [square(0.01, 0, 0.01)] }
      }
    ])
    const { units, issues } = UnitsReader.readUnits(
      collection([
        polygonFeature({ id: "w", households: 1 }, square(0.002, 0.002)),
        polygonFeature({ id: "e", households: 1 }, square(0.015, 0.002)),
        polygonFeature({ id: "far", households: 1 }, square(0.5, 0.5))
      ]),
      { idProperty: "id", weightProperty: "households", communities, communityIdProperty: "name" }
    )
    expect(units.ids).toEqual(["w", "e"])
    expect(units.communities).toEqual(["West", "East"])
    expect(issues.map((i) => [i.unitId, i.code])).toEqual([["far", "outside-community"]])
  })

  it("stops only when the document or the options are unusable", () => {
    expect(() => UnitsReader.readUnits({ type: "Feature" }, options)).toThrow(/not a GeoJSON FeatureCollection/)
    expect(() => UnitsReader.readUnits(collection([]), { snapTolerance: -1 })).toThrow(UnitsReader.UnitsInputError)
    expect(() =>
      UnitsReader.readUnits(
        collection([{ type: "Feature", properties: { id: "p" }, geometry: { type: "Point", coordinates: [0, 0] } }]),
        { idProperty: "id" }
      )
    ).toThrow(/point units need community polygons/)
  })

  it.effect("reads a file through the FileSystem service and names the file in errors", () =>
    Effect.gen(function* () {
      const dir = mkdtempSync(join(tmpdir(), "gridwork-units-"))
      const good = join(dir, "units.geojson")
      writeFileSync(good, JSON.stringify(SyntheticUnits.lattice({ columns: 2, rows: 2 })))
      const bad = join(dir, "bad.geojson")
      writeFileSync(bad, "{ not json")
      const read = yield* UnitsReader.readUnitsFile(good, options)
      expect(read.units.size).toBe(4)
      const error = yield* Effect.flip(UnitsReader.readUnitsFile(bad, options))
      expect(error._tag).toBe("UnitsInputError")
      expect(error.file).toBe(bad)
      expect(error.message).toContain("is not valid JSON")
      const missing = yield* Effect.flip(UnitsReader.readUnitsFile(join(dir, "missing.geojson"), options))
      expect(missing.message).toContain("cannot read")
    }).pipe(Effect.provide(NodeFileSystem.layer))
  )
})
