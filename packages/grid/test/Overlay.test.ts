import { describe, expect, it } from "@effect/vitest"
import { Instant } from "@gridwork/core"
import { Result } from "effect"
import { Overlay, OverlayContainment, OverlayIndex } from "../src"
import { overlayFeature, rect } from "./LookupFixtures"

const at = (iso: string) => Instant.unsafeFromIso(iso)

const decode = (features: Array<unknown>) =>
  Result.getOrThrow(Overlay.decodeFile({ type: "FeatureCollection", features }))

describe("Overlay file", () => {
  it("decodes overlays, valid_until optional or null", () => {
    const { overlays, problems } = decode([
      overlayFeature({ valid_until: "2026-12-31T00:00:00-05:00" }),
      overlayFeature({ overlay_id: "industry-1", kind: "industry", valid_until: null })
    ])
    expect(problems).toEqual([])
    expect(overlays.map((o) => [o.id, o.kind, o.parentGridIds, Instant.toIso(o.validFrom), o.validUntil])).toEqual([
      ["demo", "demolition", ["G-1"], "2026-03-01T05:00:00.000Z", at("2026-12-31T05:00:00Z")],
      ["industry-1", "industry", ["G-1"], "2026-03-01T05:00:00.000Z", undefined]
    ])
  })

  it("reports bad overlays by path and leaves them out", () => {
    const { overlays, problems } = decode([
      overlayFeature({ kind: "Big Project", parent_grid_ids: [] }),
      overlayFeature({ valid_from: "2026-03-01" }),
      overlayFeature({ valid_until: "2026-01-01T00:00:00Z" }),
      overlayFeature({}),
      overlayFeature({})
    ])
    expect(overlays).toHaveLength(1)
    expect(problems.map((p) => p.path)).toEqual([
      "features[0].properties.kind",
      "features[0].properties.parent_grid_ids",
      "features[1].properties.valid_from",
      "features[2].properties.valid_until",
      "features[4].properties.overlay_id"
    ])
    expect(problems[2]?.message).toMatch(/offset/)
    expect(problems[3]?.message).toBe("valid_until must be after valid_from")
    expect(Result.isFailure(Overlay.decodeFile([]))).toBe(true)
  })

  it("is active from valid_from inclusive to valid_until exclusive", () => {
    const [o] = decode([overlayFeature({ valid_until: "2026-12-31T00:00:00Z" })]).overlays
    expect(Overlay.isActive(o!, at("2026-03-01T04:59:59Z"))).toBe(false)
    expect(Overlay.isActive(o!, at("2026-03-01T05:00:00Z"))).toBe(true)
    expect(Overlay.isActive(o!, at("2026-12-31T00:00:00Z"))).toBe(false)
    expect(Overlay.isExpired(o!, at("2026-12-31T00:00:00Z"))).toBe(true)
    expect(Overlay.isExpired(o!, at("2026-06-01T00:00:00Z"))).toBe(false)
  })
})

describe("OverlayIndex", () => {
  // A demolition overlay split into 6 micro-grids (3 × 2), plus an industry overlay elsewhere.
  const micro = Array.from({ length: 6 }, (_, i) =>
    overlayFeature(
      { overlay_id: `micro-${i + 1}`, kind: "micro", parent_grid_ids: ["demo"], valid_until: "2026-09-01T00:00:00Z" },
      rect((i % 3) * 0.001, Math.floor(i / 3) * 0.001, (i % 3) * 0.001 + 0.001, Math.floor(i / 3) * 0.001 + 0.001)
    )
  )
  const { overlays } = decode([
    overlayFeature({ valid_until: "2026-12-31T00:00:00Z" }, rect(0, 0, 0.003, 0.002)),
    ...micro,
    overlayFeature({ overlay_id: "industry", kind: "industry" }, rect(1, 1, 2, 2))
  ])
  const index = OverlayIndex.build(overlays)

  it("returns every overlay containing the point, nested ones included", () => {
    expect(OverlayIndex.containing(index, 0.0015, 0.0005).map((o) => o.id)).toEqual(["demo", "micro-2"])
    expect(OverlayIndex.containing(index, 1.5, 1.5).map((o) => o.id)).toEqual(["industry"])
    expect(OverlayIndex.containing(index, 5, 5)).toEqual([])
    expect(OverlayIndex.containing(index, Number.NaN, 0)).toEqual([])
  })

  it("keeps only the overlays active at the instant", () => {
    expect(OverlayIndex.activeAt(index, 0.0015, 0.0005, at("2026-06-01T00:00:00Z")).map((o) => o.id)).toEqual([
      "demo",
      "micro-2"
    ])
    expect(OverlayIndex.activeAt(index, 0.0015, 0.0005, at("2026-10-01T00:00:00Z")).map((o) => o.id)).toEqual(["demo"])
    expect(OverlayIndex.activeAt(index, 0.0015, 0.0005, at("2026-01-01T00:00:00Z"))).toEqual([])
  })

  it("handles an empty set", () => {
    expect(OverlayIndex.containing(OverlayIndex.build([]), 0, 0)).toEqual([])
  })
})

describe("OverlayContainment", () => {
  it("measures areas in square metres on an equal-area projection", () => {
    // 0.01° × 0.01° at the equator is about 1113 m × 1106 m.
    const area = OverlayContainment.area(rect(0, 0, 0.01, 0.01))
    expect(area).toBeGreaterThan(1.22e6)
    expect(area).toBeLessThan(1.24e6)
    const donut = {
      type: "Polygon" as const,
      coordinates: [...rect(0, 0, 0.01, 0.01).coordinates, ...rect(0.0025, 0.0025, 0.0075, 0.0075).coordinates]
    }
    expect(OverlayContainment.area(donut) / area).toBeCloseTo(0.75, 6)
  })

  it("finds an overlay inside the union of its parents, within tolerance", () => {
    const parents = [rect(0, 0, 1, 1), rect(1, 0, 2, 1)]
    const inside = OverlayContainment.measure(rect(0.5, 0.2, 1.5, 0.8), parents)
    expect(inside.insideFraction).toBeCloseTo(1, 9)
    expect(OverlayContainment.isContained(inside)).toBe(true)
    const sticking = OverlayContainment.measure(rect(1.5, 0.5, 2.5, 0.9), parents)
    expect(sticking.insideFraction).toBeCloseTo(0.5, 2)
    expect(OverlayContainment.isContained(sticking)).toBe(false)
    expect(OverlayContainment.isContained(sticking, 0.6)).toBe(true)
    const slightly = OverlayContainment.measure(rect(1.5, 0.5, 2.005, 0.9), parents)
    expect(OverlayContainment.isContained(slightly, 0.01)).toBe(true)
    expect(OverlayContainment.measure(rect(0, 0, 1, 1), []).insideFraction).toBe(0)
  })
})
