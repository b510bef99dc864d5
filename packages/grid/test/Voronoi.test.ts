import { describe, expect, it } from "@effect/vitest"
import { Dissolve, Ring, Topology, UnitsReader, Voronoi } from "../src"
import { squareRing as square } from "./LookupFixtures"

const point = (id: string, lon: number, lat: number, extra: Record<string, unknown> = {}) => ({
  type: "Feature",
  properties: { id, ...extra },
  geometry: { type: "Point", coordinates: [lon, lat] }
})
// Two communities side by side; West is L-shaped (concave).
const communities = {
  type: "FeatureCollection",
  features: [
    {
      type: "Feature",
      properties: { name: "West" },
      geometry: {
        type: "Polygon",
        coordinates: [
          [
            [0, 0],
            [0.01, 0],
            [0.01, 0.02],
            [0.005, 0.02],
            [0.005, 0.01],
            [0, 0.01],
            [0, 0]
          ]
        ]
      }
    },
    {
      type: "Feature",
      properties: { name: "East" },
      geometry: { type: "Polygon", coordinates: [square(0.01, 0, 0.01)] }
    }
  ]
}

describe("Voronoi units", () => {
  const points = {
    type: "FeatureCollection",
    features: [
      point("h1", 0.002, 0.002),
      point("h2", 0.008, 0.004),
      point("h3", 0.007, 0.015),
      point("h4", 0.002, 0.008),
      point("h5", 0.015, 0.005),
      point("h6", 0.015, 0.005), // same building as h5
      point("h7", 0.012, 0.009),
      point("out", 0.5, 0.5)
    ]
  }

  it("turns households into cells clipped to their community, tiling it exactly", () => {
    const { units, issues } = UnitsReader.readUnits(points, {
      idProperty: "id",
      communities,
      communityIdProperty: "name"
    })
    expect(units.kind).toBe("point")
    expect(issues.map((i) => [i.unitId, i.code])).toEqual([["out", "outside-community"]])
    expect(units.communities).toEqual(["West", "East"])
    // h5 and h6 share a position: one unit, two members, weight 2.
    const h5 = units.ids.indexOf("h5")
    expect(units.members?.[h5]).toEqual(["h5", "h6"])
    expect(units.weights[h5]).toBe(2)
    // Cells of a community add up to its area, and each cell contains its point.
    const t = units.topology
    const west = units.ids.map((_, u) => u).filter((u) => units.communities[units.community[u]!] === "West")
    const westArea = west.reduce((sum, u) => sum + t.area[u]!, 0)
    const dissolved = Dissolve.dissolve(t, west)
    expect(dissolved.coordinates).toHaveLength(1)
    expect(westArea).toBeCloseTo(dissolved.area, 0)
    const eastArea = units.ids
      .map((_, u) => u)
      .filter((u) => units.communities[units.community[u]!] === "East")
      .reduce((sum, u) => sum + t.area[u]!, 0)
    // West (L-shape) is 1.5 × East.
    expect(westArea / eastArea).toBeCloseTo(1.5, 3)
    // Cells of neighbouring households are rook-adjacent; across communities too.
    expect(Topology.edgeCount(t)).toBeGreaterThanOrEqual(units.size - 1)
  })

  it("rejects a point whose community property disagrees with its position, or names no polygon", () => {
    const { issues } = UnitsReader.readUnits(
      {
        type: "FeatureCollection",
        features: [
          point("a", 0.002, 0.002, { ward: "West" }),
          point("b", 0.015, 0.005, { ward: "West" }),
          point("c", 0.015, 0.005, { ward: "North" })
        ]
      },
      { idProperty: "id", communityProperty: "ward", communities, communityIdProperty: "name" }
    )
    expect(issues.map((i) => [i.unitId, i.code])).toEqual([
      ["b", "outside-community"],
      ["c", "unknown-community"]
    ])
  })

  it("clips cells to a concave community and keeps every cell inside it", () => {
    const project = (lon: number, lat: number) => {
      const out = new Float64Array(2)
      // Any fixed projection works for this planar test.
      out[0] = lon * 1e5
      out[1] = lat * 1e5
      return out
    }
    const shapeRing = Float64Array.from(
      communities.features[0]!.geometry.coordinates[0]!.slice(0, -1).flatMap(([lon, lat]) =>
        Array.from(project(lon!, lat!))
      )
    )
    const shape: Voronoi.Shape = { polygons: [[shapeRing]] }
    const xs = Float64Array.from([200, 800, 700, 200])
    const ys = Float64Array.from([200, 400, 1500, 800])
    const cells = Voronoi.clippedCells(xs, ys, shape)
    const total = cells
      .flat()
      .reduce(
        (sum, polygon) =>
          sum + polygon.reduce((s, ring, k) => s + (k === 0 ? 1 : -1) * Math.abs(Ring.signedArea(ring)), 0),
        0
      )
    expect(total).toBeCloseTo(Math.abs(Ring.signedArea(shapeRing)), 3)
    cells.forEach((cell, i) => {
      expect(cell.length).toBeGreaterThan(0)
      expect(cell.some((polygon) => Ring.containsPoint(polygon[0]!, xs[i]!, ys[i]!))).toBe(true)
    })
  })
})
