import { describe, expect, it } from "@effect/vitest"
import { Dissolve, Topology, UnitsReader } from "../src"
import { latticeOptions as options, readLattice } from "./PartitionFixtures"
import { providenceFile, providenceOptions, readData } from "./RealData"

/** Square feature from projected metres around a fixed centre (so tests state geometry in metres). */
const squareFeature = (
  id: string,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  extra: Array<[number, number]> = []
) => {
  const toLonLat = (x: number, y: number): [number, number] => [-71.4 + x / 83_000, 41.8 + y / 111_000]
  const ring = [
    toLonLat(x0, y0),
    ...extra.map(([x, y]) => toLonLat(x, y)),
    toLonLat(x1, y0),
    toLonLat(x1, y1),
    toLonLat(x0, y1)
  ]
  return {
    type: "Feature",
    properties: { id, households: 1, community: "A" },
    geometry: { type: "Polygon", coordinates: [[...ring, ring[0]]] }
  }
}

describe("Topology", () => {
  it("finds rook adjacency and shared lengths on a lattice (no corner-only neighbours)", () => {
    const units = readLattice({ columns: 3, rows: 3 })
    const t = units.topology
    expect(Topology.edgeCount(t)).toBe(12)
    const centre = units.ids.indexOf("r1c1")
    const corner = units.ids.indexOf("r0c0")
    expect(t.adjStart[centre + 1]! - t.adjStart[centre]!).toBe(4)
    expect(Topology.sharedLength(t, centre, units.ids.indexOf("r0c1"))).toBeCloseTo(100, 3)
    expect(Topology.sharedLength(t, centre, corner)).toBe(0)
    expect(t.area[centre]).toBeCloseTo(10_000, 1)
    expect(t.perimeter[centre]).toBeCloseTo(400, 3)
  })

  it("snaps positions that differ by float noise", () => {
    const a = squareFeature("a", 0, 0, 10, 10)
    const b = squareFeature("b", 10, 0, 20, 10)
    // Nudge b's corners by ~1e-12 degrees (far below the 1 cm snap).
    const ring = (b.geometry.coordinates[0] as Array<[number, number]>).map(([x, y]) => [x + 1e-12, y - 1e-12])
    const nudged = { ...b, geometry: { type: "Polygon", coordinates: [ring] } }
    const { units } = UnitsReader.readUnits({ type: "FeatureCollection", features: [a, nudged] }, options)
    expect(Topology.edgeCount(units.topology)).toBe(1)
    expect(Topology.sharedLength(units.topology, 0, 1)).toBeGreaterThan(9)
  })

  it("nodes T-junctions: a long edge facing two shorter ones", () => {
    const big = squareFeature("big", 0, 0, 20, 20)
    const top1 = squareFeature("t1", 0, 20, 10, 30)
    const top2 = squareFeature("t2", 10, 20, 20, 30)
    // No near-segment fallback: only noding can match these edges.
    const { units } = UnitsReader.readUnits(
      { type: "FeatureCollection", features: [big, top1, top2] },
      { ...options, nearTolerance: 0 }
    )
    const t = units.topology
    // (the fixture's metres are approximate: ~10 m edges)
    expect(Math.abs(Topology.sharedLength(t, 0, 1) - 10)).toBeLessThan(0.1)
    expect(Math.abs(Topology.sharedLength(t, 0, 2) - 10)).toBeLessThan(0.1)
    expect(Math.abs(Topology.sharedLength(t, 1, 2) - 10)).toBeLessThan(0.1)
    // The union is one clean rectangle: the noded edges cancel exactly.
    const union = Dissolve.dissolve(t, [0, 1, 2])
    expect(union.method).toBe("trace")
    expect(union.coordinates).toHaveLength(1)
    expect(union.coordinates[0]).toHaveLength(1)
    const shared = Topology.sharedLength(t, 0, 1) + Topology.sharedLength(t, 0, 2) + Topology.sharedLength(t, 1, 2)
    const expected = t.perimeter[0]! + t.perimeter[1]! + t.perimeter[2]! - 2 * shared
    expect(union.perimeter).toBeCloseTo(expected, 6)
    expect(Math.abs(union.perimeter - 100)).toBeLessThan(1)
  })

  it("joins units across a sliver narrower than the near tolerance, not across a street", () => {
    const a = squareFeature("a", 0, 0, 10, 10)
    const sliver = squareFeature("b", 10.2, 0, 20, 10)
    const street = squareFeature("c", 30, 0, 40, 10)
    const { units } = UnitsReader.readUnits({ type: "FeatureCollection", features: [a, sliver, street] }, options)
    expect(Topology.sharedLength(units.topology, 0, 1)).toBeGreaterThan(9)
    expect(Topology.sharedLength(units.topology, 1, 2)).toBe(0)
    const strict = UnitsReader.readUnits(
      { type: "FeatureCollection", features: [a, sliver] },
      { ...options, nearTolerance: 0 }
    )
    expect(Topology.edgeCount(strict.units.topology)).toBe(0)
  })

  it("builds Providence's 7,438 rook edges as one connected component", () => {
    const { units, issues } = UnitsReader.readUnits(readData(providenceFile), providenceOptions)
    expect(issues).toEqual([])
    expect(units.size).toBe(3014)
    expect(Topology.edgeCount(units.topology)).toBe(7438)
    const t = units.topology
    const seen = new Uint8Array(units.size)
    const stack = [0]
    seen[0] = 1
    let reached = 1
    while (stack.length > 0) {
      const u = stack.pop()!
      for (let i = t.adjStart[u]!; i < t.adjStart[u + 1]!; i++) {
        const v = t.adjIndex[i]!
        if (seen[v] === 0) {
          seen[v] = 1
          reached++
          stack.push(v)
        }
      }
    }
    expect(reached).toBe(units.size)
  })
})
