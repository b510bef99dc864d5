/**
 * Spatial index of overlay grids: which overlays contain a point and are active at an
 * instant. Overlays may nest and overlap (a demolition grid and its micro-grids), so a
 * point gets every containing overlay, not only one. Containment follows the same
 * half-open rule as base grids ({@link PointInPolygon}).
 *
 * @example
 * ```ts
 * import { Instant } from "@gridwork/core"
 * import { OverlayIndex } from "@gridwork/grid"
 *
 * const index = OverlayIndex.build(overlays)
 * OverlayIndex.activeAt(index, -71.41, 41.82, Instant.unsafeFromIso("2026-05-01T00:00:00Z"))
 * ```
 * @module
 */
import type { Instant } from "@gridwork/core"
import Flatbush from "flatbush"
import * as PointInPolygon from "../lookup/PointInPolygon"
import { isActive, type Overlay } from "./Overlay"

/** A built overlay index. */
export interface OverlayIndex {
  readonly overlays: ReadonlyArray<Overlay>
  readonly table: PointInPolygon.EdgeTable
  readonly tree: Flatbush | undefined
}

/** Builds the index (overlays keep their order). */
export const build = (overlays: ReadonlyArray<Overlay>): OverlayIndex => {
  const table = PointInPolygon.compile(overlays.map((o) => o.geometry))
  if (overlays.length === 0) return { overlays, table, tree: undefined }
  const tree = new Flatbush(overlays.length)
  for (let k = 0; k < overlays.length; k++) {
    const o = 4 * k
    const minX = table.bbox[o]!
    // An overlay without edges gets an empty box that no query reaches.
    if (Number.isNaN(minX)) tree.add(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY)
    else tree.add(minX, table.bbox[o + 1]!, table.bbox[o + 2]!, table.bbox[o + 3]!)
  }
  tree.finish()
  return { overlays, table, tree }
}

/** Every overlay containing `(lon, lat)` (any lifespan), in file order. */
export const containing = (index: OverlayIndex, lon: number, lat: number): ReadonlyArray<Overlay> => {
  if (index.tree === undefined || !Number.isFinite(lon) || !Number.isFinite(lat)) return []
  return index.tree
    .search(lon, lat, lon, lat)
    .sort((a, b) => a - b)
    .filter((k) => PointInPolygon.contains(index.table, k, lon, lat))
    .map((k) => index.overlays[k]!)
}

/** The overlays containing `(lon, lat)` that are active at `at`. */
export const activeAt = (index: OverlayIndex, lon: number, lat: number, at: Instant.Instant): ReadonlyArray<Overlay> =>
  containing(index, lon, lat).filter((overlay) => isActive(overlay, at))
