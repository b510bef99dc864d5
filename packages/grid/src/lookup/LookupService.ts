/**
 * The lookup chain as a service: point → grid → community → jurisdiction chain →
 * responsible staff and public contacts, plus the overlay grids active at that instant.
 *
 * The jurisdiction chain comes from a {@link JurisdictionResolver}: a plain function from a
 * community to its jurisdiction codes, lowest first (village, township, county). Use
 * {@link resolverFromTree} to derive it from `@gridwork/core`'s `JurisdictionTree` (or any
 * object with `ancestors(code)`), or {@link resolverFromMap} for a fixed table.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { GeoPoint } from "@gridwork/core"
 * import { LookupIndex, LookupService, PointInPolygon } from "@gridwork/grid"
 *
 * const square = { type: "Polygon", coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]] } as const
 * const index = LookupIndex.build(PointInPolygon.compile([square]), { ids: ["G-1"], communities: ["qiaotou"] })
 * const program = Effect.gen(function* () {
 *   const lookup = yield* LookupService.LookupService
 *   return yield* lookup.locate(new GeoPoint.GeoPoint({ lon: 0.5, lat: 0.5 }))
 * }).pipe(Effect.provide(LookupService.LookupService.layer({ index })))
 * ```
 * @module
 */
import type { GeoPoint, Ids } from "@gridwork/core"
import { Instant } from "@gridwork/core"
import { Context, Effect, Layer, Option } from "effect"
import * as OverlayIndex from "../overlay/OverlayIndex"
import type { ContactKind, Roster } from "../staffing/Roster"
import * as LookupIndex from "./LookupIndex"

/** Jurisdiction codes of a community, lowest first (e.g. village, township, county). */
export type JurisdictionResolver = (community: string) => ReadonlyArray<Ids.JurisdictionCode>

/** Anything with the `ancestors` method of `@gridwork/core`'s `JurisdictionTree`. */
export interface AncestorTree {
  readonly ancestors: (code: string) => ReadonlyArray<{ readonly code: Ids.JurisdictionCode }>
}

/**
 * A resolver from a jurisdiction tree: `codeOf` maps a community (as written in the grids
 * file) to its node code; the chain is that node then its ancestors. Unknown communities
 * get an empty chain.
 */
export const resolverFromTree =
  (tree: AncestorTree, codeOf: (community: string) => Ids.JurisdictionCode | undefined): JurisdictionResolver =>
  (community) => {
    const code = codeOf(community)
    return code === undefined ? [] : [code, ...tree.ancestors(code).map((node) => node.code)]
  }

/** A resolver from a fixed table `community → chain`. */
export const resolverFromMap =
  (table: ReadonlyMap<string, ReadonlyArray<Ids.JurisdictionCode>>): JurisdictionResolver =>
  (community) =>
    table.get(community) ?? []

/** A person serving the grid. */
export interface StaffMember {
  readonly personId: string
  readonly role: string
}

/** A public contact line of the grid. */
export interface Contact {
  readonly kind: ContactKind
  readonly phone: string
}

/** An overlay active at the point. */
export interface ActiveOverlay {
  readonly id: string
  readonly kind: string
  readonly name: string
}

/** Everything the chain knows about a point. */
export interface Located {
  readonly gridId: string
  readonly community: string | null
  /** Jurisdiction chain of the community, lowest first; empty without a resolver. */
  readonly jurisdictions: ReadonlyArray<Ids.JurisdictionCode>
  /** Roster rows of the grid, in roster order. */
  readonly staff: ReadonlyArray<StaffMember>
  /** Public contact lines of the grid. */
  readonly contacts: ReadonlyArray<Contact>
  /** Overlays containing the point and active at the instant asked about. */
  readonly overlays: ReadonlyArray<ActiveOverlay>
}

/** What the service is built from. */
export interface LookupConfig {
  readonly index: LookupIndex.LookupIndex
  readonly roster?: Roster | undefined
  readonly overlays?: OverlayIndex.OverlayIndex | undefined
  readonly jurisdictions?: JurisdictionResolver | undefined
}

/** The lookup service. */
export class LookupService extends Context.Service<
  LookupService,
  {
    /** The chain for a point, overlays taken at the current `Clock` instant. */
    readonly locate: (point: GeoPoint.GeoPoint) => Effect.Effect<Option.Option<Located>>
    /** The chain for a point, overlays taken at `at` (pure). */
    readonly locateAt: (lon: number, lat: number, at: Instant.Instant) => Option.Option<Located>
    /** Only the grid id (hot path: no allocation), or `undefined` outside every grid. */
    readonly gridIdAt: (lon: number, lat: number) => string | undefined
  }
>()("@gridwork/grid/lookup/LookupService") {
  /** Builds the service from an index, a roster, overlays and a jurisdiction resolver. */
  static make(config: LookupConfig): LookupService["Service"] {
    const { index } = config
    const staffByGrid = new Map<string, Array<StaffMember>>()
    const contactsByGrid = new Map<string, Array<Contact>>()
    for (const entry of config.roster?.entries ?? []) {
      const list = staffByGrid.get(entry.gridId) ?? []
      list.push({ personId: entry.personId, role: entry.role })
      staffByGrid.set(entry.gridId, list)
    }
    for (const contact of config.roster?.contacts ?? []) {
      const list = contactsByGrid.get(contact.gridId) ?? []
      list.push({ kind: contact.kind, phone: contact.phone })
      contactsByGrid.set(contact.gridId, list)
    }
    const chains = new Map<string, ReadonlyArray<Ids.JurisdictionCode>>()
    const chainOf = (community: string | null): ReadonlyArray<Ids.JurisdictionCode> => {
      if (community === null || config.jurisdictions === undefined) return []
      let chain = chains.get(community)
      if (chain === undefined) {
        chain = config.jurisdictions(community)
        chains.set(community, chain)
      }
      return chain
    }
    const locateAt = (lon: number, lat: number, at: Instant.Instant): Option.Option<Located> => {
      const k = LookupIndex.locate(index, lon, lat)
      if (k < 0) return Option.none()
      const gridId = index.ids[k]!
      const community = index.communities[k] ?? null
      const overlays =
        config.overlays === undefined
          ? []
          : OverlayIndex.activeAt(config.overlays, lon, lat, at).map((o) => ({ id: o.id, kind: o.kind, name: o.name }))
      return Option.some({
        gridId,
        community,
        jurisdictions: chainOf(community),
        staff: staffByGrid.get(gridId) ?? [],
        contacts: contactsByGrid.get(gridId) ?? [],
        overlays
      })
    }
    return LookupService.of({
      locate: (point) => Effect.map(Instant.now, (at) => locateAt(point.lon, point.lat, at)),
      locateAt,
      gridIdAt: (lon, lat) => LookupIndex.locateId(index, lon, lat)
    })
  }

  /** A layer providing the service built by {@link LookupService.make}. */
  static layer(config: LookupConfig): Layer.Layer<LookupService> {
    return Layer.sync(LookupService, () => LookupService.make(config))
  }
}
