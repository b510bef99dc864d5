import { describe, expect, it } from "@effect/vitest"
import { Dissolve } from "../src"
import { expectValidRings, readLattice } from "./PartitionFixtures"

const pick = (ids: ReadonlyArray<string>, wanted: ReadonlyArray<string>) => wanted.map((id) => ids.indexOf(id))

describe("Dissolve", () => {
  const units = readLattice({ columns: 3, rows: 3 })

  it("dissolves a block of squares into one rectangle with exact area and perimeter", () => {
    const d = Dissolve.dissolve(units.topology, pick(units.ids, ["r0c0", "r0c1", "r1c0", "r1c1"]))
    expect(d.method).toBe("trace")
    expect(d.coordinates).toHaveLength(1)
    expect(d.coordinates[0]).toHaveLength(1)
    expectValidRings(d.coordinates)
    expect(d.area).toBeCloseTo(40_000, 0)
    expect(d.perimeter).toBeCloseTo(800, 3)
  })

  it("keeps a hole (clockwise) inside its exterior", () => {
    const ring = units.ids.filter((id) => id !== "r1c1")
    const d = Dissolve.dissolve(units.topology, pick(units.ids, ring))
    expect(d.coordinates).toHaveLength(1)
    expect(d.coordinates[0]).toHaveLength(2)
    expectValidRings(d.coordinates)
    expect(d.area).toBeCloseTo(80_000, 0)
    expect(d.perimeter).toBeCloseTo(1600, 3)
  })

  it("splits parts that touch at a corner into separate polygons", () => {
    const d = Dissolve.dissolve(units.topology, pick(units.ids, ["r0c0", "r1c1"]))
    expect(d.coordinates).toHaveLength(2)
    expectValidRings(d.coordinates)
  })

  it("cuts a hole that touches the exterior at one vertex into a ring of its own", () => {
    // 3x3 without the centre and without the top-right corner: the hole touches the
    // outline at the centre square's top-right vertex.
    const keep = units.ids.filter((id) => id !== "r1c1" && id !== "r2c2")
    const d = Dissolve.dissolve(units.topology, pick(units.ids, keep))
    expectValidRings(d.coordinates)
    const rings = d.coordinates.flat()
    for (const ring of rings) {
      const seen = new Set(ring.slice(0, -1).map((p) => `${p[0]},${p[1]}`))
      expect(seen.size).toBe(ring.length - 1) // simple: no vertex visited twice
    }
    expect(d.area).toBeCloseTo(70_000, 0)
  })
})
