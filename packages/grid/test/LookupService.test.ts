import { describe, expect, it } from "@effect/vitest"
import { GeoPoint, Ids, Instant, Jurisdiction, JurisdictionTree } from "@gridwork/core"
import { Effect, Option, Result } from "effect"
import { TestClock } from "effect/testing"
import { LookupIndex, LookupService, Overlay, OverlayIndex, PointInPolygon, Roster } from "../src"
import { overlayFeature, rect } from "./LookupFixtures"

const index = LookupIndex.build(PointInPolygon.compile([rect(0, 0, 1, 1), rect(1, 0, 2, 1), rect(2, 0, 3, 1)]), {
  ids: ["G-1", "G-2", "G-3"],
  communities: ["qiaotou", "qiaotou", null]
})

const tree = Result.getOrThrow(
  JurisdictionTree.make({
    tiers: ["village", "township", "county"],
    jurisdictions: [
      new Jurisdiction.Jurisdiction({
        code: Ids.JurisdictionCode.make("lanxi"),
        name: "Lanxi",
        level: Jurisdiction.TierName.make("county")
      }),
      new Jurisdiction.Jurisdiction({
        code: Ids.JurisdictionCode.make("lanxi.dongshan"),
        name: "Dongshan",
        level: Jurisdiction.TierName.make("township"),
        parent: Ids.JurisdictionCode.make("lanxi")
      }),
      new Jurisdiction.Jurisdiction({
        code: Ids.JurisdictionCode.make("lanxi.dongshan.qiaotou"),
        name: "Qiaotou",
        level: Jurisdiction.TierName.make("village"),
        parent: Ids.JurisdictionCode.make("lanxi.dongshan")
      })
    ]
  })
)

const roster = Result.getOrThrow(
  Roster.fromJson({
    entries: [
      { grid_id: "G-1", person_id: "p-1", role: "leader" },
      { grid_id: "G-1", person_id: "p-7", role: "police-liaison" },
      { grid_id: "G-2", person_id: "p-7", role: "police-liaison" }
    ],
    contacts: [{ grid_id: "G-1", kind: "supervision", phone: "12345" }]
  })
)

const overlays = OverlayIndex.build(
  Result.getOrThrow(
    Overlay.decodeFile({
      type: "FeatureCollection",
      features: [
        overlayFeature(
          {
            overlay_id: "kp-1",
            kind: "key-project",
            name: "Bridge works",
            valid_from: "2026-01-01T00:00:00Z",
            valid_until: "2026-07-01T00:00:00Z"
          },
          rect(0.2, 0.2, 0.8, 0.8)
        )
      ]
    })
  ).overlays
)

const layer = LookupService.LookupService.layer({
  index,
  roster,
  overlays,
  jurisdictions: LookupService.resolverFromTree(tree, (community) =>
    community === "qiaotou" ? Ids.JurisdictionCode.make("lanxi.dongshan.qiaotou") : undefined
  )
})

describe("LookupService", () => {
  it.effect("resolves point → grid → community → jurisdiction chain → staff, contacts and active overlays", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Instant.unsafeFromIso("2026-03-01T00:00:00Z"))
      const lookup = yield* LookupService.LookupService
      const found = yield* lookup.locate(new GeoPoint.GeoPoint({ lon: 0.5, lat: 0.5 }))
      expect(Option.getOrThrow(found)).toEqual({
        gridId: "G-1",
        community: "qiaotou",
        jurisdictions: ["lanxi.dongshan.qiaotou", "lanxi.dongshan", "lanxi"],
        staff: [
          { personId: "p-1", role: "leader" },
          { personId: "p-7", role: "police-liaison" }
        ],
        contacts: [{ kind: "supervision", phone: "12345" }],
        overlays: [{ id: "kp-1", kind: "key-project", name: "Bridge works" }]
      })
      // After the overlay's lifespan it is gone.
      yield* TestClock.setTime(Instant.unsafeFromIso("2026-08-01T00:00:00Z"))
      const later = yield* lookup.locate(new GeoPoint.GeoPoint({ lon: 0.5, lat: 0.5 }))
      expect(Option.getOrThrow(later).overlays).toEqual([])
    }).pipe(Effect.provide(layer))
  )

  it.effect("answers on shared edges by the half-open rule, and none outside every grid", () =>
    Effect.gen(function* () {
      const lookup = yield* LookupService.LookupService
      expect(lookup.gridIdAt(1, 0.5)).toBe("G-2")
      expect(lookup.gridIdAt(3, 0.5)).toBeUndefined()
      const g3 = Option.getOrThrow(lookup.locateAt(2.5, 0.5, Instant.unsafeFromIso("2026-03-01T00:00:00Z")))
      expect(g3).toMatchObject({ gridId: "G-3", community: null, jurisdictions: [], staff: [], contacts: [] })
      expect(Option.isNone(lookup.locateAt(9, 9, Instant.unsafeFromIso("2026-03-01T00:00:00Z")))).toBe(true)
    }).pipe(Effect.provide(layer))
  )

  it("resolves chains from a fixed table, and gives an empty chain to unknown communities", () => {
    const resolve = LookupService.resolverFromMap(
      new Map([["qiaotou", [Ids.JurisdictionCode.make("lanxi.dongshan.qiaotou")]]])
    )
    expect(resolve("qiaotou")).toEqual(["lanxi.dongshan.qiaotou"])
    expect(resolve("elsewhere")).toEqual([])
    const fromTree = LookupService.resolverFromTree(tree, () => undefined)
    expect(fromTree("qiaotou")).toEqual([])
  })

  it("works from a decoded index, so a service starts without rebuilding", () => {
    const decoded = Result.getOrThrow(LookupIndex.decode(LookupIndex.encode(index)))
    const service = LookupService.LookupService.make({ index: decoded, roster })
    expect(service.gridIdAt(1.5, 0.5)).toBe("G-2")
    expect(Option.getOrThrow(service.locateAt(1.5, 0.5, Instant.fromMillis(0))).staff).toEqual([
      { personId: "p-7", role: "police-liaison" }
    ])
  })
})
