import { describe, expect, it } from "@effect/vitest"
import { Projection } from "../src"

describe("Projection (Lambert azimuthal equal-area)", () => {
  const p = Projection.make(-71.4, 41.8)

  it("maps the centre to the origin and round-trips", () => {
    const out = new Float64Array(2)
    p.forwardInto(-71.4, 41.8, out, 0)
    expect(Math.abs(out[0]!)).toBeLessThan(1e-9)
    expect(Math.abs(out[1]!)).toBeLessThan(1e-9)
    p.forwardInto(-71.2, 41.95, out, 0)
    const [lon, lat] = p.inverse(out[0]!, out[1]!)
    expect(lon).toBeCloseTo(-71.2, 10)
    expect(lat).toBeCloseTo(41.95, 10)
    expect(out[0]).toBeGreaterThan(0) // east is +x
    expect(out[1]).toBeGreaterThan(0) // north is +y
  })

  it("preserves area: a 1° cell has the spherical area R²·Δλ·(sin φ2 − sin φ1)", () => {
    const corners: Array<[number, number]> = []
    // Densify the edges so the planar polygon follows the projected meridians/parallels.
    for (let i = 0; i <= 100; i++) corners.push([-72 + i / 100, 41])
    for (let i = 0; i <= 100; i++) corners.push([-71, 41 + i / 100])
    for (let i = 0; i <= 100; i++) corners.push([-71 - i / 100, 42])
    for (let i = 0; i <= 100; i++) corners.push([-72, 42 - i / 100])
    const xy = new Float64Array(2 * corners.length)
    corners.forEach(([lon, lat], i) => {
      p.forwardInto(lon, lat, xy, 2 * i)
    })
    let area = 0
    for (let i = 0, j = corners.length - 1; i < corners.length; j = i++) {
      area += xy[2 * j]! * xy[2 * i + 1]! - xy[2 * i]! * xy[2 * j + 1]!
    }
    area /= 2
    const R = Projection.AUTHALIC_RADIUS
    const exact = R * R * (Math.PI / 180) * (Math.sin((42 * Math.PI) / 180) - Math.sin((41 * Math.PI) / 180))
    expect(Math.abs(area - exact) / exact).toBeLessThan(1e-4)
  })
})
